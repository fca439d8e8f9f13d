// Package mr009 holds cases for MR009 inconsistent-lock: one shared map accessed under
// different locks at different sites, with no lock common to a conflicting pair.
package mr009
