package fifo

import (
	"strings"
	"testing"
)

// TestSet: the set holds at most max keys and maxWeight in all,
// forgetting the oldest first, and counts what it forgot.
func TestSet(t *testing.T) {
	s := New[int](4, nil, 0)
	for k := range 10 {
		if s.Mark(k) {
			t.Fatalf("%d: a new key taken for one held", k)
		}
		if !s.Mark(k) {
			t.Fatalf("%d: a key just added not held", k)
		}
	}
	for k := range 10 {
		if got, want := s.Has(k), k >= 6; got != want {
			t.Errorf("after 0..9 with room for 4: Has(%d) = %v, want %v", k, got, want)
		}
	}
	if s.Len() != 4 || len(s.m) != 4 || s.Forgotten() != 6 {
		t.Errorf("%d keys held (map %d), %d forgotten; want 4 and 6", s.Len(), len(s.m), s.Forgotten())
	}

	w := New(100, func(k string) int { return len(k) }, 10)
	for _, k := range []string{"aaaa", "bbbb", "cc", "dddd"} { // 4+4+2+4 > 10: aaaa goes
		w.Mark(k)
	}
	if w.Has("aaaa") || !w.Has("bbbb") || !w.Has("cc") || !w.Has("dddd") || w.Weight() != 10 {
		t.Errorf("weights: held %v (weight %d), want bbbb cc dddd (10)", w.m, w.Weight())
	}
	w.Mark(strings.Repeat("x", 11)) // heavier than the whole bound: not kept
	if w.Has(strings.Repeat("x", 11)) || w.Len() != 3 || w.Forgotten() != 2 {
		t.Errorf("a key over the bound: held %v, forgotten %d; want the 3 before, 2", w.m, w.Forgotten())
	}
}

// TestSetWraps: keys added across the ring's growth and wrap-around are
// forgotten in the order they were added.
func TestSetWraps(t *testing.T) {
	const maxKeys = 50 // the ring grows 16, 32, 50, then wraps
	s := New[int](maxKeys, nil, 0)
	for k := range 1000 {
		s.Mark(k)
		for j := max(0, k-maxKeys-2); j <= k; j++ {
			if got, want := s.Has(j), j > k-maxKeys; got != want {
				t.Fatalf("after 0..%d: Has(%d) = %v, want %v", k, j, got, want)
			}
		}
	}
	if s.Forgotten() != 1000-maxKeys || s.Len() != maxKeys {
		t.Errorf("%d held, %d forgotten; want %d, %d", s.Len(), s.Forgotten(), maxKeys, 1000-maxKeys)
	}
	if z := New[int](0, nil, 0); z.Mark(1) || !z.Mark(1) || z.Mark(2) || z.Has(1) || z.Len() != 1 {
		t.Error("a set of max 0 does not hold one key (New takes at least 1)")
	}
}
