// expect: safe (read-modify-write inside one critical section)
package main

import "sync"

func main() {
	var mu sync.Mutex
	m := map[string]int{}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				mu.Lock()
				v := m["hits"]
				m["hits"] = v + 1
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
