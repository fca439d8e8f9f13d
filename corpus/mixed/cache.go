package mixed

import (
	"sync"
	"time"
)

type entry struct {
	val     []byte
	expires time.Time
}

// Service is a multi-tenant cache: byTenant[tenant][key].
type Service struct {
	mu       sync.RWMutex
	byTenant map[string]map[string]entry
	quotas   map[string]int // bytes left per tenant, guarded by mu

	statsMu sync.Mutex
	hits    map[string]int // hits per tenant, guarded by statsMu
}

// NewService returns an empty cache.
func NewService() *Service {
	return &Service{
		byTenant: make(map[string]map[string]entry),
		quotas:   make(map[string]int),
		hits:     make(map[string]int),
	}
}

// Case (MR004): Put checks for the tenant under RLock and creates its map under Lock without re-checking.
func (s *Service) Put(tenant, key string, val []byte, ttl time.Duration) {
	s.mu.RLock()
	_, ok := s.byTenant[tenant]
	s.mu.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ok {
		s.byTenant[tenant] = make(map[string]entry) // want "MR004" `^s\.byTenant\[tenant\] is created here under Lock .* but was checked .* outside this critical section`
	}
	s.byTenant[tenant][key] = entry{val: val, expires: time.Now().Add(ttl)}
}

// Case (MR006, MR009): Get deletes an expired entry under the read lock, and counts hits under statsMu.
func (s *Service) Get(tenant, key string) ([]byte, bool) {
	s.mu.RLock()
	e, ok := s.byTenant[tenant][key]
	if ok && time.Now().After(e.expires) {
		delete(s.byTenant[tenant], key) // want "MR006" `^delete of s\.byTenant\[tenant\] while only a read lock is held \(RLock at`
		ok = false
	}
	s.mu.RUnlock()
	if !ok {
		return nil, false
	}
	s.statsMu.Lock()
	s.hits[tenant]++ // want "MR009" `^write of s\.hits holds Lock at .*, but the range at .* holds RLock at`
	s.statsMu.Unlock()
	return e.val, true
}

// Case (MR009): HitReport reads hits under mu, not under the statsMu that Get holds.
func (s *Service) HitReport() map[string]int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]int)
	for tenant, n := range s.hits {
		out[tenant] = n
	}
	return out
}

// Entries returns a tenant's live inner map from inside the critical section.
func (s *Service) Entries(tenant string) map[string]entry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byTenant[tenant]
}

// Case (MR002): Purge fetches the inner map under RLock, then ranges and deletes after RUnlock.
func (s *Service) Purge(tenant string, now time.Time) int {
	s.mu.RLock()
	inner := s.byTenant[tenant]
	s.mu.RUnlock()
	n := 0
	for k, e := range inner { // want "MR002" `^the inner map inner \(Service\.byTenant\[…\]\) was fetched under the lock.*\(delete at`
		if now.After(e.expires) {
			delete(inner, k) // want "MR002" `^the inner map inner \(Service\.byTenant\[…\]\) was fetched under the lock.*\((read|range|write) at`
			n++
		}
	}
	return n
}

// Case (MR001): TenantCount reads the outer map with no lock.
func (s *Service) TenantCount() int {
	return len(s.byTenant) // want "MR001" `^len of s\.byTenant in .* races with the write`
}

// Case (MR007): Charge reads the quota under RLock and writes back the reduced value under Lock.
func (s *Service) Charge(tenant string, n int) bool {
	s.mu.RLock()
	left := s.quotas[tenant]
	s.mu.RUnlock()
	if left < n {
		return false
	}
	s.mu.Lock()
	s.quotas[tenant] = left - n // want "MR007" `^s\.quotas is written back from a value read at .* in an earlier critical section`
	s.mu.Unlock()
	return true
}

// Negative: SetQuota writes under the write lock.
func (s *Service) SetQuota(tenant string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quotas[tenant] = n
}

// Negative: Refund reads and writes the quota in one critical section.
func (s *Service) Refund(tenant string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quotas[tenant] += n
}

// Start runs the janitor until the returned stop function is called.
func (s *Service) Start(every time.Duration) (stop func()) {
	tick := time.NewTicker(every)
	done := make(chan struct{})
	go func() {
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-tick.C:
				s.sweep(now)
			}
		}
	}()
	return func() { close(done) }
}

// Negative: the janitor deletes expired entries and empty tenants under the write lock.
func (s *Service) sweep(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tenant, inner := range s.byTenant {
		for k, e := range inner {
			if now.After(e.expires) {
				delete(inner, k)
			}
		}
		if len(inner) == 0 {
			delete(s.byTenant, tenant)
		}
	}
}
