package mr001

// FetchOptions carries the headers of one request; Set adds one.
type FetchOptions struct {
	headers map[string]string
}

func (o *FetchOptions) Set(k, v string) {
	o.headers[k] = v // want "MR001" `^write of o\.headers in goroutines started at .* races with the same line in another run`
}

// The copy shares the caller's headers map: setting the range on it writes that one map from
// every chunk goroutine.
func fetchPart(opts FetchOptions, start int) {
	opts.Set("Range", string(rune('0'+start)))
}

func ParallelFetch(opts FetchOptions, parts int) {
	for i := 0; i < parts; i++ {
		go fetchPart(opts, i)
	}
}
