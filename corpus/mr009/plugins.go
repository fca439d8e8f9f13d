package mr009

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Plugin is an installed extension.
type Plugin struct {
	Name    string
	Version string
}

var (
	registryMu sync.Mutex
	plugins    = map[string]Plugin{}
)

// Case: the install handler writes plugins under the package-level registryMu ...
func handleInstall(w http.ResponseWriter, r *http.Request) {
	p := Plugin{Name: r.FormValue("name"), Version: r.FormValue("version")}
	registryMu.Lock()
	plugins[p.Name] = p // want "MR009" `^write of plugins \(mr009\.plugins\) holds Lock at .*, but the read at .* holds Lock at`
	registryMu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

// RegisterPluginRoutes wires the install handler.
func RegisterPluginRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/plugins/install", handleInstall)
}

// Dispatcher tracks in-flight calls per plugin under its own mutex.
type Dispatcher struct {
	mu       sync.Mutex
	inflight map[string]int
}

// ... while Dispatch reads plugins under the dispatcher's own mutex.
func (d *Dispatcher) Dispatch(name string) (Plugin, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p, ok := plugins[name]
	if ok {
		d.inflight[name]++
	}
	return p, ok
}

// Done finishes a call.
func (d *Dispatcher) Done(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inflight[name]--
}

var (
	flagsMu  sync.RWMutex
	reloadMu sync.Mutex
	flags    = map[string]bool{}
)

// Case: a reload goroutine writes flags under reloadMu while handlers read under flagsMu.RLock.
func StartFlagReloader(mux *http.ServeMux, load func() map[string]bool, every time.Duration) {
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for range tick.C {
			next := load()
			reloadMu.Lock()
			for name, on := range next {
				flags[name] = on // want "MR009" `^write of flags holds Lock at .*, but the read at .* holds RLock at`
			}
			reloadMu.Unlock()
		}
	}()
	mux.HandleFunc("/flag", func(w http.ResponseWriter, r *http.Request) {
		flagsMu.RLock()
		on := flags[r.FormValue("name")]
		flagsMu.RUnlock()
		fmt.Fprintln(w, on)
	})
}
