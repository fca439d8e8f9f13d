//go:build go1.25

package maprace_rt

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"
	"unsafe"
)

// The trace (src/race/trace.rs reads it): segment files trace-<pid>-<seq>.bin of segSize
// bytes in MAPRACE_TRACE_DIR, each a 32-byte header and 32-byte records. A segment is
// created under a temporary name, sized and given its header, then renamed, so a reader
// never sees a short one; it is mapped into memory (MAP_SHARED), so what is written survives
// os.Exit, panics, fatal runtime errors and SIGKILL. A record's first word (kind and flags)
// is stored last, atomically: maprace reads a segment while it is being written and takes a
// record as written once its kind is not 0. A full segment ends with a kChunkEnd record.
//
// maprace analyses the segments as they come and deletes each one it has read. With
// MAPRACE_TRACE_WINDOW=N (what maprace sets), at most N segments exist at once: the writer
// waits for the oldest to be read before it creates another, so the disk holds at most
// N*segSize bytes and the program runs no faster than the analysis. Without it (a kept trace,
// `maprace race --keep`), every segment stays, up to the disk budget.
const (
	version = 2
	recSize = 32
	segSize = 4 << 20
)

// defaultBudgetMB is the disk budget of a kept trace (MAPRACE_TRACE_BUDGET_MB overrides):
// 1 GiB holds about 33 million records. At the budget, recording stops (with a message on
// stderr and a record saying so); what was recorded is analysed.
const defaultBudgetMB = 1024

// stallLimit: how long the writer waits for maprace to read a segment before it concludes
// that maprace is gone and stops recording (the program then runs on unrecorded).
const stallLimit = time.Minute

var (
	traceDir string
	pidText  string
	seg      int // the segment being written
	region   []byte
	regOff   int
	window   int
	budget   int64 = defaultBudgetMB << 20
)

func openTrace() {
	dir := os.Getenv("MAPRACE_TRACE_DIR")
	if dir == "" {
		return
	}
	traceDir, pidText = dir, strconv.Itoa(os.Getpid())
	if v, err := strconv.Atoi(os.Getenv("MAPRACE_TRACE_BUDGET_MB")); err == nil && v > 0 {
		budget = int64(v) << 20
	}
	if v, err := strconv.Atoi(os.Getenv("MAPRACE_TRACE_WINDOW")); err == nil && v > 0 {
		window = v
	}
	enabled = openSegment(0)
}

// segName is the file of segment n (without fmt, which must not run under the trace lock).
func segName(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 6 {
		s = "0" + s
	}
	return filepath.Join(traceDir, "trace-"+pidText+"-"+s+".bin")
}

// openSegment creates segment n and makes it the one written; mu must be held (or init).
//
//go:norace
func openSegment(n int) bool {
	name := segName(n)
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_RDWR|os.O_TRUNC, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "maprace: cannot create trace:", err)
		return false
	}
	defer f.Close() // the mapping outlives the descriptor
	if err := f.Truncate(segSize); err != nil {
		fmt.Fprintln(os.Stderr, "maprace: cannot grow trace:", err)
		return false
	}
	r, err := mmap(int(f.Fd()), segSize)
	if err != nil {
		fmt.Fprintln(os.Stderr, "maprace: cannot map trace:", err)
		return false
	}
	copy(r, "MRTRACE\x00")
	put32(r[8:], version)
	put32(r[12:], recSize)
	put32(r[16:], segSize)
	put32(r[20:], uint32(n))
	put32(r[24:], uint32(os.Getpid()))
	if err := os.Rename(tmp, name); err != nil {
		fmt.Fprintln(os.Stderr, "maprace: cannot create trace:", err)
		munmap(r)
		return false
	}
	if region != nil {
		munmap(region)
	}
	region, regOff, seg = r, recSize, n
	return true
}

// waitRead waits until maprace has read (deleted) segment n; false if it stopped reading.
//
//go:norace
func waitRead(n int) bool {
	name := segName(n)
	start := time.Now()
	for pause := 50 * time.Microsecond; ; pause = min(2*pause, 2*time.Millisecond) {
		if _, err := os.Stat(name); os.IsNotExist(err) {
			return true
		}
		if time.Since(start) > stallLimit {
			return false
		}
		time.Sleep(pause)
	}
}

// stop ends recording with a final record of kind (kBudget, kStalled) in the last slot of the
// segment, which reserve always keeps free.
//
//go:norace
func stop(kind byte, a uint64, why string) {
	r := region[regOff : regOff+recSize]
	put64(r[16:], a)
	publish(r, kind, 0)
	enabled = false
	fmt.Fprintln(os.Stderr, "maprace: "+why)
}

// reserve returns n bytes (a multiple of recSize) of trace; mu must be held.
//
//go:norace
func reserve(n int) []byte {
	if regOff+n+recSize > segSize {
		next := seg + 1
		switch {
		case window == 0 && int64(next+1)*segSize > budget:
			stop(kBudget, uint64(budget), "the trace reached its budget of "+strconv.FormatInt(budget>>20, 10)+" MiB (MAPRACE_TRACE_BUDGET_MB): recording stopped, what was recorded is analysed")
			return nil
		case window > 0 && next >= window && !waitRead(next-window):
			stop(kStalled, 0, "maprace stopped reading the trace: recording stopped")
			return nil
		}
		publish(region[regOff:], kChunkEnd, 0)
		if !openSegment(next) {
			enabled = false
			return nil
		}
		if n+recSize > segSize {
			return nil
		}
	}
	b := region[regOff : regOff+n]
	regOff += n
	return b
}

// publish stores a record's first word (kind, flags) after the rest: a reader that sees a
// kind sees the whole record. The trace is not Go memory, so the race detector ignores it.
//
//go:norace
//go:nocheckptr
func publish(r []byte, kind, flags byte) {
	atomic.StoreUint32((*uint32)(unsafe.Pointer(&r[0])), uint32(kind)|uint32(flags)<<8)
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
	if kind == kAlloc {
		novel++
	}
	put32(r[4:], g)
	put32(r[8:], site)
	put32(r[12:], aux)
	put64(r[16:], a)
	put64(r[24:], b)
	publish(r, kind, flags)
}

// emitText appends a text record (stack or key definition); mu must be held.
//
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
	publish(r, kind, 0)
}
