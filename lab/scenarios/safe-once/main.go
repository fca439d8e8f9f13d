// Per-tenant tables created through sync.Once: every goroutine calls Do, exactly one runs the
// creation, and all of them see its result. Writes into the table hold the slot's mutex.
//
// lab: expected=safe race_expected=false
// lab: title="control: inner map created with sync.Once"
package main

import (
	"fmt"
	"runtime"
	"sync"
)

const trials = 500

type slot struct {
	once  sync.Once
	mu    sync.Mutex
	table map[string]int
}

func (s *slot) Set(key string, v int) {
	s.once.Do(func() {
		s.table = make(map[string]int, 8)
		runtime.Gosched()
	})
	s.mu.Lock()
	s.table[key] = v
	s.mu.Unlock()
}

func (s *slot) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.table)
}

func main() {
	lost := 0
	for range trials {
		s := new(slot)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); s.Set("a", 1) }()
		go func() { defer wg.Done(); s.Set("b", 2) }()
		wg.Wait()
		if s.Len() != 2 {
			lost++
		}
	}
	fmt.Printf("LOST_UPDATES=%d\n", lost)
}
