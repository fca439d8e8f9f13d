package mr007

import (
	"errors"
	"sync"
	"time"
)

// Limiter allows a fixed number of calls per key.
type Limiter struct {
	mu     sync.Mutex
	limit  int
	counts map[string]int
}

// Case: the count is read under the lock, the limit decision made outside, and the increment written in a second section.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	n := l.counts[key]
	l.mu.Unlock()
	if n >= l.limit {
		return false
	}
	l.mu.Lock()
	l.counts[key] = n + 1 // want "MR007" `^l\.counts is written back from a value read at .* in an earlier critical section`
	l.mu.Unlock()
	return true
}

// Negative: AllowN checks and increments in one critical section.
func (l *Limiter) AllowN(key string, k int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts[key]+k > l.limit {
		return false
	}
	l.counts[key] += k
	return true
}

// ErrInsufficient is returned when a withdrawal exceeds the balance.
var ErrInsufficient = errors.New("insufficient funds")

// Ledger keeps balances per account.
type Ledger struct {
	mu       sync.RWMutex
	balances map[string]int64
}

// Balance reads under the read lock.
func (l *Ledger) Balance(acct string) int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.balances[acct]
}

// Case: balance read under RLock, written back under Lock: two withdrawals can both pass the check.
func (l *Ledger) Withdraw(acct string, amount int64) error {
	l.mu.RLock()
	bal := l.balances[acct]
	l.mu.RUnlock()
	if bal < amount {
		return ErrInsufficient
	}
	l.mu.Lock()
	l.balances[acct] = bal - amount // want "MR007" `^l\.balances is written back from a value read at .* in an earlier critical section`
	l.mu.Unlock()
	return nil
}

// Negative: Deposit re-reads under the write lock.
func (l *Ledger) Deposit(acct string, amount int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.balances[acct] = l.balances[acct] + amount
}

// Post is a timeline entry.
type Post struct {
	At   time.Time
	Text string
}

// Timeline keeps posts per user.
type Timeline struct {
	mu     sync.Mutex
	byUser map[string][]Post
}

// Case: the slice is read in one section, appended to outside, and stored back in another.
func (t *Timeline) Publish(user string, p Post) {
	t.mu.Lock()
	posts := t.byUser[user]
	t.mu.Unlock()
	p.At = time.Now()
	t.mu.Lock()
	t.byUser[user] = append(posts, p) // want "MR007" `^t\.byUser is written back from a value read at .* in an earlier critical section`
	t.mu.Unlock()
}

// Negative: Latest reads under the lock and writes nothing.
func (t *Timeline) Latest(user string) (Post, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	posts := t.byUser[user]
	if len(posts) == 0 {
		return Post{}, false
	}
	return posts[len(posts)-1], true
}
