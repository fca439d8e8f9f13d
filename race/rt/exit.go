//go:build go1.25

package maprace_rt

import (
	"os"
	"runtime"
	"strconv"
	"strings"
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

// How long AtExit waits at most, and how long the trace must show nothing new (novel) for it
// to stop early, once every live goroutine has recorded something. A goroutine that repeats
// what it did before (a janitor's ticker sweeping the same map from the same lines) adds
// records but no new pair of accesses to check: waiting on plain record counts kept every
// program with such a goroutine waiting the full second. One that has recorded nothing yet
// (asleep before its first access) may be about to: the wait goes on for it, as -race's does.
const (
	atExitMax  = time.Second
	atExitIdle = 200 * time.Millisecond
)

// AtExit runs, deferred, when the program's main function returns. The race runtime sleeps
// atexit_sleep_ms (1 s) there so that goroutines main did not wait for still run and are
// checked; this waits the same way but only while goroutines forked by instrumented code are
// alive and still recording something new (see atExitIdle), and at most MAPRACE_ATEXIT_MS milliseconds (default 1000, 0 turns
// it off).
//
// Under -race, when main returns (rather than panics or calls runtime.Goexit) the race
// runtime's own sleep follows, and the goroutines go on recording through it (the trace is
// mapped memory): this waits only for what that sleep leaves of the limit, nothing by default.
// Waiting both ways added a second to every run of every -race test binary.
//
//go:norace
func AtExit() {
	if enabled {
		wait(!unwinding())
	}
}

// AfterTests is AtExit for a test binary: `os.Exit(AfterTests(m.Run()))` in TestMain (the
// instrumenter adds one, or wraps the user's `m.Run()`). os.Exit(0) runs the race runtime's
// exit sleep; another code does not, so a failed run waits in full.
func AfterTests(code int) int {
	if enabled {
		wait(code == 0)
	}
	return code
}

// wait waits for the goroutines forked by instrumented code (see AtExit). sleepFollows: the
// program goes on to exit with code 0, after which a -race build sleeps atexit_sleep_ms.
//
//go:norace
func wait(sleepFollows bool) {
	limit := atExitMax
	if v, err := strconv.Atoi(os.Getenv("MAPRACE_ATEXIT_MS")); err == nil && v >= 0 {
		limit = time.Duration(v) * time.Millisecond
	}
	if sleepFollows {
		limit -= raceExitSleep()
	}
	start := time.Now()
	lastRecords, still := ^uint64(0), start
	for now := start; now.Sub(start) < limit; now = time.Now() {
		lock()
		alive, waiting, recs := live, idle, novel
		unlock()
		if alive <= 0 {
			return
		}
		if recs != lastRecords || waiting > 0 {
			lastRecords, still = recs, now
		} else if now.Sub(still) >= atExitIdle {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// raceExitSleep is how long the race runtime sleeps when the program exits with code 0: its
// atexit_sleep_ms option (GORACE, default 1000; the sanitizer's option syntax, the last one
// wins) under -race, 0 without.
func raceExitSleep() time.Duration {
	if !raceBuild {
		return 0
	}
	ms := 1000
	sep := func(r rune) bool { return r == ' ' || r == ',' || r == ':' || r == '\t' || r == '\n' || r == '\r' }
	for _, f := range strings.FieldsFunc(os.Getenv("GORACE"), sep) {
		if v, ok := strings.CutPrefix(f, "atexit_sleep_ms="); ok {
			if n, err := strconv.Atoi(strings.Trim(v, `"'`)); err == nil {
				ms = max(n, 0)
			}
		}
	}
	return time.Duration(ms) * time.Millisecond
}

// unwinding reports whether the deferred function calling it runs because its goroutine
// panics or calls runtime.Goexit, not because the function returned.
func unwinding() bool {
	var pcs [16]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs[:])])
	for {
		f, more := frames.Next()
		if f.Function == "runtime.gopanic" || f.Function == "runtime.Goexit" {
			return true
		}
		if !more || f.Function == "main.main" {
			return false
		}
	}
}
