// expect: safe (goroutines only read; the map is written only after wg.Wait())
package main

import "sync"

func main() {
	m := map[string]int{"k": 1}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = m["k"]
		}()
	}
	wg.Wait()
	m["k"] = m["k"] + 1
}
