// Workers read a shared map and put their results in their own slice slots; main writes the
// results into the map only after wg.Wait(), which orders every read before the writes.
//
// lab: expected=safe race_expected=false
// lab: title="control: map written only after wg.Wait()"
package main

import (
	"fmt"
	"strings"
	"sync"
)

func main() {
	names := map[string]string{"a": "ann", "b": "bob", "c": "cy"}
	keys := []string{"a", "b", "c"}

	var wg sync.WaitGroup
	upper := make([]string, len(keys))
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			upper[i] = strings.ToUpper(names[k])
		}()
	}
	wg.Wait()
	for i, k := range keys {
		names[k] = upper[i]
	}
	fmt.Println(names)
}
