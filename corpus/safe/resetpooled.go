package safe

import "sync"

// requestCtx is taken from a pool per request; handlers may share it with goroutines of
// their own, so its keys are locked. Reset runs when the request is over.
type requestCtx struct {
	mu   sync.RWMutex
	keys map[string]any
}

var ctxPool = sync.Pool{New: func() any { return &requestCtx{} }}

// Set stores a value for the request.
func (c *requestCtx) Set(k string, v any) {
	c.mu.Lock()
	if c.keys == nil {
		c.keys = make(map[string]any)
	}
	c.keys[k] = v
	c.mu.Unlock()
}

// Get reads a value of the request.
func (c *requestCtx) Get(k string) any {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.keys[k]
}

// Case: Reset clears the keys before the context goes back to the pool, when no handler
// holds it any more: lower confidence only.
func (c *requestCtx) Reset() {
	c.keys = nil // want-low "MR001" `^reassignment of c\.keys in .*\[lower confidence: requestCtx\.Reset looks like a reset method`
}

// Release resets the context and returns it to the pool.
func Release(c *requestCtx) {
	c.Reset()
	ctxPool.Put(c)
}
