// Go 1.21: min, max and clear builtins.
package syntax

func builtins(m map[string]int, s []int, a, b int) int {
	lo := min(a, b, 3)
	hi := max(a, b)
	x := min(1.5, 2)
	clear(m)
	clear(s)
	_ = x
	return lo + hi
}
