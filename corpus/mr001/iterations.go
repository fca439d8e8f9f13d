package mr001

// Shard is one partition of a sharded index.
type Shard struct {
	entries map[string]int
}

// Negative: one goroutine per shard, each on the shard its iteration is at.
func RebuildEach(shards []*Shard) {
	for _, s := range shards {
		go func() { s.entries["rebuilt"] = 1 }()
	}
}

// Negative: the same, through the loop's index.
func RebuildByIndex(shards []Shard) {
	for i := range shards {
		go func() { shards[i].entries["rebuilt"] = 1 }()
	}
}

// Negative: a three-clause loop's variable is a different index in each iteration.
func RebuildCounted(shards []*Shard) {
	for i := 0; i < len(shards); i++ {
		go func() { shards[i].entries["rebuilt"] = 1 }()
	}
}

// Negative: one goroutine per inner map, reached through the loop's key.
func CountGroups(groups map[string]map[string]int) {
	for k := range groups {
		go func() { groups[k]["n"]++ }()
	}
}

// Negative: one goroutine per inner map, reached through the loop's value.
func MarkGroups(groups map[string]map[string]int) {
	for _, g := range groups {
		go func() { g["seen"]++ }()
	}
}

// Case: every goroutine writes the first shard.
func RebuildFirst(shards []*Shard) {
	for i := 0; i < len(shards); i++ {
		go func() { shards[0].entries["rebuilt"] = i }() // want "MR001" `^write of shards\[0\]\.entries in .* races with the same line`
	}
}

// Case: the goroutines read their shard while the caller writes the first one.
func PeekWhileWriting(shards []*Shard) {
	for _, s := range shards {
		go func() { _ = s.entries["rebuilt"] }()
	}
	shards[0].entries["dirty"] = 1 // want "MR001" `^write of shards\[0\]\.entries in .* races with the read`
}
