package mr004

import "sync"

func newShard() map[string][]byte { return make(map[string][]byte, 64) }

// Shards keeps a map of blobs per shard, created on first use by a constructor function.
type Shards struct {
	mu     sync.RWMutex
	shards map[int]map[string][]byte
}

// Case: the inner map comes from a constructor call, checked under RLock, stored under Lock
// without a re-check.
func (s *Shards) shard(n int) map[string][]byte {
	s.mu.RLock()
	m := s.shards[n]
	s.mu.RUnlock()
	if m != nil {
		return m
	}
	m = newShard()
	s.mu.Lock()
	s.shards[n] = m // want "MR004" `^s\.shards\[n\] is created here under Lock .* but was checked .* outside this critical section`
	s.mu.Unlock()
	return m
}

// Put stores a blob in its shard under the write lock.
func (s *Shards) Put(n int, k string, v []byte) {
	sh := s.shard(n)
	s.mu.Lock()
	sh[k] = v
	s.mu.Unlock()
}

// Negative: the same with a re-check after Lock.
func (s *Shards) shardChecked(n int) map[string][]byte {
	s.mu.RLock()
	m := s.shards[n]
	s.mu.RUnlock()
	if m != nil {
		return m
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m = s.shards[n]; m == nil {
		m = newShard()
		s.shards[n] = m
	}
	return m
}

// PutChecked stores a blob through the re-checked shard lookup.
func (s *Shards) PutChecked(n int, k string, v []byte) {
	sh := s.shardChecked(n)
	s.mu.Lock()
	sh[k] = v
	s.mu.Unlock()
}
