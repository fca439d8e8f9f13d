package mr001

import (
	"net/http"
	"sync"
)

// Gateway is provisioned once, then serves; it guards its hit counts and its hosts with one
// lock in its handler.
type Gateway struct {
	mu    sync.Mutex
	hits  map[string]int
	hosts map[string]string
}

// Provision fills the hosts once, before the gateway is handed to a server.
func (g *Gateway) Provision(hosts []string) {
	g.hosts = make(map[string]string) // want-low "MR001" `^reassignment of g\.hosts in .* races with the read.*\[lower confidence`
	for _, h := range hosts {
		g.hosts[h] = h // the same race as the line before: in its related
	}
}

// RegisterHost adds a host after the gateway serves: not a setup method by use, only by
// name; reported with --level all.
func (g *Gateway) RegisterHost(h string) {
	g.hosts[h] = h // want-low "MR001" `^write of g\.hosts in .* races with the read.*\[lower confidence`
}

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.hits[r.Host]++
	_ = g.hosts[r.Host]
}

// Case: Forget is no setup method: it can run while the gateway serves.
func (g *Gateway) Forget(h string) {
	delete(g.hosts, h) // want "MR001" `^delete of g\.hosts in .* races with the read at .* in concurrent calls of Gateway\.ServeHTTP`
}

// Tracker keeps per-device counts under its lock; Unmarshal loads it from its serialised form
// right after it is made, before anything else sees it.
type Tracker struct {
	mu      sync.Mutex
	indexes map[string]int
}

func (t *Tracker) Unmarshal(keys []string) {
	t.indexes = make(map[string]int) // want-low "MR001" `^reassignment of t\.indexes in .*\[lower confidence: Tracker\.Unmarshal looks like a setup method`
	for i, k := range keys {
		t.indexes[k] = i // the same race as the line before: in its related
	}
}

func (t *Tracker) Sequence(k string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.indexes[k]
}
