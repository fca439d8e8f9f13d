package mr001

import (
	"log"
	"sync"
	"time"
)

// Job is one unit of work read from a queue.
type Job struct {
	Kind    string
	Payload []byte
}

// CountKinds starts workers that tally job kinds into one map.
func CountKinds(jobs <-chan Job, workers int) map[string]int {
	counts := make(map[string]int)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go countWorker(jobs, counts, &wg)
	}
	wg.Wait()
	return counts
}

// Case: the same worker function, started in a loop, writes the map passed to it as an argument.
func countWorker(jobs <-chan Job, counts map[string]int, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		counts[j.Kind]++ // want "MR001" `^write of counts in .* races with the same line`
	}
}

// Case: fan-out fetches write a captured map; the len after wg.Wait is ordered, the writes are not.
func FetchSizes(urls []string, fetch func(string) (int, error)) map[string]int {
	sizes := make(map[string]int, len(urls))
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n, err := fetch(u); err == nil {
				sizes[u] = n // want "MR001" `^write of sizes in .* races with the same line`
			}
		}()
	}
	wg.Wait()
	if len(sizes) == 0 {
		return nil
	}
	return sizes
}

// Event is a counter delta.
type Event struct {
	Key   string
	Delta int
}

// Case: a time.AfterFunc callback flushes and clears the batch while the caller keeps adding to it.
func BatchEvents(events <-chan Event, window time.Duration, flush func(key string, total int)) {
	batch := make(map[string]int)
	time.AfterFunc(window, func() {
		for k, n := range batch {
			flush(k, n)
		}
		clear(batch) // want "MR001" `^clear of batch in .* races with the read`
	})
	for ev := range events {
		batch[ev.Key] += ev.Delta // want "MR001" `^write of batch in .* races with the range`
	}
}

// Case: two errgroup-style tasks fill one map of warm-up timestamps.
func WarmCaches(users, orgs []string) error {
	loaded := make(map[string]time.Time)
	var g Group
	g.Go(func() error {
		for _, u := range users {
			loaded["user:"+u] = time.Now()
		}
		return nil
	})
	g.Go(func() error {
		for _, o := range orgs {
			loaded["org:"+o] = time.Now() // want "MR001" `^write of loaded in .* races with the write`
		}
		return nil
	})
	return g.Wait()
}

// Ballot is one vote.
type Ballot struct {
	Candidate string
}

// Case: jobs submitted to the module worker pool update a tally the caller reads for progress.
func TallyVotes(p *Pool, ballots []Ballot) map[string]int {
	tally := make(map[string]int)
	for _, b := range ballots {
		p.Submit(func() {
			tally[b.Candidate]++ // want "MR001" `^write of tally in .* races with the same line`
		})
	}
	log.Printf("queued %d ballots, %d candidates so far", len(ballots), len(tally))
	p.Wait()
	return tally
}
