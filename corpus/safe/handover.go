package safe

import "sync"

// Conn is opened in the background: Open takes the lock and the goroutine it starts gives it
// back when the connection is ready.
type Conn struct {
	mu    sync.Mutex
	rates map[int]int
}

// Safe: the goroutine runs under the lock Open took; it releases it when done.
func (c *Conn) Open() {
	c.mu.Lock()
	go func() {
		defer c.mu.Unlock()
		c.rates = map[int]int{}
	}()
}

func (c *Conn) Send(k int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rates[k]++
}
