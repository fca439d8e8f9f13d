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

// tagStore keeps tags for concurrent readers.
type tagStore struct {
	mu   sync.RWMutex
	tags map[string]string
}

// Get reads a tag under the read lock.
func (s *tagStore) Get(k string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tags[k]
}

// Case: a setter that writes a key with no lock is an ordinary method, run alongside Get.
func (s *tagStore) SetTag(k, v string) {
	s.tags[k] = v // want "MR001" `^write of s\.tags in .* races with the read`
}
