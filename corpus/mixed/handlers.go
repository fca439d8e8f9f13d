package mixed

import (
	"fmt"
	"net/http"
	"time"
)

// Routes wires the cache's HTTP API.
func (s *Service) Routes(mux *http.ServeMux, m *Metrics) {
	mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		val, ok := s.Get(r.FormValue("tenant"), r.FormValue("key"))
		m.Observe("/get", time.Since(start))
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(val)
	})
	mux.HandleFunc("/keys", s.handleKeys)
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		for tenant, n := range s.HitReport() {
			fmt.Fprintf(w, "%s %d\n", tenant, n)
		}
	})
}

// Case (MR008): the handler ranges over the inner map Entries returned, while Put writes it.
func (s *Service) handleKeys(w http.ResponseWriter, r *http.Request) {
	for key, e := range s.Entries(r.FormValue("tenant")) { // want "MR008" `^range of s\.Entries\(r\.FormValue\("tenant"\)\) \(s\.byTenant\[…\]\): Service\.Entries returned this map from inside its critical section`
		fmt.Fprintf(w, "%s %d bytes\n", key, len(e.val))
	}
}
