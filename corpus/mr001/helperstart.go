package mr001

import (
	"sync"
	"time"
)

// Prober probes peers in the background once started.
type Prober struct {
	mu     sync.Mutex
	health map[string]bool
}

// loop is a helper of Start only; nothing waits for it.
func (p *Prober) loop() {
	go func() {
		for {
			p.mu.Lock()
			p.health["self"] = true
			p.mu.Unlock()
			time.Sleep(time.Second)
		}
	}()
}

// Start launches the probe loop and returns.
func (p *Prober) Start() {
	p.health = map[string]bool{}
	p.loop()
}

// Case: the loop a helper started outlives Start; Healthy reads with no lock.
func (p *Prober) Healthy(peer string) bool {
	return p.health[peer] // want "MR001" `^read of p\.health in .* races with the write`
}
