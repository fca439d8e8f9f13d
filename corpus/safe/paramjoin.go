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

// KeyIndex is filled by workers under its lock; Count reads it without the lock.
type KeyIndex struct {
	mu      sync.Mutex
	entries map[string]int
}

func (x *KeyIndex) add(key string) {
	x.mu.Lock()
	x.entries[key]++
	x.mu.Unlock()
}

func (x *KeyIndex) fill(keys []string) {
	forEachParallel(len(keys), 4, func(i int) { x.add(keys[i]) })
}

func (x *KeyIndex) count() int { return len(x.entries) }

// Negative: the workers run inside a goroutine that waits for them, and that goroutine is
// waited for in turn: the read after the outer wait comes after every worker's write
// (errgroups inside errgroups).
func BuildIndex(keys []string) int {
	x := &KeyIndex{entries: map[string]int{}}
	var outer sync.WaitGroup
	outer.Add(1)
	go func() {
		defer outer.Done()
		x.fill(keys)
	}()
	outer.Wait()
	return x.count()
}
