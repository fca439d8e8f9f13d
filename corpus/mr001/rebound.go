package mr001

// Options are adapted concurrently by goroutines that share one map.
func adaptInPlace(opts map[string]any) {
	delete(opts, "order") // want "MR001" `^delete of opts \(shared\) in .* races with the same line`
}

// Case: without a clone of its own, each goroutine deletes from the shared map.
func AdaptAllInPlace(shared map[string]any) {
	for range 4 {
		go adaptInPlace(shared)
	}
}
