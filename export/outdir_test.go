package export

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// files lists the files under dir, relative and with '/', sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var got []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	return got
}

// writeSummary writes a summary.json naming the sessions (one: a
// SessionSummary, several: a MultiSummary).
func writeSummary(t *testing.T, dir string, ids ...string) {
	t.Helper()
	var v any = SessionSummary{SessionID: ids[0]}
	if len(ids) > 1 {
		var m MultiSummary
		for _, id := range ids {
			m.Sessions = append(m.Sessions, SessionSummary{SessionID: id})
		}
		v = m
	}
	if err := WriteJSON(filepath.Join(dir, SummaryFile), v, false); err != nil {
		t.Fatal(err)
	}
}

func TestPrepareOutDir(t *testing.T) {
	// A run that will write nothing does not look at its directory.
	if _, err := PrepareOutDir(filepath.Join(t.TempDir(), "missing", "\x00"), nil, OutDirOptions{}); err != nil {
		t.Errorf("no session: %v", err)
	}

	hive := t.TempDir()
	touch(t, hive, "samples/session_id=g1/part-0.parquet", "samples/session_id=g2/part-0.parquet", "notes.txt")
	flat := t.TempDir()
	touch(t, flat, "samples.parquet", "images/shots_all.png")
	writeSummary(t, flat, "g7")
	mine := t.TempDir()
	touch(t, mine, "notes.txt", "images/mine.png", "data.parquet")
	for _, c := range []struct {
		dir      string
		sessions []string
		opt      OutDirOptions
		foreign  string // what the refusal names; "" for none
	}{
		{hive, []string{"g1", "g2", "g3"}, OutDirOptions{Hive: true}, ""},
		{hive, []string{"g1", "g3"}, OutDirOptions{Hive: true}, "the partitions of 1 other session(s) (g2)"},
		{hive, []string{"g1"}, OutDirOptions{}, "the partitions of 1 other session(s) (g2)"},
		{hive, []string{"g1"}, OutDirOptions{Overwrite: true}, ""},
		{flat, []string{"g7"}, OutDirOptions{}, ""},
		{flat, []string{"g8"}, OutDirOptions{}, "the one-session tables of session g7"},
		{flat, []string{"g7", "g8"}, OutDirOptions{Hive: true}, ""},
		{flat, []string{"g8", "g9"}, OutDirOptions{Hive: true}, "the one-session tables of session g7"},
		{flat, []string{"g7", "g8"}, OutDirOptions{Hive: true, Overwrite: true}, ""},
		{mine, []string{"g1"}, OutDirOptions{}, ""},
		{filepath.Join(mine, "new"), []string{"g1", "g2"}, OutDirOptions{Hive: true}, ""},
	} {
		d, err := PrepareOutDir(c.dir, c.sessions, c.opt)
		var fe *ForeignOutputsError
		switch {
		case c.foreign == "" && err != nil:
			t.Errorf("PrepareOutDir(%s, %v, %+v): %v, want no error", filepath.Base(c.dir), c.sessions, c.opt, err)
		case c.foreign == "" && d.Dir() != c.dir:
			t.Errorf("PrepareOutDir(%s, ...).Dir() = %s", c.dir, d.Dir())
		case c.foreign != "" && (!errors.As(err, &fe) || !errors.Is(err, ErrForeignOutputs) || fe.Dir != c.dir || !strings.Contains(fe.What, c.foreign)):
			t.Errorf("PrepareOutDir(%s, %v, %+v): %v, want a ForeignOutputsError naming %q", filepath.Base(c.dir), c.sessions, c.opt, err, c.foreign)
		}
	}
}

// Tidy's cases, each a directory an earlier run left, the sessions of
// this run and what they wrote, and what is left after it.
func TestOutDirTidy(t *testing.T) {
	user := []string{"notes.txt", "images/mine.png", "images/session_id=g1/mine.svg", "data.parquet"}
	for _, c := range []struct {
		name      string
		before    []string // files an earlier run (and the user) left
		summary   []string // the sessions the earlier summary.json names
		opt       OutDirOptions
		run       []SessionFiles // Files: written by this run
		summ      bool           // this run writes summary.json
		after     []string       // stmotion's files left, besides the user's and summary.json
		removed   map[string]int
		noSummary bool // no summary.json is left
	}{{
		// A session that succeeded loses its tables of the other format and
		// its images not drawn again; other sessions' outputs stay.
		name: "rerun",
		before: []string{
			"samples/session_id=g1/part-0.arrow", "samples/session_id=g2/part-0.parquet",
			"images/session_id=g1/heatmap_player_9.png", "images/session_id=g2/shots_all.png",
		},
		summary: []string{"g1", "g2"},
		opt:     OutDirOptions{Hive: true},
		run: []SessionFiles{
			{SessionID: "g1", Files: []string{"samples/session_id=g1/part-0.parquet", "images/session_id=g1/shots_all.png"}},
			{SessionID: "g2", Files: []string{"samples/session_id=g2/part-0.parquet"}},
		},
		summ: true,
		after: []string{
			"images/session_id=g1/shots_all.png", "samples/session_id=g1/part-0.parquet", "samples/session_id=g2/part-0.parquet",
		},
		removed: map[string]int{"g1": 2, "g2": 1},
	}, {
		// A session that failed keeps none of its outputs.
		name: "failed",
		before: []string{
			"samples/session_id=g1/part-0.parquet", "samples/session_id=g2/part-0.parquet", "players/session_id=g2/part-0.arrow",
			"images/session_id=g2/shots_all.png",
		},
		summary: []string{"g1", "g2"},
		opt:     OutDirOptions{Hive: true},
		run: []SessionFiles{
			{SessionID: "g1", Files: []string{"samples/session_id=g1/part-0.parquet"}},
			{SessionID: "g2", Failed: true},
		},
		summ:    true,
		after:   []string{"samples/session_id=g1/part-0.parquet"},
		removed: map[string]int{"g2": 3},
	}, {
		// No session succeeded: no summary.json written, and the earlier
		// one goes as it names the failed session.
		name:      "all failed",
		before:    []string{"samples.parquet", "players.arrow", "images/heatmap_team_1.svg"},
		summary:   []string{"g1"},
		run:       []SessionFiles{{SessionID: "g1", Failed: true}},
		removed:   map[string]int{"g1": 4},
		noSummary: true,
	}, {
		// The earlier summary.json names another session: it stays.
		name:    "all failed, other summary",
		summary: []string{"g5", "g6"},
		opt:     OutDirOptions{Hive: true},
		run:     []SessionFiles{{SessionID: "g1", Failed: true}, {SessionID: "g2", Failed: true}},
		removed: map[string]int{},
	}, {
		// A one-session run without Overwrite: the one-session files are its
		// session's (PrepareOutDir refused any other's tables).
		name:    "one session",
		before:  []string{"samples.arrow", "images/heatmap_ball_1.png", "images/shots_all.png"},
		summary: []string{"g1"},
		run:     []SessionFiles{{SessionID: "g1", Files: []string{"samples.parquet", "images/shots_all.png"}}},
		summ:    true,
		after:   []string{"images/shots_all.png", "samples.parquet"},
		removed: map[string]int{"g1": 2},
	}, {
		// ... also the images when no one-session table says whose they
		// are (PrepareOutDir looks at the tables only).
		name:    "one session, images only",
		before:  []string{"images/heatmap_ball_1.png"},
		run:     []SessionFiles{{SessionID: "g1", Files: []string{"samples.parquet"}}},
		summ:    true,
		after:   []string{"samples.parquet"},
		removed: map[string]int{"g1": 1},
	}, {
		// A layout change of the run's own session, one to several:
		// its one-session tables and images go, as the summary that named
		// them is replaced.
		name:    "one session to several",
		before:  []string{"samples.parquet", "players.arrow", "images/shots_all.png"},
		summary: []string{"g1"},
		opt:     OutDirOptions{Hive: true},
		run: []SessionFiles{
			{SessionID: "g1", Files: []string{"samples/session_id=g1/part-0.parquet", "images/session_id=g1/shots_all.png"}},
			{SessionID: "g2", Files: []string{"samples/session_id=g2/part-0.parquet"}},
		},
		summ: true,
		after: []string{
			"images/session_id=g1/shots_all.png", "samples/session_id=g1/part-0.parquet", "samples/session_id=g2/part-0.parquet",
		},
		removed: map[string]int{"g1": 3},
	}, {
		// ... and several to one: the session's partitions go, another
		// session's would have been refused.
		name:    "several sessions to one",
		before:  []string{"samples/session_id=g1/part-0.parquet", "images/session_id=g1/shots_all.png"},
		summary: []string{"g1", "g2"},
		run:     []SessionFiles{{SessionID: "g1", Files: []string{"samples.parquet", "images/shots_all.png"}}},
		summ:    true,
		after:   []string{"images/shots_all.png", "samples.parquet"},
		removed: map[string]int{"g1": 2},
	}, {
		// With Overwrite and a summary written, every other output goes,
		// counted under the session that had it ("" when none is known).
		name: "overwrite",
		before: []string{
			"samples.parquet", "images/heatmap_ball_1.png", "samples/session_id=g2/part-0.parquet",
			"images/session_id=g2/shots_all.svg", "quality/session_id=g1/part-0.parquet",
		},
		opt:     OutDirOptions{Hive: true, Overwrite: true},
		run:     []SessionFiles{{SessionID: "g1", Files: []string{"samples/session_id=g1/part-0.parquet"}}, {SessionID: "g3", Failed: true}},
		summ:    true,
		after:   []string{"samples/session_id=g1/part-0.parquet"},
		removed: map[string]int{"": 2, "g1": 1, "g2": 2},
	}, {
		// An interrupted run: the canceled session keeps its outputs, and
		// Overwrite removes no other session's; a failed session still
		// loses its own, the analysed one what it did not write again.
		name: "interrupted",
		before: []string{
			"samples/session_id=g1/part-0.arrow", "samples/session_id=g2/part-0.parquet",
			"samples/session_id=g3/part-0.parquet", "samples/session_id=g4/part-0.parquet",
		},
		summary: []string{"g1", "g2", "g3", "g4"},
		opt:     OutDirOptions{Hive: true, Overwrite: true},
		run: []SessionFiles{
			{SessionID: "g1", Files: []string{"samples/session_id=g1/part-0.parquet"}},
			{SessionID: "g2", Canceled: true},
			{SessionID: "g3", Failed: true},
		},
		summ: true,
		after: []string{
			"samples/session_id=g1/part-0.parquet", "samples/session_id=g2/part-0.parquet", "samples/session_id=g4/part-0.parquet",
		},
		removed: map[string]int{"g1": 1, "g3": 1},
	}, {
		// With Overwrite but no session analysed, only the failed sessions'
		// own outputs go.
		name:    "overwrite, nothing analysed",
		before:  []string{"samples/session_id=g1/part-0.parquet", "samples/session_id=g2/part-0.parquet"},
		summary: []string{"g2"},
		opt:     OutDirOptions{Hive: true, Overwrite: true},
		run:     []SessionFiles{{SessionID: "g1", Failed: true}},
		after:   []string{"samples/session_id=g2/part-0.parquet"},
		removed: map[string]int{"g1": 1},
	}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			touch(t, dir, user...)
			touch(t, dir, c.before...)
			if len(c.summary) > 0 {
				writeSummary(t, dir, c.summary...)
			}
			var ids []string
			for _, s := range c.run {
				ids = append(ids, s.SessionID)
			}
			d, err := PrepareOutDir(dir, ids, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			run := slices.Clone(c.run)
			for i, s := range run {
				touch(t, dir, s.Files...)
				run[i].Files = nil
				for _, f := range s.Files {
					run[i].Files = append(run[i].Files, filepath.Join(dir, f))
				}
			}
			if c.summ {
				if err := d.WriteSummary(MultiSummary{}, false); err != nil {
					t.Fatal(err)
				}
			}
			removed, err := d.Tidy(run)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Concat(user, c.after)
			if !c.noSummary {
				want = append(want, SummaryFile)
			}
			slices.Sort(want)
			if got := files(t, dir); !reflect.DeepEqual(got, want) {
				t.Errorf("left:\n got %q\nwant %q", got, want)
			}
			if !reflect.DeepEqual(removed, c.removed) {
				t.Errorf("removed %v, want %v", removed, c.removed)
			}
		})
	}
}

// A file Tidy cannot remove (a read-only partition directory) stops
// nothing: the others go, and its error lists, per session, the files
// that stay and why.
func TestOutDirTidyGoesOnPastErrors(t *testing.T) {
	dir := t.TempDir()
	stuck := map[string]bool{
		"samples/session_id=g2/part-0.parquet": true,
		"images/session_id=g2/shots_all.png":   true,
		"samples/session_id=g3/part-0.parquet": true,
	}
	removeFile = func(p string) error {
		if rel, _ := filepath.Rel(dir, p); stuck[filepath.ToSlash(rel)] {
			return &fs.PathError{Op: "remove", Path: p, Err: fs.ErrPermission}
		}
		return os.Remove(p)
	}
	defer func() { removeFile = os.Remove }()
	before := []string{
		"samples/session_id=g1/part-0.arrow", "samples/session_id=g2/part-0.parquet", "players/session_id=g2/part-0.parquet",
		"events/session_id=g2/part-0.parquet", "images/session_id=g2/shots_all.png", "images/session_id=g2/heatmap_ball_1.svg",
		"samples/session_id=g3/part-0.parquet", "players/session_id=g3/part-0.parquet",
	}
	touch(t, dir, before...)
	d, err := PrepareOutDir(dir, []string{"g1", "g2"}, OutDirOptions{Hive: true, Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	g1 := filepath.Join(dir, "samples", "session_id=g1", "part-0.parquet")
	touch(t, dir, "samples/session_id=g1/part-0.parquet")
	if err := d.WriteSummary(MultiSummary{}, false); err != nil {
		t.Fatal(err)
	}
	removed, err := d.Tidy([]SessionFiles{{SessionID: "g1", Files: []string{g1}}, {SessionID: "g2", Failed: true}})
	var re *RemoveError
	if !errors.As(err, &re) {
		t.Fatalf("Tidy: %v; want a *RemoveError", err)
	}
	wantLeft := map[string][]string{
		"g2": {"samples/session_id=g2/part-0.parquet", "images/session_id=g2/shots_all.png"},
		"g3": {"samples/session_id=g3/part-0.parquet"},
	}
	if !reflect.DeepEqual(re.Left, wantLeft) || !errors.Is(re.Errs["g2"], fs.ErrPermission) || !errors.Is(re.Errs["g3"], fs.ErrPermission) || len(re.Errs) != 2 {
		t.Errorf("left %v, errors %v; want %v, for want of permission", re.Left, re.Errs, wantLeft)
	}
	if want := map[string]int{"g1": 1, "g2": 3, "g3": 1}; !reflect.DeepEqual(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	want := []string{"images/session_id=g2/shots_all.png", "samples/session_id=g1/part-0.parquet", "samples/session_id=g2/part-0.parquet", "samples/session_id=g3/part-0.parquet", SummaryFile}
	if got := files(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("left:\n got %q\nwant %q", got, want)
	}
}

// A run that writes nothing removes nothing, whatever the directory holds.
func TestOutDirTidyNoSession(t *testing.T) {
	dir := t.TempDir()
	before := []string{"samples.parquet", "images/shots_all.png", "samples/session_id=g2/part-0.parquet"}
	touch(t, dir, before...)
	d, err := PrepareOutDir(dir, nil, OutDirOptions{Hive: true, Overwrite: true})
	if err != nil {
		t.Fatal(err)
	}
	removed, err := d.Tidy(nil)
	if err != nil || len(removed) != 0 {
		t.Errorf("Tidy: %v, %v; want nothing removed", removed, err)
	}
	slices.Sort(before)
	if got := files(t, dir); !reflect.DeepEqual(got, before) {
		t.Errorf("left %q, want %q", got, before)
	}
}

func TestSummaryNames(t *testing.T) {
	dir := t.TempDir()
	f := func(body string, ids []string, want string) {
		t.Helper()
		p := filepath.Join(dir, SummaryFile)
		os.Remove(p)
		if body != "" {
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if got := summaryNames(p, ids); got != want {
			t.Errorf("summaryNames(%s, %v) = %q, want %q", body, ids, got, want)
		}
	}
	f("", []string{"g1"}, "")
	f(`not json`, []string{"g1"}, "")
	f(`{"session_id":"g1","players":[]}`, []string{"g0", "g1"}, "g1")
	f(`{"session_id":"g1"}`, []string{"g2"}, "")
	f(`{"sessions":[{"session_id":"g1"},{"session_id":"g2"}]}`, []string{"g3", "g2", "g1"}, "g2")
	f(`{"sessions":[{"session_id":"g1"}],"failed":[{"source":"x"}]}`, []string{"g3"}, "")
}
