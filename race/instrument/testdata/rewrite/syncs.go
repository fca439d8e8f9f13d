package p

import "sync"

var seen sync.Map

func Seen(k string) bool {
	if _, ok := seen.Load(k); ok {
		return true
	}
	seen.Store(k, true)
	return false
}

func Fan(items []int) map[int]int {
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		out = map[int]int{}
	)
	done := make(chan struct{})
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			out[it] = it * it
			mu.Unlock()
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	<-done
	var once sync.Once
	once.Do(func() { out[0] = 0 })
	return out
}
