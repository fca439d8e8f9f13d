package mr006

import (
	"sync"
	"time"
)

// WAL keeps series for appenders and, for its own truncation loop, the series deleted since
// the last checkpoint. The read lock keeps appenders' series stable during a checkpoint;
// pending is touched by the loop goroutine alone.
type WAL struct {
	mu      sync.RWMutex
	series  map[uint64]string
	pending map[uint64]int
	stop    chan struct{}
}

// OpenWAL starts the truncation loop.
func OpenWAL() *WAL {
	w := &WAL{series: map[uint64]string{}, pending: map[uint64]int{}, stop: make(chan struct{})}
	go w.run()
	return w
}

func (w *WAL) run() {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.truncate(time.Now().Unix())
		}
	}
}

// Lower confidence: written under the read lock, but only the one loop goroutine runs
// truncate: no other holder of the read lock touches pending.
func (w *WAL) truncate(now int64) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	for ref, seg := range w.pending {
		if int64(seg) < now {
			delete(w.pending, ref) // want-low "MR006" `^delete of w\.pending while only a read lock is held.*\[lower confidence`
		}
	}
	for ref := range w.series {
		w.pending[ref] = int(now) // want-low "MR006" `^write of w\.pending while only a read lock is held.*\[lower confidence`
	}
}

// Append adds a series under the write lock.
func (w *WAL) Append(ref uint64, labels string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.series[ref] = labels
}

// Close stops the loop.
func (w *WAL) Close() { close(w.stop) }
