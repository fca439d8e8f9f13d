package mr005

import (
	"html/template"
	"net/http"
	"sync"
)

// templates caches parsed templates by name.
var templates sync.Map // name -> *template.Template

// Lower confidence: package-level sync.Map lazy init: Load misses, then Store; two requests
// parse and store twice, but what they store is equivalent (a cache fill), so nothing a
// caller relies on is lost.
func render(w http.ResponseWriter, name string, data any) error {
	v, ok := templates.Load(name)
	if !ok {
		t, err := template.ParseFiles("templates/" + name + ".html")
		if err != nil {
			return err
		}
		templates.Store(name, t) // want-low "MR005" `^Store on templates after a Load of the same key.*\[lower confidence`
		v = t
	}
	return v.(*template.Template).Execute(w, data)
}

// Counters counts events per key in a sync.Map of ints.
type Counters struct {
	byKey sync.Map // key -> int
}

// Case: load-modify-store of a counter: concurrent increments of one key are lost.
func (c *Counters) Incr(key string) {
	v, _ := c.byKey.Load(key)
	n, _ := v.(int)
	c.byKey.Store(key, n+1) // want "MR005" `^Store on c\.byKey after a Load of the same key`
}

// TypedMap is a generic typed wrapper over sync.Map.
type TypedMap[K comparable, V any] struct {
	m sync.Map
}

// Load returns the value stored for k.
func (t *TypedMap[K, V]) Load(k K) (V, bool) {
	v, ok := t.m.Load(k)
	if !ok {
		var zero V
		return zero, false
	}
	return v.(V), true
}

// Case: a generic Update reads with Load and writes with Store; not atomic.
func (t *TypedMap[K, V]) Update(k K, f func(V) V) {
	var old V
	if v, ok := t.m.Load(k); ok {
		old = v.(V)
	}
	t.m.Store(k, f(old)) // want "MR005" `^Store on t\.m after a Load of the same key`
}

// RegisterPages wires the page handler that renders through the template cache.
func RegisterPages(mux *http.ServeMux) {
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if err := render(w, "home", nil); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
}
