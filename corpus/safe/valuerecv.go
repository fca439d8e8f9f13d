package safe

import "sync"

// Options are passed by value; withDefaults fills its own copy's labels.
type Options struct {
	Labels map[string]string
	Name   string
}

func (o Options) withDefaults() Options {
	if o.Labels == nil {
		o.Labels = map[string]string{}
	}
	return o
}

// Safe: each goroutine sets the field of its own copy of the options.
func StartAll(base Options, n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := base.withDefaults()
			_ = o.Name
		}()
	}
	wg.Wait()
}
