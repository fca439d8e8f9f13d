package mr008

import "sync"

// Doc is an indexed document.
type Doc struct {
	ID    int
	Title string
}

// Index is a three-level index: tenant -> region -> id.
type Index struct {
	mu   sync.RWMutex
	docs map[string]map[string]map[int]Doc
}

// Put stores a document, creating both inner levels in the same critical section.
func (ix *Index) Put(tenant, region string, d Doc) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.docs[tenant] == nil {
		ix.docs[tenant] = make(map[string]map[int]Doc)
	}
	if ix.docs[tenant][region] == nil {
		ix.docs[tenant][region] = make(map[int]Doc)
	}
	ix.docs[tenant][region][d.ID] = d
}

// Region returns the innermost map from inside the critical section.
func (ix *Index) Region(tenant, region string) map[int]Doc {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.docs[tenant][region]
}

// Case: three levels; Titles reads len and ranges over the innermost map after the getter released the lock.
func (ix *Index) Titles(tenant, region string) []string {
	docs := ix.Region(tenant, region)
	titles := make([]string, 0, len(docs)) // want "MR008" `^len of docs \(Index\.docs\[…\]\[…\]\): Index\.Region returned this map from inside its critical section`
	for _, d := range docs {               // the same race as the line before: in its related
		titles = append(titles, d.Title)
	}
	return titles
}

// Snapshotter is a generic locked map whose View returns the map itself.
type Snapshotter[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

// Put writes under the lock.
func (s *Snapshotter[K, V]) Put(k K, v V) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

// View returns the guarded map from inside the critical section.
func (s *Snapshotter[K, V]) View() map[K]V {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m
}

// Copy builds a fresh map under the lock.
func (s *Snapshotter[K, V]) Copy() map[K]V {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[K]V, len(s.m))
	for k, v := range s.m {
		out[k] = v
	}
	return out
}

// Case: generic: goroutines started in a loop look keys up in the map View returned, while Put may run.
func LookupAll[K comparable, V any](s *Snapshotter[K, V], keys []K, found func(K, V)) {
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, ok := s.View()[k]; ok { // want "MR008" `^read of s\.View\(\) \(Snapshotter\.m\): Snapshotter\.View returned this map from inside its critical section`
				found(k, v)
			}
		}()
	}
	wg.Wait()
}

// Negative: the same lookups on a fresh copy.
func LookupAllCopied[K comparable, V any](s *Snapshotter[K, V], keys []K, found func(K, V)) {
	snap := s.Copy()
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, ok := snap[k]; ok {
				found(k, v)
			}
		}()
	}
	wg.Wait()
}

// Catalog is published once by its constructor and never written afterwards.
type Catalog struct {
	mu       sync.RWMutex
	byRegion map[string]map[string]int64
}

// NewCatalog builds the whole nested map before publishing it.
func NewCatalog(prices map[string]map[string]int64) *Catalog {
	byRegion := make(map[string]map[string]int64, len(prices))
	for region, items := range prices {
		inner := make(map[string]int64, len(items))
		for sku, p := range items {
			inner[sku] = p
		}
		byRegion[region] = inner
	}
	return &Catalog{byRegion: byRegion}
}

// Region returns an inner map from inside the critical section.
func (c *Catalog) Region(region string) map[string]int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byRegion[region]
}

// Negative: callers range over a returned map that nothing writes after publication.
func (c *Catalog) Cheapest(region string) (string, int64) {
	best, bestPrice := "", int64(-1)
	for sku, p := range c.Region(region) {
		if bestPrice < 0 || p < bestPrice {
			best, bestPrice = sku, p
		}
	}
	return best, bestPrice
}
