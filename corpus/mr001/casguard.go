package mr001

import "sync/atomic"

// Stream finishes its trailers once: the first caller to win the compare-and-swap does the
// work, later callers return. Sweeper clears its cache in one goroutine at a time (a
// try-lock on an int32 flag, reset when done). Neither body races with another run of
// itself; Annotate writes the trailers with no such guard.
type Stream struct {
	trailerOnce atomic.Bool
	header      map[string]string
	trailers    map[string]string
	sweeping    int32
	cache       map[string]int
}

func (s *Stream) FinishTrailers() {
	if s.trailerOnce.Load() || !s.trailerOnce.CompareAndSwap(false, true) {
		return
	}
	s.trailers = map[string]string{}
	for k, v := range s.header {
		s.trailers[k] = v
	}
}

func (s *Stream) Sweep() {
	if atomic.CompareAndSwapInt32(&s.sweeping, 0, 1) {
		defer atomic.StoreInt32(&s.sweeping, 0)
		for k := range s.cache {
			delete(s.cache, k)
		}
	}
}

func (s *Stream) Annotate(k string) {
	s.trailers[k] = "x" // want "MR001" `^write of s\.trailers in .* races with the reassignment`
}

func ServeStream(s *Stream) {
	for i := 0; i < 4; i++ {
		go s.FinishTrailers()
		go s.Sweep()
	}
	go s.Annotate("k")
}
