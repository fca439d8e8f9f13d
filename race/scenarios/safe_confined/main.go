// expect: safe (each map confined to one goroutine)
package main

import "sync"

func main() {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := map[int]int{}
			for i := 0; i < 100; i++ {
				m[i%10] = m[i%10] + 1
			}
		}()
	}
	wg.Wait()
}
