package mr006

import (
	"net/http"
	"sync"
)

var (
	overridesMu sync.RWMutex
	overrides   = map[string]string{}
)

// Case: a package-level RWMutex read-locked around a write in an admin handler.
func setOverride(w http.ResponseWriter, r *http.Request) {
	overridesMu.RLock()
	overrides[r.FormValue("key")] = r.FormValue("value") // want "MR006" `^write of overrides while only a read lock is held \(RLock at`
	overridesMu.RUnlock()
	w.WriteHeader(http.StatusNoContent)
}

// Negative: the matching reader holds the read lock for a read.
func getOverride(w http.ResponseWriter, r *http.Request) {
	overridesMu.RLock()
	v := overrides[r.FormValue("key")]
	overridesMu.RUnlock()
	_, _ = w.Write([]byte(v))
}

// RegisterOverrideRoutes wires the override handlers.
func RegisterOverrideRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/overrides/set", setOverride)
	mux.HandleFunc("/overrides/get", getOverride)
}

// Registry embeds its RWMutex.
type Registry struct {
	sync.RWMutex
	endpoints map[string][]string
}

// Case: an embedded RWMutex is read-locked around an append-and-store.
func (r *Registry) AddEndpoint(service, addr string) {
	r.RLock()
	defer r.RUnlock()
	r.endpoints[service] = append(r.endpoints[service], addr) // want "MR006" `^write of r\.endpoints while only a read lock is held \(RLock at`
}

// Endpoints returns a copy of the service's endpoints under the read lock.
func (r *Registry) Endpoints(service string) []string {
	r.RLock()
	defer r.RUnlock()
	return append([]string(nil), r.endpoints[service]...)
}

// Table is a generic table guarded by an RWMutex.
type Table[K comparable, V any] struct {
	mu   sync.RWMutex
	rows map[K]V
}

// Case: a generic GetOrDefault stores the default under the read lock.
func (t *Table[K, V]) GetOrDefault(k K, def V) V {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if v, ok := t.rows[k]; ok {
		return v
	}
	t.rows[k] = def // want "MR006" `^write of t\.rows while only a read lock is held \(RLock at`
	return def
}

// Put writes under the write lock.
func (t *Table[K, V]) Put(k K, v V) {
	t.mu.Lock()
	t.rows[k] = v
	t.mu.Unlock()
}

// Stats has a read-mostly config map and a separately locked counter map.
type Stats struct {
	mu      sync.RWMutex
	limits  map[string]int
	countMu sync.Mutex
	counts  map[string]int
}

// Negative: RLock for the read-only map, its own Mutex for the counter map it writes.
func (s *Stats) Allow(route string) bool {
	s.mu.RLock()
	limit := s.limits[route]
	s.mu.RUnlock()
	s.countMu.Lock()
	defer s.countMu.Unlock()
	if s.counts[route] >= limit {
		return false
	}
	s.counts[route]++
	return true
}

// SetLimit writes the config map under the write lock.
func (s *Stats) SetLimit(route string, n int) {
	s.mu.Lock()
	s.limits[route] = n
	s.mu.Unlock()
}
