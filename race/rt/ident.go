//go:build go1.25

package maprace_rt

import (
	"os"
	"unsafe"
	"weak"
)

// A map's identity is its allocation, not its address: once a map is freed, the garbage
// collector may put another map at the same address, and a trace keyed by address alone would
// merge the two (the new map's accesses race with the old one's, falsely). So each address
// seen is tied to the object there by a weak pointer: while the weak pointer still resolves,
// the object is the same; once it returns nil, the object was freed (the collector clears weak
// pointers before it frees the memory), and the map now at the address is a new one, for
// which an allocation record is written (the engine starts its shadow state afresh). Maps made
// outside instrumented code (json.Unmarshal, other modules) get their record at first sight.
// Addresses whose maps were freed are swept from the table as it grows, each with a free
// record: the engine then drops the map's state, so its memory follows the live maps.
// sync.Map values are tracked the same way from Go 1.26 on (ident_go126.go).
//
// Only on amd64 and arm64, where the goroutine's stack bounds are readable (see onStack):
// elsewhere identity stays the address, as before.

var (
	known    tab // map address -> index in wps + 1
	wps      []weak.Pointer[byte]
	freeWps  []uint64
	swept    int // known.n after the last sweep of dead entries
	// MAPRACE_MAP_IDENTITY=address keeps the address as identity (to measure what this
	// fixes: tests/race_lifecycle.rs runs the same program both ways).
	identify = goidOffset != 0 && os.Getenv("MAPRACE_MAP_IDENTITY") != "address"
)

// newMap reports whether p is a map maprace has not seen at this address since it was made
// (first sight, or the map seen there before was freed); it then starts tracking it. g is the
// calling goroutine's id (for free records). mu must be held.
//
//go:norace
func newMap(p unsafe.Pointer, g uint32) bool {
	if !identify || p == nil || onStack(p) {
		return false
	}
	a := uint64(uintptr(p))
	if i, ok := known.get(a); ok {
		if wps[i-1].Value() != nil {
			return false
		}
		track(a, p, i)
		return true
	}
	if known.n > 2*swept+1024 {
		sweep(g)
	}
	track(a, p, 0)
	return true
}

// remake records that p was just made (Mk): whatever was at its address before is gone.
//
//go:norace
func remake(p unsafe.Pointer) {
	if !identify || p == nil || onStack(p) {
		return
	}
	a := uint64(uintptr(p))
	i, _ := known.get(a)
	track(a, p, i)
}

//go:norace
func track(a uint64, p unsafe.Pointer, i uint64) {
	w := weak.Make((*byte)(p))
	if i == 0 {
		if n := len(freeWps); n > 0 {
			i = freeWps[n-1]
			freeWps = freeWps[:n-1]
		} else {
			wps = append(wps, weak.Pointer[byte]{})
			i = uint64(len(wps))
		}
		known.put(a, i)
	}
	wps[i-1] = w
}

// sweep forgets the addresses whose maps were freed, so that a program making millions of
// short-lived maps keeps the table at the size of its live ones, and writes a free record for
// each (by goroutine g).
//
//go:norace
func sweep(g uint32) {
	var dead []uint64
	for j, u := range known.used {
		if u && wps[known.vals[j]-1].Value() == nil {
			dead = append(dead, known.keys[j])
		}
	}
	for _, a := range dead {
		i, _ := known.get(a)
		wps[i-1] = weak.Pointer[byte]{}
		freeWps = append(freeWps, i)
		known.del(a)
		emit(kFree, 0, g, 0, 0, a, 0)
	}
	swept = known.n
}

// onStack: a map that does not escape lives on its goroutine's stack, which weak pointers
// cannot point into (the runtime throws). Only the running goroutine can reach its own stack,
// and g's first field is its stack bounds {lo, hi}.
//
//go:norace
func onStack(p unsafe.Pointer) bool {
	lo, hi := gword(0), gword(8)
	a := uint64(uintptr(p))
	return a >= lo && a < hi
}
