package mr001

import "sync"

// Waiter is a wrapper package's WaitGroup behind an interface.
type Waiter interface {
	Add(int)
	Done()
	Wait()
}

type waiter struct{ sync.WaitGroup }

func NewWaiter() Waiter { return &waiter{} }

// Case: the caller counts the failures before it waits for the workers.
func CheckAll(hosts []string, check func(string) error) int {
	failed := make(map[string]error, len(hosts))
	var mu sync.Mutex
	wg := NewWaiter()
	wg.Add(len(hosts))
	for _, h := range hosts {
		go func() {
			if err := check(h); err != nil {
				mu.Lock()
				failed[h] = err
				mu.Unlock()
			}
			wg.Done()
		}()
	}
	n := len(failed) // want "MR001" `^len of failed in .* races with the write`
	wg.Wait()
	return n
}
