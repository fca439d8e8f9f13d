package safe

import "sync/atomic"

// oneShot is fired once; Done's channel is closed and HasFired reports true after that.
type oneShot struct {
	fired atomic.Bool
	ch    chan struct{}
}

func newOneShot() *oneShot { return &oneShot{ch: make(chan struct{})} }

func (o *oneShot) Fire() bool {
	if o.fired.CompareAndSwap(false, true) {
		close(o.ch)
		return true
	}
	return false
}

func (o *oneShot) Done() <-chan struct{} { return o.ch }

func (o *oneShot) HasFired() bool { return o.fired.Load() }

// ResponseStream receives its trailers on a goroutine and publishes them by firing ready.
type ResponseStream struct {
	ready    *oneShot
	trailers map[string]string
	loaded   atomic.Bool
	headers  map[string]string
}

func OpenResponseStream() *ResponseStream {
	s := &ResponseStream{ready: newOneShot()}
	go s.receive()
	return s
}

func (s *ResponseStream) receive() {
	s.trailers = map[string]string{"status": "0"}
	s.ready.Fire()
	s.headers = map[string]string{"type": "text"}
	s.loaded.Store(true)
}

// Negative: the trailers are read only once the event has fired (seen through an atomic
// load, or by waiting for the closed channel a method returns).
func (s *ResponseStream) Trailer() map[string]string {
	if s.ready.HasFired() {
		return s.trailers
	}
	<-s.ready.Done()
	return s.trailers
}

// Negative: the headers are read only after the flag set after writing them was seen set.
func (s *ResponseStream) Header(key string) string {
	if !s.loaded.Load() {
		return ""
	}
	return s.headers[key]
}
