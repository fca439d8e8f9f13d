package mr001

import "testing"

func TestBundlesStopWhilePolling(t *testing.T) {
	b := &Bundles{downloaders: map[string]int{"a": 1}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.Loaders()
	}()
	b.Stop()
	<-done
}
