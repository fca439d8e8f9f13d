package mr001

import (
	"errors"
	"fmt"
	"sync"
)

var (
	logMu  sync.Mutex
	logBuf []string
)

func logf(format string, args ...any) {
	logMu.Lock()
	logBuf = append(logBuf, fmt.Sprintf(format, args...))
	logMu.Unlock()
}

// Case: LAB's unrelated-mutex masking: both sides call a logger that locks logMu, but the map accesses hold no lock.
func ImportUsers(rows []string) map[string]int {
	byName := make(map[string]int, len(rows))
	done := make(chan struct{})
	go func() {
		for i, r := range rows {
			byName[r] = i // want "MR001" `^write of byName in .* races with the len`
			logf("imported %s", r)
		}
		close(done)
	}()
	logf("import started, %d users so far", len(byName))
	<-done
	return byName
}

// ErrFatal stops retries.
var ErrFatal = errors.New("fatal")

// Retrier counts failures per key under its lock.
type Retrier struct {
	mu       sync.Mutex
	failures map[string]int
}

// Fail records one failure under the lock.
func (r *Retrier) Fail(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures[key]++
}

// Case: LAB's rarely taken path: only a fatal error deletes, and that path forgets the lock.
func (r *Retrier) Do(key string, f func() error) error {
	err := f()
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrFatal) {
		delete(r.failures, key) // want "MR001" `^delete of r\.failures in .* races with the read at .* in concurrent calls of Retrier\.Fail`
		return err
	}
	r.Fail(key)
	return err
}
