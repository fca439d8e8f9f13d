// expect: safe (double-checked: RLock check, then Lock and re-check before the store)
package main

import "sync"

type Registry struct {
	mu sync.RWMutex
	m  map[string]map[int]int
}

func (r *Registry) inner(k string) map[int]int {
	r.mu.RLock()
	in := r.m[k]
	r.mu.RUnlock()
	if in != nil {
		return in
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if in = r.m[k]; in == nil {
		in = make(map[int]int)
		r.m[k] = in
	}
	return in
}

func main() {
	for trial := 0; trial < 50; trial++ {
		r := &Registry{m: map[string]map[int]int{}}
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.inner("k")
			}()
		}
		wg.Wait()
	}
}
