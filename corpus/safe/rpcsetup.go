package safe

import (
	"net"
	"net/rpc"
	"sync"

	"example.com/waitlib"
)

// Telemetry is served over net/rpc once started; Start is its plugin host's call, made once
// before the listener accepts anything.
type Telemetry struct {
	mu       sync.Mutex
	decoders map[string]func(string) string
	seen     map[string]int
	listener net.Listener
}

// TelemetryArgs names a field to decode.
type TelemetryArgs struct{ Field, Value string }

// Collector is what the host hands to Start.
type Collector interface{ Add(string) }

// Case: Start cannot be an RPC handler (no context, no reply pointer): it fills the decoder
// table before the server runs, and the handlers only read it.
func (t *Telemetry) Start(acc Collector) error {
	t.decoders = make(map[string]func(string) string)
	t.decoders["upper"] = func(s string) string { return s }
	t.decoders["lower"] = func(s string) string { return s }
	t.seen = make(map[string]int) // want-low "MR001" `^reassignment of t\.seen in .*\[lower confidence: Telemetry\.Start looks like a setup method`
	waitlib.RegisterTelemetryServer(&waitlib.Server{}, t)
	srv := rpc.NewServer()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	t.listener = l
	go srv.Accept(l)
	acc.Add("started")
	return nil
}

// Decode is the RPC handler: it reads the table Start filled and counts under the lock.
func (t *Telemetry) Decode(args TelemetryArgs, out *string) error {
	if d, ok := t.decoders[args.Field]; ok {
		*out = d(args.Value)
	}
	t.mu.Lock()
	t.seen[args.Field]++
	t.mu.Unlock()
	return nil
}
