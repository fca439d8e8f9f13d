package mr002

import "sync"

// Case: the article's scenario 1: one goroutine reads through an inner map it fetched, the other writes that inner map.
func OuterReadInnerWrite() string {
	m := map[string]map[int]string{"users": {}}
	var wg sync.WaitGroup
	var name string
	wg.Add(2)
	go func() {
		defer wg.Done()
		inner := m["users"]
		name = inner[123]
	}()
	go func() {
		defer wg.Done()
		m["users"][123] = "alice" // want "MR002" `^the inner map m\["users"\] is used with no lock.*\(read at`
	}()
	wg.Wait()
	return name
}

// Case: the inner map is passed as an argument to a goroutine that drains it; the caller writes it afterwards.
func RotateTenant(usage map[string]map[string]int64, tenant string, emit func(user string, bytes int64)) {
	perUser := usage[tenant]
	go drainUsage(perUser, emit)
	perUser["rotated-by-admin"] = 0 // want "MR002" `^the inner map perUser \(usage\[…\]\) is used with no lock.*\(range at`
}

func drainUsage(perUser map[string]int64, emit func(string, int64)) {
	for user, n := range perUser {
		emit(user, n)
	}
	clear(perUser) // want "MR002" `^the inner map perUser \(usage\[…\]\) is used with no lock.*\(write at`
}
