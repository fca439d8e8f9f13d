// expect: racy MR008 (map returned from a locked getter, ranged by the caller while another goroutine writes)
package main

import "sync"

type Config struct {
	mu sync.Mutex
	m  map[string]string
}

func (c *Config) All() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m
}

func (c *Config) Set(k, v string) {
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
}

func main() {
	c := &Config{m: map[string]string{}}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			c.Set("k", "v")
		}
	}()
	go func() {
		defer wg.Done()
		n := 0
		for i := 0; i < 100; i++ {
			for range c.All() {
				n++
			}
		}
	}()
	wg.Wait()
}
