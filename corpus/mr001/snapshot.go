package mr001

import "sync"

// ConnSet swaps its whole connection set on Reset.
type ConnSet struct {
	mu    sync.Mutex
	conns map[string]bool
}

// Reset replaces the set under the lock.
func (p *ConnSet) Reset() {
	p.mu.Lock()
	p.conns = map[string]bool{}
	p.mu.Unlock()
}

// Add replaces the set with a copy holding c (copy on write): a map, once published, is
// never written again.
func (p *ConnSet) Add(c string) {
	p.mu.Lock()
	next := map[string]bool{c: true}
	for k := range p.conns {
		next[k] = true
	}
	p.conns = next
	p.mu.Unlock()
}

// Negative: Count ranges a snapshot taken under the lock; Reset and Add swap in new maps
// and leave the snapshot's alone.
func (p *ConnSet) Count() int {
	p.mu.Lock()
	conns := p.conns
	p.mu.Unlock()
	n := 0
	for range conns {
		n++
	}
	return n
}

// Case: Peek reads the field with no lock while Reset reassigns it.
func (p *ConnSet) Peek(c string) bool {
	return p.conns[c] // want "MR001" `^read of p\.conns in .* races with the reassignment`
}
