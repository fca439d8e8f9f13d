package mr004

import "sync"

// Case: the article's scenario 3: goroutines both see m[k] == nil and both create the inner map.
func LazyInitNoLock(keys []string) map[string]map[int]string {
	m := make(map[string]map[int]string)
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if m[k] == nil {
				m[k] = make(map[int]string) // want "MR004" `^m\[k\] is checked at .* and created here with no lock`
			}
			m[k][i] = "v" // want "MR002" `^the inner map m\[k\] is used with no lock.*\(write at`
		}()
	}
	wg.Wait()
	return m
}

// Doc is an indexed document.
type Doc struct {
	ID    int
	Terms []string
}

// BuildPostings starts indexer goroutines over one shared postings map.
func BuildPostings(docs <-chan Doc, workers int) map[string]map[int]bool {
	postings := make(map[string]map[int]bool)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go indexDocs(docs, postings, &wg)
	}
	wg.Wait()
	return postings
}

// Case: a worker function started in a loop lazily creates posting lists in a map passed as argument.
func indexDocs(docs <-chan Doc, postings map[string]map[int]bool, wg *sync.WaitGroup) {
	defer wg.Done()
	for d := range docs {
		for _, term := range d.Terms {
			if postings[term] == nil {
				postings[term] = make(map[int]bool) // want "MR004" `^postings\[term\] is checked at .* and created here with no lock`
			}
			postings[term][d.ID] = true // want "MR002" `^the inner map postings\[term\] is used with no lock.*\(write at`
		}
	}
}
