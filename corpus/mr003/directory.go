package mr003

import "sync"

// Directory indexes the same attribute maps by user name and by email.
type Directory struct {
	mu      sync.Mutex
	byName  map[string]map[string]string // name -> attributes
	byEmail map[string]map[string]string // email -> the same attributes map
}

// NewDirectory returns an empty directory.
func NewDirectory() *Directory {
	return &Directory{
		byName:  make(map[string]map[string]string),
		byEmail: make(map[string]map[string]string),
	}
}

// Add stores one attribute map in both outer maps.
func (d *Directory) Add(name, email string) {
	attrs := map[string]string{"name": name, "email": email}
	d.mu.Lock()
	d.byName[name] = attrs
	d.byEmail[email] = attrs
	d.mu.Unlock()
}

// SetAttr writes through byName under the lock.
func (d *Directory) SetAttr(name, key, value string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if attrs, ok := d.byName[name]; ok {
		attrs[key] = value
	}
}

// Case: AttrByEmail reads the shared attribute map through the other outer map, without the lock.
func (d *Directory) AttrByEmail(email, key string) string {
	return d.byEmail[email][key] // want "MR003" `^d\.byEmail\[email\] and attrs \(.*\) are one inner map .*this read races with the write`
}

// Negative: AttrByName reads through byName under the same lock that SetAttr holds.
func (d *Directory) AttrByName(name, key string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.byName[name][key]
}
