//go:build go1.25 && !amd64 && !arm64

package maprace_rt

// goid parses the goroutine id from runtime.Stack: slow, but portable.
func goid() uint64 { return stackGoid() }

// goidOffset is only known where getg is (g_fast.go); 0 turns off what needs g.
const goidOffset = 0

func gword(off uintptr) uint64 { return 0 }
