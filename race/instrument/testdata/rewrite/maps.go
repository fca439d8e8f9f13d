package p

func Maps(keys []string) int {
	m := make(map[string]int)
	for _, k := range keys {
		m[k] = len(k)
	}
	if _, ok := m["x"]; ok {
		delete(m, "x")
	}
	n := 0
	for k, v := range m {
		n += len(k) + v
	}
	nested := map[string]map[string]int{}
	nested["a"] = map[string]int{}
	nested["a"]["b"] = n
	clear(m)
	return len(m) + nested["a"]["b"]
}
