package mr001

// wordBatch is a batch a background run counts.
type wordBatch struct {
	counts map[string]int
}

func (b *wordBatch) total() int {
	n := 0
	for _, c := range b.counts {
		n += c
	}
	return n
}

// Case: the batch is handed to a background run and the loop keeps adding to the same
// batch, since nothing replaces it after the hand-over.
func CountInBackground(words <-chan string, report func(int)) {
	batch := &wordBatch{counts: map[string]int{}}
	n := 0
	for w := range words {
		n++
		if n%100 == 0 {
			go func(b *wordBatch) { report(b.total()) }(batch)
		}
		batch.counts[w]++ // want "MR001" `^write of batch\.counts in .* races with the range`
	}
}
