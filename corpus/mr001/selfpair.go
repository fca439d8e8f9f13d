package mr001

import "sync"

// Plugins keeps its loaded plugins. Reload is the operator's call, made one at a time; it
// takes the lock only for its additions, out of caution, and nothing else touches the table.
type Plugins struct {
	mu     sync.Mutex
	loaded map[string]string
}

// Reload drops what is gone and loads what is new. Two Reloads at once would race on
// loaded, but nothing but the method's own contract says whether callers do that: shown only
// with --level all, marked as such.
func (p *Plugins) Reload(want map[string]string) {
	for name := range p.loaded { // want-low "MR001" `^range of p\.loaded in concurrent calls of Plugins\.Reload .* races with .* another run of concurrent calls of Plugins\.Reload .*\[lower confidence: only two calls of Plugins\.Reload at once`
		if _, ok := want[name]; !ok {
			delete(p.loaded, name)
		}
	}
	p.mu.Lock()
	for name, path := range want {
		p.loaded[name] = path
	}
	p.mu.Unlock()
}
