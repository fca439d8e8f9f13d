package safe

import "sync"

// ScrapeManager reloads its targets under mtx, fanning the work out to goroutines.
type ScrapeManager struct {
	mtx     sync.Mutex
	loggers map[string]string
}

// Negative: the goroutines start and are waited for inside the critical section, so they
// run under mtx: another ApplyConfig call waits for the lock before it reassigns loggers.
func (m *ScrapeManager) ApplyConfig(jobs []string) {
	m.mtx.Lock()
	defer m.mtx.Unlock()
	m.loggers = map[string]string{}
	for _, j := range jobs {
		m.loggers[j] = "stderr"
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func(job string) {
			defer wg.Done()
			_ = m.loggers[job]
		}(j)
	}
	wg.Wait()
}
