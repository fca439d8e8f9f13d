package safe

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// roomMembers is a self-locking value stored in a sync.Map.
type roomMembers struct {
	mu    sync.Mutex
	users map[string]time.Time
}

// Presence tracks who is in which room.
type Presence struct {
	rooms sync.Map // room -> *roomMembers
}

// Safe: LoadOrStore creates the per-room value atomically; its map is written under its own lock.
func (p *Presence) Join(room, user string) {
	v, _ := p.rooms.LoadOrStore(room, &roomMembers{users: make(map[string]time.Time)})
	m := v.(*roomMembers)
	m.mu.Lock()
	m.users[user] = time.Now()
	m.mu.Unlock()
}

// Safe: Load of a self-locking value, then a delete under that value's lock.
func (p *Presence) Leave(room, user string) {
	v, ok := p.rooms.Load(room)
	if !ok {
		return
	}
	m := v.(*roomMembers)
	m.mu.Lock()
	delete(m.users, user)
	m.mu.Unlock()
}

// Count reads a room's size under its lock.
func (p *Presence) Count(room string) int {
	v, ok := p.rooms.Load(room)
	if !ok {
		return 0
	}
	m := v.(*roomMembers)
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.users)
}

// Routes wires the presence handlers.
func (p *Presence) Routes(mux *http.ServeMux) {
	mux.HandleFunc("/join", func(w http.ResponseWriter, r *http.Request) {
		p.Join(r.FormValue("room"), r.FormValue("user"))
	})
	mux.HandleFunc("/leave", func(w http.ResponseWriter, r *http.Request) {
		p.Leave(r.FormValue("room"), r.FormValue("user"))
	})
	mux.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, p.Count(r.FormValue("room")))
	})
}
