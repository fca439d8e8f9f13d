package safe

import "sync"

// Safe: goroutines fill a slice by index; the map is built only after wg.Wait.
func Resolve(hosts []string, lookup func(string) string) map[string]string {
	addrs := make([]string, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			addrs[i] = lookup(h)
		}()
	}
	wg.Wait()
	byHost := make(map[string]string, len(hosts))
	for i, h := range hosts {
		byHost[h] = addrs[i]
	}
	return byHost
}

// Safe: goroutines only read the pending map; deletes of converged entries happen after wg.Wait.
func Reconcile(pending map[string]int, observe func(string) int) {
	var wg sync.WaitGroup
	converged := make(chan string, len(pending))
	for name := range pending {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if observe(name) == pending[name] {
				converged <- name
			}
		}()
	}
	wg.Wait()
	close(converged)
	for name := range converged {
		delete(pending, name)
	}
}

// Safe: goroutines write under a lock; the unlocked range after wg.Wait is ordered after all of them.
func Merge(parts []map[string]int) map[string]int {
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		out = make(map[string]int)
	)
	for _, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			for k, n := range p {
				out[k] += n
			}
		}()
	}
	wg.Wait()
	for k, n := range out {
		if n == 0 {
			delete(out, k)
		}
	}
	return out
}
