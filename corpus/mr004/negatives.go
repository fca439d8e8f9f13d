package mr004

import (
	"fmt"
	"net/http"
	"sync"
)

// Tags maps resources to their tag sets.
type Tags struct {
	mu    sync.RWMutex
	byRes map[string]map[string]bool
}

// Negative: double-checked locking: RLock fast path, then re-check after Lock before creating.
func (t *Tags) Add(res, tag string) {
	t.mu.RLock()
	_, ok := t.byRes[res]
	t.mu.RUnlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	if !ok {
		if _, ok := t.byRes[res]; !ok {
			t.byRes[res] = make(map[string]bool)
		}
	}
	t.byRes[res][tag] = true
}

// Negative: check and create in one critical section.
func (t *Tags) AddAll(res string, tags []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	set := t.byRes[res]
	if set == nil {
		set = make(map[string]bool, len(tags))
		t.byRes[res] = set
	}
	for _, tag := range tags {
		set[tag] = true
	}
}

// Has reports whether res carries tag.
func (t *Tags) Has(res, tag string) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.byRes[res][tag]
}

// Zones is a table of zone -> record -> address loaded once.
type Zones struct {
	once    sync.Once
	load    func() map[string]map[string]string
	records map[string]map[string]string
}

// ServeHTTP answers lookups; requests run in parallel, so Lookup does too.
func (z *Zones) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, z.Lookup(r.FormValue("zone"), r.FormValue("name")))
}

// Negative: the nested table is lazily built inside sync.Once.Do (runs once) and only read after it.
func (z *Zones) Lookup(zone, name string) string {
	z.once.Do(func() {
		z.records = make(map[string]map[string]string)
		for zn, recs := range z.load() {
			if z.records[zn] == nil {
				z.records[zn] = make(map[string]string)
			}
			for n, addr := range recs {
				z.records[zn][n] = addr
			}
		}
	})
	return z.records[zone][name]
}

// Negative: sync.Map.LoadOrStore creates the per-room map atomically.
type RoomSets struct {
	rooms sync.Map // room -> *memberSet
}

type memberSet struct {
	mu      sync.Mutex
	members map[string]bool
}

// Join adds user to room.
func (r *RoomSets) Join(room, user string) {
	v, _ := r.rooms.LoadOrStore(room, &memberSet{members: make(map[string]bool)})
	set := v.(*memberSet)
	set.mu.Lock()
	set.members[user] = true
	set.mu.Unlock()
}

// File is a file with an owner.
type File struct{ Owner, Path string }

// Negative: lazy init in plain sequential code: no goroutine and no lock, nothing runs in parallel.
func GroupByOwner(files []File) map[string]map[string]File {
	out := make(map[string]map[string]File)
	for _, f := range files {
		if out[f.Owner] == nil {
			out[f.Owner] = make(map[string]File)
		}
		out[f.Owner][f.Path] = f
	}
	return out
}

// Negative: lazy init on a map confined to one goroutine; only the finished map leaves it, on a channel.
func GroupInBackground(files []File) <-chan map[string]map[string]bool {
	out := make(chan map[string]map[string]bool, 1)
	go func() {
		byOwner := make(map[string]map[string]bool)
		for _, f := range files {
			if byOwner[f.Owner] == nil {
				byOwner[f.Owner] = make(map[string]bool)
			}
			byOwner[f.Owner][f.Path] = true
		}
		out <- byOwner
	}()
	return out
}

// VersionLog keeps one snapshot per version; writers copy the latest and store the copy
// under their own new version.
type VersionLog struct {
	mu       sync.Mutex
	versions map[int]map[string]string
}

// Negative: the read of versions[v] fetches data to work on, it is no check: on the write
// path the value is replaced by a copy of the previous version before it is stored, and no
// condition tests what the read returned.
func (l *VersionLog) Apply(v int, write bool, edit func(map[string]string)) {
	l.mu.Lock()
	snap := l.versions[v]
	if write {
		snap = copySnapshot(l.versions[v-1])
	}
	l.mu.Unlock()
	edit(snap)
	if write {
		l.mu.Lock()
		l.versions[v] = snap
		l.mu.Unlock()
	}
}

func copySnapshot(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// StartVersionLog runs writers and readers at once.
func StartVersionLog(l *VersionLog, n int) {
	for i := 0; i < n; i++ {
		go l.Apply(i, i%2 == 0, func(map[string]string) {})
	}
}

// PeerTable is read under its read lock by many lookups at once.
type PeerTable struct {
	mu    sync.RWMutex
	addrs map[string][]string
}

// Negative: the grouping map is this call's own (made here), filled while the table's read
// lock is held for the table; no other goroutine ever sees it.
func (t *PeerTable) GroupByPrefix(peers []string) map[string]map[string]struct{} {
	groups := make(map[string]map[string]struct{})
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, p := range peers {
		for _, a := range t.addrs[p] {
			prefix := a[:1]
			if _, ok := groups[prefix]; !ok {
				groups[prefix] = make(map[string]struct{})
			}
			groups[prefix][p] = struct{}{}
		}
	}
	return groups
}
