// The split-lock registry done right: after taking Lock it looks again before creating, so
// the goroutine that lost the race uses the table the winner stored. Same trials as
// s3-split-lock; no update is lost.
//
// lab: expected=safe race_expected=false
// lab: title="control: RLock check, then re-check after Lock"
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

func newTable() map[string]int {
	t := make(map[string]int, 8)
	runtime.Gosched()
	return t
}

func (r *Registry) Set(tenant, key string, v int) {
	r.mu.RLock()
	t := r.byTenant[tenant]
	r.mu.RUnlock()
	if t == nil {
		fresh := newTable()
		r.mu.Lock()
		if t = r.byTenant[tenant]; t == nil {
			t = fresh
			r.byTenant[tenant] = t
		}
		r.mu.Unlock()
	}
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
