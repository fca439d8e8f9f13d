package mr007

import (
	"sync"
	"time"
)

// User is stored by value.
type User struct {
	Name      string
	Logins    int
	LastLogin time.Time
	Suspended bool
}

// Users keeps users by id.
type Users struct {
	mu   sync.Mutex
	byID map[string]User
}

// Get copies a user out under the lock.
func (u *Users) Get(id string) (User, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	usr, ok := u.byID[id]
	return usr, ok
}

// Put stores a user under the lock.
func (u *Users) Put(id string, usr User) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.byID[id] = usr
}

// Case: a struct value is copied out, modified, and written back through Put: a concurrent Suspend is lost.
func (u *Users) RecordLogin(id string, at time.Time) {
	usr, ok := u.Get(id)
	if !ok {
		return
	}
	usr.Logins++
	usr.LastLogin = at
	u.Put(id, usr) // want "MR007" `^u\.byID is written back from a value read at .* in an earlier critical section`
}

// Negative: Suspend modifies the struct value inside one critical section.
func (u *Users) Suspend(id string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if usr, ok := u.byID[id]; ok {
		usr.Suspended = true
		u.byID[id] = usr
	}
}

// PathHits counts hits per tenant and path: hits[tenant][path].
type PathHits struct {
	mu      sync.Mutex
	maxHits int
	hits    map[string]map[string]int
}

// Case: nested entry read in one section and written back in another with the same key expressions.
func (p *PathHits) Record(tenant, path string) {
	p.mu.Lock()
	if p.hits[tenant] == nil {
		p.hits[tenant] = make(map[string]int)
	}
	n := p.hits[tenant][path]
	p.mu.Unlock()
	if n >= p.maxHits {
		return
	}
	p.mu.Lock()
	p.hits[tenant][path] = n + 1 // want "MR007" `^p\.hits\[tenant\] is written back from a value read at .* in an earlier critical section`
	p.mu.Unlock()
}

// Store is a generic locked key-value store.
type Store[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

// Load reads under the read lock.
func (s *Store[K, V]) Load(k K) V {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m[k]
}

// Save writes under the write lock.
func (s *Store[K, V]) Save(k K, v V) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

// Case: a generic Update built from Load and Save.
func (s *Store[K, V]) Update(k K, f func(V) V) {
	v := s.Load(k)
	s.Save(k, f(v)) // want "MR007" `^s\.m is written back from a value read at .* in an earlier critical section`
}

// Negative: Modify applies f inside one critical section.
func (s *Store[K, V]) Modify(k K, f func(V) V) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = f(s.m[k])
}
