package safe

import "sync"

// Inventory collects per-region counts with one goroutine per region.
type Inventory struct {
	mu     sync.Mutex
	counts map[string]int
}

func (inv *Inventory) fetch(region string) map[string]int { return map[string]int{region: 1} }

// Negative: each region's goroutine declares its own `items` map, fills it from a helper
// goroutine it waits for, then hands it to a per-item helper call in a loop. Two regions'
// goroutines never share `items`: a variable declared in a goroutine body is one per run,
// also after a loop passes it on as an argument.
func (inv *Inventory) Refresh(regions []string) {
	var wg sync.WaitGroup
	for _, r := range regions {
		wg.Add(1)
		go func(region string) {
			defer wg.Done()
			var items map[string]int
			var inner sync.WaitGroup
			inner.Add(1)
			go func() {
				defer inner.Done()
				items = inv.fetch(region)
			}()
			inner.Wait()
			for _, key := range []string{"a", "b"} {
				func(key string, items map[string]int) {
					inv.mu.Lock()
					inv.counts[key] += items[key]
					inv.mu.Unlock()
				}(key, items)
			}
		}(r)
	}
	wg.Wait()
}
