package safe

// GetOptions carries the headers of one request; Set adds one.
type GetOptions struct {
	headers map[string]string
}

func (o *GetOptions) Set(k, v string) {
	if o.headers == nil {
		o.headers = map[string]string{}
	}
	o.headers[k] = v
}

// Safe: each chunk goroutine gets the options by value and gives its copy headers of its own
// before setting its range.
func fetchChunk(opts GetOptions, start int) string {
	opts.headers = cloneHeaders(opts.headers)
	opts.Set("Range", string(rune('0'+start)))
	return opts.headers["Range"]
}

func cloneHeaders(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = v
	}
	return out
}

func ParallelGet(opts GetOptions, chunks int) {
	done := make(chan string)
	for i := 0; i < chunks; i++ {
		go func(i int) { done <- fetchChunk(opts, i) }(i)
	}
	for i := 0; i < chunks; i++ {
		<-done
	}
}
