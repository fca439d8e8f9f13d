package safe

// Playlist has no lock and nothing runs it concurrently: plain sequential code.
type Playlist struct {
	byGenre map[string]map[string]int // genre -> track -> plays
}

// Safe: lazy init and writes with no lock, but no concurrency evidence anywhere.
func (p *Playlist) Play(genre, track string) {
	if p.byGenre[genre] == nil {
		p.byGenre[genre] = make(map[string]int)
	}
	p.byGenre[genre][track]++
}

// Safe: the same inner map is stored under two keys, in code that never runs concurrently.
func (p *Playlist) Alias(genre, alias string) {
	p.byGenre[alias] = p.byGenre[genre]
	p.byGenre[alias]["_alias"] = 1
}

// Top returns the most played track of a genre.
func (p *Playlist) Top(genre string) string {
	best, plays := "", -1
	for t, n := range p.byGenre[genre] {
		if n > plays {
			best, plays = t, n
		}
	}
	return best
}

// Safe: a channel of capacity one used as a mutex around the map.
func GuardedByChannel(keys []string) map[string]int {
	out := map[string]int{}
	sem := make(chan struct{}, 1)
	done := make(chan bool)
	for _, k := range keys {
		go func() {
			sem <- struct{}{}
			out[k] = len(k)
			<-sem
			done <- true
		}()
	}
	for range keys {
		<-done
	}
	return out
}
