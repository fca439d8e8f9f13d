package mr001

import (
	"net/http"
	"sync"
)

// RouteTable guards its routes with its lock when they change at run time.
type RouteTable struct {
	mu     sync.Mutex
	routes map[string]string
}

// SetRoute changes a route while the router serves.
func (rt *RouteTable) SetRoute(path, target string) {
	rt.mu.Lock()
	rt.routes[path] = target
	rt.mu.Unlock()
}

// Case: the handler reads the guarded routes without the lock.
func (rt *RouteTable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = rt.routes[r.URL.Path] // want "MR001" `^read of rt\.routes in .* races with the write`
}
