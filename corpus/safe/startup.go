package safe

import "sync"

// Message is what a queue sends; outbox is its one implementation.
type Message interface {
	add(k string)
	reset()
	drop(k string)
}

type outbox struct{ wants map[string]int }

func (o *outbox) add(k string)  { o.wants[k]++ }
func (o *outbox) reset()        { clear(o.wants) }
func (o *outbox) drop(k string) { delete(o.wants, k) }

// PeerQueue batches wants for one peer; its run loop owns the outgoing message.
type PeerQueue struct {
	mu      sync.Mutex
	pending map[string]bool
	cancels []string
	work    chan struct{}
	msg     Message
}

// NewPeerQueue makes a queue; Startup starts its loop, once, like Start.
func NewPeerQueue() *PeerQueue {
	return &PeerQueue{pending: map[string]bool{}, work: make(chan struct{}, 1), msg: &outbox{wants: map[string]int{}}}
}

// Startup starts the run loop (once per queue).
func (q *PeerQueue) Startup() { go q.run() }

// Want queues a want under the lock and wakes the loop.
func (q *PeerQueue) Want(k string) {
	q.mu.Lock()
	q.pending[k] = true
	q.mu.Unlock()
	select {
	case q.work <- struct{}{}:
	default:
	}
}

// Negative: only the one run loop touches the outgoing message's map.
func (q *PeerQueue) run() {
	for range q.work {
		q.mu.Lock()
		batch := q.pending
		q.pending = map[string]bool{}
		for _, k := range q.cancels {
			q.msg.drop(k)
		}
		q.mu.Unlock()
		for k := range batch {
			q.msg.add(k)
		}
		q.msg.reset()
	}
}
