package safe

// Pages is a page cache that a consistency check walks in the background.
type Pages struct {
	dirty map[int][]byte
}

// Verify walks the dirty pages in a goroutine and reports problems on the channel it
// returns, which it closes when done.
func (p *Pages) Verify() <-chan error {
	ch := make(chan error)
	go func() {
		defer close(ch)
		for id, b := range p.dirty {
			if len(b) == 0 {
				ch <- errEmpty(id)
			}
		}
	}()
	return ch
}

type errEmpty int

func (e errEmpty) Error() string { return "empty page" }

// Negative: the caller drains the channel with comma-ok receives until it is closed, so the
// walk is over before the pages are dropped.
func (p *Pages) Commit() []error {
	ch := p.Verify()
	var errs []error
	for {
		err, ok := <-ch
		if !ok {
			break
		}
		errs = append(errs, err)
	}
	p.dirty = nil
	return errs
}
