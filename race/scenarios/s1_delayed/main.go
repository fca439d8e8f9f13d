// expect: racy MR002 (second goroutine starts 20 ms after the first ended: no overlap in time, no ordering)
package main

import (
	"fmt"
	"time"
)

func main() {
	m := map[string]map[int]string{"users": {}}
	go func() {
		inner := m["users"]
		fmt.Println(len(inner), inner[123])
	}()
	time.Sleep(20 * time.Millisecond)
	go func() {
		m["users"][123] = "alice"
	}()
	time.Sleep(20 * time.Millisecond)
}
