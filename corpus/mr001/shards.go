package mr001

import "sync"

// CacheShard keeps a per-owner cache. Each goroutine of FillShards gets its own shard through the
// index it is started with (go func(idx int) { shards[idx] ... }(i)): no two goroutines
// share one. FillOne hands the same shard to every goroutine.
type CacheShard struct {
	cache map[string][]byte
}

func (s *CacheShard) Copy() *CacheShard { return &CacheShard{cache: make(map[string][]byte)} }

func (s *CacheShard) Put(k string, v []byte) {
	s.cache[k] = v // want "MR001" `write of s\.cache .* another run of goroutines`
}

func (s *CacheShard) Flush() { clear(s.cache) }

func FillShards(base *CacheShard, n int) {
	shards := make([]*CacheShard, n)
	for i := 0; i < n; i++ {
		shards[i] = base.Copy()
	}
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(idx int) {
			defer wg.Done()
			shards[idx].Put("k", nil)
			shards[idx].Flush()
		}(i)
	}
	wg.Wait()
}

func FillOne(base *CacheShard, n int) {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(idx int) {
			defer wg.Done()
			base.Put("k", nil)
		}(i)
	}
	wg.Wait()
}
