// The sync.Map lazy init done with LoadOrStore: a goroutine whose counter was not stored gets
// the one that was, so no increment is lost.
//
// lab: expected=safe race_expected=false
// lab: title="control: sync.Map LoadOrStore"
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

const trials = 500

var counters sync.Map // session id -> *atomic.Int64

func counterFor(session string) *atomic.Int64 {
	if v, ok := counters.Load(session); ok {
		return v.(*atomic.Int64)
	}
	runtime.Gosched()
	v, _ := counters.LoadOrStore(session, new(atomic.Int64))
	return v.(*atomic.Int64)
}

func main() {
	lost := 0
	for i := range trials {
		session := fmt.Sprintf("session-%d", i)
		var wg sync.WaitGroup
		wg.Add(2)
		for range 2 {
			go func() {
				defer wg.Done()
				counterFor(session).Add(1)
			}()
		}
		wg.Wait()
		v, _ := counters.Load(session)
		if v.(*atomic.Int64).Load() != 2 {
			lost++
		}
	}
	fmt.Printf("LOST_UPDATES=%d\n", lost)
}
