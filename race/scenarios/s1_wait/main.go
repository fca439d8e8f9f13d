// expect: racy MR002 (outer read + inner write, goroutines joined with a WaitGroup)
package main

import (
	"fmt"
	"sync"
)

func main() {
	m := map[string]map[int]string{"users": {}}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		inner := m["users"]
		fmt.Println(inner[123])
	}()
	go func() {
		defer wg.Done()
		m["users"][123] = "alice"
	}()
	wg.Wait()
}
