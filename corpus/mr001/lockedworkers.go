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
