// The article's scenario 3: an index of per-tenant tables created on first use, with no lock
// at all. Two goroutines both see the tenant missing, both create its table, and one
// creation overwrites the other together with the entry written into it. Every trial is a
// new tenant written by two goroutines; a tenant that ends with fewer than two entries lost
// an update.
//
// lab: expected=racy rule=MR004 race_expected=true
// lab: title="S3 lazy init of an inner map, no locks"
package main

import (
	"fmt"
	"sync"
)

const trials = 500

type Index struct {
	byTenant map[string]map[string]int
}

func (ix *Index) Add(tenant, key string, v int) {
	if ix.byTenant[tenant] == nil {
		ix.byTenant[tenant] = make(map[string]int)
	}
	ix.byTenant[tenant][key] = v
}

func main() {
	ix := &Index{byTenant: make(map[string]map[string]int)}
	lost := 0
	for i := range trials {
		tenant := fmt.Sprintf("tenant-%d", i)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); ix.Add(tenant, "a", 1) }()
		go func() { defer wg.Done(); ix.Add(tenant, "b", 2) }()
		wg.Wait()
		if len(ix.byTenant[tenant]) != 2 {
			lost++
		}
	}
	fmt.Printf("LOST_UPDATES=%d\n", lost)
}
