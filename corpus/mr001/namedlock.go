package mr001

import "sync"

// PeerSet names its lock for the map it covers: peersLock guards peers, so every access to
// peers is meant to hold it, and Count's unlocked read races with Add.
type PeerSet struct {
	peers     map[string]int
	peersLock sync.Mutex
}

// Add records a peer under the lock.
func (s *PeerSet) Add(id string) {
	s.peersLock.Lock()
	s.peers[id]++
	s.peersLock.Unlock()
}

// Count forgets the lock.
func (s *PeerSet) Count() int {
	return len(s.peers) // want "MR001"
}
