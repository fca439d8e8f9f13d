package mr004

import (
	"sync"
)

// Conn is a connected client.
type Conn struct{ ID string }

// Rooms tracks chat room membership: rooms[room][user].
type Rooms struct {
	mu    sync.RWMutex
	rooms map[string]map[string]*Conn
}

// Case: existence checked under RLock; the room is created under Lock without re-checking.
func (r *Rooms) Join(room, user string, c *Conn) {
	r.mu.RLock()
	_, exists := r.rooms[room]
	r.mu.RUnlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	if !exists {
		r.rooms[room] = make(map[string]*Conn) // want "MR004" `^r\.rooms\[room\] is created here under Lock .* but was checked .* outside this critical section`
	}
	r.rooms[room][user] = c
}

// Members counts a room's members under the read lock.
func (r *Rooms) Members(room string) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.rooms[room])
}

// Series keeps label values per metric name.
type Series struct {
	mu     sync.RWMutex
	byName map[string]map[string]float64
}

// Case: inner map read under RLock, made outside any lock, stored under Lock without re-checking.
func (s *Series) Observe(name, labels string, v float64) {
	s.mu.RLock()
	inner := s.byName[name]
	s.mu.RUnlock()
	if inner == nil {
		inner = make(map[string]float64)
		s.mu.Lock()
		s.byName[name] = inner // want "MR004" `^s\.byName\[name\] is created here under Lock .* but was checked .* outside this critical section`
		s.mu.Unlock()
	}
	s.mu.Lock()
	inner[labels] += v
	s.mu.Unlock()
}

// Event is a published message.
type Event struct{ Topic, Body string }

// Subscriptions maps topics to subscriber channels by id.
type Subscriptions struct {
	mu     sync.Mutex
	topics map[string]map[string]chan<- Event
}

// Case: check and store each hold the Mutex, but in two separate critical sections.
func (s *Subscriptions) Subscribe(topic, id string, ch chan<- Event) {
	s.mu.Lock()
	_, ok := s.topics[topic]
	s.mu.Unlock()
	if !ok {
		subs := make(map[string]chan<- Event)
		s.mu.Lock()
		s.topics[topic] = subs // want "MR004" `^s\.topics\[topic\] is created here under Lock .* but was checked .* outside this critical section`
		s.mu.Unlock()
	}
	s.mu.Lock()
	s.topics[topic][id] = ch
	s.mu.Unlock()
}

// Publish sends ev to every subscriber of its topic under the lock.
func (s *Subscriptions) Publish(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range s.topics[ev.Topic] {
		ch <- ev
	}
}

// Page is a stored document.
type Page struct {
	ID   int
	Body string
}

// PageIndex is a three-level index: tenant -> collection -> id.
type PageIndex struct {
	mu    sync.RWMutex
	pages map[string]map[string]map[int]Page
}

// Case: three levels; the tenant level is created after an RLock check; the collection level is checked and created in one section.
func (ix *PageIndex) Put(tenant, coll string, p Page) {
	ix.mu.RLock()
	colls := ix.pages[tenant]
	ix.mu.RUnlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if colls == nil {
		ix.pages[tenant] = map[string]map[int]Page{} // want "MR004" `^ix\.pages\[tenant\] is created here under Lock .* but was checked .* outside this critical section`
	}
	if ix.pages[tenant][coll] == nil {
		ix.pages[tenant][coll] = map[int]Page{}
	}
	ix.pages[tenant][coll][p.ID] = p
}

// Index groups values by a key and a tag: m[key][tag] -> values.
type Index[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]map[string][]V
}

// Case: a generic index checks under RLock and stores a map literal under Lock without re-checking.
func (ix *Index[K, V]) Add(k K, tag string, v V) {
	ix.mu.RLock()
	inner := ix.m[k]
	ix.mu.RUnlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if inner == nil {
		ix.m[k] = map[string][]V{tag: {v}} // want "MR004" `^ix\.m\[k\] is created here under Lock .* but was checked .* outside this critical section`
		return
	}
	ix.m[k][tag] = append(ix.m[k][tag], v)
}
