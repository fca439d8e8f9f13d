package mr001

import "net/rpc"

// Quotes is served over net/rpc, which calls its methods once per request, concurrently.
type Quotes struct {
	prices map[string]float64
}

// QuoteArgs names a symbol.
type QuoteArgs struct{ Symbol string }

// Case: Get fills a cache per request with no lock.
func (q *Quotes) Get(args QuoteArgs, out *float64) error {
	if p, ok := q.prices[args.Symbol]; ok {
		*out = p
		return nil
	}
	q.prices[args.Symbol] = 1.0 // want "MR001" `^write of q\.prices in .* races with the read`
	*out = 1.0
	return nil
}

// ServeQuotes registers the service.
func ServeQuotes() error {
	return rpc.Register(&Quotes{prices: map[string]float64{}})
}

// Ledger is a plain value, never registered with a framework.
type Ledger struct {
	entries map[string]float64
}

// Negative: nothing shows Add running concurrently.
func (l *Ledger) Add(name string, v float64) error {
	l.entries[name] += v
	return nil
}
