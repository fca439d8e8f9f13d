package mr003

import "sync"

// Case: a map literal puts one permission set under two roles; a grant through one role
// races with a check through the other.
func GrantWhileChecking() bool {
	base := map[string]bool{"read": true}
	roles := map[string]map[string]bool{
		"editor": base,
		"viewer": base,
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		roles["editor"]["write"] = true // want "MR003" `^roles\["editor"\] and roles\["viewer"\] \(.*\) are one inner map .*this write races with the read`
	}()
	canWrite := roles["viewer"]["write"]
	wg.Wait()
	return canWrite
}

// Negative: each role gets its own copy in the literal.
func GrantWithCopies() bool {
	roles := map[string]map[string]bool{
		"editor": {"read": true},
		"viewer": {"read": true},
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		roles["editor"]["write"] = true
	}()
	canWrite := roles["viewer"]["write"]
	wg.Wait()
	return canWrite
}
