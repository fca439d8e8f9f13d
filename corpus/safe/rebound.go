package safe

import "maps"

// Adapt fills in options as it goes, on a copy of its own: callers may share the map they give.
func Adapt(opts map[string]any) map[string]any {
	opts = maps.Clone(opts)
	if opts == nil {
		opts = map[string]any{}
	}
	// Safe: from here on opts is this call's clone.
	delete(opts, "order")
	opts["seen"] = true
	return opts
}

// AdaptAll adapts one shared map from several goroutines: each only reads it (in Clone).
func AdaptAll(shared map[string]any, done chan<- map[string]any) {
	for range 4 {
		go func() { done <- Adapt(shared) }()
	}
}
