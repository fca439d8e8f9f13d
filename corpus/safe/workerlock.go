package safe

import "sync"

// seriesReader is made per query and used by one goroutine; its mutex only keeps the
// workers of its own fan-out apart.
type seriesReader struct {
	mu     sync.Mutex
	loaded map[int][]byte
}

// fetch runs on the workers Preload starts, each filling its part under the lock.
func (r *seriesReader) fetch(ids []int) {
	for _, id := range ids {
		r.mu.Lock()
		r.loaded[id] = []byte{byte(id)}
		r.mu.Unlock()
	}
}

// Case: the lock is taken only on Preload's own workers, which it waits for: it does not
// declare that Preload and Lookup run at once.
func (r *seriesReader) Preload(ids []int) {
	for _, id := range ids {
		r.loaded[id] = nil
	}
	var wg sync.WaitGroup
	for i := 0; i < len(ids); i += 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.fetch(ids[i:min(i+16, len(ids))])
		}()
	}
	wg.Wait()
}

// Lookup reads what Preload loaded, after it returned.
func (r *seriesReader) Lookup(id int) []byte { return r.loaded[id] }
