//go:build go1.25

package maprace_rt

import (
	"os"
	"strconv"
	"time"
)

// Enter records that the calling goroutine entered a function holding a line `maprace check`
// reports (the instrumenter adds the call at the top of such functions only). Two goroutines
// entering such functions unordered show that the static finding's path runs concurrently,
// even when this run did not take the path itself.
//
//go:norace
func Enter(site uint32) {
	if !enabled {
		return
	}
	lock()
	s := cur()
	// Callers -> stack -> Enter -> the user's function.
	emit(kEnter, 0, s.id, site, stack(s, site, 3), 0, 0)
	unlock()
}

// How long AtExit waits at most, and how long the trace must stay still for it to stop early.
const (
	atExitMax  = time.Second
	atExitIdle = 200 * time.Millisecond
)

// AtExit runs, deferred, when the program's main function returns. The race runtime sleeps
// atexit_sleep_ms (1 s) there so that goroutines main did not wait for still run and are
// checked; this waits the same way but only while goroutines forked by instrumented code are
// alive and still recording, and at most MAPRACE_ATEXIT_MS milliseconds (default 1000, 0 turns
// it off).
//
//go:norace
func AtExit() {
	if !enabled {
		return
	}
	limit := atExitMax
	if v, err := strconv.Atoi(os.Getenv("MAPRACE_ATEXIT_MS")); err == nil && v >= 0 {
		limit = time.Duration(v) * time.Millisecond
	}
	start := time.Now()
	lastRecords, still := ^uint64(0), start
	for now := start; now.Sub(start) < limit; now = time.Now() {
		lock()
		alive, recs := live, records
		unlock()
		if alive <= 0 {
			return
		}
		if recs != lastRecords {
			lastRecords, still = recs, now
		} else if now.Sub(still) >= atExitIdle {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// AfterTests is AtExit for a test binary: `os.Exit(AfterTests(m.Run()))` in TestMain (the
// instrumenter adds one, or wraps the user's `m.Run()`).
func AfterTests(code int) int {
	AtExit()
	return code
}
