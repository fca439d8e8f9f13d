// expect: racy MR003 (two outer keys share one inner map)
package main

import "sync"

func main() {
	shared := map[int]string{}
	m := map[string]map[int]string{"a": shared, "b": shared}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			m["a"][i] = "x"
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			_ = m["b"][i]
		}
	}()
	wg.Wait()
}
