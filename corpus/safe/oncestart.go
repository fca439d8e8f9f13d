package safe

import (
	"sync"
	"sync/atomic"
)

// Consumer starts its manage loop from the metadata goroutine, which runs on every update and
// may run many times at once; a flag lets only the first start through.
type Consumer struct {
	mu       sync.Mutex
	managing bool
	running  atomic.Bool
	started  bool
	closed   bool
	assigned map[string]int
	pending  map[string]int
	retries  map[string]int
}

func NewConsumer() *Consumer {
	c := &Consumer{assigned: map[string]int{}, pending: map[string]int{}, retries: map[string]int{}}
	for i := 0; i < 4; i++ {
		go c.onMetadata()
	}
	return c
}

func (c *Consumer) onMetadata() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.maybeManage()
	c.maybeRetry()
	c.maybeFlush()
}

// Safe: tested and set under the caller's lock: one manage loop per consumer, which owns
// assigned.
func (c *Consumer) maybeManage() {
	if !c.managing {
		c.managing = true
		go c.manage()
	}
}

func (c *Consumer) manage() {
	for i := 0; ; i++ {
		c.assigned = map[string]int{}
		c.assigned["p"] = i
	}
}

// Safe: the compare-and-swap's winner starts the one flush loop.
func (c *Consumer) maybeFlush() {
	if !c.running.CompareAndSwap(false, true) {
		return
	}
	go c.flush()
}

func (c *Consumer) flush() {
	defer c.running.Store(false)
	for k := range c.pending {
		delete(c.pending, k)
	}
}

// Safe: the early-return form of the plain flag, with other checks between the guard and
// the set.
func (c *Consumer) maybeRetry() {
	if c.started {
		return
	}
	if c.closed {
		return
	}
	c.started = true
	go c.retry()
}

func (c *Consumer) retry() {
	for i := 0; ; i++ {
		c.retries["r"] = i
	}
}
