package mr001

import "sync"

// ConnPool keeps idle connections by address; its background loop prunes them when kicked.
// Production code calls put with p.mu held; the tests in component_test.go call it too.
type ConnPool struct {
	mu   sync.Mutex
	idle map[string]int
	kick chan struct{}
}

func NewConnPool() *ConnPool {
	p := &ConnPool{idle: map[string]int{}, kick: make(chan struct{})}
	go p.prune()
	return p
}

func (p *ConnPool) prune() {
	for range p.kick {
		p.mu.Lock()
		for addr := range p.idle {
			delete(p.idle, addr)
		}
		p.mu.Unlock()
	}
}

// put adds an idle connection; p.mu must be held.
func (p *ConnPool) put(addr string) {
	p.idle[addr]++ // want-low "MR001" `^write of p\.idle in .* \[lower confidence: .*test`
}

func (p *ConnPool) Put(addr string) {
	p.mu.Lock()
	p.put(addr)
	p.mu.Unlock()
}
