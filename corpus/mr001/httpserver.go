package mr001

import (
	"net/http"
	"sync"
)

// Visits counts page views per path.
type Visits struct {
	byPath map[string]int
}

func (v *Visits) record(w http.ResponseWriter, r *http.Request) {
	v.byPath[r.URL.Path]++ // want "MR001" `^write of v\.byPath in .* races with the same line`
}

// Case: a method value wrapped in http.HandlerFunc runs per request.
func (v *Visits) Register(mux *http.ServeMux) {
	mux.Handle("/visit", http.HandlerFunc(v.record))
}

var agents = map[string]int{}

// Case: the server's Handler runs per request.
func NewAgentServer() *http.Server {
	return &http.Server{Addr: ":8080", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		agents[r.UserAgent()]++ // want "MR001" `^write of agents in .* races with the same line`
	})}
}

var (
	refsMu sync.Mutex
	refs   = map[string]int{}
)

// Negative: the handler locks around the map.
func NewRefServer() *http.Server {
	return &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		refsMu.Lock()
		refs[r.Referer()]++
		refsMu.Unlock()
	})}
}
