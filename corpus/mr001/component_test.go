package mr001

import (
	"sync"
	"testing"
)

// Lower confidence: the test pokes the pool's state while the pool's own loop exists, but
// nothing kicks the loop in this test. Whether the two meet depends on the test's protocol,
// which is not in the code: reported only with --level all.
func TestPoolPutDirect(t *testing.T) {
	p := NewConnPool()
	p.put("a")
	if p.idle["a"] != 1 { // want-low "MR001" `^read of p\.idle in .* races with the delete.*\[lower confidence`
		t.Fatal("not idle")
	}
}

// Lower confidence: the test itself starts the goroutines that call put without the lock:
// the race is the test's own doing and shows in put (component.go), but goroutines a test
// starts on the code under test meet only as the test's protocol says (which instance each
// gets, what it waits for), and running the test (`maprace race -- go test`) shows it.
func TestPoolPutConcurrent(t *testing.T) {
	p := NewConnPool()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.put("b")
		}()
	}
	wg.Wait()
}

// Lower confidence: after kicking the loop the test reads the pool unlocked while the loop
// may still be pruning (a real race in the test, but only the test's protocol decides).
func TestConnPoolPrune(t *testing.T) {
	p := NewConnPool()
	p.Put("a")
	p.kick <- struct{}{}
	for addr := range p.idle { // want-low "MR001" `^range of p\.idle in .* races with the delete.*\[lower confidence`
		t.Errorf("%s still idle", addr)
	}
	if n := len(p.idle); n != 0 { // the same race as the line before: in its related
		t.Fatalf("%d idle", n)
	}
}
