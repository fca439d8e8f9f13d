package mr001

import (
	"net/http"
	"sync"
)

// Negative: every access, including Len and Snapshot, holds the same mutex.
type RequestCounter struct {
	mu     sync.Mutex
	byCode map[int]int
}

// Observe counts one response code.
func (c *RequestCounter) Observe(code int) {
	c.mu.Lock()
	c.byCode[code]++
	c.mu.Unlock()
}

// Len reports how many codes were seen.
func (c *RequestCounter) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byCode)
}

// Snapshot copies the counts under the lock.
func (c *RequestCounter) Snapshot() map[int]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[int]int, len(c.byCode))
	for code, n := range c.byCode {
		out[code] = n
	}
	return out
}

// Negative: workers send results on a channel; only the caller writes the map.
func MergeResults(shards []string, scan func(string) int) map[string]int {
	type result struct {
		shard string
		rows  int
	}
	results := make(chan result)
	for _, s := range shards {
		go func() { results <- result{s, scan(s)} }()
	}
	rows := make(map[string]int, len(shards))
	for range shards {
		r := <-results
		rows[r.shard] = r.rows
	}
	return rows
}

// mimeByExt is a literal table that nothing writes.
var mimeByExt = map[string]string{".html": "text/html", ".css": "text/css", ".js": "text/javascript"}

// Negative: a handler reads a package-level table that is never written.
func ServeMimeTypes(mux *http.ServeMux) {
	mux.HandleFunc("/mime", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", mimeByExt[r.URL.Query().Get("ext")])
	})
}

// Negative: a plain inventory type with no locks and no goroutines; nothing runs in parallel.
type Inventory struct {
	stock map[string]int
}

// Add increases the stock of sku.
func (inv *Inventory) Add(sku string, n int) { inv.stock[sku] += n }

// Take removes n of sku if available.
func (inv *Inventory) Take(sku string, n int) bool {
	if inv.stock[sku] < n {
		return false
	}
	inv.stock[sku] -= n
	if inv.stock[sku] == 0 {
		delete(inv.stock, sku)
	}
	return true
}

// Negative: each goroutine writes only its own local map and hands it back on a channel.
func CountWordsPerFile(files [][]string) []map[string]int {
	out := make(chan map[string]int, len(files))
	for _, words := range files {
		go func() {
			local := make(map[string]int)
			for _, w := range words {
				local[w]++
			}
			out <- local
		}()
	}
	all := make([]map[string]int, 0, len(files))
	for range files {
		all = append(all, <-out)
	}
	return all
}
