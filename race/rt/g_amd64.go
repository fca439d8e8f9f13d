//go:build go1.25

package maprace_rt

import "unsafe"

// getg returns the address of the running goroutine's g.
func getg() uintptr

// goidOffset is where the goroutine id sits in g, found at start-up by matching ids read from
// runtime.Stack; 0 if not found (then the g address stands in, which is reused after a
// goroutine ends).
var goidOffset = findGoidOffset()

// goid identifies the running goroutine cheaply; ids are never reused.
func goid() uint64 {
	g := getg()
	if goidOffset == 0 {
		return uint64(g)
	}
	return *(*uint64)(unsafe.Pointer(g + goidOffset))
}

func findGoidOffset() uintptr {
	var offsets []uintptr
	g, id := getg(), stackGoid()
	for off := uintptr(8); off < 256; off += 8 {
		if *(*uint64)(unsafe.Pointer(g + off)) == id {
			offsets = append(offsets, off)
		}
	}
	for i := 0; i < 3 && len(offsets) > 0; i++ {
		kept := make(chan []uintptr)
		go func(offsets []uintptr) {
			g, id := getg(), stackGoid()
			var keep []uintptr
			for _, off := range offsets {
				if *(*uint64)(unsafe.Pointer(g + off)) == id {
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
