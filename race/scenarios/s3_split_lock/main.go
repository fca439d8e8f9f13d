// expect: racy MR004 (RLock check, Lock store, no re-check: -race is blind to it)
package main

import (
	"fmt"
	"sync"
)

type Registry struct {
	mu sync.RWMutex
	m  map[string]map[int]int
}

func (r *Registry) inner(k string) map[int]int {
	r.mu.RLock()
	in := r.m[k]
	r.mu.RUnlock()
	if in == nil {
		in = make(map[int]int)
		r.mu.Lock()
		r.m[k] = in
		r.mu.Unlock()
	}
	return in
}

func main() {
	lost := 0
	for trial := 0; trial < 200; trial++ {
		r := &Registry{m: map[string]map[int]int{}}
		var wg sync.WaitGroup
		got := make([]map[int]int, 2)
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				got[g] = r.inner("k")
			}(g)
		}
		wg.Wait()
		if fmt.Sprintf("%p", got[0]) != fmt.Sprintf("%p", got[1]) {
			lost++
		}
	}
	fmt.Printf("LOST_UPDATES=%d\n", lost)
}
