package safe

// Safe: the batch is handed to a flushing goroutine, and the loop goes on with a new map.
func Batcher(in <-chan string, flush func(map[string]int)) {
	pending := map[string]int{}
	for word := range in {
		pending[word]++
		if len(pending) >= 100 {
			go flushBatch(pending, flush)
			pending = make(map[string]int)
		}
	}
}

func flushBatch(batch map[string]int, flush func(map[string]int)) {
	for k, n := range batch {
		if n == 0 {
			delete(batch, k)
		}
	}
	flush(batch)
}
