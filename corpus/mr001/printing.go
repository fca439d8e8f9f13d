package mr001

import (
	"encoding/json"
	"fmt"
	"log"
	"sync"
)

// FlagSet locks its map in Set, which declares that its methods run concurrently.
type FlagSet struct {
	mu    sync.Mutex
	flags map[string]bool
}

// Set stores a flag under the lock.
func (f *FlagSet) Set(name string, on bool) {
	f.mu.Lock()
	f.flags[name] = on
	f.mu.Unlock()
}

// Case: MarshalJSON hands the map to the encoder, which ranges over it, without the lock.
func (f *FlagSet) MarshalJSON() ([]byte, error) {
	return json.Marshal(f.flags) // want "MR001" `^range of f\.flags in .* races with the write`
}

// Case: String formats the map, which iterates it, without the lock.
func (f *FlagSet) String() string {
	return fmt.Sprintf("flags %v", f.flags) // want "MR001" `^range of f\.flags in .* races with the write`
}

// Negative: Dump formats the map under the lock.
func (f *FlagSet) Dump() {
	f.mu.Lock()
	defer f.mu.Unlock()
	log.Printf("flags %v", f.flags)
}

// Negative: Count passes only the map's length to the formatter.
func (f *FlagSet) Count() string {
	f.mu.Lock()
	n := len(f.flags)
	f.mu.Unlock()
	return fmt.Sprint(n)
}
