package mr001

import "sync"

// Shards keeps one map per shard, each guarded by the lock of the same index.
type Shards struct {
	locks []sync.Mutex
	maps  []map[string]int
}

func (s *Shards) Add(i int, k string) {
	s.locks[i].Lock()
	s.maps[i][k]++
	s.locks[i].Unlock()
}

// Case: the shard's map is written without any shard lock.
func (s *Shards) Reset(i int, k string) {
	delete(s.maps[i], k) // want "MR001" `^delete of s\.maps\[i\] \(s\.maps\[…\]\) in .* races with the read`
}

func RunShards(s *Shards) {
	go s.Reset(0, "a")
	s.Add(0, "a")
}
