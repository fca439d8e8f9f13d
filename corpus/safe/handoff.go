package safe

// Row is a loaded record.
type Row struct {
	ID   string
	Name string
}

// Safe: a loader goroutine builds the map and hands it over on a channel; it never touches it again.
func WarmIndex(load func() []Row) map[string]Row {
	ready := make(chan map[string]Row)
	go func() {
		byID := make(map[string]Row)
		for _, r := range load() {
			byID[r.ID] = r
		}
		ready <- byID
	}()
	idx := <-ready
	idx[""] = Row{Name: "unknown"}
	return idx
}

// Safe: the goroutine fills a captured map and closes done; the caller uses the map after receiving.
func Prefetch(keys []string, get func(string) string) map[string]string {
	vals := make(map[string]string, len(keys))
	done := make(chan struct{})
	go func() {
		for _, k := range keys {
			vals[k] = get(k)
		}
		close(done)
	}()
	<-done
	vals["_source"] = "prefetch"
	return vals
}

// Safe: the caller fills a map, sends it, and only the receiving goroutine uses it afterwards.
func StartReporter(stats map[string]int, emit func(string, int)) chan<- map[string]int {
	in := make(chan map[string]int, 1)
	go func() {
		for received := range in {
			for k, n := range received {
				emit(k, n)
			}
			clear(received)
		}
	}()
	batch := make(map[string]int, len(stats))
	for k, n := range stats {
		batch[k] = n
	}
	in <- batch
	return in
}
