package mr001

import "sync"

// Pipe starts a filler while holding its lock, but the filler never takes it.
type Pipe struct {
	mu   sync.Mutex
	bufs map[int][]byte
}

// Case: the goroutine does not unlock what Start locked, so it does not run under it.
func (p *Pipe) Start() {
	p.mu.Lock()
	go func() {
		p.bufs[0] = nil // want "MR001" `^write of p\.bufs in .* races with the write`
	}()
	p.mu.Unlock()
}

func (p *Pipe) Put(k int, b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bufs[k] = b
}
