// Workers record failures in a map without the lock that guards the rest of the state, but
// only on the error path, which a request takes about once in a thousand. The race is real;
// a run that never takes the path gives -race nothing to see.
//
// lab: expected=racy rule=MR001 race_expected=false
// lab: title="racy write on a path taken 1 time in 1000"
package main

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

type Stats struct {
	mu       sync.Mutex
	served   map[string]int
	failures map[string]int
}

func (s *Stats) handle(kind string) {
	if rand.IntN(1000) == 0 {
		s.failures[kind]++
		return
	}
	s.mu.Lock()
	s.served[kind]++
	s.mu.Unlock()
}

func (s *Stats) Failures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.failures)
}

func main() {
	s := &Stats{served: make(map[string]int), failures: make(map[string]int)}
	var wg sync.WaitGroup
	for _, kind := range []string{"get", "put"} {
		wg.Add(1)
		go func() { defer wg.Done(); s.handle(kind) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); fmt.Println("failures so far:", s.Failures()) }()
	wg.Wait()
}
