package safe

import "sync"

// Header is a map type with value-receiver methods.
type Header map[string][]string

// Clone copies the header's entries.
func (h Header) Clone() Header {
	out := make(Header, len(h))
	for k, v := range h {
		out[k] = v
	}
	return out
}

// Stream keeps the trailer the server sent; Reset drops it.
type Stream struct {
	mu      sync.Mutex
	trailer Header
}

// Negative: the trailer field is read under the lock and the header it held is cloned after
// unlocking; Reset reassigns the field under the lock, which leaves the old header's entries
// alone: Clone's range reads a map value nobody writes, not the field.
func (s *Stream) Trailer() Header {
	s.mu.Lock()
	t := s.trailer
	s.mu.Unlock()
	return t.Clone()
}

// Reset forgets the trailer.
func (s *Stream) Reset() {
	s.mu.Lock()
	s.trailer = nil
	s.mu.Unlock()
}

// SetTrailer stores a new, fully built trailer.
func (s *Stream) SetTrailer(h Header) {
	s.mu.Lock()
	s.trailer = h
	s.mu.Unlock()
}
