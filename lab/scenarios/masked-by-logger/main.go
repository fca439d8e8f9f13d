// Two request handlers update a last-seen map without any lock, a plain data race. Each also
// logs through a logger that has its own mutex. In a test the second request typically
// arrives a moment after the first: the first handler's last log call then happens before the
// second handler's first one, the logger's mutex orders the two map writes, and -race sees
// nothing. Only runs where the handlers interleave (variant together) can report it.
//
// lab: expected=racy rule=MR001 race_expected=false
// lab: title="map race ordered by an unrelated logger mutex (second request 1 ms later)"
// lab: variant=together args="-stagger=0" race_expected=true title="same, both requests at once"
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
	stagger := flag.Duration("stagger", time.Millisecond, "delay before the second request arrives")
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
