// A loader builds a nested map and hands it to the consumer on a channel, never touching it
// again. The send happens before the receive, so the consumer may read and write freely.
//
// lab: expected=safe race_expected=false
// lab: title="control: map handed over on a channel"
package main

import "fmt"

func load(out chan<- map[string]map[string]string) {
	m := map[string]map[string]string{"ann": {"role": "admin"}}
	m["bob"] = map[string]string{"role": "viewer"}
	out <- m
}

func main() {
	ch := make(chan map[string]map[string]string)
	go load(ch)
	users := <-ch
	users["bob"]["role"] = "editor"
	fmt.Println("users:", len(users), users["bob"]["role"])
}
