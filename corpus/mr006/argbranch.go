package mr006

import (
	"net/http"
	"sync"
)

var (
	treeMu sync.RWMutex
	tree   = map[string]any{}
)

// treeAccess reads the tree for GET and changes it for the other methods; its callers
// decide which lock to hold.
func treeAccess(method, key string, val any) any {
	switch method {
	case http.MethodGet:
		return tree[key]
	case http.MethodDelete:
		delete(tree, key) // want "MR006" `^delete of tree while only a read lock is held \(RLock at`
	default:
		tree[key] = val // want "MR006" `^write of tree while only a read lock is held \(RLock at`
	}
	return nil
}

// Negative: the read-locked caller passes GET, so only the read branch runs under RLock.
func ReadTree(key string) any {
	treeMu.RLock()
	defer treeMu.RUnlock()
	return treeAccess(http.MethodGet, key, nil)
}

func WriteTree(key string, val any) {
	treeMu.Lock()
	defer treeMu.Unlock()
	treeAccess(http.MethodPut, key, val)
}

// Case: the method is passed through under a read lock, so any branch can run under it.
func ServeTree(method, key string) any {
	treeMu.RLock()
	defer treeMu.RUnlock()
	return treeAccess(method, key, nil)
}

var (
	hitsMu sync.RWMutex
	hits   = map[string]int{}
)

// countHit only reads unless asked to count.
func countHit(count bool, key string) int {
	if !count {
		return hits[key]
	}
	hits[key]++ // want "MR006" `^write of hits while only a read lock is held \(RLock at`
	return hits[key]
}

// Negative: peeking never counts.
func PeekHits(key string) int {
	hitsMu.RLock()
	defer hitsMu.RUnlock()
	return countHit(false, key)
}

// Case: counting under the read lock.
func CountHit(key string) int {
	hitsMu.RLock()
	defer hitsMu.RUnlock()
	return countHit(true, key)
}
