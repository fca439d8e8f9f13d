package mr005

import (
	"sync"
	"testing"
)

// Lower confidence: the test edits an entry of the registry's sync.Map with Load then
// Store after the registry has settled; whether anything stores that key in between is
// the test's own protocol.
func TestRegistryOverride(t *testing.T) {
	var reg sync.Map
	reg.Store("node-1", 1)
	v, _ := reg.Load("node-1")
	reg.Store("node-1", v.(int)+1) // want-low "MR005" `^Store on reg after a Load of the same key.*\[lower confidence: test code`
	if v, _ := reg.Load("node-1"); v.(int) != 2 {
		t.Fatal("not overridden")
	}
}
