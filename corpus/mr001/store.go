package mr001

import (
	"sync"
	"time"
)

// Session is one logged-in user.
type Session struct {
	User    string
	Expires time.Time
}

// SessionStore locks its map in Put and Get, which declares that its methods run concurrently.
type SessionStore struct {
	mu       sync.Mutex
	sessions map[string]Session
}

// NewSessionStore returns an empty store.
func NewSessionStore() *SessionStore {
	return &SessionStore{sessions: make(map[string]Session)}
}

// Put stores a session under the lock.
func (s *SessionStore) Put(id string, sess Session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[id] = sess
}

// Get reads a session under the lock.
func (s *SessionStore) Get(id string) (Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	return sess, ok
}

// Case: Len reads the map without the lock that Put holds.
func (s *SessionStore) Len() int {
	return len(s.sessions) // want "MR001" `^len of s\.sessions in .* races with the write`
}

// Case: the forced path of Revoke deletes and returns early without taking the lock.
func (s *SessionStore) Revoke(id string, force bool) {
	if force {
		delete(s.sessions, id) // want "MR001" `^delete of s\.sessions in .* races with the read`
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess, ok := s.sessions[id]; ok && time.Now().After(sess.Expires) {
		delete(s.sessions, id)
	}
}

// LockedMap is a generic map whose Store and Load lock; Keys forgets to.
type LockedMap[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

// Store writes under the write lock.
func (lm *LockedMap[K, V]) Store(k K, v V) {
	lm.mu.Lock()
	lm.m[k] = v
	lm.mu.Unlock()
}

// Load reads under the read lock.
func (lm *LockedMap[K, V]) Load(k K) (V, bool) {
	lm.mu.RLock()
	defer lm.mu.RUnlock()
	v, ok := lm.m[k]
	return v, ok
}

// Case: a generic type's Keys method reads len and ranges without the lock.
func (lm *LockedMap[K, V]) Keys() []K {
	keys := make([]K, 0, len(lm.m)) // want "MR001" `^len of lm\.m in .* races with the write`
	for k := range lm.m {           // the same race as the line before: in its related
		keys = append(keys, k)
	}
	return keys
}

// QuotaTable guards per-tenant usage with an embedded mutex.
type QuotaTable struct {
	sync.Mutex
	limit int64
	used  map[string]int64
}

// Charge adds n to the tenant's usage if it stays under the limit.
func (q *QuotaTable) Charge(tenant string, n int64) bool {
	q.Lock()
	defer q.Unlock()
	if q.used[tenant]+n > q.limit {
		return false
	}
	q.used[tenant] += n
	return true
}

// Case: Reset clears the map without the embedded mutex that Charge takes. A Reset that
// takes no lock at all is usually the lifecycle kind (a pooled value, a new run), so this is
// lower confidence; one that locks is not (mr009/protocol.go).
func (q *QuotaTable) Reset() {
	clear(q.used) // want-low "MR001" `^clear of q\.used in .* races with the read.*\[lower confidence: QuotaTable\.Reset looks like a reset method`
}
