package safe

import "sync"

// A hub reached through a long chain of fields: the analysis keeps eight steps of a path,
// so `t.a.b.c.d.e.f.g.node.codes` and `t.a.b.c.d.e.f.g.node.sessions` are both cut at
// `node`. Cut there they name the node, not either map, and must not be paired: codes is
// filled at construction and only read, sessions is written under the node's lock.
type deepNode struct {
	mu       sync.Mutex
	sessions map[string]int
	codes    map[int]string
}

type deepG struct{ node *deepNode }
type deepF struct{ g deepG }
type deepE struct{ f deepF }
type deepD struct{ e deepE }
type deepC struct{ d deepD }
type deepB struct{ c deepC }
type deepA struct{ b deepB }

// Switchboard serves many clients at once; its own table is guarded by mu.
type Switchboard struct {
	mu    sync.Mutex
	calls map[string]int
	a     deepA
}

// Code reads the read-only codes table.
func (t *Switchboard) Code(c int) string {
	t.mu.Lock()
	t.calls["code"]++
	t.mu.Unlock()
	return t.a.b.c.d.e.f.g.node.codes[c]
}

// Drop removes a session under the node's lock.
func (t *Switchboard) Drop(id string) {
	n := t.a.b.c.d.e.f.g.node
	n.mu.Lock()
	delete(t.a.b.c.d.e.f.g.node.sessions, id)
	n.mu.Unlock()
}

// Serve handles each caller on its own goroutine.
func Serve(t *Switchboard, ids []string) {
	for _, id := range ids {
		go func(id string) {
			t.Drop(id)
			_ = t.a.b.c.d.e.f.g.node.codes[len(id)]
		}(id)
	}
}
