package safe

import (
	"iter"
	"maps"
	"sync"
)

// Current Go syntax the analysis must parse and stay quiet on: generics with constraints,
// generic type aliases, range over int and over functions, iterators from maps.

// Number is a constraint.
type Number interface {
	~int | ~int64 | ~float64
}

// Totals is a generic map alias.
type Totals[K comparable, V Number] = map[K]V

// Safe: a generic guarded counter; every access holds the lock.
type GenericTally[K comparable, V Number] struct {
	mu sync.Mutex
	m  Totals[K, V]
}

// Add adds v under the lock.
func (t *GenericTally[K, V]) Add(k K, v V) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = make(Totals[K, V])
	}
	t.m[k] += v
}

// All iterates over a copy taken under the lock.
func (t *GenericTally[K, V]) All() iter.Seq2[K, V] {
	t.mu.Lock()
	snapshot := maps.Clone(t.m)
	t.mu.Unlock()
	return func(yield func(K, V) bool) {
		for k, v := range snapshot {
			if !yield(k, v) {
				return
			}
		}
	}
}

// Safe: range over int and over a function, in one goroutine.
func SumSquares(n int) int {
	squares := map[int]int{}
	for i := range n {
		squares[i] = i * i
	}
	total := 0
	for _, v := range maps.All(squares) {
		total += v
	}
	return total
}

// Safe: goroutines in a Go 1.22 loop each fill their own map and hand it over on a channel.
func PerWorker(n int) []map[string]int {
	out := make(chan map[string]int, n)
	for i := range n {
		go func() {
			local := map[string]int{"worker": i}
			local["done"] = 1
			out <- local
		}()
	}
	res := make([]map[string]int, 0, n)
	for range n {
		res = append(res, <-out)
	}
	return res
}
