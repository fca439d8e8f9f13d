package mr004

import (
	"fmt"
	"net/http"
	"sync"
)

var (
	limitsMu sync.RWMutex
	limits   = map[string]map[string]int{} // client address -> route -> requests
)

// RegisterAPI wires the rate-limited API handler.
func RegisterAPI(mux *http.ServeMux) {
	mux.HandleFunc("/api/", handleAPI)
}

// Case: a handler checks under a package-level RLock and creates the per-client map under Lock without re-checking.
func handleAPI(w http.ResponseWriter, r *http.Request) {
	client := r.RemoteAddr
	limitsMu.RLock()
	_, ok := limits[client]
	limitsMu.RUnlock()
	if !ok {
		limitsMu.Lock()
		limits[client] = map[string]int{} // want "MR004" `^limits\[client\] is created here under Lock .* but was checked .* outside this critical section`
		limitsMu.Unlock()
	}
	limitsMu.Lock()
	limits[client][r.URL.Path]++
	n := limits[client][r.URL.Path]
	limitsMu.Unlock()
	if n > 100 {
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	}
	fmt.Fprintln(w, "ok")
}

// Message is one inbox entry.
type Message struct{ From, Text string }

// Inbox serves per-user message counts and has no lock at all.
type Inbox struct {
	byUser map[string]map[string]Message
}

// Case: a ServeHTTP method lazily creates the per-user map with no lock; requests run in parallel.
func (h *Inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user := r.Header.Get("X-User")
	if _, ok := h.byUser[user]; !ok {
		h.byUser[user] = make(map[string]Message) // want "MR004" `^h\.byUser\[user\] is checked at .* and created here with no lock`
	}
	fmt.Fprintf(w, "%d messages\n", len(h.byUser[user]))
}
