package mr001

import (
	"sync"
	"time"
)

// HitCounter's constructor leaves a goroutine running that resets the counts every minute.
type HitCounter struct {
	hits map[string]int
}

// NewHitCounter starts the reset loop on the counter it returns.
func NewHitCounter() *HitCounter {
	c := &HitCounter{hits: make(map[string]int)}
	go func() {
		for range time.Tick(time.Minute) {
			clear(c.hits) // want "MR001" `^clear of c\.hits in .* races with the read`
		}
	}()
	return c
}

// Case: Hits reads the map the constructor's goroutine clears.
func (c *HitCounter) Hits(page string) int {
	return c.hits[page]
}

// Warmed's constructor fills its map from goroutines it waits for.
type Warmed struct {
	sizes map[string]int
}

// Negative: NewWarmed's goroutines are over (wg.Wait) before the instance is returned, and
// each writes under the constructor's lock.
func NewWarmed(names []string) *Warmed {
	w := &Warmed{sizes: make(map[string]int)}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			w.sizes[n] = len(n)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return w
}

// Negative: Size reads a map no goroutine touches after construction.
func (w *Warmed) Size(name string) int {
	return w.sizes[name]
}

// Registry's constructor starts a loop that fills its index under the registry's lock.
type Registry struct {
	mu    sync.Mutex
	index map[string]map[string]bool
}

// NewRegistry starts the indexing loop.
func NewRegistry(updates <-chan string) *Registry {
	r := &Registry{index: make(map[string]map[string]bool)}
	go func() {
		for u := range updates {
			r.mu.Lock()
			r.addLocked(u)
			r.mu.Unlock()
		}
	}()
	return r
}

// addLocked creates the entry's set if needed; its callers hold r.mu.
func (r *Registry) addLocked(u string) {
	if r.index[u] == nil {
		r.index[u] = make(map[string]bool)
	}
	r.index[u][u] = true
}

// Negative: Lookup holds the lock the loop holds.
func (r *Registry) Lookup(name string) map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.index[name]
}

// Case: Count reads the index without the lock; the loop's check-and-create, in a helper
// called under the lock, is one critical section, not a racy lazy init: the read is the race.
func (r *Registry) Count() int {
	return len(r.index) // want "MR001" `^len of r\.index in .* races with the write`
}
