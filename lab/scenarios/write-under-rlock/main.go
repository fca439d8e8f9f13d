// A cache that counts hits while holding only the read lock. Readers do not exclude each
// other, so two lookups write the hit map at the same time.
//
// lab: expected=racy rule=MR006 race_expected=true
// lab: title="map written under RLock"
package main

import (
	"fmt"
	"sync"
)

type Cache struct {
	mu     sync.RWMutex
	values map[string]string
	hits   map[string]int
}

func (c *Cache) Get(k string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	c.hits[k]++
	return c.values[k]
}

func main() {
	c := &Cache{values: map[string]string{"a": "1"}, hits: make(map[string]int)}
	var wg sync.WaitGroup
	wg.Add(2)
	for range 2 {
		go func() { defer wg.Done(); _ = c.Get("a") }()
	}
	wg.Wait()
	fmt.Println("hits:", c.hits["a"])
}
