//go:build go1.26

package maprace_rt

// syncMapIdentity: a sync.Map is tracked by allocation like a map. A sync.Map can be a package
// variable, and before Go 1.26 weak.Make throws on pointers outside the heap.
const syncMapIdentity = true
