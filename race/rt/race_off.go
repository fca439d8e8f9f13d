//go:build go1.25 && !race

package maprace_rt

func lock()   { mu.Lock() }
func unlock() { mu.Unlock() }
