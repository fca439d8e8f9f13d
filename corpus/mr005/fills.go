package mr005

import (
	"net/url"
	"strings"
	"sync"
)

// proxyAuth is what a proxy URL's credentials encode to: a pure function of the URL.
type proxyAuth struct {
	host   string
	header string
}

var authByURL sync.Map // *url.URL -> *proxyAuth

// Lower confidence: Load misses, then a struct built from the key alone is stored. Two
// callers that both miss build equal values; whichever Store wins, nothing is lost.
func authFor(u *url.URL) (string, string) {
	if v, ok := authByURL.Load(u); ok {
		a := v.(*proxyAuth)
		return a.host, a.header
	}
	a := &proxyAuth{host: u.Host, header: strings.ToUpper(u.User.Username())}
	authByURL.Store(u, a) // want-low "MR005" `^Store on authByURL after a Load of the same key.*\[lower confidence`
	return a.host, a.header
}

// hitCounter is filled in after it is stored: an empty object there to be mutated.
type hitCounter struct {
	mu sync.Mutex
	n  int
}

// Meter counts hits per route.
type Meter struct {
	routes sync.Map // string -> *hitCounter
}

// Case: two callers that both miss store two counters; the loser's hit lands in a counter
// nobody will ever read again.
func (m *Meter) Hit(route string) {
	v, ok := m.routes.Load(route)
	if !ok {
		c := &hitCounter{}
		m.routes.Store(route, c) // want "MR005" `^Store on m\.routes after a Load of the same key`
		v = c
	}
	c := v.(*hitCounter)
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

// bucket wraps the inner map of a nested index.
type bucket struct {
	mu      sync.Mutex
	members map[string]bool
}

// Index groups members by team.
type Index struct {
	teams sync.Map // string -> *bucket
}

// Case: the stored struct holds a fresh inner map that the caller fills next: the losing
// caller's member is written into a map that was overwritten.
func (x *Index) Add(team, member string) {
	v, ok := x.teams.Load(team)
	if !ok {
		b := &bucket{members: map[string]bool{}}
		x.teams.Store(team, b) // want "MR005" `^Store on x\.teams after a Load of the same key`
		v = b
	}
	b := v.(*bucket)
	b.mu.Lock()
	b.members[member] = true
	b.mu.Unlock()
}

// limits is what a runtime allows, parsed from its annotation.
type limits struct {
	types []string
}

// parseLimits builds the value and fills it before returning it: a finished value.
func parseLimits(spec string) *limits {
	l := &limits{}
	for _, t := range strings.Split(spec, ",") {
		l.types = append(l.types, t)
	}
	return l
}

var limitsByRuntime sync.Map // string -> *limits

// Lower confidence: a miss parses the runtime's limits and stores them; two callers that
// both miss parse the same annotation into equal values.
func limitsFor(runtime, spec string) *limits {
	if v, ok := limitsByRuntime.Load(runtime); ok {
		return v.(*limits)
	}
	l := parseLimits(spec)
	limitsByRuntime.Store(runtime, l) // want-low "MR005" `^Store on limitsByRuntime after a Load of the same key.*\[lower confidence`
	return l
}
