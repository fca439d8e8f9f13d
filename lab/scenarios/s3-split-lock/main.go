// The article's scenario 3 "fixed" the way it often is: the lookup takes RLock, the creation
// takes Lock, and nobody re-checks after Lock. Every map access holds the lock, so there is
// no data race for -race to report, yet two goroutines that both miss create two tables and
// the second Store throws away the first one and the entry already written into it.
//
// lab: expected=racy rule=MR004 race_expected=false
// lab: title="S3 split lock: RLock check, Lock store, no re-check"
package main

import (
	"fmt"
	"runtime"
	"sync"
)

const trials = 500

type Registry struct {
	mu       sync.RWMutex
	byTenant map[string]map[string]int
}

// newTable stands for loading a tenant's defaults; like the I/O it replaces, it lets the
// scheduler run someone else.
func newTable() map[string]int {
	t := make(map[string]int, 8)
	runtime.Gosched()
	return t
}

func (r *Registry) table(tenant string) map[string]int {
	r.mu.RLock()
	t := r.byTenant[tenant]
	r.mu.RUnlock()
	if t != nil {
		return t
	}
	t = newTable()
	r.mu.Lock()
	r.byTenant[tenant] = t
	r.mu.Unlock()
	return t
}

func (r *Registry) Set(tenant, key string, v int) {
	t := r.table(tenant)
	r.mu.Lock()
	t[key] = v
	r.mu.Unlock()
}

func (r *Registry) Len(tenant string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.byTenant[tenant])
}

func main() {
	r := &Registry{byTenant: make(map[string]map[string]int)}
	lost := 0
	for i := range trials {
		tenant := fmt.Sprintf("tenant-%d", i)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); r.Set(tenant, "a", 1) }()
		go func() { defer wg.Done(); r.Set(tenant, "b", 2) }()
		wg.Wait()
		if r.Len(tenant) != 2 {
			lost++
		}
	}
	fmt.Printf("LOST_UPDATES=%d\n", lost)
}
