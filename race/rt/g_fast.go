//go:build go1.25 && (amd64 || arm64)

package maprace_rt

import "unsafe"

// getg returns the address of the running goroutine's g (g_amd64.s, g_arm64.s).
func getg() unsafe.Pointer

// goidOffset is where the goroutine id sits in g, found at start-up by matching ids read from
// runtime.Stack; 0 if not found (then the g address stands in, which is reused after a
// goroutine ends).
var goidOffset = findGoidOffset()

// goid identifies the running goroutine cheaply; ids are never reused.
//
// g is a runtime object and g+goidOffset an address computed from it: under -race, checkptr rejects
// arithmetic on a uintptr that is not derived from a Go pointer (nocheckptr), and the read is
// of runtime memory the race detector must not track (norace).
//
//go:nocheckptr
//go:norace
func goid() uint64 {
	g := getg()
	if goidOffset == 0 {
		return uint64(uintptr(g))
	}
	return *(*uint64)(unsafe.Add(g, goidOffset))
}

// gword reads the word at off in the running goroutine's g (see goid for the pragmas).
//
//go:nocheckptr
//go:norace
func gword(off uintptr) uint64 {
	return *(*uint64)(unsafe.Add(getg(), off))
}

func findGoidOffset() uintptr {
	var offsets []uintptr
	id := stackGoid()
	for off := uintptr(8); off < 256; off += 8 {
		if gword(off) == id {
			offsets = append(offsets, off)
		}
	}
	for i := 0; i < 3 && len(offsets) > 0; i++ {
		kept := make(chan []uintptr)
		go func(offsets []uintptr) {
			id := stackGoid()
			var keep []uintptr
			for _, off := range offsets {
				if gword(off) == id {
					keep = append(keep, off)
				}
			}
			kept <- keep
		}(offsets)
		offsets = <-kept
	}
	if len(offsets) != 1 {
		return 0
	}
	return offsets[0]
}
