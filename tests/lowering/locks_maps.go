// Locks and maps: a guarded struct, an RWMutex reader, a package map, sync.Map.
package lowering

import (
	"sync"
	str "strings"
)

type Cache struct {
	mu    sync.Mutex
	items map[string]int
	sync.RWMutex
	byID map[int]*Entry
}

type Entry struct{ Name string }

var (
	registry = map[string]int{"a": 1}
	shared   sync.Map
)

func (c *Cache) Put(k string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[k] = v
	c.items[k]++
	delete(c.items, str.ToLower(k))
}

func (c *Cache) Get(id int) (*Entry, bool) {
	c.RLock()
	e, ok := c.byID[id]
	c.RUnlock()
	return e, ok
}

func Load(k string) int {
	if v, ok := shared.Load(k); ok {
		return v.(int)
	}
	var n, m int = registry[k], len(registry)
	registry[k] += n * m
	return n
}
