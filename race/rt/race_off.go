//go:build go1.25 && !race

package maprace_rt

func lock()   { mu.Lock() }
func unlock() { mu.Unlock() }

// raceBuild: built with -race.
const raceBuild = false
