package safe

import "sync"

// HookClient runs its request hooks under read locks it holds by pointer (so copies of the
// client share them); each hook fills the values of the request being sent, which no other
// request shares.
type HookClient struct {
	hooksLock *sync.RWMutex
	hooks     []func(*HookRequest)
}

type HookRequest struct {
	client *HookClient
	values map[string]string
}

func NewHookClient() *HookClient { return &HookClient{hooksLock: &sync.RWMutex{}} }

func (c *HookClient) R() *HookRequest { return &HookRequest{client: c} }

// Safe: the client's hook lock is not the request's guard; each request has its own values.
func (c *HookClient) Send(r *HookRequest) {
	c.hooksLock.RLock()
	defer c.hooksLock.RUnlock()
	for _, h := range c.hooks {
		h(r)
	}
	if r.values == nil {
		r.values = map[string]string{}
	}
	r.values["sent"] = "yes"
}
