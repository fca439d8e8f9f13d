package safe

import (
	"maps"
	"net/http"
	"sync"
	"sync/atomic"
)

// RouteTable is copy-on-write: readers load the current map, writers copy, modify and swap.
type RouteTable struct {
	cur atomic.Pointer[map[string]string]
}

// NewRouteTable publishes an empty table.
func NewRouteTable() *RouteTable {
	t := &RouteTable{}
	empty := make(map[string]string)
	t.cur.Store(&empty)
	return t
}

// Safe: readers only read the published map.
func (t *RouteTable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target, ok := (*t.cur.Load())[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, target, http.StatusFound)
}

// Safe: the writer clones, writes its private copy, and publishes it with compare-and-swap.
func (t *RouteTable) Set(path, target string) {
	for {
		old := t.cur.Load()
		next := maps.Clone(*old)
		next[path] = target
		if t.cur.CompareAndSwap(old, &next) {
			return
		}
	}
}

// Watch applies updates in the background.
func (t *RouteTable) Watch(updates <-chan [2]string) {
	go func() {
		for u := range updates {
			t.Set(u[0], u[1])
		}
	}()
}

// Settings is a nested copy-on-write config: section -> key -> value.
type Settings struct {
	writeMu sync.Mutex
	cur     atomic.Pointer[map[string]map[string]string]
}

// NewSettings publishes an empty config.
func NewSettings() *Settings {
	s := &Settings{}
	empty := make(map[string]map[string]string)
	s.cur.Store(&empty)
	return s
}

// Safe: writers are serialised by writeMu, copy the outer map and the one inner map they change, then publish.
func (s *Settings) Update(section, key, value string) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old := *s.cur.Load()
	next := make(map[string]map[string]string, len(old)+1)
	for sec, kv := range old {
		next[sec] = kv
	}
	changed := make(map[string]string, len(old[section])+1)
	for k, v := range old[section] {
		changed[k] = v
	}
	changed[key] = value
	next[section] = changed
	s.cur.Store(&next)
}

// Safe: readers read the published nested map without a lock.
func (s *Settings) Get(section, key string) string {
	return (*s.cur.Load())[section][key]
}

// ServeHTTP serves reads while Update may run from the admin goroutine.
func (s *Settings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = w.Write([]byte(s.Get(r.FormValue("section"), r.FormValue("key"))))
}

// Watch applies updates in the background.
func (s *Settings) Watch(updates <-chan [3]string) {
	go func() {
		for u := range updates {
			s.Update(u[0], u[1], u[2])
		}
	}()
}
