package mr005

import "sync"

// codecs is filled on first use by whichever goroutine asks first.
var codecs sync.Map // name -> *codec

type codec struct{ fields map[string]int }

// CodecFor is the package's API: other packages call it from any goroutine.
func CodecFor(name string) *codec {
	return loadCodec(name)
}

// Case: an unexported helper the API reaches: two callers both miss, and each hands out a
// codec of its own whose fields the other never sees.
func loadCodec(name string) *codec {
	if v, ok := codecs.Load(name); ok {
		return v.(*codec)
	}
	c := &codec{fields: map[string]int{}}
	codecs.Store(name, c) // want "MR005" `^Store on codecs after a Load of the same key.*\(loadCodec is reached from the package's API`
	return c
}

// Registries hands out codecs per registry the same way, through a method.
type Registries struct {
	byName sync.Map // name -> *codec
}

// Lookup is the API.
func (r *Registries) Lookup(name string) *codec {
	return r.lookup(name)
}

func (r *Registries) lookup(name string) *codec {
	if v, ok := r.byName.Load(name); ok {
		return v.(*codec)
	}
	c := &codec{fields: map[string]int{}}
	r.byName.Store(name, c) // want "MR005" `^Store on r\.byName after a Load of the same key.*\(Registries\.lookup is reached from the package's API`
	return c
}
