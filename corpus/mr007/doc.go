// Package mr007 holds cases for MR007 split-read-modify-write: a map entry read in one
// critical section and written back from that value in a later one.
package mr007
