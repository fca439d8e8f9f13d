package mr001

import "fmt"

// Case: the producer hands each batch to the consumer on a channel, then keeps reading it
// while the consumer marks it. (With a `close(batches)` after the loop this is missed: the
// close is taken to order everything the producer did before it with the whole consumer.)
func ProduceAndLog(n int) {
	batches := make(chan map[string]int)
	go func() {
		for b := range batches {
			b["consumed"] = 1 // want "MR001"
		}
	}()
	for i := 0; i < n; i++ {
		b := map[string]int{"seq": i}
		batches <- b
		fmt.Println("sent", b["seq"]) // want "MR001"
	}
}

// Case: the sender writes the map after handing it over.
func HandOverThenFix(report chan map[string]string) {
	go func() {
		r := <-report
		fmt.Println(len(r)) // want "MR001"
	}()
	r := map[string]string{"status": "ok"}
	report <- r
	r["status"] = "late" // want "MR001"
}

// Negative: each batch is the consumer's once sent.
func ProduceOnly(n int) {
	batches := make(chan map[string]int)
	go func() {
		for b := range batches {
			b["consumed"] = 1
		}
	}()
	for i := 0; i < n; i++ {
		batches <- map[string]int{"seq": i}
	}
	close(batches)
}
