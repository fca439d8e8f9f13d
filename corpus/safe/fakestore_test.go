package safe

import (
	"sync"
	"testing"
)

// fakeStore is a test double: its Commit is what the code under test calls, under the lock.
type fakeStore struct {
	mu       sync.Mutex
	existing map[string]bool
}

func (f *fakeStore) Commit(key string) {
	f.mu.Lock()
	f.existing[key] = true
	f.mu.Unlock()
}

// Negative (lower confidence at most): each parallel subtest makes its own store and seeds
// it before anything else can reach it; the subtests never share a store.
func TestCommitLayers(t *testing.T) {
	for _, layer := range []string{"base", "top"} {
		t.Run(layer, func(t *testing.T) {
			t.Parallel()
			s := &fakeStore{existing: map[string]bool{}}
			s.existing["seed"] = true // want-low "MR001" `\[lower confidence: test code`
			s.Commit(layer)
		})
	}
}
