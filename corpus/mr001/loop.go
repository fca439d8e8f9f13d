package mr001

import (
	"sync"
	"time"
)

// Case: Start runs a goroutine that fills the receiver's map while callers keep calling the
// exported methods; nothing orders them.
type Presence struct {
	online map[string]time.Time
	events chan string
}

// NewPresence returns a presence tracker fed by events.
func NewPresence() *Presence {
	return &Presence{online: make(map[string]time.Time), events: make(chan string)}
}

// Start launches the event loop.
func (p *Presence) Start() { go p.run() }

func (p *Presence) run() {
	for id := range p.events {
		p.online[id] = time.Now() // want "MR001" `^write of p\.online in .* races with the len`
	}
}

// Online counts who is online.
func (p *Presence) Online() int {
	return len(p.online)
}

// Negative: the loop and the exported method share a lock.
type LockedPresence struct {
	mu     sync.Mutex
	online map[string]time.Time
	events chan string
}

// Start launches the event loop.
func (p *LockedPresence) Start() { go p.run() }

func (p *LockedPresence) run() {
	for id := range p.events {
		p.mu.Lock()
		p.online[id] = time.Now()
		p.mu.Unlock()
	}
}

// Online counts who is online.
func (p *LockedPresence) Online() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.online)
}

// Negative: the loop only reads a table the type never writes after construction.
type Router struct {
	routes map[string]string
	reqs   chan string
	out    chan string
}

// Start launches the dispatcher.
func (r *Router) Start() { go r.dispatch() }

func (r *Router) dispatch() {
	for path := range r.reqs {
		r.out <- r.routes[path]
	}
}

// Route looks a path up.
func (r *Router) Route(path string) string { return r.routes[path] }

// Case: a channel of capacity eight limits the goroutines to eight at a time; it does not
// make them exclusive.
func LimitedNotExclusive(keys []string) map[string]int {
	out := map[string]int{}
	sem := make(chan struct{}, 8)
	done := make(chan bool)
	for _, k := range keys {
		go func() {
			sem <- struct{}{}
			out[k] = len(k) // want "MR001" `^write of out in .* races with the same line`
			<-sem
			done <- true
		}()
	}
	for range keys {
		<-done
	}
	return out
}
