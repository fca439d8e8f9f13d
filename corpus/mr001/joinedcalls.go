package mr001

import "sync"

// Tally counts words and lines of documents, two goroutines per document.
type Tally struct {
	words map[string]int
	lines map[string]int
}

func (t *Tally) add(doc string, words, lines []string) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for _, w := range words {
			t.words[w]++ // want "MR001" `^write of t\.words in goroutines started at .* races with the same line in another run`
		}
	}()
	go func() {
		defer wg.Done()
		for _, l := range lines {
			t.lines[l]++ // want "MR001" `^write of t\.lines in goroutines started at .* races with the same line in another run`
		}
	}()
	wg.Wait()
}

// Case: each add waits for its own goroutines, but the adds themselves run at once, one
// goroutine per document, with no lock around them.
func CountAll(docs map[string][2][]string) *Tally {
	t := &Tally{words: map[string]int{}, lines: map[string]int{}}
	var wg sync.WaitGroup
	for name, d := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.add(name, d[0], d[1])
		}()
	}
	wg.Wait()
	return t
}
