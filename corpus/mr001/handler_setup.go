package mr001

import (
	"net/http"
	"sync"
)

// Router guards its routes with its lock when they change at run time.
type Router struct {
	mu     sync.Mutex
	routes map[string]string
}

// SetRoute changes a route while the router serves.
func (rt *Router) SetRoute(path, target string) {
	rt.mu.Lock()
	rt.routes[path] = target
	rt.mu.Unlock()
}

// Case: the handler reads the guarded routes without the lock.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = rt.routes[r.URL.Path] // want "MR001"
}
