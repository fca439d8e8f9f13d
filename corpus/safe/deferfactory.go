package safe

import "sync"

// AckTracker counts outstanding acks and closes done when the last one arrives.
type AckTracker struct {
	mu      sync.Mutex
	pending map[string]int
	done    chan struct{}
}

// Track records an outstanding ack.
func (t *AckTracker) Track(id string) {
	t.mu.Lock()
	t.pending[id]++
	t.mu.Unlock()
}

// Negative: `defer closeIfDrained()()` calls closeIfDrained at the defer statement, under the
// lock; only the closure it returns (closing the channel) runs after the unlock.
func (t *AckTracker) Ack(id string) {
	t.mu.Lock()
	closeIfDrained := func() func() {
		var ch chan struct{}
		if t.done != nil && len(t.pending) == 0 {
			ch, t.done = t.done, nil
		}
		return func() {
			if ch != nil {
				close(ch)
			}
		}
	}
	delete(t.pending, id)
	defer closeIfDrained()()
	t.mu.Unlock()
}
