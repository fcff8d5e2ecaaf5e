package export

import (
	"fmt"
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
		"samples/notes.txt", "samples/other/part-0.parquet", "images/x.png", "my-data.parquet",
		// A killed writer's temporary file, alone in its partition, and
		// an empty partition are no session's outputs: counting them
		// refused the --out for good (--overwrite removes table files
		// only).
		"samples/session_id=g9/.part-0.parquet.tmp-123")
	if err := os.MkdirAll(filepath.Join(dir, "events", "session_id=g8"), 0o755); err != nil {
		t.Fatal(err)
	}
	o, err := FindOutputs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a/b", "g1", "g2"}; !reflect.DeepEqual(o.Sessions, want) || len(o.Flat) != 0 {
		t.Errorf("Hive outputs: %+v, want sessions %v and no one-session file", o, want)
	}
	for _, c := range []struct {
		sessions []string
		want     string // "" or what Foreign must name
	}{
		{[]string{"a/b", "g1", "g2"}, ""},
		{[]string{"a/b", "g1", "g2", "g3"}, ""},
		{[]string{"g1", "g2"}, "1 other session(s) (a/b)"},
		// A run of one session: its own partitions are not foreign
		// (it replaces them in its layout), the others are.
		{[]string{"g1"}, "2 other session(s) (a/b, g2)"},
		{[]string{"g9"}, "3 other session(s) (a/b, g1, g2)"},
	} {
		if got := o.Foreign(c.sessions); c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("Foreign(%v) = %q, want %q", c.sessions, got, c.want)
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
	// The same session again, alone or among others (in the Hive layout,
	// which replaces its one-session tables), is not foreign.
	for _, sessions := range [][]string{{"g7"}, {"g7", "g8"}} {
		if got := o.Foreign(sessions); got != "" {
			t.Errorf("Foreign(%v) = %q, want nothing foreign", sessions, got)
		}
	}
	for _, sessions := range [][]string{{"g8"}, {"g8", "g9"}} {
		if got := o.Foreign(sessions); !strings.Contains(got, "one-session tables of session g7") {
			t.Errorf("Foreign(%v) = %q, want the one-session tables of g7", sessions, got)
		}
	}

	// An interrupted run of several sessions kept the one-session entry
	// of g7 (earlier_run) in a summary of several: its files are g7's.
	if err := WriteJSON(filepath.Join(flat, SummaryFile), MultiSummary{Sessions: []SessionSummary{
		{SessionID: "g1", Tables: map[string]string{"samples": "samples/session_id=g1/part-0.parquet"}},
		{SessionID: "g7", Tables: map[string]string{"samples": "samples.parquet"}, EarlierRun: true},
	}}, false); err != nil {
		t.Fatal(err)
	}
	if o, err := FindOutputs(flat); err != nil || o.FlatSession != "g7" {
		t.Errorf("one-session outputs named in a summary of several: %+v, %v; want g7's", o, err)
	}

	// ListTables lists the files a Writer writes, and nothing else:
	// RemoveTableFile on each leaves what is not a table (a user's
	// notes.txt, other/part-0.parquet, my-data.parquet, the images) and the
	// directories that hold it.
	touch(t, dir, "players/session_id=g2/notes.txt")
	for _, d := range []string{flat, dir} {
		files, err := ListTables(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := RemoveTableFile(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got, want := len(mustList(t, dir))+len(mustList(t, flat)), 0; got != want {
		t.Errorf("after RemoveTableFile: %d table files, want %d", got, want)
	}
	for _, p := range []string{
		filepath.Join(flat, "notes.md"), filepath.Join(flat, "images/heatmap_team_1.png"), filepath.Join(flat, SummaryFile),
		filepath.Join(dir, "my-data.parquet"), filepath.Join(dir, "samples/notes.txt"), filepath.Join(dir, "samples/other/part-0.parquet"),
		filepath.Join(dir, "images/x.png"), filepath.Join(dir, "players/session_id=g2/notes.txt"),
	} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("removing the tables removed %s", p)
		}
	}
	// Emptied partitions and table directories go; those holding something
	// else stay.
	for _, p := range []string{"samples/session_id=g2", "samples/session_id=a%2Fb", "quality"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("%s left, empty", p)
		}
	}
}

// mustList is ListTables, or the test fails.
func mustList(t *testing.T, dir string) []TableFile {
	t.Helper()
	files, err := ListTables(dir)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestListTables(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, "samples.parquet", "players.arrow", "samples/session_id=a%3Db/part-0.parquet",
		"samples/session_id=a%3Db/part-1.parquet", "quality/session_id=g1/part-0.arrow", "nota/session_id=g1/part-0.arrow",
		"samples/session_id=g3/.part-0.parquet.tmp-1")
	var got []string
	for _, f := range mustList(t, dir) {
		rel, _ := filepath.Rel(dir, f.Path)
		got = append(got, fmt.Sprintf("%s %q %v", filepath.ToSlash(rel), f.SessionID, f.Hive))
	}
	want := []string{
		`samples.parquet "" false`, `samples/session_id=a%3Db/part-0.parquet "a=b" true`,
		`players.arrow "" false`, `quality/session_id=g1/part-0.arrow "g1" true`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListTables:\n got %q\nwant %q", got, want)
	}
	if files, err := ListTables(filepath.Join(dir, "missing")); err != nil || len(files) != 0 {
		t.Errorf("a missing directory: %v, %v", files, err)
	}
}

// A partition's name has one '=', the one after session_id, whatever the
// id holds (DuckDB refuses a dataset with "session_id=a=b"), and gives the
// id back.
func TestPartitionDir(t *testing.T) {
	for _, c := range []struct{ id, want string }{
		{"g1", "session_id=g1"},
		{"a=b", "session_id=a%3Db"},
		{"12:30", "session_id=12%3A30"}, // no ':' in a Windows file name
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

// A run killed after it renamed its tables into place but before it wrote
// summary.json leaves one-session tables no summary names: their own
// session_id column says whose they are, so that the same session's run
// replaces them (it refused them as an unknown session's). Tables that
// cannot be read, disagree or have no rows name no session.
func TestTablesSession(t *testing.T) {
	for _, f := range []Format{FormatParquet, FormatArrow} {
		dir := t.TempDir()
		writeSession(t, dir, 100, WithFormat(f))
		o, err := FindOutputs(dir)
		if err != nil || len(o.Flat) != NumTables || o.FlatSession != "g1" {
			t.Errorf("%v tables without summary.json: %+v, %v; want g1's", f, o, err)
		}
		if got := o.Foreign([]string{"g1"}); got != "" {
			t.Errorf("%v: Foreign(g1) = %q, want nothing foreign", f, got)
		}
		if got := o.Foreign([]string{"g2"}); !strings.Contains(got, "one-session tables of session g1") {
			t.Errorf("%v: Foreign(g2) = %q, want g1's tables", f, got)
		}
		// A summary.json that names the session wins.
		writeSummary(t, dir, "g7")
		if o, err := FindOutputs(dir); err != nil || o.FlatSession != "g7" {
			t.Errorf("%v tables with a summary.json of g7: %+v, %v; want g7's", f, o, err)
		}

		// Only samples has rows: the empty tables do not say.
		dir = t.TempDir()
		writeSamples(t, dir, "g2", fakeSamples(10), WithFormat(f))
		paths := mustList(t, dir)
		if o, err := FindOutputs(dir); err != nil || o.FlatSession != "g2" {
			t.Errorf("%v: g2's samples and empty tables: %+v, %v; want g2's", f, o, err)
		}
		// No rows anywhere: not known.
		empty := t.TempDir()
		writeSamples(t, empty, "g3", nil, WithFormat(f))
		if o, err := FindOutputs(empty); err != nil || o.FlatSession != "" {
			t.Errorf("%v: tables without rows: %+v, %v; want no session", f, o, err)
		}
		// Two sessions' tables, or one that is not a table: not known.
		other := t.TempDir()
		writeSession(t, other, 10, WithFormat(f))
		var files []string
		for _, p := range paths {
			files = append(files, p.Path)
		}
		for _, c := range [][]string{
			append(files, TablePath(other, TableSamples, "", f, false)),
			append(files, filepath.Join(other, "notes.txt")),
			{filepath.Join(other, "missing.parquet")},
		} {
			if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := TablesSession(c); got != "" {
				t.Errorf("%v: TablesSession(%v) = %q, want none", f, c, got)
			}
		}
	}
}
