package mr001

import "sync/atomic"

// LoadedSettings are loaded on a goroutine that sets loaded when it is done.
type LoadedSettings struct {
	loaded atomic.Bool
	values map[string]string
}

func LoadSettingsAsync() *LoadedSettings {
	s := &LoadedSettings{}
	go func() {
		s.values = map[string]string{"mode": "fast"} // want "MR001" `^reassignment of s\.values in .* races with the read`
		s.loaded.Store(true)
	}()
	return s
}

// Case: the fallback reads the map on the branch where the flag was not seen set, so
// nothing orders it after the loader's write.
func (s *LoadedSettings) Get(key string) string {
	if s.loaded.Load() {
		return "cached:" + key
	}
	return s.values[key]
}
