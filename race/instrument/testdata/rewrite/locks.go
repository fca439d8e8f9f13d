package p

import "sync"

type Cache struct {
	mu   sync.RWMutex
	byID map[string]int
}

func (c *Cache) Get(k string) (int, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.byID[k]
	return v, ok
}

func (c *Cache) Put(k string, v int) {
	c.mu.Lock()
	c.byID[k] = v
	c.mu.Unlock()
}

var (
	hitsMu sync.Mutex
	hits   = map[string]int{}
)

func Hit(path string) {
	if !hitsMu.TryLock() {
		return
	}
	hits[path]++
	hitsMu.Unlock()
}
