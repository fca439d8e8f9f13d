package mr001

import (
	"sync"
	"time"
)

// Expiring locks its map in Add, which declares that its methods run concurrently.
type Expiring struct {
	mu    sync.Mutex
	items map[int]string
}

// Case: each Add arms a timer whose callback deletes without the lock; other Add calls,
// running at the same time, write the map.
func (e *Expiring) Add(id int, v string) {
	e.mu.Lock()
	e.items[id] = v
	e.mu.Unlock()
	time.AfterFunc(time.Minute, func() { delete(e.items, id) }) // want "MR001" `^delete of e\.items in .* races with the write`
}

// GuardedExpiring's timers take the lock.
type GuardedExpiring struct {
	mu    sync.Mutex
	items map[int]string
}

// Negative: the callback deletes under the same lock.
func (e *GuardedExpiring) Add(id int, v string) {
	e.mu.Lock()
	e.items[id] = v
	e.mu.Unlock()
	time.AfterFunc(time.Minute, func() {
		e.mu.Lock()
		delete(e.items, id)
		e.mu.Unlock()
	})
}
