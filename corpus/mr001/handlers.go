package mr001

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Case: a package-level hit counter written by one handler and ranged by another, no lock.
var hitsByPath = map[string]int{}

// RegisterHitRoutes wires the two handlers that share hitsByPath.
func RegisterHitRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/", countHit)
	mux.HandleFunc("/debug/hits", listHits)
}

func countHit(w http.ResponseWriter, r *http.Request) {
	hitsByPath[r.URL.Path]++ // want "MR001" `^write of hitsByPath in .* races with the same line`
	w.WriteHeader(http.StatusNoContent)
}

func listHits(w http.ResponseWriter, r *http.Request) {
	for path, n := range hitsByPath {
		fmt.Fprintf(w, "%s %d\n", path, n)
	}
}

// Case: a ServeHTTP method records every visitor in a field map; requests run in parallel.
type VisitorLog struct {
	lastSeen map[string]time.Time
}

// RegisterVisitorLog serves the log with mux.Handle.
func RegisterVisitorLog(mux *http.ServeMux) {
	mux.Handle("/visit", NewVisitorLog())
}

// NewVisitorLog returns an empty log.
func NewVisitorLog() *VisitorLog {
	return &VisitorLog{lastSeen: make(map[string]time.Time)}
}

func (v *VisitorLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.lastSeen[r.RemoteAddr] = time.Now() // want "MR001" `^write of v\.lastSeen in .* races with the same line`
	w.WriteHeader(http.StatusOK)
}

// Case: two closure handlers capture the same feature-flag map; one enables, one reads.
func RegisterFeatureFlags(mux *http.ServeMux) {
	flags := map[string]bool{"new-checkout": false}
	mux.HandleFunc("/flags/enable", func(w http.ResponseWriter, r *http.Request) {
		flags[r.URL.Query().Get("name")] = true // want "MR001" `^write of flags in .* races with the same line`
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/flags", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, flags[r.URL.Query().Get("name")])
	})
}

// Case: a background refresher writes tokens under tokensMu; the handler reads them without it.
var (
	tokensMu sync.Mutex
	tokens   = map[string]string{}
)

// StartTokenRefresher refreshes service tokens periodically and serves them over HTTP.
func StartTokenRefresher(mux *http.ServeMux, fetch func() map[string]string, every time.Duration) {
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for range tick.C {
			fresh := fetch()
			tokensMu.Lock()
			for svc, tok := range fresh {
				tokens[svc] = tok
			}
			tokensMu.Unlock()
		}
	}()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, tokens[r.URL.Query().Get("svc")]) // want "MR001" `^read of tokens in .* races with the write`
	})
}
