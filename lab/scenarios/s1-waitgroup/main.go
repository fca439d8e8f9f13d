// The article's scenario 1 with a WaitGroup, so both goroutines surely run: the reader looks
// up the inner map through the outer one and reads it, the writer assigns into the same
// inner map. No lock anywhere.
//
// lab: expected=racy rule=MR002 race_expected=true
// lab: title="S1 outer read + inner write, with a WaitGroup"
package main

import (
	"fmt"
	"sync"
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
	go func() {
		defer wg.Done()
		m["users"][123] = "alice"
	}()
	wg.Wait()
}
