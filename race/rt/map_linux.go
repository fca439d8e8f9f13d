//go:build go1.25 && linux

package maprace_rt

import "syscall"

// mapFlags: a segment's pages are made at once when it is mapped, not one fault at a time as
// records reach them (about 1,000 faults per segment otherwise).
const mapFlags = syscall.MAP_SHARED | syscall.MAP_POPULATE
