package safe

import "sync"

// mirror copies files; with renames on, workers delete what they renamed.
type mirror struct {
	renames bool
	mu      sync.Mutex
	files   map[string]int
	wg      sync.WaitGroup
	todo    chan string
}

func (m *mirror) renamer(wg *sync.WaitGroup) {
	defer wg.Done()
	for k := range m.todo {
		m.mu.Lock()
		delete(m.files, k)
		m.mu.Unlock()
	}
}

// startRenamers and stopRenamers are helpers of Run only.
func (m *mirror) startRenamers() {
	if !m.renames {
		return
	}
	m.wg.Add(4)
	for range 4 {
		go m.renamer(&m.wg)
	}
}

func (m *mirror) stopRenamers() {
	if !m.renames {
		return
	}
	close(m.todo)
	m.wg.Wait()
}

// Case: Run starts the workers through one helper and waits for them through another
// before it ranges over the files: the workers do not outlive Run.
func (m *mirror) Run(names []string) int {
	m.files = map[string]int{}
	m.startRenamers()
	for _, n := range names {
		m.todo <- n
	}
	m.stopRenamers()
	n := 0
	for range m.files {
		n++
	}
	return n
}
