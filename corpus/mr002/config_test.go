package mr002

import (
	"maps"
	"testing"
)

// Case: parallel subtests overwrite and read one entry of a shared nested config map.
func TestApplyOverridesParallel(t *testing.T) {
	cfg := map[string]map[string]string{"db": {"host": "localhost"}}
	for _, tc := range []struct{ name, host string }{{"staging", "db.staging"}, {"prod", "db.prod"}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg["db"]["host"] = tc.host // want "MR002" `^the inner map cfg\["db"\] is used with no lock.*\(write at`
			if got := cfg["db"]["host"]; got != tc.host {
				t.Errorf("host = %q, want %q", got, tc.host)
			}
		})
	}
}

// Negative: each parallel subtest clones the inner map before changing it.
func TestApplyOverridesCloned(t *testing.T) {
	cfg := map[string]map[string]string{"db": {"host": "localhost"}}
	for _, tc := range []struct{ name, host string }{{"staging", "db.staging"}, {"prod", "db.prod"}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := maps.Clone(cfg["db"])
			db["host"] = tc.host
			if db["host"] != tc.host {
				t.Errorf("host = %q, want %q", db["host"], tc.host)
			}
		})
	}
}
