package safe

import "sync"

// fanOutDeferred starts its workers and waits for them in a deferred call on its own
// WaitGroup: the wait runs when the function returns, whatever path it takes.
func fanOutDeferred(counts map[int]int, n int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			counts[i]++
			mu.Unlock()
		}()
	}
}

// Negative: the callee's deferred wait orders its workers' writes before this read.
func CountAfterFanOut(n int) int {
	counts := map[int]int{}
	fanOutDeferred(counts, n)
	return counts[0]
}

// fanOutClosure waits in a deferred closure that also closes a local channel.
func fanOutClosure(seen map[string]bool, names []string) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		close(done)
	}()
	var mu sync.Mutex
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			seen[n] = true
			mu.Unlock()
		}()
	}
}

// Negative: the same with the wait inside a deferred closure.
func SeenAfterFanOut(names []string) int {
	seen := map[string]bool{}
	fanOutClosure(seen, names)
	return len(seen)
}
