package safe

import "sync"

// Catalog publishes its albums copy-on-write: the map is built whole and swapped in (or
// dropped) under the lock, and nothing writes a published map in place, so the map Albums
// hands out is never written again and its callers may read it without the lock.
type Catalog struct {
	mu     sync.Mutex
	albums map[string]int
}

// Albums returns the current map, loading it first if it was flushed.
func (c *Catalog) Albums() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.albums == nil {
		c.albums = map[string]int{"default": 0}
	}
	return c.albums
}

// Flush drops the map; the next Albums loads a new one.
func (c *Catalog) Flush() {
	c.mu.Lock()
	c.albums = nil
	c.mu.Unlock()
}

// Watch polls the catalog in the background, reading each published map without the
// catalog's lock while other goroutines flush and reload it.
func Watch(c *Catalog, names <-chan string) {
	go func() {
		for name := range names {
			albums := c.Albums()
			_ = albums[name]
		}
	}()
}
