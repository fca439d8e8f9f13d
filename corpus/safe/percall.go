package safe

// batcher is owned by the one goroutine that runs it.
type batcher struct {
	in      chan string
	pending map[string]map[int]bool
}

func (b *batcher) run() {
	for k := range b.in {
		if b.pending[k] == nil {
			b.pending[k] = make(map[int]bool)
		}
		b.pending[k][len(k)] = true
	}
}

// Safe: each call of start builds its own batcher for the goroutine it starts; two calls
// make two batchers, not two goroutines on one.
func StartTwo() (chan<- string, chan<- string) {
	start := func() chan<- string {
		in := make(chan string)
		b := &batcher{in: in, pending: make(map[string]map[int]bool)}
		go func() { b.run() }()
		return in
	}
	return start(), start()
}
