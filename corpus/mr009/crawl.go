package mr009

import (
	"log"
	"sync"
	"time"
)

// Case: crawler goroutines write results under resultsMu while the progress reporter reads len under progressMu.
func Crawl(urls []string, fetch func(string) int) map[string]int {
	var (
		resultsMu  sync.Mutex
		progressMu sync.Mutex
		wg         sync.WaitGroup
	)
	results := make(map[string]int, len(urls))
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				progressMu.Lock()
				log.Printf("crawled %d/%d", len(results), len(urls))
				progressMu.Unlock()
			}
		}
	}()
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := fetch(u)
			resultsMu.Lock()
			results[u] = code // want "MR009" `^write of results holds Lock at .*, but the len at .* holds Lock at`
			resultsMu.Unlock()
		}()
	}
	wg.Wait()
	close(done)
	return results
}

// Negative: the same crawler with one lock for writers and the reporter.
func CrawlOneLock(urls []string, fetch func(string) int) map[string]int {
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	results := make(map[string]int, len(urls))
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				mu.Lock()
				log.Printf("crawled %d/%d", len(results), len(urls))
				mu.Unlock()
			}
		}
	}()
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code := fetch(u)
			mu.Lock()
			results[u] = code
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(done)
	return results
}
