package mr001

import "sync"

// traceReturns is on: the code under it runs.
const traceReturns = true

// TracedPool records where connections come back.
type TracedPool struct {
	mu       sync.Mutex
	inUse    map[int]bool
	lastFree map[int]string
}

// Case: with the constant true, the bare read after the unlock races with Put's write.
func (p *TracedPool) Put(id int, where string) {
	p.mu.Lock()
	if !p.inUse[id] {
		p.mu.Unlock()
		if traceReturns {
			println(p.lastFree[id]) // want "MR001" `^read of p\.lastFree in concurrent calls of TracedPool\.Put .* races with the delete`
		}
		return
	}
	if traceReturns {
		p.lastFree[id] = where
	}
	p.inUse[id] = false
	p.mu.Unlock()
}

// Forget drops a connection's record under the lock.
func (p *TracedPool) Forget(id int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.lastFree, id)
}
