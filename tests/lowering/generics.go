// Generics: a generic type with a map, methods on it, a constraint, an instantiation.
package lowering

type Number interface {
	~int | ~float64
	String() string
}

type Set[K comparable] struct {
	m map[K]struct{}
}

func NewSet[K comparable]() *Set[K] {
	return &Set[K]{m: make(map[K]struct{})}
}

func (s *Set[K]) Add(k K) {
	s.m[k] = struct{}{}
}

func Sum[K comparable, V int | float64](m map[K]V) (total V) {
	for _, v := range m {
		total += v
	}
	return
}

func Use() {
	s := NewSet[string]()
	s.Add("x")
	// Pinned as it is: tree-sitter parses an explicit instantiation with two type
	// arguments as a type conversion, lowered to its operand only (the call to Sum is lost).
	_ = Sum[string, int](map[string]int{"a": 1})
}
