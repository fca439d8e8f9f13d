package safe

import "sync"

// TopicRegistry persists its topics; Snapshot is an exported helper that expects the caller to
// hold the registry's lock, and every caller in the module does.
type TopicRegistry struct {
	mu     sync.Mutex
	topics map[string]int
}

// Snapshot copies the topics. The module calls it only with r locked.
func (r *TopicRegistry) Snapshot() map[string]int {
	out := make(map[string]int, len(r.topics)) // want-low "MR001" `^len of r\.topics .*\[lower confidence: every caller of TopicRegistry\.Snapshot`
	for k, v := range r.topics { // want-low "MR001" `^range of r\.topics .*\[lower confidence: every caller of TopicRegistry\.Snapshot in the module holds the lock`
		out[k] = v
	}
	return out
}

func (r *TopicRegistry) Persist(save func(map[string]int)) {
	r.mu.Lock()
	snap := r.Snapshot()
	r.mu.Unlock()
	save(snap)
}

func (r *TopicRegistry) Add(name string) {
	r.mu.Lock()
	r.topics[name]++
	r.mu.Unlock()
}
