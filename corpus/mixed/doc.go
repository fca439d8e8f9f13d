// Package mixed is a small multi-tenant cache service with request metrics, written the way
// such services are: mostly correct, with several rules' bugs mixed in.
package mixed
