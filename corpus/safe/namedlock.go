package safe

import "sync"

// NonceIndex is used by one owner at a time (its caller's lock); cacheMu covers only the
// sorted cache, which readers on other goroutines may rebuild. A write to items that happens
// to sit under cacheMu does not make items shared.
type NonceIndex struct {
	items   map[uint64]string
	cache   []string
	cacheMu sync.Mutex
}

// Put stores v and drops the sorted cache.
func (n *NonceIndex) Put(k uint64, v string) {
	n.cacheMu.Lock()
	n.items[k], n.cache = v, nil
	n.cacheMu.Unlock()
}

// Get reads the map without a lock: the owner serialises Put and Get.
func (n *NonceIndex) Get(k uint64) string {
	return n.items[k]
}

// Sorted rebuilds the cache under its lock.
func (n *NonceIndex) Sorted() []string {
	n.cacheMu.Lock()
	defer n.cacheMu.Unlock()
	if n.cache == nil {
		n.cache = make([]string, 0, 8)
	}
	return n.cache
}
