package mr001

import "sync"

// Case: the wait runs only when the caller asked to flush, but the shards are read on the
// other path, where nothing waited for the workers.
func CollectShards(records []int, workers int, flush bool) int {
	var wg sync.WaitGroup
	jobs := make(chan int)
	shards := make([]map[int]int, workers)
	wg.Add(workers)
	for i := range workers {
		go func(idx int) {
			defer wg.Done()
			shards[idx] = map[int]int{}
			own := shards[idx]
			for r := range jobs {
				own[r] = r // want "MR001" `^write of own in .* races with the range`
			}
		}(i)
	}
	for _, r := range records {
		jobs <- r
	}
	close(jobs)
	if flush {
		wg.Wait()
	}
	total := 0
	if !flush {
		for _, s := range shards {
			for _, v := range s {
				total += v
			}
		}
	}
	return total
}
