// expect: safe (copy-on-write: writers copy the map and publish it with atomic.Pointer)
package main

import (
	"sync"
	"sync/atomic"
)

var cur atomic.Pointer[map[string]int]
var writeMu sync.Mutex

func set(k string, v int) {
	writeMu.Lock()
	defer writeMu.Unlock()
	old := *cur.Load()
	next := make(map[string]int, len(old)+1)
	for k2, v2 := range old {
		next[k2] = v2
	}
	next[k] = v
	cur.Store(&next)
}

func main() {
	m := map[string]int{}
	cur.Store(&m)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			set("k", i)
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			_ = (*cur.Load())["k"]
		}
	}()
	wg.Wait()
}
