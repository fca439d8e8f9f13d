// A session table written under the store's mutex and swept by a janitor under the janitor's
// own mutex. Both sides lock, but not the same lock, so nothing orders them.
//
// lab: expected=racy rule=MR009 race_expected=true
// lab: title="two different locks on one map"
package main

import (
	"fmt"
	"sync"
)

type Sessions struct {
	mu   sync.Mutex
	byID map[string]int64
}

func (s *Sessions) Touch(id string, now int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byID[id] = now
}

type Janitor struct {
	mu       sync.Mutex
	sessions *Sessions
}

func (j *Janitor) Sweep(before int64) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	for id, t := range j.sessions.byID {
		if t < before {
			delete(j.sessions.byID, id)
			n++
		}
	}
	return n
}

func main() {
	s := &Sessions{byID: map[string]int64{"old": 1}}
	j := &Janitor{sessions: s}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.Touch("new", 100) }()
	go func() { defer wg.Done(); fmt.Println("swept:", j.Sweep(50)) }()
	wg.Wait()
}
