package mr001

import "sync"

// PoolManager reloads its pools under mtx, fanning the lookups out to goroutines.
type PoolManager struct {
	mtx   sync.Mutex
	pools map[string]int
}

// Case: the goroutines outlive the critical section (the wait comes after the unlock), so
// another Reload can reassign pools while they read it.
func (m *PoolManager) Reload(names []string) {
	m.mtx.Lock()
	m.pools = map[string]int{}
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			_ = m.pools[name] // want "MR001" `^read of m\.pools in goroutines started at .* races with the reassignment`
		}(n)
	}
	m.mtx.Unlock()
	wg.Wait()
}

// Rule keeps its active alerts under its own mutex.
type Rule struct {
	mu     sync.Mutex
	active map[string]int
}

// Active counts the alerts under the rule's mutex.
func (r *Rule) Active() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.active)
}

// RuleManager copies rule state in goroutines it starts and waits for under its own lock.
type RuleManager struct {
	mtx   sync.Mutex
	rules []*Rule
}

// Case: the goroutines run under m.mtx (started and waited for inside its critical
// section), but m.mtx is not the rule's lock: the write is unguarded as far as Active's
// callers are concerned, and the finding names no lock it did not take (MR001, not MR009).
func (m *RuleManager) Update(state map[string]int) {
	m.mtx.Lock()
	defer m.mtx.Unlock()
	var wg sync.WaitGroup
	for _, r := range m.rules {
		wg.Add(1)
		go func(r *Rule) {
			defer wg.Done()
			for k, v := range state {
				r.active[k] = v // want "MR001" `^write of r\.active in goroutines started at .* races with the len`
			}
		}(r)
	}
	wg.Wait()
}
