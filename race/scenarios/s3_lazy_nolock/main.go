// expect: racy MR004 (lazy init of an inner map, no locks)
package main

import "sync"

func main() {
	m := map[string]map[int]int{}
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			if m["k"] == nil {
				m["k"] = make(map[int]int)
			}
		}(g)
	}
	wg.Wait()
}
