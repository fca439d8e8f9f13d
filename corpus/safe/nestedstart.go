package safe

import "sync"

// Client registers its status listeners, then starts a reader that starts reconnects.
type Client struct {
	mu        sync.Mutex
	listeners map[chan int]bool
	incoming  chan int
}

// Safe: the listener is registered before the reader starts, so before every goroutine the
// reader starts in turn.
func Dial(ch chan int) *Client {
	c := &Client{listeners: map[chan int]bool{}, incoming: make(chan int)}
	c.listeners[ch] = true
	go c.readLoop()
	return c
}

func (c *Client) readLoop() {
	for v := range c.incoming {
		if v < 0 {
			go c.reconnect()
		}
	}
}

func (c *Client) reconnect() {
	c.mu.Lock()
	for ch := range c.listeners {
		delete(c.listeners, ch)
	}
	c.mu.Unlock()
}
