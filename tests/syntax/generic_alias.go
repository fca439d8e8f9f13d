// Go 1.24: generic type aliases.
package syntax

type Set[K comparable] = map[K]struct{}

type Pair[A, B any] struct {
	First  A
	Second B
}

type P[T any] = Pair[T, T]

type Index[K comparable, V any] = map[K][]V

func add[K comparable](s Set[K], k K) {
	s[k] = struct{}{}
}

func twin[T any](v T) P[T] { return P[T]{First: v, Second: v} }
