package mr009

import "sync"

// levels is a logger registry: component name -> verbosity.
var levels = map[string]int{}

func setLevel(name string, v int) {
	levels[name] = v // want-low "MR009" `^write of levels .*\[lower confidence: a side's locks are not beside the map`
}

func level(name string) int {
	return levels[name]
}

// Pool and Reporter each guard their own state; both happen to reach the logger registry
// while holding their lock, which is not the registry's guard.
type Pool struct {
	mu    sync.Mutex
	conns map[string]int
}

type Reporter struct {
	mu   sync.Mutex
	sent map[string]int
}

// Lower confidence: neither lock sits beside the registry: they are two objects' own locks
// held around calls that reach it, not two guards of it.
func (p *Pool) Dial(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[addr]++
	setLevel("pool", 2)
}

func (r *Reporter) Report(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent[name] += level("pool")
}
