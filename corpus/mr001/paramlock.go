package mr001

import "sync"

// Table locks only when its caller asks (the "doLock" flag idiom); Peek passes false
// without holding the lock, so its read races with Put's write.
type Table struct {
	mu   sync.Mutex
	rows map[string]int
}

func (t *Table) Put(k string, v int) { t.put(k, v, true) }

func (t *Table) Peek(k string) int { return t.get(k, false) }

func (t *Table) put(k string, v int, doLock bool) {
	if doLock {
		t.mu.Lock()
		defer t.mu.Unlock()
	}
	t.rows[k] = v
}

func (t *Table) get(k string, doLock bool) int {
	if doLock {
		t.mu.Lock()
		defer t.mu.Unlock()
	}
	return t.rows[k] // want "MR001" `^read of t\.rows in .* races with the write`
}
