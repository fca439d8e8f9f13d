package safe

import "sync"

// Scheduler runs jobs; scheduleLocked must be called with s.mu held.
type Scheduler struct {
	mu      sync.Mutex
	running map[int]bool
}

func (s *Scheduler) Submit(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scheduleLocked(id)
}

func (s *Scheduler) Resubmit(ids []int) {
	s.mu.Lock()
	for _, id := range ids {
		s.requeueLocked(id)
	}
	s.mu.Unlock()
}

func (s *Scheduler) requeueLocked(id int) {
	delete(s.running, id)
	s.scheduleLocked(id)
}

// Safe: every caller holds s.mu (directly, or through requeueLocked's callers), and the job
// takes s.mu before it touches the map.
func (s *Scheduler) scheduleLocked(id int) {
	go s.run(id)
	s.running[id] = true
}

func (s *Scheduler) run(id int) {
	s.mu.Lock()
	delete(s.running, id)
	s.mu.Unlock()
}
