package safe

import "sync"

// debugReturns turns on bookkeeping of where each connection was returned; off in builds.
const debugReturns = false

// ConnPool hands out connections under its lock.
type ConnPool struct {
	mu       sync.Mutex
	inUse    map[int]bool
	lastFree map[int]string
}

// Negative: the bookkeeping under `if debugReturns` is dead code (the constant is false), so
// its bare read of lastFree never runs.
func (p *ConnPool) Put(id int, where string) {
	p.mu.Lock()
	if !p.inUse[id] {
		p.mu.Unlock()
		if debugReturns {
			println(p.lastFree[id])
		}
		panic("returned twice")
	}
	if debugReturns {
		p.lastFree[id] = where
	}
	p.inUse[id] = false
	p.mu.Unlock()
}

// Forget drops a connection's bookkeeping under the lock.
func (p *ConnPool) Forget(id int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.inUse, id)
	delete(p.lastFree, id)
}
