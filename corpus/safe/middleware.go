package safe

import (
	"net/http"
	"sync"
)

// Router keeps its middleware by path prefix; registration takes the lock, as frameworks do,
// but happens while the router is built, before it serves.
type Router struct {
	mu    sync.Mutex
	byPfx map[string]func(http.Handler) http.Handler
}

// Use registers middleware for a prefix (setup, like gin's, echo's or chi's Use).
func (r *Router) Use(prefix string, mw func(http.Handler) http.Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byPfx[prefix] = mw
}

// Negative (shown only with --level all): requests read the table bare; it is complete
// before the first request, since Use is a setup call.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if mw, ok := r.byPfx[req.URL.Path]; ok { // want-low "MR001" `^read of r\.byPfx in concurrent calls of Router\.ServeHTTP .*\[lower confidence: Router\.Use looks like a setup method`
		mw(http.NotFoundHandler()).ServeHTTP(w, req)
	}
}
