package mr001

// Prefetch starts one background fetcher, then waits for one acknowledgement per item: with
// no items the loop does not run and nothing waits for the fetcher.
func Prefetch(items []string, fetch func() int) map[string]int {
	cache := map[string]int{}
	acks := make(chan struct{})
	go func() {
		cache["warm"] = fetch()
		acks <- struct{}{}
	}()
	for range items {
		<-acks
	}
	// Case: not ordered after the fetcher when items is empty.
	cache["cold"] = 0 // want "MR001" `^write of cache in Prefetch .* races with the write`
	return cache
}
