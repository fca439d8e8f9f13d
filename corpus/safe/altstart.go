package safe

import "time"

// Provider joins a cluster either as a member or as a client: the cluster calls one of
// StartMember and StartClient, once, and both start the same watcher.
type Provider struct {
	members  map[string]string
	shutdown bool
}

func (p *Provider) StartMember(self string) error {
	p.members = map[string]string{self: "me"}
	p.startWatching()
	return nil
}

func (p *Provider) StartClient() error {
	p.members = map[string]string{}
	p.startWatching()
	return nil
}

// Safe: one watcher per provider, whichever start ran.
func (p *Provider) startWatching() {
	go func() {
		for !p.shutdown {
			for id := range p.members {
				if id == "" {
					delete(p.members, id)
				}
			}
			p.members["tick"] = time.Now().String()
			time.Sleep(time.Second)
		}
	}()
}

func (p *Provider) Shutdown() {
	p.shutdown = true
}
