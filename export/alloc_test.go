package export

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// The recycler hands out cleared buffers of the asked length, reuses freed
// ones of the same size class, and gives everything back to its parent on
// release.
func TestRecycler(t *testing.T) {
	for _, c := range []struct {
		name       string
		first, ask int  // size of the buffer freed, then asked for
		reused     bool // whether the second allocation reuses the first
	}{
		{"small", 100, 100, false},
		{"same size", 10000, 10000, true},
		{"same class", 9000, 16000, true},
		{"bigger class", 10000, 20000, false},
		{"smaller class", 20000, 10000, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			r := newRecycler(mem)
			a := r.Allocate(c.first)
			for i := range a {
				a[i] = 0xff
			}
			r.Free(a)
			b := r.Allocate(c.ask)
			if len(b) != c.ask {
				t.Errorf("Allocate(%d) after Free(%d): len %d", c.ask, c.first, len(b))
			}
			if got := &a[:1][0] == &b[:1][0]; got != c.reused {
				t.Errorf("Allocate(%d) after Free(%d): reused = %v, want %v", c.ask, c.first, got, c.reused)
			}
			for i, v := range b {
				if v != 0 {
					t.Fatalf("Allocate(%d) after Free(%d): byte %d = %#x, want 0", c.ask, c.first, i, v)
				}
			}
			b = r.Reallocate(c.ask*3, b)
			if len(b) != c.ask*3 {
				t.Errorf("Reallocate(%d): len %d", c.ask*3, len(b))
			}
			r.Free(b)
			r.release()
			mem.AssertSize(t, 0)
		})
	}
}
