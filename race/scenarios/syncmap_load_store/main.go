// expect: racy MR005 (sync.Map Load then Store for lazy init)
package main

import (
	"fmt"
	"sync"
)

func main() {
	var cache sync.Map
	var created, wg sync.WaitGroup
	_ = created
	var n int64
	var mu sync.Mutex
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if _, ok := cache.Load(i); !ok {
					cache.Store(i, map[string]int{})
					mu.Lock()
					n++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("LOST_UPDATES=%d\n", n-50)
}
