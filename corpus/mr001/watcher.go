package mr001

import "log"

// Watcher's loop, started by Start, reads the limits; a background goroutine says the
// exported methods run alongside it, not that they run concurrently with each other.
type Watcher struct {
	limits map[string]int
	events chan string
}

// Start launches the loop.
func (w *Watcher) Start() { go w.loop() }

func (w *Watcher) loop() {
	for e := range w.events {
		if w.limits[e] > 0 {
			log.Println("limit hit:", e)
		}
	}
}

// Case: SetLimit writes the map the loop reads.
func (w *Watcher) SetLimit(k string, n int) { w.limits[k] = n } // want "MR001" `^write of w\.limits in .* races with the read`

// Negative: Limit only reads it, like the loop; nothing shows two clients calling Limit and
// SetLimit at once.
func (w *Watcher) Limit(k string) int { return w.limits[k] }
