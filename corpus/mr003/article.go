package mr003

import (
	"fmt"
	"sync"
)

// Case: the article's scenario 2: m["a"] and m["b"] hold one inner map; one goroutine writes through "a", the other reads through "b".
func SharedInnerAcrossKeys() {
	shared := make(map[int]string)
	m := make(map[string]map[int]string)
	m["a"] = shared
	m["b"] = shared
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		m["a"][1] = "x" // want "MR003" `^m\["a"\] and m\["b"\] \(.*\) are one inner map .*this write races with the read`
	}()
	go func() {
		defer wg.Done()
		fmt.Println(m["b"][1])
	}()
	wg.Wait()
}

// Case: the article's scenario 2 with writes through both keys.
func SharedInnerBothWrite() {
	shared := make(map[int]string)
	m := make(map[string]map[int]string)
	m["a"] = shared
	m["b"] = shared
	done := make(chan struct{})
	go func() {
		m["a"][1] = "x"
		close(done)
	}()
	m["b"][2] = "y" // want "MR003" `^m\["b"\] and m\["a"\] \(.*\) are one inner map .*this write races with the write`
	<-done
}

// Negative: the same shape, but each key gets its own inner map, so the goroutines write different maps.
func SeparateInnerPerKey() {
	m := make(map[string]map[int]string)
	m["a"] = make(map[int]string)
	m["b"] = make(map[int]string)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		m["a"][1] = "x"
	}()
	go func() {
		defer wg.Done()
		m["b"][1] = "y"
	}()
	wg.Wait()
}
