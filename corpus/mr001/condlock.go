package mr001

import "sync"

// TransportCache caches only cacheable configs, and locks only for those.
type TransportCache struct {
	mu      sync.Mutex
	entries map[string]int
}

// Safe: the lock is taken (and held to the end) exactly when cacheable, and the map is
// touched only when cacheable.
func (c *TransportCache) Get(key string, cacheable bool) int {
	if cacheable {
		c.mu.Lock()
		defer c.mu.Unlock()
		if v, ok := c.entries[key]; ok {
			return v
		}
	}
	v := len(key)
	if !cacheable {
		return v
	}
	if cacheable {
		c.entries[key] = v
	}
	return v
}

// Case: the write happens on a path where the lock was not taken. Lower confidence: it
// races only if a caller passes false while others write (no caller here says).
func (c *TransportCache) Put(key string, cacheable bool) {
	if cacheable {
		c.mu.Lock()
		defer c.mu.Unlock()
	}
	c.entries[key] = len(key) // want-low "MR001" `^write of c\.entries in .* races with the read.*\[lower confidence`
}

// Safe: the deferred size check runs before the deferred Unlock (last deferred, first run),
// so under the lock, although the lock is taken only when cacheable.
func (c *TransportCache) Lookup(key string, cacheable bool) int {
	if cacheable {
		c.mu.Lock()
		defer c.mu.Unlock()
		defer func() { _ = len(c.entries) }()
		return c.entries[key]
	}
	return 0
}
