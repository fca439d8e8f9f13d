package mr001

import "testing"

var seenFixtures = map[string]bool{}

// Case: two top-level tests that call t.Parallel() run at the same time and both write one
// package-level map.
func TestFixtureA(t *testing.T) {
	t.Parallel()
	seenFixtures["a"] = true
}

func TestFixtureB(t *testing.T) {
	t.Parallel()
	seenFixtures["b"] = true // want "MR001" `^write of seenFixtures \(mr001\.seenFixtures\) in .* races with the write`
}

var sequentialFixtures = map[string]bool{}

// Negative: tests without t.Parallel() run one after another.
func TestSequentialA(t *testing.T) {
	sequentialFixtures["a"] = true
}

func TestSequentialB(t *testing.T) {
	sequentialFixtures["b"] = true
}
