// Package mr004 holds cases for MR004 racy-lazy-init: an inner map checked and created in
// different critical sections, or with no lock at all in code that runs in parallel.
package mr004
