package safe

import "sync"

// SwappedSettings are swapped whole under the lock; readers take the current map under it and read
// it through a helper.
type SwappedSettings struct {
	mu     sync.Mutex
	values map[string]any
	subs   map[string]int
}

// Safe: the helper reads the contents of a snapshot; the field itself is read under the lock.
func lookupSetting(m map[string]any, k string) any { return m[k] }

func (c *SwappedSettings) Get(k string) any {
	c.mu.Lock()
	v := c.values
	c.mu.Unlock()
	return lookupSetting(v, k)
}

func (c *SwappedSettings) Reload() {
	fresh := map[string]any{}
	c.mu.Lock()
	c.values = fresh
	c.mu.Unlock()
}

func (c *SwappedSettings) Subscribe(k string) { c.mu.Lock(); c.subs[k]++; c.mu.Unlock() }
