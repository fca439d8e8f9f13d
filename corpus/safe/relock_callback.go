package safe

import "sync"

// MsgStore drops messages under its lock; when a removal callback is registered, remove
// releases the lock around the callback and takes it again, so its callers hold the lock
// before and after the call on both paths.
type MsgStore struct {
	mu       sync.Mutex
	msgs     map[uint64][]byte
	onRemove func(seq uint64)
}

func (s *MsgStore) Trim(max int) {
	s.mu.Lock()
	s.enforceLimit(max)
	for seq := range s.msgs { // silent: held again after remove
		_ = seq
	}
	s.mu.Unlock()
}

// enforceLimit: s.mu must be held.
func (s *MsgStore) enforceLimit(max int) {
	for len(s.msgs) > max {
		s.remove(s.first())
	}
}

func (s *MsgStore) first() uint64 {
	var lo uint64
	for seq := range s.msgs {
		if lo == 0 || seq < lo {
			lo = seq
		}
	}
	return lo
}

// remove: s.mu must be held; it is released around the callback.
func (s *MsgStore) remove(seq uint64) {
	delete(s.msgs, seq)
	if s.onRemove != nil {
		s.mu.Unlock()
		s.onRemove(seq)
		s.mu.Lock()
	}
}

func (s *MsgStore) Store(seq uint64, msg []byte) {
	s.mu.Lock()
	s.msgs[seq] = msg
	s.mu.Unlock()
}
