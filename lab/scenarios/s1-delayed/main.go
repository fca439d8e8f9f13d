// The article's scenario 1 where the two goroutines never overlap in time: the writer starts
// 20 ms after the reader has finished. Nothing orders them (a sleep is not synchronisation),
// and the detector is happens-before based, so it still reports the race.
//
// lab: expected=racy rule=MR002 race_expected=true
// lab: title="S1 second goroutine started 20 ms after the first ends"
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	m := make(map[string]map[int]string)
	m["users"] = make(map[int]string)

	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		inner := m["users"]
		fmt.Println("read:", inner[123])
	}()

	time.Sleep(20 * time.Millisecond)

	go func() {
		defer wg.Done()
		m["users"][123] = "alice"
	}()
	wg.Wait()
}
