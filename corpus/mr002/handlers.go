package mr002

import (
	"fmt"
	"net/http"
	"sync"
)

var (
	cartsMu sync.Mutex
	carts   = map[string]map[string]int{} // user -> sku -> quantity
)

// RegisterCartRoutes wires the cart handlers that share carts.
func RegisterCartRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/cart/add", addToCart)
	mux.HandleFunc("/cart/total", cartTotal)
	mux.HandleFunc("/cart/clear", clearCart)
}

// addToCart holds cartsMu for the whole update.
func addToCart(w http.ResponseWriter, r *http.Request) {
	user, sku := r.FormValue("user"), r.FormValue("sku")
	cartsMu.Lock()
	defer cartsMu.Unlock()
	if carts[user] == nil {
		carts[user] = map[string]int{}
	}
	carts[user][sku]++
}

// Case: a handler takes the inner map under the package-level mutex and ranges it after Unlock.
func cartTotal(w http.ResponseWriter, r *http.Request) {
	cartsMu.Lock()
	items := carts[r.FormValue("user")]
	cartsMu.Unlock()
	total := 0
	for _, qty := range items { // want "MR002" `^the inner map items \(carts\[…\]\) was fetched under the lock.*\(write at`
		total += qty
	}
	fmt.Fprintln(w, total)
}

// Case: a handler clears a user's inner map with no lock at all.
func clearCart(w http.ResponseWriter, r *http.Request) {
	clear(carts[r.FormValue("user")]) // want "MR002" `^the inner map carts\[r\.FormValue\("user"\)\] \(carts\[…\]\) is used with no lock.*\(read at`
	w.WriteHeader(http.StatusNoContent)
}

// Bucket is an inner map with its own lock.
type Bucket struct {
	mu    sync.Mutex
	items map[string]int
}

// Shards maps shard names to buckets that each carry their own lock.
type Shards struct {
	mu      sync.RWMutex
	buckets map[string]*Bucket
}

// Negative: each inner map has its own lock; the bucket is used after the outer lock is released, but under its own.
func (s *Shards) Incr(shard, key string) {
	s.mu.RLock()
	b := s.buckets[shard]
	s.mu.RUnlock()
	if b == nil {
		return
	}
	b.mu.Lock()
	b.items[key]++
	b.mu.Unlock()
}

// Negative: reads the bucket under its own lock.
func (s *Shards) Get(shard, key string) int {
	s.mu.RLock()
	b := s.buckets[shard]
	s.mu.RUnlock()
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.items[key]
}

// AddShard registers a new bucket under the outer lock.
func (s *Shards) AddShard(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[name]; !ok {
		s.buckets[name] = &Bucket{items: make(map[string]int)}
	}
}

// regionsByCountry is published once and its inner maps are never written afterwards.
var regionsByCountry = map[string]map[string]bool{
	"de": {"eu-central-1": true},
	"us": {"us-east-1": true, "us-west-2": true},
}

// Negative: handlers read inner maps that nothing writes after publication.
func RegisterRegionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/regions", func(w http.ResponseWriter, r *http.Request) {
		for region := range regionsByCountry[r.FormValue("country")] {
			fmt.Fprintln(w, region)
		}
	})
	mux.HandleFunc("/regions/check", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, regionsByCountry[r.FormValue("country")][r.FormValue("region")])
	})
}
