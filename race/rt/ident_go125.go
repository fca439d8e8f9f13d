//go:build go1.25 && !go1.26

package maprace_rt

// syncMapIdentity: see ident_go126.go.
const syncMapIdentity = false
