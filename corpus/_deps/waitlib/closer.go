// Package waitlib stands for a package outside the analysed module: a closer whose Done
// and SignalAndWait methods maprace cannot see (its directory starts with `_`, so neither
// the go tool's `./...` nor maprace walks it as part of the corpus).
package waitlib

import "sync"

// Closer signals goroutines to stop and waits for them.
type Closer struct {
	wg   sync.WaitGroup
	stop chan struct{}
}

func NewCloser(n int) *Closer {
	c := &Closer{stop: make(chan struct{})}
	c.wg.Add(n)
	return c
}

func (c *Closer) Done()                         { c.wg.Done() }
func (c *Closer) HasBeenClosed() <-chan struct{} { return c.stop }
func (c *Closer) SignalAndWait()                { close(c.stop); c.wg.Wait() }
