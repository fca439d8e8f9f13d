package safe

// Safe: the batch is handed to a flushing goroutine, and the loop goes on with a new map.
func Batcher(in <-chan string, flush func(map[string]int)) {
	pending := map[string]int{}
	for word := range in {
		pending[word]++
		if len(pending) >= 100 {
			go flushBatch(pending, flush)
			pending = make(map[string]int)
		}
	}
}

func flushBatch(batch map[string]int, flush func(map[string]int)) {
	for k, n := range batch {
		if n == 0 {
			delete(batch, k)
		}
	}
	flush(batch)
}

// accountBatch is a set of dirty accounts a background run processes.
type accountBatch struct {
	accounts map[string]struct{}
	sorted   []string
}

func (b *accountBatch) absorb(other *accountBatch) {
	for k := range other.accounts {
		b.accounts[k] = struct{}{}
	}
	b.sorted = nil
}

func (b *accountBatch) keys() []string {
	if b.sorted == nil {
		for k := range b.accounts {
			b.sorted = append(b.sorted, k)
		}
	}
	return b.sorted
}

// ReorgScheduler starts one background run at a time with the batch collected so far.
type ReorgScheduler struct {
	requests chan *accountBatch
	stop     chan struct{}
}

func (s *ReorgScheduler) process(batch *accountBatch) { _ = batch.keys() }

// Safe: after handing the batch to the run, the loop drops it (`pending = nil`); requests
// that come later start a batch of their own, so the merge never touches the one the run
// reads.
func (s *ReorgScheduler) Loop() {
	var pending *accountBatch
	launch := false
	for {
		if launch {
			go s.process(pending)
			pending = nil
			launch = false
		}
		select {
		case req := <-s.requests:
			if pending == nil {
				pending = req
			} else {
				pending.absorb(req)
			}
			launch = true
		case <-s.stop:
			return
		}
	}
}

func StartReorgScheduler() *ReorgScheduler {
	s := &ReorgScheduler{requests: make(chan *accountBatch), stop: make(chan struct{})}
	go s.Loop()
	return s
}
