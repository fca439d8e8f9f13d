package mr007

import "sync"

// Counters is a locked map of counters with separate Get and Set.
type Counters struct {
	mu sync.Mutex
	m  map[string]int
}

// NewCounters returns an empty counter set.
func NewCounters() *Counters { return &Counters{m: make(map[string]int)} }

// Get reads one counter under the lock.
func (c *Counters) Get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

// Set writes one counter under the lock.
func (c *Counters) Set(key string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = n
}

// Case: get-then-set inside an exported method; each call locks, the pair does not.
func (c *Counters) Incr(key string) {
	n := c.Get(key)
	c.Set(key, n+1) // want "MR007" `^c\.m is written back from a value read at .* in an earlier critical section`
}

// Negative: Add reads and writes in one critical section.
func (c *Counters) Add(key string, delta int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] += delta
}

// Negative: CompareAndSwap re-reads under the lock before writing.
func (c *Counters) CompareAndSwap(key string, old, next int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[key] != old {
		return false
	}
	c.m[key] = next
	return true
}

// Negative: a CAS loop: the write-back goes through CompareAndSwap, which re-checks.
func (c *Counters) IncrCAS(key string) {
	for {
		old := c.Get(key)
		if c.CompareAndSwap(key, old, old+1) {
			return
		}
	}
}

// Negative: Rename copies a counter to a different key; nothing is written back to the key that was read.
func (c *Counters) Rename(from, to string) {
	n := c.Get(from)
	c.Set(to, n)
}

// Case: LAB's get-then-set counter: goroutines started in a loop each get and set one word count.
func CountWords(c *Counters, words []string) {
	var wg sync.WaitGroup
	for _, w := range words {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := c.Get(w)
			c.Set(w, n+1) // want "MR007" `^c\.m is written back from a value read at .* in an earlier critical section`
		}()
	}
	wg.Wait()
}
