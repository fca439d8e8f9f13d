// expect: racy MR001 (a map race ordered only by an unrelated logger mutex; one side 1 ms later)
package main

import (
	"sync"
	"time"
)

var logMu sync.Mutex
var lines []string

func logf(s string) {
	logMu.Lock()
	lines = append(lines, s)
	logMu.Unlock()
}

func main() {
	m := map[string]int{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		m["a"] = 1
		logf("wrote")
	}()
	go func() {
		defer wg.Done()
		time.Sleep(time.Millisecond)
		logf("reading")
		_ = m["a"]
	}()
	wg.Wait()
}
