package safe

import "sync"

// Group is a wrapper package's WaitGroup (one that logs slow waits): an interface with Add,
// Done and Wait, whose implementation the caller never sees.
type Group interface {
	Add(int)
	Done()
	Wait()
}

type loggedGroup struct {
	sync.WaitGroup
	name string
}

func NewGroup(name string) Group { return &loggedGroup{name: name} }

// Safe: every worker's write is before its Done, and the caller reads after Wait.
func ScanAll(folders []string, scan func(string) error) map[string]error {
	errs := make(map[string]error, len(folders))
	var mu sync.Mutex
	wg := NewGroup("scan")
	wg.Add(len(folders))
	for _, f := range folders {
		go func() {
			if err := scan(f); err != nil {
				mu.Lock()
				errs[f] = err
				mu.Unlock()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return errs
	}
	return nil
}
