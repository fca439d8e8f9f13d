package mr005

import (
	"sync"
	"sync/atomic"
)

// Registry registers services in a sync.Map.
type Registry struct {
	services sync.Map // name -> *Service
}

// Service is a registered service.
type Service struct {
	Name  string
	Addrs []string
}

// Negative: LoadOrStore creates the entry atomically.
func (r *Registry) Register(name string) *Service {
	v, _ := r.services.LoadOrStore(name, &Service{Name: name})
	return v.(*Service)
}

// Negative: LoadAndDelete removes and returns in one step.
func (r *Registry) Deregister(name string) (*Service, bool) {
	v, ok := r.services.LoadAndDelete(name)
	if !ok {
		return nil, false
	}
	return v.(*Service), true
}

// Negative: Swap replaces the entry in one step.
func (r *Registry) Replace(name string, s *Service) *Service {
	old, _ := r.services.Swap(name, s)
	prev, _ := old.(*Service)
	return prev
}

// Negative: a CompareAndSwap loop re-checks the value it read.
func IncrCAS(m *sync.Map, key string) {
	for {
		v, ok := m.Load(key)
		if !ok {
			if _, loaded := m.LoadOrStore(key, 1); !loaded {
				return
			}
			continue
		}
		if m.CompareAndSwap(key, v, v.(int)+1) {
			return
		}
	}
}

// Negative: CompareAndDelete removes the entry only if it is still the value that was loaded.
func (r *Registry) DeregisterIfSame(name string) bool {
	v, ok := r.services.Load(name)
	if !ok {
		return false
	}
	return r.services.CompareAndDelete(name, v)
}

// routeTables stores immutable route maps; writers replace a whole map, readers never write.
var routeTables sync.Map // host -> map[string]string

// Negative: the loaded plain map is only read; hosts get new maps with LoadOrStore, never mutation.
func lookupRoute(host, path string) (string, bool) {
	v, ok := routeTables.Load(host)
	if !ok {
		return "", false
	}
	target, ok := v.(map[string]string)[path]
	return target, ok
}

// Negative: a per-key atomic counter is created with LoadOrStore and incremented atomically.
func incrAtomic(m *sync.Map, key string) int64 {
	v, _ := m.LoadOrStore(key, new(atomic.Int64))
	return v.(*atomic.Int64).Add(1)
}
