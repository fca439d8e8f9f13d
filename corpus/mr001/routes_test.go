package mr001

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Case: parallel subtests record every path they hit in one map declared by the parent test.
func TestRoutesParallel(t *testing.T) {
	seen := map[string]int{}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	for _, tc := range []struct{ name, path string }{{"root", "/ok"}, {"missing", "/nope"}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
			seen[tc.path]++ // want "MR001" `^write of seen in .* races with the same line`
		})
	}
}

// Negative: sequential subtests (no t.Parallel) share a map; they run one after another.
func TestRoutesSequential(t *testing.T) {
	codes := map[string]int{}
	for _, path := range []string{"/a", "/b"} {
		t.Run(path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			http.NotFound(rec, httptest.NewRequest(http.MethodGet, path, nil))
			codes[path] = rec.Code
		})
	}
	if len(codes) != 2 {
		t.Fatalf("got %d codes", len(codes))
	}
}

// Negative: parallel subtests only read a fixture map built before they start.
func TestFixturesParallel(t *testing.T) {
	fixtures := map[string]string{"json": `{"a":1}`, "text": "a=1"}
	for name := range fixtures {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if fixtures[name] == "" {
				t.Fatal("empty fixture")
			}
		})
	}
}
