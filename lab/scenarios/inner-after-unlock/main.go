// A tenant store that locks the outer map only to find a tenant's table, then reads or writes
// the table after Unlock. The lock orders the lookups, not the uses: a Put and a Get on the
// same tenant touch its inner map concurrently.
//
// lab: expected=racy rule=MR002 race_expected=true
// lab: title="inner map used after Unlock"
package main

import (
	"fmt"
	"sync"
)

type Store struct {
	mu      sync.Mutex
	tenants map[string]map[string]string
}

func (s *Store) Put(tenant, key, value string) {
	s.mu.Lock()
	t := s.tenants[tenant]
	s.mu.Unlock()
	t[key] = value
}

func (s *Store) Get(tenant, key string) string {
	s.mu.Lock()
	t := s.tenants[tenant]
	s.mu.Unlock()
	return t[key]
}

func main() {
	s := &Store{tenants: map[string]map[string]string{"acme": {}}}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); fmt.Println("plan:", s.Get("acme", "plan")) }()
	go func() { defer wg.Done(); s.Put("acme", "plan", "pro") }()
	wg.Wait()
}
