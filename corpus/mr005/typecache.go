package mr005

import (
	"reflect"
	"sync"
)

// fieldIndex maps a struct's tag names to field numbers; built once per type.
type fieldIndex struct {
	byTag map[string]int
}

func (x *fieldIndex) add(tag string, i int) { x.byTag[tag] = i }

// buildFieldIndex fills the index from the type alone: two goroutines building it for one
// type build equal values.
func buildFieldIndex(t reflect.Type) *fieldIndex {
	out := &fieldIndex{byTag: make(map[string]int, t.NumField())}
	for i := 0; i < t.NumField(); i++ {
		if tag := t.Field(i).Tag.Get("db"); tag != "" {
			out.add(tag, i)
		}
	}
	return out
}

var fieldIndexes sync.Map // reflect.Type -> *fieldIndex

// Case (lower confidence): a per-type metadata cache. A miss builds the index from the type
// and stores it; a racing miss stores an equal index, so nothing is lost but the work.
func indexOf(t reflect.Type) *fieldIndex {
	if v, ok := fieldIndexes.Load(t); ok {
		return v.(*fieldIndex)
	}
	x := buildFieldIndex(t)
	fieldIndexes.Store(t, x) // want-low "MR005" `^Store on fieldIndexes after a Load.*\[lower confidence: the stored value is computed again`
	return x
}

// Lookup is called from request goroutines.
func Lookup(v any, tag string) int {
	return indexOf(reflect.TypeOf(v)).byTag[tag]
}
