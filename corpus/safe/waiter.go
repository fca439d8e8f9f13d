package safe

import (
	"sync"

	"example.com/waitlib"
)

// Negative: workers fill the table under its lock and call the closer's Done as they end;
// the reader runs without the lock after SignalAndWait, which waits for them
// (sync.WaitGroup's protocol on a type of another package whose methods the analysis
// cannot see).
func FillThenRead(n int) int {
	closer := waitlib.NewCloser(n)
	var mu sync.Mutex
	table := map[int]int{}
	for i := 0; i < n; i++ {
		go func(i int) {
			defer closer.Done()
			mu.Lock()
			table[i] = i * i
			mu.Unlock()
		}(i)
	}
	closer.SignalAndWait()
	return len(table)
}
