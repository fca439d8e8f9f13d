//go:build go1.25 && !linux

package maprace_rt

import "syscall"

// mapFlags: see map_linux.go.
const mapFlags = syscall.MAP_SHARED
