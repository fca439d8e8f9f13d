// Two request handlers update a last-seen map without any lock, a plain data race. Each also
// logs through a logger that has its own mutex. In a test the second request typically
// arrives a moment after the first: the first handler's last log call then happens before the
// second handler's first one, the logger's mutex orders the two map writes, and -race sees
// nothing. Even when both requests arrive at once, the logger's mutex tends to serialize the
// handlers. With logging off (the level check comes before the lock) nothing orders them.
//
// lab: expected=racy rule=MR001 race_expected=false
// lab: title="map race ordered by an unrelated logger mutex (second request 1 ms later)"
// lab: variant=together args="-stagger=0" title="same, both requests at once"
// lab: variant=nolog args="-log=false" race_expected=true title="same with logging off: nothing orders the writes"
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"
	"time"
)

type Logger struct {
	enabled bool
	mu      sync.Mutex
	lines   int
}

func (l *Logger) Printf(format string, args ...any) {
	if !l.enabled {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines++
	fmt.Fprintf(os.Stdout, format+"\n", args...)
}

var (
	log      = &Logger{enabled: true}
	lastSeen = map[string]time.Time{}
)

func handle(user string) {
	log.Printf("request from %s", user)
	lastSeen[user] = time.Now()
	log.Printf("done %s", user)
}

func main() {
	stagger := flag.Duration("stagger", time.Millisecond, "delay before the second request arrives")
	flag.BoolVar(&log.enabled, "log", true, "log requests")
	flag.Parse()

	start := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		<-start
		handle("ann")
	}()
	go func() {
		defer wg.Done()
		<-start
		time.Sleep(*stagger)
		handle("bob")
	}()
	close(start)
	wg.Wait()
}
