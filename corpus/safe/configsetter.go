package safe

import "sync"

// lineParser parses records; a plugin host sets its default tags once when it builds it.
type lineParser struct {
	mu          sync.Mutex
	defaultTags map[string]string
	seen        map[string]int
}

// Case: a lock-free setter that replaces the map whole is configuration, called before
// the parser is shared: lower confidence only.
func (p *lineParser) SetDefaultTags(tags map[string]string) {
	p.defaultTags = tags // want-low "MR001" `^reassignment of p\.defaultTags in .*\[lower confidence: lineParser\.SetDefaultTags looks like a configuration setter`
}

// Parse adds the default tags to a record, counting records under the lock.
func (p *lineParser) Parse(rec map[string]string) map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen[rec["name"]]++
	for k, v := range p.defaultTags {
		rec[k] = v
	}
	return rec
}
