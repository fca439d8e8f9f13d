//go:build go1.25 && !amd64

package maprace_rt

import "runtime"

// getg returns the goroutine id parsed from runtime.Stack: slow, but portable.
func getg() uintptr {
	var b [64]byte
	n := runtime.Stack(b[:], false)
	var id uintptr
	for _, c := range b[len("goroutine "):n] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uintptr(c-'0')
	}
	return id
}
