// expect: safe (inner map created in sync.Once, then only read)
package main

import "sync"

var (
	once  sync.Once
	table map[string]map[int]int
)

func get() map[string]map[int]int {
	once.Do(func() {
		table = map[string]map[int]int{"a": {1: 1}}
	})
	return table
}

func main() {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				_ = get()["a"][1]
			}
		}()
	}
	wg.Wait()
}
