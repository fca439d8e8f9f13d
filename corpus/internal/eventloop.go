// Package internal holds code only its own module can call: its exported methods are not an
// API for goroutines the analysis cannot see.
package internal

import "sync"

// batcher implements the package's Batcher; only this package's producer loop calls it, one
// call at a time.
type batcher struct {
	mu      sync.RWMutex
	batches map[string][]byte
}

// Batcher is what the producer loop drives.
type Batcher interface {
	Add(key string, b []byte)
	Flush() int
}

func (b *batcher) Add(key string, p []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batches[key] = append(b.batches[key], p...)
}

// Flush resets the batches under the read lock: odd, but its only caller is one loop, so no
// other holder of the read lock is running. Shown only with --level all.
func (b *batcher) Flush() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	n := len(b.batches)
	b.batches = map[string][]byte{} // want-low "MR006" `^reassignment of b\.batches while only a read lock is held.*\[lower confidence`
	return n
}

// Producer owns one batcher and drives it from its run loop.
type Producer struct {
	in    chan []byte
	batch Batcher
}

// NewProducer starts the loop.
func NewProducer() *Producer {
	p := &Producer{in: make(chan []byte), batch: &batcher{batches: map[string][]byte{}}}
	go p.run()
	return p
}

func (p *Producer) run() {
	for msg := range p.in {
		p.batch.Add("k", msg)
		if len(msg) == 0 {
			p.batch.Flush()
		}
	}
}

// Send hands a message to the loop.
func (p *Producer) Send(msg []byte) { p.in <- msg }
