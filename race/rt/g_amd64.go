//go:build go1.25

package maprace_rt

// getg returns the address of the running goroutine's g: an identity that is cheap to read.
func getg() uintptr
