// A config whose getter returns its labels map from inside the read lock. The lock protects
// the return statement only: the caller ranges over the very map a concurrent SetLabel
// writes under the write lock.
//
// lab: expected=racy rule=MR008 race_expected=true
// lab: title="map returned from a locked getter"
package main

import (
	"fmt"
	"sync"
)

type Config struct {
	mu     sync.RWMutex
	labels map[string]string
}

func (c *Config) Labels() map[string]string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.labels
}

func (c *Config) SetLabel(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.labels[k] = v
}

func main() {
	c := &Config{labels: map[string]string{"env": "prod"}}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		n := 0
		for range 10 {
			for range c.Labels() {
				n++
			}
		}
		fmt.Println("labels seen:", n)
	}()
	go func() {
		defer wg.Done()
		for i := range 10 {
			c.SetLabel("team", fmt.Sprint("payments-", i))
		}
	}()
	wg.Wait()
}
