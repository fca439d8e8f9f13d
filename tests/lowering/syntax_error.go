// A syntax error in one function: the rest of the file still lowers.
package lowering

var counts = map[string]int{}

func Broken() {
	counts["a"] = 1 +
}

func Fine(k string) {
	counts[k]++
}
