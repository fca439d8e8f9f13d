// Go 1.23: range over functions (iterators); Go 1.22: range over integers.
package syntax

import "iter"

func seq(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

func pairs(m map[string]int) iter.Seq2[string, int] {
	return func(yield func(string, int) bool) {
		for k, v := range m {
			if !yield(k, v) {
				return
			}
		}
	}
}

func use(m map[string]int) int {
	total := 0
	for i := range seq(3) {
		total += i
	}
	for k, v := range pairs(m) {
		total += len(k) + v
	}
	for range 10 {
		total++
	}
	for range pairs(m) {
	}
	return total
}
