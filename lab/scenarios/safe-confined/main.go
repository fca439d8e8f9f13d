// The map is owned by one goroutine; the others send it requests on a channel and get
// answers back. Only the owner ever touches the map.
//
// lab: expected=safe race_expected=false
// lab: title="control: map confined to one goroutine, others use channels"
package main

import (
	"fmt"
	"sync"
)

type incr struct {
	user  string
	reply chan int
}

func owner(reqs <-chan incr) {
	counts := make(map[string]map[string]int)
	for r := range reqs {
		if counts[r.user] == nil {
			counts[r.user] = make(map[string]int)
		}
		counts[r.user]["logins"]++
		r.reply <- counts[r.user]["logins"]
	}
}

func main() {
	reqs := make(chan incr)
	go owner(reqs)

	var wg sync.WaitGroup
	results := make([]int, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reply := make(chan int)
			for range 100 {
				reqs <- incr{user: "ann", reply: reply}
				results[i] = <-reply
			}
		}()
	}
	wg.Wait()
	close(reqs)
	fmt.Println("last counts:", results)
}
