package safe

// Safe: Transport runs one dispatch goroutine per instance, started by its constructor: the
// pending calls are the dispatch loop's own state. Several transports are several
// instances, each with its own loop.
type Transport struct {
	pending map[uint64]chan int
	reqs    chan uint64
}

func Listen() *Transport {
	t := &Transport{pending: map[uint64]chan int{}, reqs: make(chan uint64)}
	go t.dispatch()
	return t
}

func (t *Transport) dispatch() {
	for id := range t.reqs {
		if _, ok := t.pending[id]; ok {
			delete(t.pending, id)
		} else {
			t.pending[id] = make(chan int)
		}
	}
}

// Ping hands a request to the dispatch loop.
func (t *Transport) Ping(id uint64) { t.reqs <- id }

// Safe: a second constructor on top of the first; each call still makes its own instance.
func ListenDefault() *Transport {
	return Listen()
}

// Safe: two transports, two dispatch loops, each on its own pending map.
func ListenBoth() (*Transport, *Transport) {
	return Listen(), Listen()
}
