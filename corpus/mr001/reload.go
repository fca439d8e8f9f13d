package mr001

// Settings are replaced whole by a watcher goroutine while callers read them.
type Settings struct {
	values map[string]string
	events chan map[string]string
}

func (s *Settings) Watch() {
	go func() {
		for fresh := range s.events {
			s.values = fresh // want "MR001" `^reassignment of s\.values in .* races with the read`
		}
	}()
}

// Get passes the current map to a helper; the helper's reads reach whichever map it was
// given, and the read of s.values here is what meets the watcher's reassignment.
func (s *Settings) Get(k string) string {
	return lookupSetting(s.values, k)
}

func lookupSetting(m map[string]string, k string) string {
	return m[k]
}
