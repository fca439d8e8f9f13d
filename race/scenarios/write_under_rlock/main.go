// expect: racy MR006 (map write under RLock)
package main

import "sync"

type Seen struct {
	mu sync.RWMutex
	m  map[string]bool
}

func (s *Seen) Mark(k string) {
	s.mu.RLock()
	s.m[k] = true
	s.mu.RUnlock()
}

func main() {
	s := &Seen{m: map[string]bool{}}
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Mark("x")
		}()
	}
	wg.Wait()
}
