package mr009

import "sync"

// Txn tracks the partitions of the current transaction. Its author meant partitionsMu to
// guard partitions for readers, but the writers hold only mu.
type Txn struct {
	mu           sync.Mutex
	partitionsMu sync.Mutex
	partitions   map[string]bool
}

// Case: one map kept under two locks is one mistake: reported once, at the first write
// (Commit's), with Abort's delete under the same two locks in related, not once per pair.
func (t *Txn) Commit() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.partitions)
	t.partitions = map[string]bool{} // want "MR009" `^reassignment of t\.partitions holds Lock at .*, but the .* holds Lock at`
	return n
}

// Abort drops one partition, under the same lock as Commit.
func (t *Txn) Abort(p string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.partitions, p)
}

// Has reports a partition, under partitionsMu.
func (t *Txn) Has(p string) bool {
	t.partitionsMu.Lock()
	defer t.partitionsMu.Unlock()
	return t.partitions[p]
}
