// Package mr008 holds cases for MR008 map-returned-from-lock: a method returns a guarded map
// (or inner map) from inside its critical section and a caller uses it without the lock while
// another context writes the original.
package mr008
