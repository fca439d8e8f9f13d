// Lazy init with sync.Map done as Load, then Store on a miss. sync.Map makes each call safe,
// not the pair: two goroutines that both miss store two counters, and the increments made on
// the counter that lost are gone. No data race exists, so -race has nothing to report.
//
// lab: expected=racy rule=MR005 race_expected=false
// lab: title="sync.Map Load then Store for lazy init"
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
	c := new(atomic.Int64)
	runtime.Gosched() // registering the session elsewhere; another request can run meanwhile
	counters.Store(session, c)
	return c
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
