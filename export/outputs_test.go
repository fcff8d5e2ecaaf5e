package export

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// touch creates the files (and their directories) under dir.
func touch(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFindOutputs(t *testing.T) {
	if o, err := FindOutputs(filepath.Join(t.TempDir(), "missing")); err != nil || !o.Empty() {
		t.Errorf("a missing directory: %+v, %v", o, err)
	}

	dir := t.TempDir()
	touch(t, dir,
		"samples/session_id=g2/part-0.parquet", "players/session_id=g2/part-0.parquet",
		"samples/session_id=a%2Fb/part-0.parquet", "quality/session_id=g1/part-0.arrow",
		"samples/notes.txt", "samples/other/part-0.parquet", "images/x.png", "my-data.parquet")
	o, err := FindOutputs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a/b", "g1", "g2"}; !reflect.DeepEqual(o.Sessions, want) || len(o.Flat) != 0 {
		t.Errorf("Hive outputs: %+v, want sessions %v and no one-session file", o, want)
	}
	for _, c := range []struct {
		sessions []string
		hive     bool
		want     string // "" or what Foreign must name
	}{
		{[]string{"a/b", "g1", "g2"}, true, ""},
		{[]string{"a/b", "g1", "g2", "g3"}, true, ""},
		{[]string{"g1", "g2"}, true, "1 other session(s) (a/b)"},
		{[]string{"g1"}, false, "3 other session(s) (a/b, g1, g2)"},
	} {
		if got := o.Foreign(c.sessions, c.hive); c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("Foreign(%v, hive %v) = %q, want %q", c.sessions, c.hive, got, c.want)
		}
	}

	flat := t.TempDir()
	touch(t, flat, "samples.parquet", "players.parquet", "images/heatmap_team_1.png", "notes.md")
	if err := os.WriteFile(filepath.Join(flat, SummaryFile), []byte(`{"session_id":"g7","players":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	o, err = FindOutputs(flat)
	if err != nil || len(o.Flat) != 2 || o.FlatSession != "g7" || len(o.Sessions) != 0 {
		t.Fatalf("one-session outputs: %+v, %v", o, err)
	}
	if got := o.Foreign([]string{"g7"}, false); got != "" {
		t.Errorf("the same session again: %q, want nothing foreign", got)
	}
	for _, c := range []struct {
		sessions []string
		hive     bool
	}{{[]string{"g8"}, false}, {[]string{"g7", "g8"}, true}} {
		if got := o.Foreign(c.sessions, c.hive); !strings.Contains(got, "one-session tables of session g7") {
			t.Errorf("Foreign(%v, hive %v) = %q, want the one-session tables of g7", c.sessions, c.hive, got)
		}
	}

	if err := RemoveOutputs(flat); err != nil {
		t.Fatal(err)
	}
	if err := RemoveOutputs(dir); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{flat, dir} {
		if o, err := FindOutputs(d); err != nil || !o.Empty() {
			t.Errorf("after RemoveOutputs: %+v, %v", o, err)
		}
	}
	// What is not a table stays.
	for _, p := range []string{filepath.Join(flat, "notes.md"), filepath.Join(flat, "images/heatmap_team_1.png"), filepath.Join(dir, "my-data.parquet")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("RemoveOutputs removed %s", p)
		}
	}
}

// A partition's name has one '=', the one after session_id, whatever the
// id holds (DuckDB refuses a dataset with "session_id=a=b"), and gives the
// id back.
func TestPartitionDir(t *testing.T) {
	for _, c := range []struct{ id, want string }{
		{"g1", "session_id=g1"},
		{"a=b", "session_id=a%3Db"},
		{"a/b", "session_id=a%2Fb"},
		{"50%", "session_id=50%25"},
		{"x y=z", "session_id=x%20y%3Dz"},
		{"..", "session_id=.."},
	} {
		got := PartitionDir(c.id)
		if got != c.want {
			t.Errorf("PartitionDir(%q) = %q, want %q", c.id, got, c.want)
		}
		if id, ok := PartitionSession(got); !ok || id != c.id {
			t.Errorf("PartitionSession(%q) = %q, %v; want %q", got, id, ok, c.id)
		}
	}
	if _, ok := PartitionSession("images"); ok {
		t.Error("PartitionSession(images) is a partition")
	}
}
