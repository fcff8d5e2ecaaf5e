package export

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// RemoveStaleTemps removes the temporary files of writers that are gone,
// of this package's naming and for its own final names, in every
// directory under the output directory a run writes, other sessions'
// partitions too (a glob over the dataset fails on any of them), and the
// partition directories that held nothing else; and nothing more: not a
// live writer's file (in this process here: flock conflicts between open
// files, not processes), not other names, not a directory holding
// anything else or already empty.
func TestRemoveStaleTemps(t *testing.T) {
	dir := t.TempDir()
	stale := []string{
		".summary.json.tmp-1", ".samples.parquet.tmp-22",
		"samples/session_id=g1/.part-0.parquet.tmp-333", "players/session_id=g1/.part-0.arrow.tmp-4",
		"images/session_id=g1/.heatmap_player_7.png.tmp-55",
		// Not this run's sessions: a killed run's of others.
		"samples/session_id=g9/.part-0.parquet.tmp-6", "shots/session_id=g8/.part-0.arrow.tmp-7",
		"images/session_id=g9/.shots_all.svg.tmp-8", "events/session_id=g7/.part-0.parquet.tmp-9",
	}
	keep := []string{
		".notes.md.tmp-1", "samples/session_id=g1/.part-0.parquet.tmp-x1", "samples/session_id=g1/.mine.tmp-1",
		"samples/session_id=g1/part-0.parquet.tmp-1", "samples/.part-0.parquet.tmp-1",
		"images/session_id=g1/.mine.png.tmp-7",
		"events/session_id=g7/notes.txt", // a user's file keeps its partition
		"heatmaps/session_id=g6/part-0.parquet",
	}
	touch(t, dir, stale...)
	touch(t, dir, keep...)
	// An empty partition may be a live writer's, made before its file.
	if err := os.MkdirAll(filepath.Join(dir, "boxscore", "session_id=g5"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A writer still at work in g1's partition, and one in another
	// session's, the only file there.
	var liveNames []string
	var lives []*atomicFile
	for _, id := range []string{"g1", "g4"} {
		live, err := createAtomic(filepath.Join(dir, "events", "session_id="+id, "part-0.parquet"), false)
		if err != nil {
			t.Fatal(err)
		}
		defer live.Abort()
		lives = append(lives, live)
		name, _ := filepath.Rel(dir, live.file.Name())
		liveNames = append(liveNames, filepath.ToSlash(name))
		// Its lock, not its age, says it is at work.
		hourAgo := time.Now().Add(-time.Hour)
		if err := os.Chtimes(live.file.Name(), hourAgo, hourAgo); err != nil {
			t.Fatal(err)
		}
	}

	d, err := PrepareOutDir(dir, []string{"g1", "g2"}, OutDirOptions{Hive: true, Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := d.RemoveStaleTemps(time.Now())
	// Emptied: the partitions of g9 (samples, images), g8 (shots) and
	// g1 (players), and the shots and players tables' directories.
	if err != nil || st.Files != len(stale) || st.Bytes != int64(len(stale)) || st.Dirs != 6 {
		t.Errorf("RemoveStaleTemps: %+v, %v; want %d files of 1 byte and 6 directories", st, err, len(stale))
	}
	want := append(slices.Clone(keep), liveNames...)
	slices.Sort(want)
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Errorf("left:\n got %q\nwant %q", got, want)
	}
	for _, gone := range []string{"samples/session_id=g9", "images/session_id=g9", "shots", "players"} {
		if _, err := os.Stat(filepath.Join(dir, gone)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: %v; want it removed, as it held only stale temporary files", gone, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "boxscore", "session_id=g5")); err != nil {
		t.Errorf("an empty partition it did not empty: %v; want it left", err)
	}
	// The live writers still commit.
	for _, live := range lives {
		if _, err := live.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		if err := live.Commit(); err != nil {
			t.Errorf("the live writer's commit: %v", err)
		}
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
