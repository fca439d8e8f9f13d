// expect: racy MR001 (a racy write on a path taken once in 1000 iterations)
package main

import "sync"

func main() {
	m := map[int]int{1: 1}
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 1000; i++ {
			if i == 999 {
				m[1] = i // the rare path forgets the lock
				continue
			}
			mu.Lock()
			m[1] = i
			mu.Unlock()
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 1000; i++ {
			mu.Lock()
			_ = m[1]
			mu.Unlock()
		}
	}()
	wg.Wait()
}
