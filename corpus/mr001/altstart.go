package mr001

import "time"

// Mesh restarts its watcher on every rebalance without stopping the old one: two watchers of
// one mesh run at once (contrast safe/altstart.go, whose two starts are alternatives).
type Mesh struct {
	peers    map[string]int
	shutdown bool
}

func (m *Mesh) Join() {
	m.peers = map[string]int{}
	m.watch()
}

// Case: a second watcher, started while the first still runs.
func (m *Mesh) Rebalance() {
	m.watch()
	m.watch()
}

func (m *Mesh) Leave() { m.shutdown = true }

func (m *Mesh) watch() {
	go func() {
		for !m.shutdown {
			m.peers["tick"]++ // want "MR001" `^write of m\.peers in goroutines started at .* races with the same line in another run`
			time.Sleep(time.Second)
		}
	}()
}
