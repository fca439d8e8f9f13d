// Two request handlers update a last-seen map without any lock, a plain data race. Each also
// logs through a logger that has its own mutex. When one handler's log call finishes before
// the other's starts, the logger's mutex orders the two map writes and -race sees nothing;
// only runs where the handlers interleave report it. With -stagger the second handler starts
// a little later, as it often does in a test, and the race is hidden in every run.
//
// lab: expected=racy rule=MR001 race_expected=false
// lab: title="map race ordered by an unrelated logger mutex (handlers start together)"
// lab: variant=stagger args="-stagger=1ms" title="same, second handler starts 1 ms later"
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"time"
)

type Logger struct {
	mu    sync.Mutex
	lines int
}

func (l *Logger) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines++
	fmt.Fprintf(os.Stdout, format+"\n", args...)
}

var (
	log      = &Logger{}
	lastSeen = map[string]time.Time{}
)

func handle(user string) {
	log.Printf("request from %s", user)
	lastSeen[user] = time.Now()
	log.Printf("done %s", user)
}

func main() {
	stagger := flag.Duration("stagger", 0, "delay before the second handler starts")
	flag.Parse()

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); handle("ann") }()
	go func() {
		defer wg.Done()
		time.Sleep(*stagger)
		handle("bob")
	}()
	wg.Wait()
}
