package mr003

import (
	"net/http"
)

// Route is one route update from the config watcher.
type Route struct {
	Path    string
	Handler http.HandlerFunc
}

// Router answers HEAD from the GET table: both keys hold one inner map.
type Router struct {
	routes map[string]map[string]http.HandlerFunc // method -> path -> handler
}

// NewRouter shares one path table between GET and HEAD.
func NewRouter() *Router {
	r := &Router{routes: make(map[string]map[string]http.HandlerFunc)}
	get := make(map[string]http.HandlerFunc)
	r.routes["GET"] = get
	r.routes["HEAD"] = get
	return r
}

// Case: a config-watcher goroutine adds GET routes while ServeHTTP reads them through "HEAD".
func (r *Router) Watch(updates <-chan Route) {
	go func() {
		for rt := range updates {
			r.routes["GET"][rt.Path] = rt.Handler // want "MR003" `^r\.routes\["GET"\] and r\.routes\["HEAD"\] \(.*\) are one inner map .*this write races with the read`
		}
	}()
}

// ServeHTTP looks the handler up by method; HEAD goes through the alias key, GET through the writer's own key.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var h http.HandlerFunc
	switch req.Method {
	case http.MethodHead:
		h = r.routes["HEAD"][req.URL.Path]
	case http.MethodGet:
		h = r.routes["GET"][req.URL.Path]
	}
	if h == nil {
		http.NotFound(w, req)
		return
	}
	h(w, req)
}
