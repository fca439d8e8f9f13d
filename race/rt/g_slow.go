//go:build go1.25 && !amd64 && !arm64

package maprace_rt

// goid parses the goroutine id from runtime.Stack: slow, but portable.
func goid() uint64 { return stackGoid() }
