// A nested lookup table built completely before the goroutines start and only read after:
// the go statements order every write before every read.
//
// lab: expected=safe race_expected=false
// lab: title="control: nested map built first, then only read"
package main

import (
	"fmt"
	"sync"
)

func main() {
	prices := make(map[string]map[string]int)
	for _, region := range []string{"eu", "us"} {
		prices[region] = make(map[string]int)
		for i, sku := range []string{"basic", "pro"} {
			prices[region][sku] = 10 * (i + 1)
		}
	}

	var wg sync.WaitGroup
	totals := make([]int, 4)
	for i := range totals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for region, skus := range prices {
				totals[i] += skus["pro"]
				_ = prices[region]["basic"]
			}
		}()
	}
	wg.Wait()
	fmt.Println("totals:", totals)
}
