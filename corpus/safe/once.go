package safe

import (
	"fmt"
	"net/http"
	"sync"
)

var (
	countryOnce sync.Once
	countries   map[string]map[string]string // lang -> code -> name
)

func loadCountries() map[string]map[string]string {
	all := make(map[string]map[string]string)
	all["en"] = map[string]string{"de": "Germany", "fr": "France"}
	all["de"] = map[string]string{"de": "Deutschland", "fr": "Frankreich"}
	return all
}

// Safe: sync.Once publishes the nested table; handlers only read it after once.Do.
func handleCountries(w http.ResponseWriter, r *http.Request) {
	countryOnce.Do(func() { countries = loadCountries() })
	for code, name := range countries[r.FormValue("lang")] {
		fmt.Fprintf(w, "%s %s\n", code, name)
	}
}

// RegisterCountryRoutes wires the countries handler.
func RegisterCountryRoutes(mux *http.ServeMux) {
	mux.HandleFunc("/countries", handleCountries)
}

// tenantFlags is one tenant's flag set, created once.
type tenantFlags struct {
	once  sync.Once
	mu    sync.Mutex
	flags map[string]bool
}

// Flags keeps a lazily created flag set per tenant.
type Flags struct {
	mu      sync.Mutex
	tenants map[string]*tenantFlags
}

func (f *Flags) tenant(name string) *tenantFlags {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tenants[name]
	if !ok {
		t = &tenantFlags{}
		f.tenants[name] = t
	}
	return t
}

// Safe: a sync.Once per key creates the tenant's inner map; writes then take the tenant's own lock.
func (f *Flags) Enable(tenant, flag string) {
	t := f.tenant(tenant)
	t.once.Do(func() { t.flags = make(map[string]bool) })
	t.mu.Lock()
	t.flags[flag] = true
	t.mu.Unlock()
}

// Enabled reads under the tenant's lock after the same once.Do.
func (f *Flags) Enabled(tenant, flag string) bool {
	t := f.tenant(tenant)
	t.once.Do(func() { t.flags = make(map[string]bool) })
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.flags[flag]
}
