// expect: safe (built before the goroutines start, only read after)
package main

import "sync"

func main() {
	m := map[string]map[int]int{}
	for _, k := range []string{"a", "b"} {
		if m[k] == nil {
			m[k] = map[int]int{}
		}
		m[k][1] = 1
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				_ = m["a"][1] + len(m["b"])
			}
		}()
	}
	wg.Wait()
}
