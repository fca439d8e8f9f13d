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

// Spool keeps in-flight and deferred messages, each map under its own lock; Flush, run at
// exit, reads both under the exit lock that neither map is written under: one mistake
// (Flush should take each map's lock), reported once with the other accesses in `related`.
type Spool struct {
	flightMu sync.Mutex
	deferMu  sync.Mutex
	exitMu   sync.Mutex
	inFlight map[int]string
	deferred map[int]string
}

func NewSpool() *Spool {
	s := &Spool{inFlight: map[int]string{}, deferred: map[int]string{}}
	go s.pushLoop()
	return s
}

func (s *Spool) pushLoop() {
	for i := 0; ; i++ {
		s.flightMu.Lock()
		s.inFlight[i] = "m" // want "MR009" `^write of s\.inFlight holds Lock at .*, but the len at .* holds Lock at`
		s.flightMu.Unlock()
		s.deferMu.Lock()
		s.deferred[i] = "m"
		s.deferMu.Unlock()
	}
}

// Flush is called once, at exit.
func (s *Spool) Flush() int {
	s.exitMu.Lock()
	defer s.exitMu.Unlock()
	return len(s.inFlight) + len(s.deferred)
}
