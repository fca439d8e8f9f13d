// A workload for the engine benchmark (scripts/bench-race.sh): 4 goroutines, each doing
// N locked map operations on a shared map plus unlocked ones on a private map.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

func main() {
	n := 500000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var mu sync.Mutex
	shared := map[int]int{}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			own := map[int]int{}
			for i := 0; i < n; i++ {
				k := i % 1024
				mu.Lock()
				shared[k] = shared[k] + 1
				mu.Unlock()
				own[k] = own[k] + i
				_ = own[k+1]
			}
		}(g)
	}
	wg.Wait()
	fmt.Println(len(shared))
}
