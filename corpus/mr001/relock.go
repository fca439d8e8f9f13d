package mr001

import (
	"sync"
	"time"
)

// Postings deletes in one long critical section that lets readers in now and then.
type Postings struct {
	mu sync.RWMutex
	m  map[string][]int
}

// yield lets waiting readers in: it unlocks, waits and locks again, so its callers hold the
// lock when it returns.
func (p *Postings) yield() {
	p.mu.Unlock()
	time.Sleep(time.Millisecond)
	p.mu.Lock()
}

// release gives the lock up for good: its callers no longer hold it.
func (p *Postings) release() {
	p.mu.Unlock()
}

func (p *Postings) Get(k string) []int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.m[k]
}

// Negative: the lock is held again after every yield.
func (p *Postings) DeleteMany(keys []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, k := range keys {
		if i%512 == 0 {
			p.yield()
		}
		delete(p.m, k)
	}
}

// Case: after release the write runs without the lock.
func (p *Postings) AddAfterRelease(k string, v int) {
	p.mu.Lock()
	p.release()
	p.m[k] = append(p.m[k], v) // want "MR001" `^write of p\.m in .* races with the delete`
}
