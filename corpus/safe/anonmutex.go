package safe

import "sync"

// Compactions keeps its mutex and the maps it guards together in an anonymous struct field.
type Compactions struct {
	mu struct {
		sync.Mutex
		inProgress map[int]struct{}
	}
}

func (c *Compactions) Start(id int) {
	c.mu.Lock()
	c.mu.inProgress[id] = struct{}{}
	c.mu.Unlock()
}

// Safe: the same c.mu on both sides, reached through another instance's pointer.
func (c *Compactions) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.mu.inProgress)
}

// Pool hands out the compactions of its members.
type Pool struct {
	mu      sync.Mutex
	members map[string]*Compactions
}

// Safe: a member's map is touched under that member's own lock.
func (p *Pool) StartAll(id int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.members {
		c.Start(id)
	}
}
