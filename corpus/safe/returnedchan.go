package safe

// Audit walks a ledger on a goroutine and reports problems on the channel it returns, which
// it closes when done.
type AuditLog struct{ seen map[string]int }

func (l *AuditLog) Audit() <-chan error {
	errs := make(chan error)
	go func() {
		defer close(errs)
		l.seen["audit"]++
	}()
	return errs
}

// Safe: ranging over the returned channel waits for the close, so the audit's writes come
// before the reset (and the call in the range header runs once: one audit goroutine).
func (l *AuditLog) AuditAndReset() int {
	n := 0
	for range l.Audit() {
		n++
	}
	delete(l.seen, "audit")
	return n
}

// Safe: a single receive of the zero value also waits for the close.
func (l *AuditLog) AuditOnce() {
	<-l.Audit()
	l.seen["done"] = 1
}
