package export

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// RemoveStaleTemps removes the temporary files of writers that are gone,
// of this package's naming and for its own final names, in the
// directories the run writes, and nothing else: not a live writer's (in
// this process here: flock conflicts between open files, not processes),
// not other names, not other sessions' partitions.
func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	stale := []string{
		".summary.json.tmp-1", ".samples.parquet.tmp-22",
		"samples/session_id=g1/.part-0.parquet.tmp-333", "players/session_id=g1/.part-0.arrow.tmp-4",
		"images/session_id=g1/.heatmap_player_7.png.tmp-55",
	}
	keep := []string{
		".notes.md.tmp-1", "samples/session_id=g1/.part-0.parquet.tmp-x1", "samples/session_id=g1/.mine.tmp-1",
		"samples/session_id=g1/part-0.parquet.tmp-1", "samples/.part-0.parquet.tmp-1",
		"samples/session_id=g9/.part-0.parquet.tmp-6", // not this run's session
		"images/session_id=g1/.mine.png.tmp-7",
	}
	touch(t, dir, stale...)
	touch(t, dir, keep...)
	// A writer still at work in g1's partition.
	live, err := createAtomic(filepath.Join(dir, "events", "session_id=g1", "part-0.parquet"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Abort()
	liveName, _ := filepath.Rel(dir, live.file.Name())
	// Its lock, not its age, says it is at work.
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(live.file.Name(), hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}

	d, err := PrepareOutDir(dir, []string{"g1", "g2"}, OutDirOptions{Hive: true, Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := d.RemoveStaleTemps(time.Now())
	if err != nil || st.Files != len(stale) || st.Bytes != int64(len(stale)) {
		t.Errorf("RemoveStaleTemps: %+v, %v; want %d files of 1 byte", st, err, len(stale))
	}
	want := append(slices.Clone(keep), filepath.ToSlash(liveName))
	slices.Sort(want)
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Errorf("left:\n got %q\nwant %q", got, want)
	}
	// The live writer still commits.
	if _, err := live.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := live.Commit(); err != nil {
		t.Errorf("the live writer's commit: %v", err)
	}
}

// RemoveStaleTempsIn removes, in one directory of one session's tables (a
// live table part), the temporary files a killed writer left, of this
// package's names only.
func TestRemoveStaleTempsIn(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{".samples.parquet.tmp-123", ".players.parquet.tmp-9", "samples.parquet", ".hidden", "x.tmp-1", ".notes.txt.tmp-5", ".samples.parquet.tmp-"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, err := createAtomic(filepath.Join(dir, "events.parquet"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Abort() // a live writer: its file stays
	st, err := RemoveStaleTempsIn(dir, time.Now().Add(2*StaleTempAgeNoLock))
	if err != nil || st.Files != 2 {
		t.Errorf("RemoveStaleTempsIn: %+v, %v; want 2 files removed", st, err)
	}
	for _, name := range []string{".samples.parquet.tmp-123", ".players.parquet.tmp-9"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s stayed", name)
		}
	}
	if _, err := os.Stat(a.file.Name()); err != nil {
		t.Errorf("the live writer's temporary file: %v", err)
	}
}
