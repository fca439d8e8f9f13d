package mr001

import "fmt"

// Case: the producer hands each batch to the consumer on a channel, then keeps reading it
// while the consumer marks it; the close at the end ends the consumer's loop, it does not
// order the loop's body.
func ProduceAndLog(n int) {
	batches := make(chan map[string]int)
	go func() {
		for b := range batches {
			b["consumed"] = 1 // want "MR001" `^write of b in .* races with the read`
		}
	}()
	for i := 0; i < n; i++ {
		b := map[string]int{"seq": i}
		batches <- b
		fmt.Println("sent", b["seq"])
	}
	close(batches)
}

// Negative: what the consumer does after its range loop comes after the close, and what the
// producer did before the close comes before it.
func TallyAfterClose(words []string) map[string]int {
	ch := make(chan string)
	counts := map[string]int{}
	done := make(chan bool)
	go func() {
		n := 0
		for range ch {
			n++
		}
		counts["total"] = n
		done <- true
	}()
	counts["expected"] = len(words)
	for _, w := range words {
		ch <- w
	}
	close(ch)
	<-done
	return counts
}

// Case: the sender writes the map after handing it over.
func HandOverThenFix(report chan map[string]string) {
	go func() {
		r := <-report
		fmt.Println(len(r))
	}()
	r := map[string]string{"status": "ok"}
	report <- r
	r["status"] = "late" // want "MR001" `^write of r in .* races with the len`
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
