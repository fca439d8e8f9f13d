// Goroutines and closures: go with a literal and a parameter, a WaitGroup, channels.
package lowering

import "sync"

func Fill(keys []string) map[string]bool {
	seen := make(map[string]bool)
	var wg sync.WaitGroup
	done := make(chan struct{})
	for i, k := range keys {
		wg.Add(1)
		go func(idx int) {
			defer wg.Done()
			seen[k] = idx > 0
		}(i)
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	<-done
	count := func() int { return len(seen) }
	_ = count()
	return seen
}

func Pipe(in <-chan int, out chan<- map[int]int) {
	m := map[int]int{}
	for v := range in {
		m[v]++
	}
	out <- m
}
