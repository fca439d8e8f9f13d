package safe

import "sync"

// Index locks only when its caller asks: a flag parameter says whether the caller already
// holds the lock (the "doLock" idiom). Every exported entry passes true or holds the lock.
type Index struct {
	sync.RWMutex
	cache map[string][]int
	index map[string]int
}

func (x *Index) Match(subject string) []int { return x.match(subject, true) }

// Rebuild holds the write lock itself and tells match not to lock.
func (x *Index) Rebuild(subjects []string) {
	x.Lock()
	defer x.Unlock()
	for _, s := range subjects {
		x.match(s, false)
	}
}

func (x *Index) match(subject string, doLock bool) []int {
	if doLock {
		x.RLock()
	}
	cacheEnabled := x.cache != nil
	r, ok := x.cache[subject]
	if doLock {
		x.RUnlock()
	}
	if ok {
		return r
	}
	// The write lock only when there is a cache to fill; the read lock otherwise.
	if doLock {
		if cacheEnabled {
			x.Lock()
		} else {
			x.RLock()
		}
	}
	// Held in one mode or the other on both paths: reads are guarded either way.
	result := []int{len(x.index)}
	if cacheEnabled {
		x.cache[subject] = result
	}
	if doLock {
		if cacheEnabled {
			x.Unlock()
		} else {
			x.RUnlock()
		}
	}
	return result
}

func (x *Index) Add(k string) {
	x.Lock()
	x.index[k] = len(x.index)
	x.Unlock()
}

func (x *Index) Reset() {
	x.Lock()
	for k := range x.cache {
		delete(x.cache, k)
	}
	x.Unlock()
}

// Acker takes its lock through closures that test the flag.
type Acker struct {
	mu      sync.Mutex
	pending map[uint64]bool
}

func (a *Acker) Ack(seq uint64) bool { return a.ack(seq, true) }

func (a *Acker) ack(seq uint64, needLock bool) bool {
	lock := func() {
		if needLock {
			a.mu.Lock()
		}
	}
	unlock := func() {
		if needLock {
			a.mu.Unlock()
		}
	}
	lock()
	if !a.pending[seq] {
		unlock()
		return false
	}
	delete(a.pending, seq)
	unlock()
	return true
}

func (a *Acker) Expire() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for seq := range a.pending {
		delete(a.pending, seq)
	}
}
