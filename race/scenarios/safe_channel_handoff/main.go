// expect: safe (the map is handed over on a channel, the sender never touches it again)
package main

func main() {
	ch := make(chan map[string]int)
	done := make(chan bool)
	go func() {
		m := <-ch
		for i := 0; i < 100; i++ {
			m["k"] = m["k"] + 1
		}
		done <- true
	}()
	m := map[string]int{}
	for i := 0; i < 100; i++ {
		m["k"] = m["k"] + 1
	}
	ch <- m
	<-done
}
