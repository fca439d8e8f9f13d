//go:build go1.25 && race

package maprace_rt

import "runtime"

// Under -race, the trace mutex must not be a synchronisation the race detector sees: every
// hook takes it, so it would order every instrumented goroutine after every other one and hide
// the races `go test -race` exists to report. RaceDisable makes the detector ignore this
// goroutine's synchronisation until RaceEnable; the state mu guards is only touched by
// //go:norace functions and by the tab type, so the detector never sees it unsynchronised.
func lock() {
	runtime.RaceDisable()
	mu.Lock()
}

func unlock() {
	mu.Unlock()
	runtime.RaceEnable()
}

// raceBuild: built with -race.
const raceBuild = true
