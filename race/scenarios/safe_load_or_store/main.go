// expect: safe (sync.Map LoadOrStore for lazy init)
package main

import "sync"

func main() {
	var cache sync.Map
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				v, _ := cache.LoadOrStore(i, &sync.Mutex{})
				_ = v
			}
		}()
	}
	wg.Wait()
}
