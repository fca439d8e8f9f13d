package mr001

import "sync"

// Case: the branch starts the goroutine and falls through: the write after it races.
func RecordMaybeAsync(async bool, m map[string]int, k string) {
	if async {
		go func() { m[k]++ }() // want "MR001" `^write of m in .* races with the read`
	}
	m[k]++ // want "MR001" `^write of m in .* races with the read`
}

// Case: `break` leaves the loop with the goroutine running: the write after the loop races.
func FirstAsync(jobs []bool, m map[string]int) {
	for _, async := range jobs {
		if async {
			go func() { m["async"]++ }() // want "MR001" `^write of m in .* races with the same line`
			break
		}
	}
	m["done"]++ // want "MR001" `^write of m in .* races with the read`
}

// Bookkeeper closes the channel it returns when its goroutine is done.
type Bookkeeper struct{ totals map[string]int }

func (b *Bookkeeper) Tally() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.totals["tally"]++
	}()
	return done
}

// Case: the caller does not wait on the returned channel before writing.
func (b *Bookkeeper) TallyAndReset() {
	b.Tally()
	delete(b.totals, "tally") // want "MR001" `^delete of b\.totals in .* races with the read`
}

// reporter fills its result on whichever goroutine runs it.
type reporter struct {
	mu     sync.Mutex
	result map[string]int
}

func (r *reporter) run() {
	r.mu.Lock()
	r.result = map[string]int{"done": 1}
	r.mu.Unlock()
}

// Case: in a loop, an earlier iteration's goroutine still runs when a later one takes the
// inline branch and reads the result.
func RunAll(asyncs []bool) int {
	r := &reporter{}
	n := 0
	for _, async := range asyncs {
		if async {
			go r.run()
		} else {
			r.run()
			n += r.result["done"] // want "MR001" `^read of r\.result in .* races with the reassignment`
		}
	}
	return n
}
