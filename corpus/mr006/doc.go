// Package mr006 holds cases for MR006 write-under-rlock: a map write while only the read lock
// of the guarding RWMutex is held.
package mr006
