//go:build go1.25

package maprace_rt

import (
	"hash/maphash"
	"sync"
	"unsafe"
)

// Maps. The instrumenter replaces reads with R/R2 (or RI/R2I when the value is itself a map,
// to learn which inner map came from which outer key), puts W/D before writes and deletes,
// and wraps make, literals, range, len and clear.

// Mk records a map's creation. It moves the map to the heap: a map on a goroutine stack
// changes address when the stack grows, and its address is the map's identity.
func Mk[M ~map[K]V, K comparable, V any](m M, site uint32) M {
	if enabled {
		escape(m)
		made(ptr(m), site)
	}
	return m
}

var (
	never bool
	sink  any
)

//go:noinline
func escape(x any) {
	if never {
		sink = x
	}
}

func R[M ~map[K]V, K comparable, V any](m M, k K, site uint32) V {
	if enabled {
		access(kRead, 0, ptr(m), k, site)
	}
	return m[k]
}

func R2[M ~map[K]V, K comparable, V any](m M, k K, site uint32) (V, bool) {
	if enabled {
		access(kRead, 0, ptr(m), k, site)
	}
	v, ok := m[k]
	return v, ok
}

func RI[M ~map[K]V, K comparable, V ~map[K2]V2, K2 comparable, V2 any](m M, k K, site uint32) V {
	v := R(m, k, site)
	if enabled && v != nil {
		fetch(addr(m), k, ptr(v), site)
	}
	return v
}

func R2I[M ~map[K]V, K comparable, V ~map[K2]V2, K2 comparable, V2 any](m M, k K, site uint32) (V, bool) {
	v, ok := R2(m, k, site)
	if enabled && v != nil {
		fetch(addr(m), k, ptr(v), site)
	}
	return v, ok
}

//go:norace
func fetch[K comparable](outer uint64, k K, innerp unsafe.Pointer, site uint32) {
	h := maphash.Comparable(seed, k)
	inner := uint64(uintptr(innerp))
	lock()
	s := cur()
	// The inner map's allocation record (if new) before the fetch: the engine resets an inner
	// map's paths at its allocation.
	if newMap(innerp, s.id) {
		emit(kAlloc, 0, s.id, 0, 0, inner, 0)
	}
	emit(kFetch, 0, s.id, site, uint32(h), outer, inner)
	unlock()
}

// made records a map made by instrumented code at site.
//
//go:norace
func made(p unsafe.Pointer, site uint32) {
	lock()
	s := cur()
	remake(p)
	emit(kAlloc, 0, s.id, site, 0, uint64(uintptr(p)), 0)
	unlock()
}

// KC converts a key to the map's key type (an interface key given a concrete value).
func KC[M ~map[K]V, K comparable, V any](m M) func(K) K { return func(k K) K { return k } }

func W[M ~map[K]V, K comparable, V any](m M, k K, site uint32) {
	if enabled {
		access(kWrite, 0, ptr(m), k, site)
	}
}

func D[M ~map[K]V, K comparable, V any](m M, k K, site uint32) {
	if enabled {
		access(kDelete, 0, ptr(m), k, site)
	}
}

func Rg[M ~map[K]V, K comparable, V any](m M, site uint32) M {
	if enabled {
		whole(kRange, ptr(m), site, true)
	}
	return m
}

func Len[M ~map[K]V, K comparable, V any](m M, site uint32) int {
	if enabled {
		whole(kLen, ptr(m), site, true)
	}
	return len(m)
}

func Clr[M ~map[K]V, K comparable, V any](m M, site uint32) {
	if enabled {
		whole(kClear, ptr(m), site, true)
	}
	clear(m)
}

// Goroutines: `go f(x)` becomes `t := Fork(site); go func() { Start(t); defer End(); f(x) }()`.

//go:norace
func Fork(site uint32) uint32 {
	if !enabled {
		return 0
	}
	lock()
	parent := cur().id
	nextG++
	child := nextG
	live++
	idle++
	emit(kFork, 0, parent, site, 0, uint64(child), 0)
	unlock()
	return child
}

//go:norace
func Start(child uint32) {
	if !enabled || child == 0 {
		return
	}
	lock()
	setG(goid(), child).fresh = true
	emit(kStart, 0, child, 0, 0, 0, 0)
	unlock()
}

//go:norace
func End() {
	if !enabled {
		return
	}
	lock()
	if s := endG(goid()); s != nil {
		emit(kEnd, 0, s.id, 0, 0, 0, 0)
		live--
		if s.fresh {
			idle--
		}
	}
	unlock()
}

// Mutexes: release records before the real unlock, acquire records after the real lock.

func lockRec(kind, flags byte, p uint64) {
	if enabled {
		sync1(kind, flags, p, 0)
	}
}

func Lock(m *sync.Mutex)   { m.Lock(); lockRec(kAcquire, 0, addr(m)) }
func Unlock(m *sync.Mutex) { lockRec(kRelease, 0, addr(m)); m.Unlock() }
func TryLock(m *sync.Mutex) bool {
	ok := m.TryLock()
	if ok {
		lockRec(kAcquire, 0, addr(m))
	}
	return ok
}
func WLock(m *sync.RWMutex)   { m.Lock(); lockRec(kAcquire, 0, addr(m)) }
func WUnlock(m *sync.RWMutex) { lockRec(kRelease, 0, addr(m)); m.Unlock() }
func WTryLock(m *sync.RWMutex) bool {
	ok := m.TryLock()
	if ok {
		lockRec(kAcquire, 0, addr(m))
	}
	return ok
}
func RLock(m *sync.RWMutex)   { m.RLock(); lockRec(kAcquire, fReadMode, addr(m)) }
func RUnlock(m *sync.RWMutex) { lockRec(kRelease, fReadMode, addr(m)); m.RUnlock() }
func RTryLock(m *sync.RWMutex) bool {
	ok := m.TryRLock()
	if ok {
		lockRec(kAcquire, fReadMode, addr(m))
	}
	return ok
}

// Other primitives are release/acquire pairs on their address.

func rel(p uint64) {
	if enabled {
		sync1(kSyncRel, 0, p, 0)
	}
}

func acq(p uint64) {
	if enabled {
		sync1(kSyncAcq, 0, p, 0)
	}
}

func WGAdd(wg *sync.WaitGroup, n int) { wg.Add(n) }
func WGDone(wg *sync.WaitGroup)       { rel(addr(wg)); wg.Done() }
func WGWait(wg *sync.WaitGroup)       { wg.Wait(); acq(addr(wg)) }
func WGGo(wg *sync.WaitGroup, f func(), site uint32) {
	child := Fork(site)
	wg.Go(func() {
		Start(child)
		defer End()
		defer rel(addr(wg))
		f()
	})
}

func OnceDo(o *sync.Once, f func()) {
	o.Do(func() { f(); rel(addr(o)) })
	acq(addr(o))
}

func CondWait(c *sync.Cond) {
	l := addr(c.L)
	lockRec(kRelease, 0, l)
	c.Wait()
	lockRec(kAcquire, 0, l)
	acq(addr(c))
}
func CondSignal(c *sync.Cond)    { rel(addr(c)); c.Signal() }
func CondBroadcast(c *sync.Cond) { rel(addr(c)); c.Broadcast() }

// Channels: a send releases into the channel, a receive acquires from it.

func Snd[C any](c C) C { rel(addr(c)); return c }
func Rcv[T any](c <-chan T) T {
	v := <-c
	acq(addr(c))
	return v
}
func Rcv2[T any](c <-chan T) (T, bool) {
	v, ok := <-c
	acq(addr(c))
	return v, ok
}
func Acq[C any](c C)          { acq(addr(c)) }
func Rel[C any](c C)          { rel(addr(c)) }
func Close[T any](c chan<- T) { rel(addr(c)); close(c) }

// Atomics: APre before the operation releases, APost after it acquires.

func APre[P any](p P) uint64 {
	a := addr(p)
	rel(a)
	return a
}
func APost[T any](a uint64, v T) T { acq(a); return v }
func AVoid(a uint64)               { acq(a) }

// sync.Map: key-level accesses (for check-then-act) and release/acquire per key (its ops
// synchronise with each other).

func smKey(m *sync.Map, kind byte, k any, site uint32) {
	if !enabled {
		return
	}
	access(kind, fSyncMap, ptr(m), k, site)
}

func SMLoad(m *sync.Map, k any, site uint32) (any, bool) {
	v, ok := m.Load(k)
	smKey(m, kRead, k, site)
	return v, ok
}
func SMStore(m *sync.Map, k, v any, site uint32) {
	smKey(m, kWrite, k, site)
	m.Store(k, v)
}
func SMDelete(m *sync.Map, k any, site uint32) {
	smKey(m, kDelete, k, site)
	m.Delete(k)
}
func SMLoadOrStore(m *sync.Map, k, v any, site uint32) (any, bool) {
	smKey(m, kUpdate, k, site)
	return m.LoadOrStore(k, v)
}
func SMLoadAndDelete(m *sync.Map, k any, site uint32) (any, bool) {
	smKey(m, kUpdate, k, site)
	return m.LoadAndDelete(k)
}
func SMSwap(m *sync.Map, k, v any, site uint32) (any, bool) {
	smKey(m, kUpdate, k, site)
	return m.Swap(k, v)
}
func SMCompareAndSwap(m *sync.Map, k, old, new any, site uint32) bool {
	smKey(m, kUpdate, k, site)
	return m.CompareAndSwap(k, old, new)
}
func SMCompareAndDelete(m *sync.Map, k, old any, site uint32) bool {
	smKey(m, kUpdate, k, site)
	return m.CompareAndDelete(k, old)
}
func SMRange(m *sync.Map, f func(k, v any) bool, site uint32) {
	if enabled {
		whole(kRange, ptr(m), site, false)
	}
	m.Range(f)
}
func SMClear(m *sync.Map, site uint32) {
	if enabled {
		whole(kClear, ptr(m), site, false)
	}
	m.Clear()
}
