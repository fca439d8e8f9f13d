// Package mr003 holds cases for MR003 shared-inner-map: one inner map stored under several
// outer keys or in several outer maps, written through one path and accessed through another
// in a different context.
package mr003
