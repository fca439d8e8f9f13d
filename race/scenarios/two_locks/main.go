// expect: racy MR009 (two different locks on one map)
package main

import "sync"

var a, b sync.Mutex

func main() {
	m := map[string]int{}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			a.Lock()
			m["k"] = i
			a.Unlock()
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			b.Lock()
			_ = m["k"]
			b.Unlock()
		}
	}()
	wg.Wait()
}
