package mr006

import "sync"

// Directory keeps its read-write lock by pointer (copies of the registry share it).
type Directory struct {
	mu    *sync.RWMutex
	names map[string]int
}

func NewDirectory() *Directory { return &Directory{mu: &sync.RWMutex{}, names: map[string]int{}} }

// Case: the registry's own map written under its own (pointer) read lock.
func (r *Directory) Touch(name string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	r.names[name]++ // want "MR006" `^write of r\.names while only a read lock is held \(RLock at`
	return r.names[name]
}
