package mr001

import "sync"

// Poller starts a sweep from every metadata update, which runs in several goroutines at once;
// the flag it tests is set by the sweep itself, after the test: two updates can both pass.
type Poller struct {
	mu       sync.Mutex
	sweeping bool
	seen     map[string]int
}

func NewPoller() *Poller {
	p := &Poller{seen: map[string]int{}}
	for i := 0; i < 4; i++ {
		go p.onUpdate()
	}
	return p
}

func (p *Poller) onUpdate() {
	p.mu.Lock()
	defer p.mu.Unlock()
	// Case: tested, but not set here: nothing stops a second start.
	if !p.sweeping {
		go p.sweep()
	}
}

func (p *Poller) sweep() {
	p.sweeping = true
	for i := 0; ; i++ {
		p.seen["k"] = i // want "MR001" `^write of p\.seen in goroutines started at .* races with the same line in another run`
	}
}
