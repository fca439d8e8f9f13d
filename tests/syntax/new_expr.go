// Go 1.26: the operand of new may be an expression; new(v) allocates a variable of v's type
// initialised to v.
package syntax

type config struct {
	name    string
	retries *int
}

func f(x int) int { return x * 2 }

func newExpr(x int) *config {
	p := new(42)
	q := new(f(x))
	r := new(x + 1)
	s := new("text")
	t := new(config{name: "a"})
	u := new([]int{1, 2})
	v := new(map[string]int{"a": 1})
	w := new(-x)
	y := new(*p)
	z := new(int)
	_, _, _, _, _, _, _, _, _ = q, r, s, t, u, v, w, y, z
	return &config{name: "n", retries: new(3)}
}

func makeStill(n int) []int {
	return make([]int, n, 2*n)
}
