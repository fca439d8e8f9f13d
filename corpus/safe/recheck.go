package safe

import "sync"

// Groups keeps group memberships: members[group][user].
type Groups struct {
	mu      sync.RWMutex
	members map[string]map[string]bool
}

// Safe: double-checked locking: a fast check under RLock, re-checked after Lock before creating.
func (g *Groups) Add(group, user string) {
	g.mu.RLock()
	_, ok := g.members[group]
	g.mu.RUnlock()
	if !ok {
		g.mu.Lock()
		if _, ok := g.members[group]; !ok {
			g.members[group] = make(map[string]bool)
		}
		g.mu.Unlock()
	}
	g.mu.Lock()
	g.members[group][user] = true
	g.mu.Unlock()
}

// Safe: a nil re-check after Lock, with a deferred Unlock and an early return.
func (g *Groups) AddAll(group string, users []string) {
	if len(users) == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.members[group] == nil {
		g.members[group] = make(map[string]bool, len(users))
	}
	for _, u := range users {
		g.members[group][u] = true
	}
}

// IsMember reads under the read lock.
func (g *Groups) IsMember(group, user string) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.members[group][user]
}
