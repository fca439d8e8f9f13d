package mr001

import "sync"

var logDirs sync.Once

// ensureLogDir makes sure the log directory exists, once, as every log call of a logging package
// does before it writes.
func ensureLogDir() { logDirs.Do(func() {}) }

// Rebalance counts the members in a goroutine while the caller adds one. Both log, and the
// log call's once.Do orders nothing between them: only the call that runs the body
// synchronises with the others, and either call may be that one.
func Rebalance(members map[string]int, done chan struct{}) {
	go func() {
		n := len(members)
		ensureLogDir()
		_ = n
		close(done)
	}()
	ensureLogDir()
	members["new"] = 1 // want "MR001"
	<-done
}
