// The page-hit counter of get-then-set with the Get and the Set moved into one critical
// section: Incr reads the count and writes it back, two map operations on the same key, under
// one Lock. The read feeds the write, as in get-then-set, but nothing can run between them:
// no hit is lost. (safe-single-section writes m[k]++, which is one map operation.)
//
// lab: expected=safe race_expected=false
// lab: title="control: counter read, then written back, inside one Lock section"
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
	v := h.n[page]
	h.n[page] = v + 1
	h.mu.Unlock()
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
