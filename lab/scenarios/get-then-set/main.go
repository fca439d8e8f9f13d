// A page-hit counter whose Get and Set each lock the mutex, used as Set(k, Get(k)+1) by four
// request goroutines. Every access holds the lock, so -race is silent; the increment is not
// atomic, so hits get lost whenever another goroutine runs between the Get and the Set.
//
// lab: expected=racy rule=MR007 race_expected=false
// lab: title="get-then-set of a counter, each in its own Lock section, 4 goroutines"
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

func (h *Hits) Get(page string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[page]
}

func (h *Hits) Set(page string, v int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.n[page] = v
}

func main() {
	h := &Hits{n: make(map[string]int)}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range requests {
				v := h.Get("/index")
				h.Set("/index", v+1)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("LOST_UPDATES=%d\n", workers*requests-h.Get("/index"))
}
