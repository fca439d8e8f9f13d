// The page-hit counter with the read and the write in one critical section: Incr locks once
// around m[k]++. Same load as get-then-set; no hit is lost.
//
// lab: expected=safe race_expected=false
// lab: title="control: counter incremented inside one Lock section"
package main

import (
	"fmt"
	"sync"
)

const (
	workers  = 4
	requests = 500
)

type Hits struct {
	mu sync.Mutex
	n  map[string]int
}

func (h *Hits) Incr(page string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.n[page]++
}

func (h *Hits) Get(page string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[page]
}

func main() {
	h := &Hits{n: make(map[string]int)}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range requests {
				h.Incr("/index")
			}
		}()
	}
	wg.Wait()
	fmt.Printf("LOST_UPDATES=%d\n", workers*requests-h.Get("/index"))
}
