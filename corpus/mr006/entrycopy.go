package mr006

import "sync"

// Lease is a lock record; the table hands out copies of its records.
type Lease struct {
	Owner string
	Until int64
	Seen  int64
}

// LeaseTable keeps its leases by key under a read-write lock.
type LeaseTable struct {
	mu     sync.RWMutex
	leases map[string]*Lease
}

// Negative: `cp := *l` is the caller's own copy; naming it after its key under the read lock
// writes no shared memory.
func (t *LeaseTable) Snapshot() []*Lease {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []*Lease
	for key, l := range t.leases {
		cp := *l
		cp.Owner = key
		out = append(out, &cp)
	}
	return out
}

// Positive: the record itself is reached through the map's pointer, so readers holding the
// read lock at once all write it.
func (t *LeaseTable) Touch(key string, now int64) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if l, ok := t.leases[key]; ok {
		l.Seen = now // want "MR006" `^field write of l while only a read lock is held`
	}
}

// Grant writes the table under the write lock.
func (t *LeaseTable) Grant(key, owner string, until int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.leases[key] = &Lease{Owner: owner, Until: until}
}
