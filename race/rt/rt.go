//go:build go1.25

// Package maprace_rt is the runtime support of `maprace race`. The instrumenter rewrites map
// operations, goroutine creation and sync primitives of the user's module into calls of this
// package; each call does the real operation and appends a fixed-size record to the trace
// (trace.go), which maprace analyses while the program runs.
//
// One mutex orders all records: the trace is a total order consistent with the run, which
// lets the analysis process it front to back. Release records are written before the real
// release and acquire records after the real acquire.
package maprace_rt

import (
	"fmt"
	"hash/maphash"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// The record kinds (kAlloc, ...) and flags (fKey, ...) are in kinds_gen.go, generated from
// src/race/trace.rs, the reader.

var (
	mu       sync.Mutex
	enabled  bool
	gs       tab       // goid -> goroutine id
	gstates  []*gstate // by goroutine id (nil once ended)
	nextG    uint32
	nextStk  uint32
	stacks   tab // hash of a stack's program counters -> its stack id
	seed     = maphash.MakeSeed()
	keysSeen tab
	// live counts goroutines forked by instrumented code and not yet ended, records the
	// records written, novel the records that show the run something it had not seen: a new
	// goroutine, a goroutine's first visit of a site, a new map or key. AtExit waits on them.
	live    int
	records uint64
	novel   uint64
	// idle counts live forked goroutines that have recorded nothing yet (not started, or
	// sleeping before their first access): AtExit waits for them whatever the trace does.
	idle int
)

type gstate struct {
	id   uint32
	seen tab // site -> stack id of this goroutine's first visit
	// fresh: forked by instrumented code and nothing recorded yet (counted in idle).
	fresh bool
}

func init() { openTrace() }

// cur returns the calling goroutine's state; mu must be held.
//
//go:norace
func cur() *gstate {
	g := goid()
	if id, ok := gs.get(g); ok && gstates[id] != nil {
		s := gstates[id]
		if s.fresh {
			s.fresh = false
			idle--
		}
		return s
	}
	nextG++
	s := setG(g, nextG)
	emit(kUnknownG, 0, s.id, 0, 0, 0, 0)
	return s
}

// setG makes id the goroutine id of the goroutine goid; mu must be held.
//
//go:norace
func setG(g uint64, id uint32) *gstate {
	for uint32(len(gstates)) <= id {
		gstates = append(gstates, nil)
	}
	s := &gstate{id: id}
	gstates[id] = s
	novel++
	gs.put(g, uint64(id))
	return s
}

// endG forgets the goroutine goid; mu must be held.
//
//go:norace
func endG(g uint64) *gstate {
	id, ok := gs.get(g)
	if !ok {
		return nil
	}
	s := gstates[id]
	gstates[id] = nil
	gs.del(g)
	return s
}

// stackGoid parses the running goroutine's id from runtime.Stack ("goroutine 18 [running]:").
func stackGoid() uint64 {
	var b [64]byte
	n := runtime.Stack(b[:], false)
	var id uint64
	for _, c := range b[len("goroutine "):n] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}

// ptr is the pointer inside a pointer-shaped value (pointer, map, chan); addr the same as a
// number.
func ptr[P any](p P) unsafe.Pointer {
	e := any(p)
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&e))[1]
}

func addr[P any](p P) uint64 { return uint64(uintptr(ptr(p))) }

// stack returns the id of the goroutine's stack at its first visit of site; mu must be held.
// skip: frames between runtime.Callers and the user's code (stack, the helper, the hook).
// Goroutines that run the same code share the id (and its text, written once): a program
// starting a goroutine per request writes one stack per path, not one per goroutine.
//
//go:norace
func stack(s *gstate, site uint32, skip int) uint32 {
	if id, ok := s.seen.get(uint64(site)); ok {
		return uint32(id)
	}
	novel++
	var pcs [24]uintptr
	n := runtime.Callers(skip, pcs[:])
	h := uint64(14695981039346656037)
	for _, pc := range pcs[:n] {
		h = (h ^ uint64(pc)) * 1099511628211
	}
	if id, ok := stacks.get(h); ok {
		s.seen.put(uint64(site), id)
		return uint32(id)
	}
	frames := runtime.CallersFrames(pcs[:n])
	var sb strings.Builder
	for {
		fr, more := frames.Next()
		if !strings.HasPrefix(fr.Function, rtPackage) && !strings.HasPrefix(fr.Function, "runtime.") && fr.Function != "" {
			sb.WriteString(fr.Function)
			sb.WriteByte('\t')
			sb.WriteString(fr.File)
			sb.WriteByte('\t')
			sb.WriteString(strconv.Itoa(fr.Line))
			sb.WriteByte('\n')
		}
		if !more || strings.HasPrefix(fr.Function, "runtime.") || strings.HasPrefix(fr.Function, "testing.") {
			break
		}
	}
	nextStk++
	s.seen.put(uint64(site), uint64(nextStk))
	stacks.put(h, uint64(nextStk))
	emitText(kStackDef, uint64(nextStk), sb.String())
	return nextStk
}

// rtPackage prefixes the functions of this package in stacks (its import path).
const rtPackage = "maprace.dev/rt."

// newKey reports whether key h still needs its text recorded (and marks it); mu must be held.
//
//go:norace
func newKey(h uint64) bool {
	if _, ok := keysSeen.get(h); ok || keysSeen.n > 100000 {
		return false
	}
	keysSeen.put(h, 1)
	novel++
	return true
}

// keyText records the text of key h. It formats outside the trace lock: fmt's printer pool
// synchronises through sync.Pool, which the race detector must see (under lock() it does not).
//
//go:norace
func keyText[K comparable](h uint64, k K) {
	t := keyString(k)
	if len(t) > 80 {
		t = t[:77] + "..."
	}
	lock()
	emitText(kKeyDef, h, t)
	unlock()
}

//go:norace
func access[K comparable](kind, flags byte, mp unsafe.Pointer, k K, site uint32) {
	if mp == nil {
		return
	}
	m := uint64(uintptr(mp))
	h := maphash.Comparable(seed, k)
	lock()
	s := cur()
	if (flags&fSyncMap == 0 || syncMapIdentity) && newMap(mp, s.id) {
		emit(kAlloc, 0, s.id, 0, 0, m, 0)
	}
	text := newKey(h)
	emit(kind, flags|fKey, s.id, site, stack(s, site, 4), m, h)
	unlock()
	if text {
		keyText(h, k)
	}
}

//go:norace
func whole(kind byte, mp unsafe.Pointer, site uint32, plainMap bool) {
	if mp == nil {
		return
	}
	m := uint64(uintptr(mp))
	lock()
	s := cur()
	if (plainMap || syncMapIdentity) && newMap(mp, s.id) {
		emit(kAlloc, 0, s.id, 0, 0, m, 0)
	}
	emit(kind, 0, s.id, site, stack(s, site, 4), m, 0)
	unlock()
}

//go:norace
func sync1(kind, flags byte, a uint64, site uint32) {
	lock()
	emit(kind, flags, cur().id, site, 0, a, 0)
	unlock()
}

// keyString is the key's text for reports. A pointer key is printed as its address: `%#v`
// would read the pointee, which other goroutines may be writing (under -race, a race report
// caused by maprace).
func keyString[K comparable](k K) string {
	if reflect.TypeOf(k) != nil && reflect.TypeOf(k).Kind() == reflect.Pointer {
		return fmt.Sprintf("%p", any(k))
	}
	return fmt.Sprintf("%#v", k)
}
