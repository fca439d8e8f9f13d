//go:build go1.25

// Package maprace_rt is the runtime support of `maprace race`. The instrumenter rewrites map
// operations, goroutine creation and sync primitives of the user's module into calls of this
// package; each call does the real operation and appends a fixed-size record to a trace file
// mapped into memory, so the records survive os.Exit, panics and fatal runtime errors.
//
// One mutex orders all records: the trace is a total order consistent with the run, which
// lets the analysis process it front to back. Release records are written before the real
// release and acquire records after the real acquire.
package maprace_rt

import (
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unsafe"
)

// Trace format: a 32-byte header, then 32-byte records in chunks of chunkSize bytes.
// Variable payloads (stack and key text) follow their record, padded to 32 bytes. The
// version, record size, record kinds (kAlloc, ...) and flags (fKey, ...) are in kinds_gen.go,
// generated from src/race/trace.rs, the reader.
const chunkSize = 4 << 20

// defaultBudgetMB is the disk budget of one process's trace (MAPRACE_TRACE_BUDGET_MB
// overrides): 1 GiB holds about 33 million records. At the budget, recording stops (with a
// message on stderr and a record saying so); what was recorded is analysed.
const defaultBudgetMB = 1024

var (
	mu       sync.Mutex
	enabled  bool
	file     *os.File
	region   []byte
	regOff   int
	regBase  int64
	gs       tab       // goid -> goroutine id
	gstates  []*gstate // by goroutine id (nil once ended)
	nextG    uint32
	nextStk  uint32
	seed     = maphash.MakeSeed()
	keysSeen tab
	// live counts goroutines forked by instrumented code and not yet ended, records the
	// records written: AtExit waits on them.
	live    int
	records uint64
	budget  int64 = defaultBudgetMB << 20
)

type gstate struct {
	id   uint32
	seen tab // site -> stack id of this goroutine's first visit
}

func init() {
	dir := os.Getenv("MAPRACE_TRACE_DIR")
	if dir == "" {
		return
	}
	f, err := os.OpenFile(filepath.Join(dir, "trace-"+strconv.Itoa(os.Getpid())+".bin"), os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "maprace: cannot create trace:", err)
		return
	}
	file = f
	if v, err := strconv.Atoi(os.Getenv("MAPRACE_TRACE_BUDGET_MB")); err == nil && v > 0 {
		budget = int64(v) << 20
	}
	if !mapRegion(0) {
		return
	}
	copy(region, "MRTRACE\x00")
	put32(region[8:], version)
	put32(region[12:], recSize)
	put32(region[16:], chunkSize)
	regOff = recSize
	enabled = true
}

//go:norace
func mapRegion(base int64) bool {
	if err := file.Truncate(base + chunkSize); err != nil {
		fmt.Fprintln(os.Stderr, "maprace: cannot grow trace:", err)
		enabled = false
		return false
	}
	r, err := syscall.Mmap(int(file.Fd()), base, chunkSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		fmt.Fprintln(os.Stderr, "maprace: cannot map trace:", err)
		enabled = false
		return false
	}
	region, regBase, regOff = r, base, 0
	return true
}

// reserve returns n bytes (a multiple of recSize) of trace; mu must be held.
//
//go:norace
func reserve(n int) []byte {
	if regOff+n+recSize > chunkSize {
		if regBase+2*chunkSize > budget {
			// The last record slot is always free (see the condition above).
			r := region[regOff : regOff+recSize]
			put64(r[16:], uint64(budget))
			r[0] = kBudget
			enabled = false
			fmt.Fprintf(os.Stderr, "maprace: the trace reached its budget of %d MiB (MAPRACE_TRACE_BUDGET_MB): recording stopped, what was recorded is analysed\n", budget>>20)
			return nil
		}
		region[regOff] = kChunkEnd
		old := region
		if !mapRegion(regBase + chunkSize) {
			return nil
		}
		syscall.Munmap(old)
		if n+recSize > chunkSize {
			return nil
		}
	}
	b := region[regOff : regOff+n]
	regOff += n
	return b
}

//go:norace
func put32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

//go:norace
func put64(b []byte, v uint64) {
	put32(b, uint32(v))
	put32(b[4:], uint32(v>>32))
}

// emit appends one record; mu must be held.
//
//go:norace
func emit(kind, flags byte, g, site, aux uint32, a, b uint64) {
	r := reserve(recSize)
	if r == nil {
		return
	}
	records++
	put32(r[4:], g)
	put32(r[8:], site)
	put32(r[12:], aux)
	put64(r[16:], a)
	put64(r[24:], b)
	r[1] = flags
	r[0] = kind // last: a reader of a crashed run never sees a half-written record as valid
}

//go:norace
func emitText(kind byte, id uint64, text string) {
	n := (recSize + len(text) + recSize - 1) / recSize * recSize
	r := reserve(n)
	if r == nil {
		return
	}
	put32(r[12:], uint32(len(text)))
	put64(r[16:], id)
	copy(r[recSize:], text)
	r[0] = kind
}

// cur returns the calling goroutine's state; mu must be held.
//
//go:norace
func cur() *gstate {
	g := goid()
	if id, ok := gs.get(g); ok && gstates[id] != nil {
		return gstates[id]
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
//
//go:norace
func stack(s *gstate, site uint32, skip int) uint32 {
	if id, ok := s.seen.get(uint64(site)); ok {
		return uint32(id)
	}
	var pcs [24]uintptr
	n := runtime.Callers(skip, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	var sb strings.Builder
	for {
		fr, more := frames.Next()
		if !strings.Contains(fr.Function, "maprace_rt.") && !strings.HasPrefix(fr.Function, "runtime.") && fr.Function != "" {
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
	emitText(kStackDef, uint64(nextStk), sb.String())
	return nextStk
}

// newKey reports whether key h still needs its text recorded (and marks it); mu must be held.
//
//go:norace
func newKey(h uint64) bool {
	if _, ok := keysSeen.get(h); ok || keysSeen.n > 100000 {
		return false
	}
	keysSeen.put(h, 1)
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
	if flags&fSyncMap == 0 && newMap(mp) {
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
	if plainMap && newMap(mp) {
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
