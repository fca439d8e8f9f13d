package mr001

import "sync/atomic"

type callState uint32

const (
	callActive callState = iota
	callDone
)

// Call is finished by whichever of its goroutines gets there first: the first to swap the
// state to done records the result, every later one sees done and leaves. A reset flag
// (Probe's swap to true) guards a second body the same way. Note's write has no guard.
type Call struct {
	state    uint32
	probing  atomic.Bool
	probed   uint32
	trailer  map[string]string
	results  map[string]int
	notes    map[string]string
	finished chan struct{}
}

// swapState sets the call's state and returns the one it replaced.
func (c *Call) swapState(st callState) callState {
	return callState(atomic.SwapUint32((*uint32)(&c.state), uint32(st)))
}

// Negative: only the caller that moved the state to done gets past the guard.
func (c *Call) finish(md map[string]string) {
	if c.swapState(callDone) == callDone {
		<-c.finished
		return
	}
	c.trailer = md
	close(c.finished)
}

// Negative: the direct forms, an atomic.Bool's Swap(true) and a package-level swap compared
// the other way round.
func (c *Call) Probe() {
	if c.probing.Swap(true) {
		return
	}
	c.results["probe"]++
	if atomic.SwapUint32(&c.probed, 1) != 1 {
		c.results["first"]++
	}
}

func (c *Call) Note(k string) {
	c.notes[k] = "x" // want "MR001" `^write of c\.notes in .* races with the same line`
}

func RunCall(c *Call, md map[string]string) {
	for i := 0; i < 3; i++ {
		go c.finish(md)
		go c.Probe()
		go c.Note("k")
	}
}
