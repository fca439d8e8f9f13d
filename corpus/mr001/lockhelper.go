package mr001

import "sync"

// Roster locks through an unexported helper that returns holding the lock: the type keeps
// its lock to itself, so a method that takes none is simply unguarded.
type Roster struct {
	mu    sync.Mutex
	names map[string]int
}

func (r *Roster) lock() { r.mu.Lock() }

func (r *Roster) Add(name string) {
	r.lock()
	defer r.mu.Unlock()
	r.names[name]++
}

// Case: Len forgets the lock.
func (r *Roster) Len() int {
	return len(r.names) // want "MR001" `^len of r\.names in concurrent calls of Roster\.Len .* races with the write`
}
