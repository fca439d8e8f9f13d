package safe

import (
	"errors"
	"sync"
)

// renderer builds pages either on two goroutines or inline, depending on a flag.
type renderer struct {
	inline bool
	pages  []string
}

// renderAll renders every page on a goroutine of its own and waits for them.
func (r *renderer) renderAll() {
	var wg sync.WaitGroup
	for range r.pages {
		wg.Add(1)
		go func() { defer wg.Done() }()
	}
	wg.Wait()
}

func (r *renderer) countStatic() map[string]int { return map[string]int{"en": 1} }

// Case: the parallel branch starts the copy and waits for it; the inline branch runs it
// itself (and its own helper starts and joins goroutines of its own): after the branches
// the counts are complete either way.
func (r *renderer) Build() int {
	var (
		wg     sync.WaitGroup
		counts map[string]int
	)
	copyStatic := func() { counts = r.countStatic() }
	if r.inline {
		copyStatic()
		r.renderAll()
	} else {
		wg.Add(1)
		go func() {
			defer wg.Done()
			copyStatic()
		}()
		r.renderAll()
		wg.Wait()
	}
	return counts["en"]
}

// task fills its output on whichever goroutine runs it.
type task struct {
	mu     sync.Mutex
	output map[string]int
}

func (t *task) run() {
	t.mu.Lock()
	t.output = map[string]int{"done": 1}
	t.mu.Unlock()
}

// Case: the task runs on a goroutine of its own or inline; only the inline branch reads
// its output, and there no goroutine was started.
func StartTask(async bool) map[string]int {
	t := &task{}
	var out map[string]int
	if async {
		go t.run()
		out = map[string]int{}
	} else {
		t.run()
		out = t.output
	}
	return out
}

type punchKey struct{ addr string }

// puncher tracks the hole punches in flight, one per address.
type puncher struct {
	mu       sync.Mutex
	inFlight map[punchKey]chan int
}

// Case: the last part locks and defers a closure that deletes and unlocks; the early
// returns before it unlock themselves, so the delete runs with the lock held.
func (p *puncher) Punch(k punchKey, quick bool) (int, error) {
	p.mu.Lock()
	if _, ok := p.inFlight[k]; ok {
		p.mu.Unlock()
		return 0, errors.New("already punching")
	}
	ch := make(chan int, 1)
	p.inFlight[k] = ch
	p.mu.Unlock()
	if quick {
		select {
		case c := <-ch:
			p.mu.Lock()
			delete(p.inFlight, k)
			p.mu.Unlock()
			return c, nil
		default:
		}
	}
	p.mu.Lock()
	defer func() {
		delete(p.inFlight, k)
		p.mu.Unlock()
	}()
	select {
	case c := <-p.inFlight[k]:
		return c, nil
	default:
		return 0, errors.New("timed out")
	}
}
