package safe

import "sync"

// forEachParallel runs apply for every index on a few workers and waits for them.
func forEachParallel(n, workers int, apply func(int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				apply(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// Negative: forEachParallel waits for the goroutines that run the function it is given
// before it returns, so the unlocked read of warms after it sees every warm-up done.
func CountWarmUps(keys []string) int {
	var mu sync.Mutex
	warms := map[string]int{}
	forEachParallel(len(keys), 4, func(i int) {
		mu.Lock()
		warms[keys[i]]++
		mu.Unlock()
	})
	total := 0
	for _, n := range warms {
		total += n
	}
	return total
}
