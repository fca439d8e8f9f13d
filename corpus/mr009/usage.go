package mr009

import "sync"

// Usage counts per tenant and metric; the tenant set is fixed at construction.
type Usage struct {
	mu       sync.Mutex
	flushMu  sync.Mutex
	byTenant map[string]map[string]int64
}

// NewUsage builds the outer map before publishing it.
func NewUsage(tenants []string) *Usage {
	byTenant := make(map[string]map[string]int64, len(tenants))
	for _, t := range tenants {
		byTenant[t] = make(map[string]int64)
	}
	return &Usage{byTenant: byTenant}
}

// Case: nested: Add writes a tenant's inner map under mu ...
func (u *Usage) Add(tenant, metric string, n int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if inner, ok := u.byTenant[tenant]; ok {
		inner[metric] += n // want "MR009" `^write of inner \(Usage\.byTenant\[…\]\) holds Lock at .*, but the range at .* holds Lock at`
	}
}

// ... while Flush ranges and clears it under flushMu.
func (u *Usage) Flush(tenant string, emit func(string, int64)) {
	u.flushMu.Lock()
	defer u.flushMu.Unlock()
	for metric, n := range u.byTenant[tenant] {
		emit(metric, n)
	}
	clear(u.byTenant[tenant]) // want "MR009" `^clear of u\.byTenant\[tenant\] \(Usage\.byTenant\[…\]\) holds Lock at .*, but the read at .* holds Lock at`
}

// Ledger has an account lock and an audit lock.
type Ledger struct {
	mu       sync.Mutex
	auditMu  sync.Mutex
	balances map[string]int64
	audit    []string
}

// Negative: Transfer holds both locks; Balance holds mu; mu is common and Transfer holds it for writing.
func (l *Ledger) Transfer(from, to string, amount int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.auditMu.Lock()
	defer l.auditMu.Unlock()
	l.balances[from] -= amount
	l.balances[to] += amount
	l.audit = append(l.audit, from+"->"+to)
}

// Balance reads under mu only.
func (l *Ledger) Balance(acct string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.balances[acct]
}

// Negative: the helper takes no lock itself; every caller holds mu, which counts for it.
func (l *Ledger) creditLocked(acct string, amount int64) {
	l.balances[acct] += amount
}

// Credit holds mu around the helper.
func (l *Ledger) Credit(acct string, amount int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.creditLocked(acct, amount)
}

// Negative: readers under two different locks, but the map is never written after construction.
type Rates struct {
	mu      sync.Mutex
	otherMu sync.Mutex
	byCode  map[string]float64
	cache   map[string]float64
}

// NewRates publishes a rate table that is never written afterwards.
func NewRates(byCode map[string]float64) *Rates {
	return &Rates{byCode: byCode, cache: make(map[string]float64)}
}

// Rate reads byCode under mu and caches under mu.
func (r *Rates) Rate(code string) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.cache[code]; ok {
		return v
	}
	v := r.byCode[code]
	r.cache[code] = v
	return v
}

// Known reads byCode under otherMu; nothing writes byCode after NewRates.
func (r *Rates) Known(code string) bool {
	r.otherMu.Lock()
	defer r.otherMu.Unlock()
	_, ok := r.byCode[code]
	return ok
}
