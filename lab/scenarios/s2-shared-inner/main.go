// The article's scenario 2: two outer keys hold the same inner map instance (a "default
// permissions" table shared by two roles). Writes through m["admin"] and reads through
// m["ops"] touch one map, so the outer keys being different does not help.
//
// lab: expected=racy rule=MR003 race_expected=true
// lab: title="S2 two outer keys share one inner map"
package main

import (
	"fmt"
	"sync"
)

func main() {
	defaults := map[string]bool{"read": true}
	perms := map[string]map[string]bool{
		"admin": defaults,
		"ops":   defaults,
	}

	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		perms["admin"]["delete"] = true
	}()
	go func() {
		defer wg.Done()
		fmt.Println("ops may delete:", perms["ops"]["delete"])
	}()
	wg.Wait()
}
