// Package mr002 holds cases for MR002 inner-map-escapes-lock: an inner map reached with no
// lock (fetched under the lock and used after Unlock, or never locked) while another context
// writes it.
package mr002
