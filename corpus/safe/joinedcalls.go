package safe

import "sync"

// Layer is one batch of updates.
type Layer struct {
	accounts []string
	slots    []string
}

// Lookup indexes which layers touched each account and each slot.
type Lookup struct {
	mu       sync.Mutex
	accounts map[string][]int
	slots    map[string][]int
}

// addLayer fills the two indexes in parallel, one goroutine each, and waits for both.
func (l *Lookup) addLayer(id int, layer Layer) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for _, a := range layer.accounts {
			l.accounts[a] = append(l.accounts[a], id)
		}
	}()
	go func() {
		defer wg.Done()
		for _, s := range layer.slots {
			l.slots[s] = append(l.slots[s], id)
		}
	}()
	wg.Wait()
}

// Negative: a loop of calls that each wait for their goroutines: the goroutines of one
// call are over before the next call starts.
func NewLookup(layers []Layer) *Lookup {
	l := &Lookup{accounts: map[string][]int{}, slots: map[string][]int{}}
	for i, layer := range layers {
		l.addLayer(i, layer)
	}
	return l
}

// Negative: concurrent callers, but each call runs (goroutines included) under l.mu.
func (l *Lookup) Add(id int, layer Layer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.addLayer(id, layer)
}
