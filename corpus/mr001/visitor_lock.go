package mr001

import "sync"

// A parallel walker owns the lock that serialises its visitor: the workers it starts call
// `visit` under a mutex local to the walk, so the caller's closure over a plain map is safe.
func walkParallel(items []int, visit func(int) bool) {
	feed := make(chan int)
	var visitMu sync.Mutex
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range feed {
				visitMu.Lock()
				more := visit(it)
				visitMu.Unlock()
				if !more {
					continue
				}
			}
		}()
	}
	for _, it := range items {
		feed <- it
	}
	close(feed)
	wg.Wait()
}

// Negative: the visitor's map is only touched under the walker's lock.
func CountVisits(items []int) map[int]int {
	seen := make(map[int]int)
	walkParallel(items, func(c int) bool {
		if _, ok := seen[c]; ok {
			return false
		}
		seen[c] = 1
		return true
	})
	return seen
}

// The same walker with a plain `for` over the feed.
func walkWorkers(items []int, visit func(int)) {
	feed := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range feed {
				mu.Lock()
				visit(it)
				mu.Unlock()
			}
		}()
	}
	for _, it := range items {
		feed <- it
	}
	close(feed)
	wg.Wait()
}

// Negative: the walker's workers hold its mutex around every call of the visitor.
func Depths(items []int) map[int]int {
	depth := make(map[int]int)
	walkWorkers(items, func(c int) { depth[c]++ })
	return depth
}

// A walker whose workers lock only their own bookkeeping, not the visitor.
func walkUnlocked(items []int, visit func(int)) {
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			visit(it)
			mu.Lock()
			done++
			mu.Unlock()
		}()
	}
	wg.Wait()
}

// Positive: the visitor runs on many workers at once with no lock around it.
func TallyVisits(items []int) map[int]int {
	tally := make(map[int]int)
	walkUnlocked(items, func(c int) {
		tally[c]++ // want "MR001" `^write of tally in goroutines started at .* races with the same line`
	})
	return tally
}
