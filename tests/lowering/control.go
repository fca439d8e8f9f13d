// Control flow: switch with init and tag, type switch, select, range forms, labels, jumps.
package lowering

import "time"

func Classify(x any, m map[string]int) string {
	switch v := x.(type) {
	case int:
		m["int"] = v
	case string, []byte:
		m["text"]++
	default:
		return "?"
	}
	switch n := len(m); {
	case n > 2:
		fallthrough
	case n == 0:
		return "few"
	}
	switch m["k"] {
	case 1, 2:
	}
	return ""
}

func Loop(ch chan int, quit chan bool, m map[int]int) {
outer:
	for i := 0; i < 10; i++ {
		select {
		case v, ok := <-ch:
			if !ok {
				break outer
			}
			m[v] = i
		case ch <- i:
			continue
		case <-time.After(time.Second):
			goto end
		default:
		}
	}
	for k := range m {
		delete(m, k)
	}
	for range 3 {
	}
end:
	if x := m[0]; x > 0 && m[1] != 0 {
		m[2] = x
	} else if x < 0 {
		m[3] = -x
	} else {
		m[4] = 0
	}
}
