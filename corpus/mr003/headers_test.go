package mr003

import "testing"

// Case: two parallel subtests reach one headers map through two keys; one sets a header, the other reads.
func TestClientHeadersParallel(t *testing.T) {
	base := map[string]string{"Accept": "application/json"}
	reqs := make(map[string]map[string]string)
	reqs["list"] = base
	reqs["get"] = base
	t.Run("list", func(t *testing.T) {
		t.Parallel()
		reqs["list"]["X-Page"] = "2" // want "MR003" `^reqs\["list"\] and reqs\["get"\] \(.*\) are one inner map .*this write races with the read`
	})
	t.Run("get", func(t *testing.T) {
		t.Parallel()
		if reqs["get"]["Accept"] == "" {
			t.Fatal("missing Accept")
		}
	})
}

// Negative: both parallel subtests only read the shared headers map.
func TestClientHeadersReadOnly(t *testing.T) {
	base := map[string]string{"Accept": "application/json"}
	reqs := make(map[string]map[string]string)
	reqs["list"] = base
	reqs["get"] = base
	for _, name := range []string{"list", "get"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if reqs[name]["Accept"] != "application/json" {
				t.Fatal("wrong Accept")
			}
		})
	}
}
