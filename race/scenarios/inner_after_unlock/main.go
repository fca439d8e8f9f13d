// expect: racy MR002 (inner map fetched under the lock, written after Unlock)
package main

import "sync"

type Store struct {
	mu sync.Mutex
	m  map[string]map[int]int
}

func (s *Store) add(k string, i int) {
	s.mu.Lock()
	in := s.m[k]
	s.mu.Unlock()
	in[i] = i
}

func main() {
	s := &Store{m: map[string]map[int]int{"a": {}}}
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				s.add("a", g*1000+i)
			}
		}(g)
	}
	wg.Wait()
}
