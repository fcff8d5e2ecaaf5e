package live

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A re-join's part sink removes the temporary table files an earlier join
// killed mid-part left (nine stayed in part-00001 after a kill -9), and
// keeps the earlier parts and their tables.
func TestPartSinkRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	part := filepath.Join(dir, "part-00001")
	if err := os.MkdirAll(part, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".samples.parquet.tmp-4242", ".events.parquet.tmp-17", "quality.parquet", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(part, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := newPartSink(dir, "s", 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.earlier != 1 {
		t.Errorf("earlier parts %d, want 1", p.earlier)
	}
	ents, err := os.ReadDir(part)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if want := []string{"notes.txt", "quality.parquet"}; !slices.Equal(got, want) {
		t.Errorf("part-00001 holds %v, want %v", got, want)
	}
}
