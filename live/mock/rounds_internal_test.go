package mock

import (
	"strings"
	"testing"
)

// The live ids of later passes carry their pass and round: lookup reads
// them back without any state, and refuses ids the Server did not make.
func TestPassIDsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	if err := WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	s, err := New(dir, Options{Loop: true, Speed: 1})
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(dir, Options{Loop: true, Speed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if ref, ok := s.lookup(TinyLiveID); !ok || ref != (roundRef{}) {
		t.Errorf("lookup(bundle's id) = %v %v", ref, ok)
	}
	seen := map[string]bool{TinyLiveID: true}
	for _, p := range []int64{1, 2, 3, 1000, 1<<32 - 1} {
		id := s.roundID(p, 0)
		if seen[id] || len(id) != 36 || id != strings.ToLower(id) || id[14] != '4' {
			t.Errorf("pass %d: id %q (a UUID v4, new for each pass)", p, id)
		}
		seen[id] = true
		if ref, ok := s.lookup(id); !ok || ref != (roundRef{p, 0}) {
			t.Errorf("lookup(pass %d's id %s) = %v %v", p, id, ref, ok)
		}
		if _, ok := other.lookup(id); ok {
			t.Errorf("another Server accepts pass %d's id %s", p, id)
		}
		if _, ok := s.lookup(strings.ToUpper(id)); ok {
			t.Errorf("lookup accepts the upper-case %s", id)
		}
	}
	// A round the feed does not have, and pass 0 (whose ids are the
	// bundle's), are refused.
	for _, id := range []string{s.roundID(1, 0)[:34] + "01", s.roundID(1, 0)[:24] + "000000000000", "not-a-uuid", ""} {
		if ref, ok := s.lookup(id); ok {
			t.Errorf("lookup(%q) = %v, want unknown", id, ref)
		}
	}
}
