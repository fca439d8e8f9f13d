package safe

import "sync"

// LoadShards starts one loader per file and receives one result per loader: after the
// receive loop every loader has finished, even though the loop may run zero times (then no
// loader was started).
func LoadShards(files []string, load func(string) (string, int)) (map[string]int, error) {
	sizes := map[string]int{}
	var mu sync.Mutex
	results := make(chan error)
	workers := 0
	for _, f := range files {
		workers++
		go func(path string) {
			name, n := load(path)
			mu.Lock()
			sizes[name] = n
			mu.Unlock()
			results <- nil
		}(f)
	}
	var err error
	for i := 0; i < workers; i++ {
		if e := <-results; e != nil && err == nil {
			err = e
		}
	}
	// Safe: every loader sent before this (no lock needed once they are done).
	sizes["total"] = len(sizes)
	return sizes, err
}
