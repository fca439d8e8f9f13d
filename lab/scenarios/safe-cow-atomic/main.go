// Copy-on-write routing table behind an atomic.Pointer: readers load the current map and
// never see it change; writers copy it, add to the copy, and publish with CompareAndSwap,
// retrying when someone else published first. Nothing is written after publication.
//
// lab: expected=safe race_expected=false
// lab: title="control: copy-on-write map behind atomic.Pointer with CAS"
package main

import (
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
)

const writers = 4

type Routes struct {
	current atomic.Pointer[map[string]map[string]string]
}

func (r *Routes) Add(host, path, backend string) {
	for {
		old := r.current.Load()
		next := maps.Clone(*old)
		inner := maps.Clone(next[host])
		if inner == nil {
			inner = make(map[string]string)
		}
		inner[path] = backend
		next[host] = inner
		if r.current.CompareAndSwap(old, &next) {
			return
		}
	}
}

func (r *Routes) Lookup(host, path string) string {
	return (*r.current.Load())[host][path]
}

func main() {
	r := new(Routes)
	empty := map[string]map[string]string{}
	r.current.Store(&empty)

	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 50 {
				r.Add("example.com", fmt.Sprintf("/w%d/%d", w, i), "pool-a")
			}
		}()
		go func() {
			defer wg.Done()
			for range 50 {
				_ = r.Lookup("example.com", "/w0/0")
			}
		}()
	}
	wg.Wait()
	fmt.Printf("LOST_UPDATES=%d\n", writers*50-len((*r.current.Load())["example.com"]))
}
