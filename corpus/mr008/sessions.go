package mr008

import (
	"maps"
	"sync"
	"time"
)

// Session is one user session.
type Session struct {
	User    string
	Expires time.Time
}

// TenantStore keeps sessions per tenant: byTenant[tenant][id].
type TenantStore struct {
	mu       sync.RWMutex
	byTenant map[string]map[string]Session
}

// Put stores a session under the write lock.
func (s *TenantStore) Put(tenant, id string, sess Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byTenant[tenant] == nil {
		s.byTenant[tenant] = make(map[string]Session)
	}
	s.byTenant[tenant][id] = sess
}

// Sessions returns the tenant's live inner map from inside the critical section.
func (s *TenantStore) Sessions(tenant string) map[string]Session {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byTenant[tenant]
}

// Case: ActiveCount ranges over the map Sessions returned, after Sessions released the lock.
func (s *TenantStore) ActiveCount(tenant string, now time.Time) int {
	n := 0
	for _, sess := range s.Sessions(tenant) { // want "MR008" `^range of s\.Sessions\(tenant\) \(TenantStore\.byTenant\[…\]\): TenantStore\.Sessions returned this map from inside its critical section`
		if sess.Expires.After(now) {
			n++
		}
	}
	return n
}

// Case: a caller deletes from the returned inner map.
func (s *TenantStore) Logout(tenant, id string) {
	sessions := s.Sessions(tenant)
	delete(sessions, id) // want "MR008" `^delete of sessions \(TenantStore\.byTenant\[…\]\): TenantStore\.Sessions returned this map from inside its critical section`
}

// Negative: SessionsCopy returns maps.Clone of the inner map; callers own the copy.
func (s *TenantStore) SessionsCopy(tenant string) map[string]Session {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return maps.Clone(s.byTenant[tenant])
}

// Negative: Expired ranges over and deletes from its own copy.
func (s *TenantStore) Expired(tenant string, now time.Time) []string {
	sessions := s.SessionsCopy(tenant)
	var ids []string
	for id, sess := range sessions {
		if sess.Expires.Before(now) {
			ids = append(ids, id)
			delete(sessions, id)
		}
	}
	return ids
}

// Negative: Session returns one value, not a map.
func (s *TenantStore) Session(tenant, id string) (Session, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sess, ok := s.byTenant[tenant][id]
	return sess, ok
}

// Prefs keeps preference maps per user.
type Prefs struct {
	mu     sync.Mutex
	byUser map[string]map[string]string
}

// Set writes a preference under the lock.
func (p *Prefs) Set(user, key, value string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byUser[user] == nil {
		p.byUser[user] = make(map[string]string)
	}
	p.byUser[user][key] = value
}

// For creates the user's inner map if needed and returns it from inside the critical section.
func (p *Prefs) For(user string) map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byUser[user] == nil {
		p.byUser[user] = make(map[string]string)
	}
	return p.byUser[user]
}

// Case: a caller writes into the inner map For returned, without the lock.
func (p *Prefs) SetTheme(user, theme string) {
	prefs := p.For(user)
	prefs["theme"] = theme // want "MR008" `^write of prefs \(Prefs\.byUser\[…\]\): Prefs\.For returned this map from inside its critical section`
}

// Negative: a helper that expects the caller to hold p.mu returns the inner map; the caller uses it under the lock.
func (p *Prefs) forLocked(user string) map[string]string {
	return p.byUser[user]
}

// Reset clears a user's preferences while holding the lock across the helper and the clear.
func (p *Prefs) Reset(user string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.forLocked(user))
}
