package mr009

import "sync"

// TxnPartitions tracks the partitions of the current transaction. The reset takes the
// transaction lock; the publisher takes the partition lock: one lock protocol mistake on
// both maps, reported once at the first map, with the other in `related`.
type TxnPartitions struct {
	txnMu   sync.Mutex
	partMu  sync.Mutex
	added   map[string]bool
	pending map[string]bool
}

func NewTxnPartitions() *TxnPartitions {
	t := &TxnPartitions{added: map[string]bool{}, pending: map[string]bool{}}
	go t.publishLoop()
	return t
}

// Case: both maps replaced under txnMu only ...
func (t *TxnPartitions) Reset() {
	t.txnMu.Lock()
	defer t.txnMu.Unlock()
	t.added = map[string]bool{}
	t.pending = map[string]bool{} // want "MR009" `^reassignment of t\.pending holds Lock at .*, but the range at .* holds Lock at`
}

// ... while the publisher reads and moves them under partMu.
func (t *TxnPartitions) publishLoop() {
	for {
		t.partMu.Lock()
		for p := range t.pending {
			t.added[p] = true
		}
		t.pending = map[string]bool{}
		t.partMu.Unlock()
	}
}
