package mr007

import "sync"

// Progress tracks bytes written per upload; every method takes the lock.
type Progress struct {
	mu    sync.Mutex
	bytes map[string]int
}

func (p *Progress) Get(ref string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bytes[ref]
}

func (p *Progress) Set(ref string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bytes[ref] = n
}

// uploadWriter is the one writer of its ref's progress: an io.Writer used by one goroutine.
type uploadWriter struct {
	progress *Progress
	ref      string
}

// Lower confidence: get-then-set across two critical sections, but nothing shows two
// goroutines writing one upload at once.
func (w *uploadWriter) Write(b []byte) (int, error) {
	n := w.progress.Get(w.ref)
	w.progress.Set(w.ref, n+len(b)) // want-low "MR007" `^p\.bytes is written back from a value read at .* in an earlier critical section.*\[lower confidence`
	return len(b), nil
}

// chunkCounter counts chunks per upload from several goroutines at once.
type chunkCounter struct {
	progress *Progress
}

func (c *chunkCounter) add(ref string) {
	n := c.progress.Get(ref)
	c.progress.Set(ref, n+1) // want "MR007" `^p\.bytes is written back from a value read at .* in an earlier critical section`
}

// Case: the chunks of one upload are counted by parallel goroutines.
func CountChunks(p *Progress, ref string, chunks int) {
	c := &chunkCounter{progress: p}
	var wg sync.WaitGroup
	for i := 0; i < chunks; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.add(ref)
		}()
	}
	wg.Wait()
}
