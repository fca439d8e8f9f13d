package safe

import (
	"fmt"
	"sync"
	"testing"
)

// targetManager swaps its whole target map under its lock; it never writes into a map it
// has published.
type targetManager struct {
	mu      sync.Mutex
	targets map[string]int
}

func (m *targetManager) run(updates chan map[string]int) {
	for ts := range updates {
		m.mu.Lock()
		m.targets = ts
		m.mu.Unlock()
	}
}

// Safe: the test takes a snapshot of the field under the lock; the manager's later
// reassignment of the field does not touch the map the snapshot holds.
func TestSnapshotOfLocalsField(t *testing.T) {
	m := &targetManager{}
	updates := make(chan map[string]int)
	go m.run(updates)
	for i := 0; i < 3; i++ {
		updates <- map[string]int{fmt.Sprint(i): i}
	}
	m.mu.Lock()
	actual := m.targets
	m.mu.Unlock()
	if len(actual) != 1 || actual["2"] != 2 {
		t.Fatal(fmt.Sprint(actual))
	}
}
