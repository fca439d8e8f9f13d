package mr005

import "sync"

type quarantine struct{ retry bool }

// Quarantines keeps records in a sync.Map, and serialises every update of a record with
// recordMu; helpers named ...Locked expect their caller to hold it.
type Quarantines struct {
	recordMu sync.Mutex
	records  sync.Map // volume -> quarantine
	retries  sync.Map // volume -> int
}

// Negative: every caller in the module holds recordMu around the helper, so its Load and
// Store are one step for every other updater.
func (q *Quarantines) takeRetryLocked(vol string) bool {
	v, ok := q.records.Load(vol)
	if !ok {
		return false
	}
	st := v.(quarantine)
	if !st.retry {
		return false
	}
	st.retry = false
	q.records.Store(vol, st)
	return true
}

// RetryAll runs the helper for every record, inside the Range callback, under the lock.
func (q *Quarantines) RetryAll() []string {
	var out []string
	q.recordMu.Lock()
	q.records.Range(func(k, _ any) bool {
		if q.takeRetryLocked(k.(string)) {
			out = append(out, k.(string))
		}
		return true
	})
	q.recordMu.Unlock()
	return out
}

// Report runs it for one record under the lock.
func (q *Quarantines) Report(vol string) bool {
	q.recordMu.Lock()
	defer q.recordMu.Unlock()
	return q.takeRetryLocked(vol)
}

// Positive: this helper's one caller holds no lock, so two reports both count from the same
// value and one increment is lost.
func (q *Quarantines) bumpRetries(vol string) {
	n := 0
	if v, ok := q.retries.Load(vol); ok {
		n = v.(int)
	}
	q.retries.Store(vol, n+1) // want "MR005" `^Store on q\.retries after a Load of the same key`
}

// Fail is the API that reaches it.
func (q *Quarantines) Fail(vol string) { q.bumpRetries(vol) }
