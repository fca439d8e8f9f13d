package mr009

import (
	"sync"
)

// Server guards its config with mu and was later given a stats lock.
type Server struct {
	mu      sync.RWMutex
	statsMu sync.Mutex
	config  map[string]string
	hits    map[string]int
}

// Case: Record writes hits under statsMu ...
func (s *Server) Record(path string) {
	s.statsMu.Lock()
	s.hits[path]++ // want "MR009" `^write of s\.hits holds Lock at .*, but the len at .* holds RLock at`
	s.statsMu.Unlock()
}

// ... while Snapshot ranges hits under mu.RLock: no lock in common.
func (s *Server) Snapshot() map[string]int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]int, len(s.hits))
	for k, n := range s.hits {
		out[k] = n
	}
	return out
}

// Negative: config is read under RLock and written under Lock of the same RWMutex.
func (s *Server) Config(key string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.config[key]
}

// SetConfig writes config under the write lock.
func (s *Server) SetConfig(key, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.config[key] = value
}

// Item is a cached value.
type Item struct {
	Value []byte
	Size  int
}

// LRU embeds the mutex for its items and has a second mutex for eviction.
type LRU struct {
	sync.Mutex
	evictMu sync.Mutex
	maxSize int
	items   map[string]Item
}

// Case: Put writes items under the embedded mutex ...
func (c *LRU) Put(key string, it Item) {
	c.Lock()
	defer c.Unlock()
	c.items[key] = it
}

// ... while Evict deletes under evictMu only.
func (c *LRU) Evict(keys []string) {
	c.evictMu.Lock()
	defer c.evictMu.Unlock()
	for _, k := range keys {
		delete(c.items, k) // want "MR009" `^delete of c\.items holds Lock at .*, but the read at .* holds Lock at`
	}
}

// Case: Get holds the embedded mutex like Put, which has nothing in common with Evict's evictMu.
func (c *LRU) Get(key string) (Item, bool) {
	c.Lock()
	defer c.Unlock()
	it, ok := c.items[key]
	return it, ok
}
