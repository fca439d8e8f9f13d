package mr006

import (
	"sync"
	"time"
)

type entry struct {
	value   []byte
	expires time.Time
}

// Cache is a TTL cache with hit statistics.
type Cache struct {
	mu    sync.RWMutex
	items map[string]entry
	hits  map[string]int
}

// Set stores a value under the write lock.
func (c *Cache) Set(key string, value []byte, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[key] = entry{value: value, expires: time.Now().Add(ttl)}
}

// Case: Get counts a hit while holding only the read lock.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.hits[key]++ // want "MR006" `^write of c\.hits while only a read lock is held \(RLock at`
	return e.value, true
}

// Case: Peek deletes an expired entry on its early-return path under the read lock.
func (c *Cache) Peek(key string) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	if time.Now().After(e.expires) {
		delete(c.items, key) // want "MR006" `^delete of c\.items while only a read lock is held \(RLock at`
		return nil, false
	}
	return e.value, true
}

// Case: Flush clears both maps, but took RLock by mistake.
func (c *Cache) Flush() {
	c.mu.RLock()
	clear(c.items) // want "MR006" `^clear of c\.items while only a read lock is held \(RLock at`
	clear(c.hits)  // want "MR006" `^clear of c\.hits while only a read lock is held \(RLock at`
	c.mu.RUnlock()
}

// Negative: Stats copies the hit counts into a fresh local map under the read lock.
func (c *Cache) Stats() map[string]int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make(map[string]int, len(c.hits))
	for k, n := range c.hits {
		out[k] = n
	}
	return out
}

// Negative: Expire takes the write lock for its deletes.
func (c *Cache) Expire(now time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, e := range c.items {
		if now.After(e.expires) {
			delete(c.items, k)
			n++
		}
	}
	return n
}
