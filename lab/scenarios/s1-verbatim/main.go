// The article's scenario 1 in its published shape (shared/ORIGIN.md): one goroutine reads
// the inner map through the outer map, another writes m["users"][123]; main starts both and
// returns without waiting. Whether -race sees it depends only on whether the goroutines get
// to run before the process exits: the race runtime sleeps atexit_sleep_ms (1 s by default)
// at exit.
//
// lab: expected=racy rule=MR002 race_expected=true
// lab: title="S1 outer read + inner write, article's code verbatim (no wait)"
// lab: variant=atexit0 gorace=atexit_sleep_ms=0 race_expected=false title="S1 verbatim with GORACE=atexit_sleep_ms=0: the process exits as main returns"
package main

import "fmt"

func main() {
	m := make(map[string]map[int]string)
	m["users"] = make(map[int]string)

	go func() {
		inner := m["users"]
		fmt.Println("read:", inner[123])
	}()

	go func() {
		m["users"][123] = "alice"
	}()

	fmt.Println("main returns")
}
