package safe

import (
	"sync"
	"time"
)

// Session is one client's session with the server. It is not safe for concurrent use:
// callers serialise their calls (a pool hands each Session to one goroutine at a time).
type Session struct {
	mu     sync.Mutex // guards seen for the keepalive goroutine
	seen   map[string]time.Time
	params map[string]string
}

// Negative: the lock is there for the keepalive goroutine; params belongs to the one
// goroutine at a time that the documented contract allows, locked in one place or not.
func (s *Session) StoreParam(k, v string) { s.params[k] = v }

// Param reads a server parameter (under the lock, out of habit).
func (s *Session) Param(k string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.params[k]
}

// Touch records activity on a channel for the keepalive goroutine.
func (s *Session) Touch(channel string) {
	s.mu.Lock()
	s.seen[channel] = time.Now()
	s.mu.Unlock()
}
