package mr001

import "sync"

// Bundles keeps one downloader per bundle under mtx.
type Bundles struct {
	mtx         sync.Mutex
	downloaders map[string]int
}

// Stop drops the downloaders under the lock.
func (b *Bundles) Stop() {
	b.mtx.Lock()
	defer b.mtx.Unlock()
	b.downloaders = nil
}

// Case: Loaders hands out the map without the lock Stop takes. A test that polls Loaders on
// a goroutine pairs the same two lines at lower confidence; the API's own pair is reported
// as it is.
func (b *Bundles) Loaders() map[string]int {
	return b.downloaders // want "MR001" `^read of b\.downloaders in concurrent calls of Bundles\.Loaders .* races with the reassignment`
}
