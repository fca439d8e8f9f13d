package mr002

import (
	"sync"
	"time"
)

// TenantSessions keeps the last activity per session, per tenant: byTenant[tenant][session].
type TenantSessions struct {
	mu       sync.RWMutex
	byTenant map[string]map[string]time.Time
}

// NewTenantSessions returns an empty registry.
func NewTenantSessions() *TenantSessions {
	return &TenantSessions{byTenant: make(map[string]map[string]time.Time)}
}

// Add creates the tenant's map if needed and records the session, in one critical section.
func (s *TenantSessions) Add(tenant, id string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sessions := s.byTenant[tenant]
	if sessions == nil {
		sessions = make(map[string]time.Time)
		s.byTenant[tenant] = sessions
	}
	sessions[id] = at
}

// Case: Touch fetches the inner map under RLock, returns early if missing, and writes it after RUnlock.
func (s *TenantSessions) Touch(tenant, id string, at time.Time) {
	s.mu.RLock()
	sessions, ok := s.byTenant[tenant]
	s.mu.RUnlock()
	if !ok {
		return
	}
	sessions[id] = at // want "MR002" `^the inner map sessions \(TenantSessions\.byTenant\[…\]\) was fetched under the lock.*\(range at`
}

// Case: Active ranges over the inner map after the read lock is released.
func (s *TenantSessions) Active(tenant string, since time.Time) int {
	s.mu.RLock()
	sessions := s.byTenant[tenant]
	s.mu.RUnlock()
	n := 0
	for _, at := range sessions { // want "MR002" `^the inner map sessions \(TenantSessions\.byTenant\[…\]\) was fetched under the lock.*\(write at`
		if at.After(since) {
			n++
		}
	}
	return n
}

// Negative: Count keeps the inner len inside the critical section (deferred RUnlock).
func (s *TenantSessions) Count(tenant string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byTenant[tenant])
}

// Product is a catalogue entry.
type Product struct {
	ID    int
	Price int64
}

// Catalog indexes products by tenant, then region, then product id.
type Catalog struct {
	mu       sync.Mutex
	products map[string]map[string]map[int]Product
}

// Put creates both inner levels if needed and stores the product, all under the lock.
func (c *Catalog) Put(tenant, region string, p Product) {
	c.mu.Lock()
	defer c.mu.Unlock()
	byRegion := c.products[tenant]
	if byRegion == nil {
		byRegion = make(map[string]map[int]Product)
		c.products[tenant] = byRegion
	}
	items := byRegion[region]
	if items == nil {
		items = make(map[int]Product)
		byRegion[region] = items
	}
	items[p.ID] = p
}

// Case: three-level nesting; Lookup reads the innermost map with no lock while Put writes it.
func (c *Catalog) Lookup(tenant, region string, id int) (Product, bool) {
	p, ok := c.products[tenant][region][id] // want "MR002" `^the inner map c\.products\[tenant\] \(Catalog\.products\[…\]\) is used with no lock.*\(write at`
	return p, ok
}

// Negative: Prices copies the innermost map under the lock and only uses the copy after Unlock.
func (c *Catalog) Prices(tenant, region string) map[int]int64 {
	c.mu.Lock()
	out := make(map[int]int64, len(c.products[tenant][region]))
	for id, p := range c.products[tenant][region] {
		out[id] = p.Price
	}
	c.mu.Unlock()
	for id, price := range out {
		if price < 0 {
			delete(out, id)
		}
	}
	return out
}
