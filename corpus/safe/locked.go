package safe

import (
	"net/http"
	"sync"
	"time"
)

// Sessions keeps sessions per tenant, every access under one RWMutex.
type Sessions struct {
	mu       sync.RWMutex
	byTenant map[string]map[string]time.Time
}

// Safe: check, create and write in one critical section, with a deferred Unlock.
func (s *Sessions) Touch(tenant, id string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inner, ok := s.byTenant[tenant]
	if !ok {
		inner = make(map[string]time.Time)
		s.byTenant[tenant] = inner
	}
	inner[id] = at
}

// Safe: the inner map is ranged inside the read-locked section; an early return stays inside it.
func (s *Sessions) Expired(tenant string, now time.Time, ttl time.Duration) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	inner, ok := s.byTenant[tenant]
	if !ok {
		return nil
	}
	var ids []string
	for id, at := range inner {
		if now.Sub(at) > ttl {
			ids = append(ids, id)
		}
	}
	return ids
}

// Safe: the unexported helper takes no lock; its only caller holds the write lock.
func (s *Sessions) removeLocked(tenant string, ids []string) {
	for _, id := range ids {
		delete(s.byTenant[tenant], id)
	}
	if len(s.byTenant[tenant]) == 0 {
		delete(s.byTenant, tenant)
	}
}

// Sweep finds and deletes expired sessions in one critical section, through the helper.
func (s *Sessions) Sweep(tenant string, now time.Time, ttl time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, at := range s.byTenant[tenant] {
		if now.Sub(at) > ttl {
			ids = append(ids, id)
		}
	}
	s.removeLocked(tenant, ids)
}

// Safe: a time.AfterFunc callback that takes the same lock.
func (s *Sessions) ExpireLater(tenant, id string, after time.Duration) {
	time.AfterFunc(after, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.byTenant[tenant], id)
	})
}

var (
	quotaMu sync.Mutex
	quota   = map[string]int{}
)

// Safe: package-level map, package-level mutex, every handler locks.
func handleSpend(w http.ResponseWriter, r *http.Request) {
	quotaMu.Lock()
	defer quotaMu.Unlock()
	if quota[r.FormValue("user")] <= 0 {
		http.Error(w, "quota exhausted", http.StatusPaymentRequired)
		return
	}
	quota[r.FormValue("user")]--
}

func handleGrant(w http.ResponseWriter, r *http.Request) {
	quotaMu.Lock()
	quota[r.FormValue("user")] += 10
	quotaMu.Unlock()
}

// RegisterQuotaRoutes wires the quota handlers.
func RegisterQuotaRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/spend", handleSpend)
	mux.HandleFunc("/grant", handleGrant)
}
