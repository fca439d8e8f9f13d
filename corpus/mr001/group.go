package mr001

import "sync"

// Group is a hand-written errgroup look-alike: Go runs f on its own goroutine.
type Group struct {
	wg      sync.WaitGroup
	errOnce sync.Once
	err     error
}

// Go runs f in a new goroutine and records the first error.
func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.errOnce.Do(func() { g.err = err })
		}
	}()
}

// Wait blocks until every f has returned and reports the first error.
func (g *Group) Wait() error {
	g.wg.Wait()
	return g.err
}

// Pool is a module worker pool: Submit runs each job on a goroutine.
type Pool struct {
	wg sync.WaitGroup
}

// Submit starts job on a new goroutine.
func (p *Pool) Submit(job func()) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		job()
	}()
}

// Wait blocks until every submitted job has finished.
func (p *Pool) Wait() { p.wg.Wait() }
