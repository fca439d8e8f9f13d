package safe

import "sync"

// chanMutex is a mutex made of a channel of capacity one.
type chanMutex struct{ ch chan struct{} }

func (m *chanMutex) Lock()   { m.ch <- struct{}{} }
func (m *chanMutex) Unlock() { <-m.ch }

// Registry guards its names with the channel mutex.
type Registry struct {
	mu    *chanMutex
	names map[string]int
}

func (r *Registry) Add(n string) {
	r.mu.Lock()
	r.names[n]++
	r.mu.Unlock()
}

// Safe: every goroutine's Add holds the channel mutex.
func FillRegistry(r *Registry, names []string) {
	var wg sync.WaitGroup
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Add(n)
		}()
	}
	wg.Wait()
}

// LockedTally guards its counts with whatever sync.Locker it is given.
type LockedTally struct {
	l      sync.Locker
	counts map[string]int
}

func (t *LockedTally) Inc(k string) {
	t.l.Lock()
	defer t.l.Unlock()
	t.counts[k]++
}

// Safe: the Locker is held around every increment.
func CountAll(t *LockedTally, keys []string) {
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Inc(k)
		}()
	}
	wg.Wait()
}

// Mailbox guards its letters with its condition variable's lock.
type Mailbox struct {
	cond    *sync.Cond
	letters map[int]string
}

func (m *Mailbox) Post(id int, s string) {
	m.cond.L.Lock()
	m.letters[id] = s
	m.cond.L.Unlock()
	m.cond.Signal()
}

// Safe: posts from many goroutines hold cond.L.
func PostAll(m *Mailbox, ids []int) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Post(id, "x")
		}()
	}
	wg.Wait()
}
