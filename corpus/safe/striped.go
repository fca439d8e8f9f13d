package safe

import "sync"

// Stripes shards its maps: element i of locks guards element i of series and hashes.
type Stripes struct {
	size   int
	locks  []sync.RWMutex
	series []map[uint64]string
	hashes []map[uint64]uint64
}

func (s *Stripes) stripe(id uint64) int { return int(id) & (s.size - 1) }

// Safe: stripe i's lock is held while stripe i is read.
func (s *Stripes) Count() int {
	n := 0
	for i := 0; i < s.size; i++ {
		s.locks[i].RLock()
		n += len(s.series[i])
		s.locks[i].RUnlock()
	}
	return n
}

// Safe: the entry's stripe is locked, whichever index expression names it.
func (s *Stripes) Get(id uint64) string {
	st := s.stripe(id)
	s.locks[st].RLock()
	defer s.locks[st].RUnlock()
	return s.series[st][id]
}

// Safe: a second stripe is locked when it differs from the one held.
func (s *Stripes) GC(dead func(uint64) bool) {
	for h := 0; h < s.size; h++ {
		s.locks[h].Lock()
		for hash, id := range s.hashes[h] {
			if !dead(id) {
				continue
			}
			st := s.stripe(id)
			if st != h {
				s.locks[st].Lock()
			}
			delete(s.series[st], id)
			delete(s.hashes[h], hash)
			if st != h {
				s.locks[st].Unlock()
			}
		}
		s.locks[h].Unlock()
	}
}

// Safe: the collector runs beside readers; both lock the stripes they touch.
func RunStripes(s *Stripes) (string, int) {
	go s.GC(func(uint64) bool { return true })
	return s.Get(1), s.Count()
}
