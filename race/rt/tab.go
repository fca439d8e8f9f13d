//go:build go1.25

package maprace_rt

// tab is an open-addressing uint64 -> uint64 hash table (linear probing, backward-shift
// deletion). The runtime support uses it instead of Go maps for its own state because a Go
// map's accesses are checked by the race detector inside the runtime, whatever the caller's
// //go:norace: under -race, maprace's bookkeeping (guarded by a mutex the detector is told to
// ignore, see race_on.go) would be reported as races. mu must be held.
type tab struct {
	keys []uint64
	vals []uint64
	used []bool
	n    int
}

//go:norace
func (t *tab) slot(k uint64) int {
	return int((k * 0x9E3779B97F4A7C15) >> 32 & uint64(len(t.keys)-1))
}

//go:norace
func (t *tab) get(k uint64) (uint64, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := len(t.keys) - 1
	for i := t.slot(k); t.used[i]; i = (i + 1) & mask {
		if t.keys[i] == k {
			return t.vals[i], true
		}
	}
	return 0, false
}

//go:norace
func (t *tab) put(k, v uint64) {
	if (t.n+1)*4 > len(t.keys)*3 {
		t.grow()
	}
	mask := len(t.keys) - 1
	i := t.slot(k)
	for ; t.used[i]; i = (i + 1) & mask {
		if t.keys[i] == k {
			t.vals[i] = v
			return
		}
	}
	t.keys[i], t.vals[i], t.used[i] = k, v, true
	t.n++
}

//go:norace
func (t *tab) grow() {
	old := *t
	size := 2 * len(old.keys)
	if size < 16 {
		size = 16
	}
	*t = tab{keys: make([]uint64, size), vals: make([]uint64, size), used: make([]bool, size)}
	for i, u := range old.used {
		if u {
			t.put(old.keys[i], old.vals[i])
		}
	}
}

//go:norace
func (t *tab) del(k uint64) {
	if t.n == 0 {
		return
	}
	mask := len(t.keys) - 1
	i := t.slot(k)
	for ; t.used[i]; i = (i + 1) & mask {
		if t.keys[i] == k {
			break
		}
	}
	if !t.used[i] {
		return
	}
	t.used[i] = false
	t.n--
	// Backward shift: move later entries of the run into the hole when their home slot
	// allows it, so lookups never stop early at a hole.
	for j := (i + 1) & mask; t.used[j]; j = (j + 1) & mask {
		h := t.slot(t.keys[j])
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			t.keys[i], t.vals[i], t.used[i] = t.keys[j], t.vals[j], true
			t.used[j] = false
			i = j
		}
	}
}
