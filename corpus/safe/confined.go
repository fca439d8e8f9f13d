package safe

// Tally owns its map in one goroutine; other goroutines talk to it over channels.
type Tally struct {
	incr chan string
	get  chan chan map[string]int
	stop chan struct{}
}

// NewTally starts the owning goroutine.
func NewTally() *Tally {
	t := &Tally{
		incr: make(chan string),
		get:  make(chan chan map[string]int),
		stop: make(chan struct{}),
	}
	go t.loop()
	return t
}

// Safe: the map is confined to the loop goroutine; callers receive copies.
func (t *Tally) loop() {
	counts := make(map[string]int)
	for {
		select {
		case k := <-t.incr:
			counts[k]++
		case reply := <-t.get:
			snap := make(map[string]int, len(counts))
			for k, n := range counts {
				snap[k] = n
			}
			reply <- snap
		case <-t.stop:
			return
		}
	}
}

// Incr asks the owner to count k.
func (t *Tally) Incr(k string) { t.incr <- k }

// Snapshot asks the owner for a copy.
func (t *Tally) Snapshot() map[string]int {
	reply := make(chan map[string]int)
	t.get <- reply
	return <-reply
}

// Stop ends the owning goroutine.
func (t *Tally) Stop() { close(t.stop) }

// Safe: each worker goroutine fills its own local nested map and never shares it.
func CountPerWorker(batches [][]string, report func(map[string]map[string]int)) {
	for _, batch := range batches {
		go func() {
			byPrefix := make(map[string]map[string]int)
			for _, w := range batch {
				if len(w) == 0 {
					continue
				}
				p := w[:1]
				if byPrefix[p] == nil {
					byPrefix[p] = make(map[string]int)
				}
				byPrefix[p][w]++
			}
			report(byPrefix)
		}()
	}
}
