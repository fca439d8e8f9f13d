package mixed

import (
	"sync"
	"sync/atomic"
	"time"
)

// Metrics counts requests per route and keeps latency samples.
type Metrics struct {
	routes sync.Map // route -> *atomic.Int64

	mu      sync.Mutex
	latency map[string][]time.Duration
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{latency: make(map[string][]time.Duration)}
}

// Case (MR005): Observe creates the route counter with Load then Store; a racing Observe's count is lost.
func (m *Metrics) Observe(route string, d time.Duration) {
	v, ok := m.routes.Load(route)
	if !ok {
		v = new(atomic.Int64)
		m.routes.Store(route, v) // want "MR005" `^Store on m\.routes after a Load of the same key`
	}
	v.(*atomic.Int64).Add(1)
	m.mu.Lock()
	m.latency[route] = append(m.latency[route], d)
	m.mu.Unlock()
}

// Negative: Count only loads.
func (m *Metrics) Count(route string) int64 {
	v, ok := m.routes.Load(route)
	if !ok {
		return 0
	}
	return v.(*atomic.Int64).Load()
}

// Negative: Latencies copies the samples under the lock.
func (m *Metrics) Latencies(route string) []time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]time.Duration(nil), m.latency[route]...)
}

// Case (MR001): ResetLatency clears the samples without the lock Observe holds.
func (m *Metrics) ResetLatency() {
	clear(m.latency) // want "MR001" `^clear of m\.latency in .* races with the read`
}
