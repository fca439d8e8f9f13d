package safe

import "sync"

// Safe: the branch that hands the map to a goroutine returns; the code after the branch runs
// only when no goroutine was started.
func Record(async bool, m map[string]int, k string) {
	if async {
		go func() { m[k]++ }()
		return
	}
	m[k]++
}

// Safe: same, with the goroutine a module function started through a helper that waits
// for nothing; the sequential path never meets it.
func Flush(parallel bool, stats map[string]int) int {
	if parallel {
		return flushAsync(stats)
	}
	stats["flushed"]++
	return len(stats)
}

func flushAsync(stats map[string]int) int {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		stats["flushed"]++
	}()
	defer wg.Wait()
	return 0
}
