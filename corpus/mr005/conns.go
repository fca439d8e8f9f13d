package mr005

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// ConnPool keeps one connection per address.
type ConnPool struct {
	conns sync.Map // addr -> *PooledConn
}

// PooledConn is a pooled connection.
type PooledConn struct {
	net.Conn
	LastUsed time.Time
}

// Case: Load hit, then Delete of the same key on the stale path; a fresh conn stored meanwhile is dropped.
func (p *ConnPool) Get(addr string, maxIdle time.Duration) *PooledConn {
	v, ok := p.conns.Load(addr)
	if !ok {
		return nil
	}
	c := v.(*PooledConn)
	if time.Since(c.LastUsed) > maxIdle {
		p.conns.Delete(addr) // want "MR005" `^Delete on p\.conns after a Load of the same key`
		return nil
	}
	return c
}

// sessions maps session ids to user names.
var sessions sync.Map

// Case (lower confidence): a logout handler checks the session with Load and then deletes
// it; two logouts may both answer 204. Only presence is checked, so the Delete removes no
// more than a plain Delete would.
func handleLogout(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("sid")
	if _, ok := sessions.Load(id); ok {
		sessions.Delete(id) // want-low "MR005" `^Delete on sessions after a Load of the same key.*\[lower confidence`
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Error(w, "no session", http.StatusNotFound)
}

// RegisterSessionRoutes wires the logout handler.
func RegisterSessionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/logout", handleLogout)
}

// ResolverCache remembers resolved addresses for a while.
type ResolverCache struct {
	addrCache sync.Map // host -> *resolved
}

type resolved struct {
	addrs   []string
	expires time.Time
}

// Case (lower confidence): an expired entry is evicted after the Load; a fresh entry stored
// in between is dropped too, and the next lookup resolves the host again.
func (r *ResolverCache) Lookup(host string) []string {
	v, ok := r.addrCache.Load(host)
	if !ok {
		return nil
	}
	e := v.(*resolved)
	if time.Now().After(e.expires) {
		r.addrCache.Delete(host) // want-low "MR005" `^Delete on r\.addrCache after a Load.*\[lower confidence: an eviction from a cache`
		return nil
	}
	return e.addrs
}
