package safe

import (
	"net/http"
	"sync"
)

// Proxy counts requests under its lock; its routes are filled by setup methods before it
// serves, and only read after.
type Proxy struct {
	mu     sync.Mutex
	hits   map[string]int
	routes map[string]string
}

// Provision builds the routes once, before the proxy is handed to a server.
func (p *Proxy) Provision(defaults map[string]string) {
	p.routes = make(map[string]string)
	for k, v := range defaults {
		p.routes[k] = v
	}
}

// Safe: routes is never guarded by the proxy's lock anywhere: the type declares only hits
// shared, and handlers only read routes.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := p.routes[r.URL.Path]
	p.mu.Lock()
	p.hits[target]++
	p.mu.Unlock()
}
