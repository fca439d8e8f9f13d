package mr003

import (
	"fmt"
	"net/http"
	"sync"
)

// A group's permission set is shared by reference with each member: two outer maps, one inner map.
var (
	aclByGroup = map[string]map[string]bool{}
	aclByUser  = map[string]map[string]bool{}
)

func init() {
	admins := map[string]bool{"deploy": true}
	aclByGroup["admins"] = admins
	aclByUser["alice"] = admins
}

// RegisterACLRoutes wires the grant and check handlers.
func RegisterACLRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/acl/grant", grantToGroup)
	mux.HandleFunc("/acl/check", checkUser)
}

// Case: granting a permission through the group map races with checking it through the user map.
func grantToGroup(w http.ResponseWriter, r *http.Request) {
	if perms, ok := aclByGroup[r.FormValue("group")]; ok {
		perms[r.FormValue("perm")] = true // want "MR003" `^perms and aclByUser\[r\.FormValue\("user"\)\] \(.*\) are one inner map .*this write races with the read`
	}
}

func checkUser(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, aclByUser[r.FormValue("user")][r.FormValue("perm")])
}

// Node is a backend in a pool.
type Node struct {
	Addr    string
	Healthy bool
}

// Case: three levels; two regions fall back to one node table; a health checker prunes it through "eu" while the caller lists it through "us".
func StartFailover(nodes map[int]*Node, check func(*Node) bool, list func(id int, n *Node)) {
	pools := map[string]map[string]map[int]*Node{"eu": {}, "us": {}}
	pools["eu"]["web"] = nodes
	pools["us"]["web"] = nodes
	go func() {
		for id, n := range pools["eu"]["web"] {
			if !check(n) {
				delete(pools["eu"]["web"], id) // want "MR003" `^pools\["eu"\]\["web"\] and pools\["us"\]\["web"\] \(.*\) are one inner map .*this delete races with the range`
			}
		}
	}()
	for id, n := range pools["us"]["web"] {
		list(id, n)
	}
}

// defaultLimits is shared by every tenant and never written after startup.
var defaultLimits = map[string]int{"rps": 100, "burst": 200}

// Negative: tenants share one inner map by reference, but nothing writes it after publication.
type Limits struct {
	mu       sync.Mutex
	byTenant map[string]map[string]int
}

// Onboard points two tenants at the shared defaults.
func (l *Limits) Onboard(a, b string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byTenant[a] = defaultLimits
	l.byTenant[b] = defaultLimits
}

// Limit reads a tenant's limit under the lock.
func (l *Limits) Limit(tenant, key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.byTenant[tenant][key]
}

// Negative: the shared inner map is written only under the same lock every reader holds.
type Teams struct {
	mu     sync.RWMutex
	byName map[string]map[string]bool // team -> members
	byTag  map[string]map[string]bool // tag -> the same members map
}

// Create stores one member set under a team name and a tag.
func (t *Teams) Create(name, tag string) {
	members := make(map[string]bool)
	t.mu.Lock()
	t.byName[name] = members
	t.byTag[tag] = members
	t.mu.Unlock()
}

// Join adds a member through the name map under the write lock.
func (t *Teams) Join(name, user string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if m, ok := t.byName[name]; ok {
		m[user] = true
	}
}

// MembersByTag counts members through the tag map under the read lock.
func (t *Teams) MembersByTag(tag string) int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.byTag[tag])
}
