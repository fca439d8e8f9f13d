package safe

import "sync"

// Ledger runs every change through a helper that holds its lock around the callback.
type Ledger struct {
	mu       sync.Mutex
	balances map[string]int
}

func (l *Ledger) withLock(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f()
}

// Safe: the callback runs while withLock holds the ledger's lock.
func (l *Ledger) Credit(account string, n int) {
	l.withLock(func() {
		l.balances[account] += n
	})
}

// Safe: the same lock, taken directly.
func (l *Ledger) Balance(account string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.balances[account]
}
