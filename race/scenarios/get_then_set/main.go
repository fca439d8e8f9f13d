// expect: racy MR007 (get-then-set of a counter, each in its own Lock section, 4 goroutines)
package main

import (
	"fmt"
	"sync"
)

type Counters struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *Counters) get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *Counters) set(k string, v int) {
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
}

func main() {
	c := &Counters{m: map[string]int{}}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				v := c.get("hits")
				c.set("hits", v+1)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("LOST_UPDATES=%d\n", 4000-c.get("hits"))
}
