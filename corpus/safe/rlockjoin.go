package safe

import (
	"sync"
	"time"
)

type resourceKind struct {
	enabled bool
	objects map[string]int
}

// inventory swaps in freshly discovered objects under the write lock; collections read
// them on workers started and joined inside a read-locked section.
type inventory struct {
	mu    sync.RWMutex
	kinds map[string]*resourceKind
}

func (v *inventory) rediscover() {
	fresh := map[string]map[string]int{}
	for k := range v.kinds {
		fresh[k] = map[string]int{"vm": 1}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for k, objs := range fresh {
		v.kinds[k].objects = objs
	}
}

func (v *inventory) count(r *resourceKind) int {
	n := 0
	for range r.objects {
		n++
	}
	return n
}

// Case: the workers run inside Collect's read-locked section (started after RLock, waited
// for before the deferred RUnlock): the rediscovery's write lock excludes them.
func (v *inventory) Collect() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for _, r := range v.kinds {
		if r.enabled {
			wg.Add(1)
			go func(r *resourceKind) {
				defer wg.Done()
				n := v.count(r)
				mu.Lock()
				total += n
				mu.Unlock()
			}(r)
		}
	}
	wg.Wait()
	return total
}

func (v *inventory) startRediscovery(stop <-chan struct{}) {
	t := time.NewTicker(time.Minute)
	go func() {
		for {
			select {
			case <-t.C:
				v.rediscover()
			case <-stop:
				return
			}
		}
	}()
}

// NewInventory starts the periodic rediscovery.
func NewInventory(stop <-chan struct{}) *inventory {
	v := &inventory{kinds: map[string]*resourceKind{}}
	v.startRediscovery(stop)
	return v
}
