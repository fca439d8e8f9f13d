// Go 1.22: each iteration of a for loop has its own variables; closures capture them.
package syntax

import "sync"

func loopvar(items []string) []func() string {
	var fns []func() string
	for i := 0; i < len(items); i++ {
		fns = append(fns, func() string { return items[i] })
	}
	for _, it := range items {
		fns = append(fns, func() string { return it })
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() { _ = i })
	}
	wg.Wait()
	return fns
}
