package mr008

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Endpoint is a registered backend.
type Endpoint struct {
	Addr   string
	Weight int
}

// Registry keeps service endpoints.
type Registry struct {
	mu        sync.Mutex
	endpoints map[string]Endpoint
}

// Register stores an endpoint under the lock.
func (r *Registry) Register(name string, e Endpoint) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.endpoints[name] = e
}

// All returns the guarded map itself from inside the critical section.
func (r *Registry) All() map[string]Endpoint {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.endpoints
}

// Case: an HTTP handler ranges over the whole map All returned while Register writes it.
func (r *Registry) handleList(w http.ResponseWriter, req *http.Request) {
	for name, e := range r.All() { // want "MR008" `^range of r\.All\(\) \(Registry\.endpoints\): Registry\.All returned this map from inside its critical section`
		fmt.Fprintf(w, "%s %s %d\n", name, e.Addr, e.Weight)
	}
}

// Case: a time.AfterFunc callback reads len of the returned map.
func (r *Registry) ReportSizeAfter(d time.Duration, report func(int)) {
	time.AfterFunc(d, func() {
		report(len(r.All())) // want "MR008" `^len of r\.All\(\) \(Registry\.endpoints\): Registry\.All returned this map from inside its critical section`
	})
}

// Routes wires the registry's handlers.
func (r *Registry) Routes(mux *http.ServeMux) {
	mux.HandleFunc("/services", r.handleList)
}

var (
	routesMu sync.RWMutex
	routes   = map[string]map[string]http.HandlerFunc{} // host -> path -> handler
)

// routesFor returns a host's inner map from inside the package-level critical section.
func routesFor(host string) map[string]http.HandlerFunc {
	routesMu.RLock()
	defer routesMu.RUnlock()
	return routes[host]
}

// addRoute registers a handler under the package-level write lock.
func addRoute(host, path string, h http.HandlerFunc) {
	routesMu.Lock()
	defer routesMu.Unlock()
	if routes[host] == nil {
		routes[host] = map[string]http.HandlerFunc{}
	}
	routes[host][path] = h
}

// VHost dispatches by host and path.
type VHost struct{}

// Case: ServeHTTP indexes the map routesFor returned while the admin handler adds routes.
func (VHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, ok := routesFor(r.Host)[r.URL.Path] // want "MR008" `^read of routesFor\(r\.Host\) \(mr008\.routes\[…\]\): routesFor returned this map from inside its critical section`
	if !ok {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

// RegisterAdmin wires the admin handler that adds routes.
func RegisterAdmin(mux *http.ServeMux) {
	mux.HandleFunc("/admin/route", func(w http.ResponseWriter, r *http.Request) {
		addRoute(r.FormValue("host"), r.FormValue("path"), func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintln(w, "ok")
		})
	})
}
