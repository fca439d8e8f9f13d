// Package mr001 holds cases for MR001 unguarded-map-access: a shared map written in one
// context and read or written in another with no common lock and no ordering.
package mr001
