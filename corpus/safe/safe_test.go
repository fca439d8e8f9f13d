package safe

import (
	"testing"
)

// Safe: each parallel subtest builds and writes its own map.
func TestParallelOwnMaps(t *testing.T) {
	for _, n := range []int{1, 10, 100} {
		t.Run("n", func(t *testing.T) {
			t.Parallel()
			m := make(map[int]map[int]bool)
			for i := 0; i < n; i++ {
				if m[i%3] == nil {
					m[i%3] = make(map[int]bool)
				}
				m[i%3][i] = true
			}
			if len(m) == 0 {
				t.Fatal("empty")
			}
		})
	}
}

// Safe: subtests without t.Parallel share a map; they run one after another.
func TestSequentialShared(t *testing.T) {
	seen := map[string]map[string]bool{}
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			if seen[name] == nil {
				seen[name] = map[string]bool{}
			}
			seen[name]["ran"] = true
		})
	}
	if len(seen) != 2 {
		t.Fatalf("ran %d subtests", len(seen))
	}
}

// Safe: parallel subtests read a nested fixture that the parent finished before starting them.
func TestParallelFixtures(t *testing.T) {
	fixtures := map[string]map[string]string{"en": {"hi": "hello"}, "de": {"hi": "hallo"}}
	for _, lang := range []string{"en", "de"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			if fixtures[lang]["hi"] == "" {
				t.Fatal("missing greeting")
			}
		})
	}
}
