package mr001

import "sync"

// A rule set reloaded whole: each new group is filled by a goroutine of its own, and the
// manager publishes the new groups only after waiting for every filler. Until then no
// reader can reach a new group, so the fillers' unlocked writes race with nothing. The
// second manager publishes first and waits after: the same writes meet the readers.
type alertRule struct {
	mu     sync.Mutex
	active map[string]int
}

// Firing reads the rule's alerts under its lock.
func (r *alertRule) Firing() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.active)
}

type ruleGroup struct {
	rules []*alertRule
}

// restore copies saved alert counts into a group that is not running yet.
func (g *ruleGroup) restore(saved map[string]int) {
	for _, r := range g.rules {
		for k, v := range saved {
			r.active[k] = v // want "MR001" `^write of r\.active in goroutines started at .*publish_after_wait\.go:86 races with the len`
		}
	}
}

func buildGroups(names []string) map[string]*ruleGroup {
	groups := make(map[string]*ruleGroup)
	for _, n := range names {
		groups[n] = &ruleGroup{rules: []*alertRule{{active: map[string]int{}}}}
	}
	return groups
}

type ruleManager struct {
	mu     sync.RWMutex
	groups map[string]*ruleGroup
}

// Negative: the new groups are published after the wait.
func (m *ruleManager) Reload(names []string, saved map[string]int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	groups := buildGroups(names)
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Add(1)
		go func(g *ruleGroup) {
			defer wg.Done()
			g.restore(saved)
		}(g)
	}
	wg.Wait()
	m.groups = groups
}

// Rules is how readers reach the rules: only published groups.
func (m *ruleManager) Rules() []*alertRule {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []*alertRule
	for _, g := range m.groups {
		out = append(out, g.rules...)
	}
	return out
}

type eagerManager struct {
	mu     sync.Mutex
	groups map[string]*ruleGroup
}

// Case: published before the fillers are waited for.
func (m *eagerManager) Reload(names []string, saved map[string]int) {
	groups := buildGroups(names)
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Add(1)
		go func(g *ruleGroup) {
			defer wg.Done()
			g.restore(saved)
		}(g)
	}
	m.mu.Lock()
	m.groups = groups
	m.mu.Unlock()
	wg.Wait()
}
