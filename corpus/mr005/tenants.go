package mr005

import "sync"

// TenantQuotas stores one plain map of quotas per tenant in a sync.Map.
type TenantQuotas struct {
	byTenant sync.Map // tenant -> map[string]int
}

// Case: a lazily created inner map: Load misses, Store of a new plain map.
func (q *TenantQuotas) Ensure(tenant string) {
	if _, ok := q.byTenant.Load(tenant); !ok {
		q.byTenant.Store(tenant, map[string]int{}) // want "MR005" `^Store on q\.byTenant after a Load of the same key`
	}
}

// Case: a plain map taken out of the sync.Map is written directly through the type assertion.
func (q *TenantQuotas) Set(tenant, resource string, n int) {
	v, ok := q.byTenant.Load(tenant)
	if !ok {
		return
	}
	v.(map[string]int)[resource] = n // want "MR005" `^v\.\(…\) is a plain map loaded from a sync\.Map and written here`
}

// Case: the loaded plain map is bound to a local, then incremented and deleted from.
func (q *TenantQuotas) Consume(tenant, resource string) bool {
	v, ok := q.byTenant.Load(tenant)
	if !ok {
		return false
	}
	quotas := v.(map[string]int)
	if quotas[resource] <= 0 {
		delete(quotas, resource) // want "MR005" `^quotas is a plain map loaded from a sync\.Map and written here`
		return false
	}
	quotas[resource]-- // want "MR005" `^quotas is a plain map loaded from a sync\.Map and written here`
	return true
}

// Negative: Limit only reads the loaded plain map.
func (q *TenantQuotas) Limit(tenant, resource string) int {
	v, ok := q.byTenant.Load(tenant)
	if !ok {
		return 0
	}
	return v.(map[string]int)[resource]
}
