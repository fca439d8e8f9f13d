// Package mr005 holds cases for MR005 syncmap-check-then-act: a sync.Map Load followed by a
// Store or Delete of the same key, and plain maps taken out of a sync.Map and mutated.
package mr005
