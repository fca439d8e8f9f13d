package mr005

import "sync"

// A relay server: every accepted peer gets its own connection object and its own read loop.
// Only that loop creates entries in the connection's interest map, so a Load-then-Store
// there has no second writer; the server's own map is filled by every peer's loop.
type relayServer struct {
	mu    sync.Mutex
	peers map[int]*relayConn
	seen  sync.Map // subject -> *interest, shared by the loops of all peers
}

type relayConn struct {
	id   int
	srv  *relayServer
	link *relayLink
	in   chan string
}

// relayLink is the per-connection protocol state, made with the connection.
type relayLink struct {
	interest sync.Map // subject -> *interest, written by this connection's read loop only
}

type interest struct{ subs int }

// Accept gives each peer its own connection and read loop.
func (s *relayServer) Accept(ids <-chan int) {
	for id := range ids {
		c := &relayConn{id: id, srv: s, link: &relayLink{}, in: make(chan string)}
		s.mu.Lock()
		s.peers[id] = c
		s.mu.Unlock()
		go c.readLoop()
	}
}

// Close drops every peer.
func (s *relayServer) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, c := range s.peers {
		close(c.in)
		delete(s.peers, id)
	}
}

func (c *relayConn) readLoop() {
	for subject := range c.in {
		c.noteInterest(subject)
		c.noteSeen(subject)
	}
}

// Negative (lower confidence): the connection's own map, created and filled by its read
// loop alone; another connection's loop has another map.
func (c *relayConn) noteInterest(subject string) {
	if _, ok := c.link.interest.Load(subject); !ok {
		c.link.interest.Store(subject, &interest{}) // want-low "MR005" `^Store on c\.link\.interest after a Load.*\[lower confidence: nothing shows two goroutines running this code at once on this map\]`
	}
}

// Case: the same code on the server's map, reached through the back-pointer: the loops of
// two peers both miss and both store, and one peer's entry is lost.
func (c *relayConn) noteSeen(subject string) {
	if _, ok := c.srv.seen.Load(subject); !ok {
		c.srv.seen.Store(subject, &interest{}) // want "MR005" `^Store on c\.srv\.seen after a Load of the same key.*\(relayConn\.noteSeen runs in two goroutines at once\)`
	}
}
