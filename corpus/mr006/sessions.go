package mr006

import (
	"sync"
	"sync/atomic"
	"time"
)

// Session is stored by pointer so handlers can update it in place.
type Session struct {
	User     string
	LastSeen time.Time
	Requests int
	bytes    atomic.Int64
}

// Sessions keeps sessions by tenant and id: byTenant[tenant][id].
type Sessions struct {
	mu       sync.RWMutex
	byTenant map[string]map[string]*Session
}

// Add stores a session under the write lock, creating the tenant's map in the same section.
func (s *Sessions) Add(tenant, id string, sess *Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byTenant[tenant] == nil {
		s.byTenant[tenant] = make(map[string]*Session)
	}
	s.byTenant[tenant][id] = sess
}

// Case: Touch writes into the inner map while holding only the read lock.
func (s *Sessions) Touch(tenant, id string, sess *Session) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.byTenant[tenant]; ok {
		s.byTenant[tenant][id] = sess // want "MR006" `^write of s\.byTenant\[tenant\] while only a read lock is held \(RLock at`
	}
}

// Case: Seen writes fields of a pointer value reached through the map under the read lock.
func (s *Sessions) Seen(tenant, id string, now time.Time) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.byTenant[tenant][id]; !ok {
		return
	}
	s.byTenant[tenant][id].LastSeen = now // want "MR006" `^field write of s\.byTenant\[tenant\]\[id\] while only a read lock is held \(RLock at`
	s.byTenant[tenant][id].Requests++     // want "MR006" `^field write of s\.byTenant\[tenant\]\[id\] while only a read lock is held \(RLock at`
}

// Negative: Account adds to an atomic counter inside the session; a method call, not a field write.
func (s *Sessions) Account(tenant, id string, n int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if sess, ok := s.byTenant[tenant][id]; ok {
		sess.bytes.Add(n)
	}
}

// Negative: Count only reads under the read lock.
func (s *Sessions) Count(tenant string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byTenant[tenant])
}
