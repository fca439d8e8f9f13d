package safe

import "sync"

// Negative: the workers fill one shard each; the loader waits for them under a condition
// (`if len(merged) == 0`) and reads the shards later under the same condition, with
// nothing assigned to `merged` in between: the wait happened on every path that reads.
func LoadSharded(records []int, workers int, stopAtNegative bool) map[int]int {
	var wg sync.WaitGroup
	jobs := make(chan int)
	shards := make([]map[int]int, workers)
	var merged map[int]int
	wg.Add(workers)
	for i := range workers {
		go func(idx int) {
			defer wg.Done()
			shards[idx] = map[int]int{}
			own := shards[idx]
			for r := range jobs {
				own[r] = r
			}
		}(i)
	}
	for _, r := range records {
		if stopAtNegative && r < 0 {
			close(jobs)
			wg.Wait()
			merged = mergeShards(shards)
			break
		}
		jobs <- r
	}
	if len(merged) == 0 {
		close(jobs)
		wg.Wait()
	}
	if len(merged) == 0 {
		merged = map[int]int{}
		for _, s := range shards {
			for k, v := range s {
				merged[k] = v
			}
		}
	}
	return merged
}

func mergeShards(shards []map[int]int) map[int]int {
	out := map[int]int{}
	for _, s := range shards {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
}
