package live_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// bundleFiles reads every file under dir (path relative to dir →
// contents): a bundle to compare before and after.
func bundleFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameFiles reports the differences between two bundleFiles.
func sameFiles(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for p, data := range before {
		if now, ok := after[p]; !ok {
			t.Errorf("%s: %s removed", what, p)
		} else if now != data {
			t.Errorf("%s: %s changed (%d bytes, now %d)", what, p, len(data), len(now))
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s: %s added", what, p)
		}
	}
}

// checkDrill checks a drill's result: drill k is period k live (the
// players moving most in it) and in `stmotion analyze` of its bundle,
// whose periods.json says where the count stood (after the previous
// drill, the clock paused), and each player's distance is analyze's.
func checkDrill(t *testing.T, r live.SessionResult, drill int, previous string) {
	t.Helper()
	if r.Summary == nil {
		t.Fatalf("drill %d (%s): no summary: %s", drill, r.LiveID, r.String())
	}
	if n, busiest := periodsOf(t, r.LiveID+" live", r.Summary); n != drill || busiest != drill {
		t.Errorf("drill %d live: %d periods, the players moving most in period %d; want %d and %d", drill, n, busiest, drill, drill)
	}
	c, err := decode.ReadContinuation(r.Dir)
	if err != nil || c == nil || c.Period != int32(drill-1) || c.PeriodOpen || c.PreviousLiveID != previous || c.Clock != decode.ClockPaused {
		t.Errorf("drill %d: %s %+v (%v), want period %d, closed, after %s, the clock paused", drill, decode.BundlePeriods, c, err, drill-1, previous)
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "summary.json")); err != nil {
		t.Errorf("drill %d: %v", drill, err)
	}
	batch := analyzeBundle(t, r.Dir)
	if n, busiest := periodsOf(t, r.LiveID+" analyze", batch); n != drill || busiest != drill {
		t.Errorf("drill %d, analyze of its bundle: %d periods, the players moving most in period %d; want %d and %d", drill, n, busiest, drill, drill)
	}
	if len(r.Summary.Players) != len(batch.Players) || r.Summary.Quality.Locations != batch.Quality.Locations {
		t.Errorf("drill %d: live %d players, %d locations; analyze %d, %d", drill, len(r.Summary.Players), r.Summary.Quality.Locations, len(batch.Players), batch.Quality.Locations)
	}
	for i := range min(len(r.Summary.Players), len(batch.Players)) {
		lp, bp := r.Summary.Players[i], batch.Players[i]
		if lp.PlayerID != bp.PlayerID || math.Abs(lp.Distance_m-bp.Distance_m) > 1e-6*max(1, bp.Distance_m) {
			t.Errorf("drill %d: player %d live %.4f m, analyze player %d %.4f m", drill, lp.PlayerID, lp.Distance_m, bp.PlayerID, bp.Distance_m)
		}
	}
}

// liveIDs lists the results' live ids.
func liveIDs(res []live.SessionResult) []string {
	var ids []string
	for _, r := range res {
		ids = append(ids, r.LiveID)
	}
	return ids
}

// TestJoinResumesWhereTheRunBeforeWas: `stmotion live` run again with
// the live id it was started with (systemd, a re-run after a kill -9),
// after the run before had followed that live id's DRILL_NEXT (a
// practice of three drills, served as fast as read), goes on at the
// live id that run was at, as if it had not stopped, instead of reading
// the first live id's feed again: it went on past the marker (which, a
// duplicate of the recorded one, was not followed again) and recorded
// the later drills into the first one's bundle, or, with the first live
// id no longer active, exited at once. The bundles before are left as
// they are, the one it was at continued (replayed, parts numbered on,
// summary.json), and the period count and clock carried on as on a
// follow (drill k is period k, live and in analyze of its bundle).
func TestJoinResumesWhereTheRunBeforeWas(t *testing.T) {
	dir := tinyDrills(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// first runs Join into out until the result of the live id stopAt
	// (0: to the end), as a kill right after its follow.
	first := func(out string, stopAt int) {
		t.Helper()
		_, c := liveMock(t, dir, mock.Options{Speed: 0})
		rctx, stop := context.WithCancel(ctx)
		defer stop()
		n := 0
		_, err := live.Join(rctx, live.SessionConfig{Client: c, LiveID: mock.TinyLiveID, Out: out, OnResult: func(r live.SessionResult) {
			if n++; n == stopAt {
				stop()
			}
		}})
		if err != nil || (stopAt > 0 && n != stopAt) {
			t.Fatalf("first run: %v, %d results; want %d", err, n, stopAt)
		}
	}
	again := func(out string, opts mock.Options, cfg live.SessionConfig) ([]live.SessionResult, string, error) {
		t.Helper()
		_, c := liveMock(t, dir, opts)
		var logs syncBuffer
		cfg.Client, cfg.LiveID, cfg.Out, cfg.Logger = c, mock.TinyLiveID, out, slog.New(slog.NewTextHandler(&logs, nil))
		res, err := live.Join(ctx, cfg)
		return res, logs.String(), err
	}
	drill1 := func(out string) string { return filepath.Join(out, mock.TinyLiveID) }

	t.Run("mid-drill", func(t *testing.T) {
		// The run before was killed in drill 2: its bundle holds the
		// first half of the drill's lines, no summary.json; drill 3 has
		// no bundle yet.
		out := t.TempDir()
		first(out, 0)
		d2 := filepath.Join(out, tinyDrill2)
		msgs := filepath.Join(d2, decode.BundleMessages)
		data, err := os.ReadFile(msgs)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.SplitAfter(data, []byte("\n"))
		if err := os.WriteFile(msgs, bytes.Join(lines[:len(lines)/2], nil), 0o644); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(bytes.Join(lines[:len(lines)/2], nil), []byte("DRILL_NEXT")) {
			t.Fatal("the first half of drill 2's recording has its DRILL_NEXT")
		}
		for _, p := range []string{filepath.Join(d2, "summary.json"), filepath.Join(out, tinyDrill3)} {
			if err := os.RemoveAll(p); err != nil {
				t.Fatal(err)
			}
		}
		parts, _ := filepath.Glob(filepath.Join(d2, "tables", "part-*"))
		before := bundleFiles(t, drill1(out))

		res, logs, err := again(out, mock.Options{Speed: 0}, live.SessionConfig{})
		if err != nil || len(res) != 2 || res[0].LiveID != tinyDrill2 || res[1].LiveID != tinyDrill3 {
			t.Fatalf("run again with the first live id: %v, live ids %v; want drill 2's, continued, then drill 3's\n%s", err, liveIDs(res), logs)
		}
		want := "continuing at " + tinyDrill2 + ": the run before followed " + mock.TinyLiveID + " → " + tinyDrill2
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
		sameFiles(t, "drill 1's bundle", before, bundleFiles(t, drill1(out)))
		if r := res[0]; r.Replayed == 0 || r.EarlierParts != len(parts) || len(parts) == 0 || len(r.Parts) == 0 {
			t.Errorf("drill 2: %s, %d earlier parts, %d parts; want its recording replayed and its %d parts numbered on", r.String(), r.EarlierParts, len(r.Parts), len(parts))
		}
		checkDrill(t, res[0], 2, mock.TinyLiveID)
		checkDrill(t, res[1], 3, tinyDrill2)
	})

	t.Run("first-inactive", func(t *testing.T) {
		// Killed right after following drill 1's DRILL_NEXT, before
		// drill 2's bundle was made; drill 1 has ended since.
		out := t.TempDir()
		first(out, 1)
		if _, err := os.Stat(filepath.Join(out, tinyDrill2)); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("drill 2's bundle: %v; want none", err)
		}
		before := bundleFiles(t, drill1(out))
		res, logs, err := again(out, mock.Options{Speed: 0, InactiveIDs: []string{mock.TinyLiveID}}, live.SessionConfig{})
		if err != nil || len(res) != 2 || res[0].LiveID != tinyDrill2 || res[1].LiveID != tinyDrill3 {
			t.Fatalf("run again with the first live id, no longer active: %v, live ids %v; want drill 2's then drill 3's\n%s", err, liveIDs(res), logs)
		}
		sameFiles(t, "drill 1's bundle", before, bundleFiles(t, drill1(out)))
		checkDrill(t, res[0], 2, mock.TinyLiveID)
		checkDrill(t, res[1], 3, tinyDrill2)
	})

	t.Run("chain", func(t *testing.T) {
		// Killed right after following drill 2's DRILL_NEXT: run again,
		// it passes drill 1's bundle and drill 2's, and drill 3 starts
		// where drill 2 left the count (made again from drill 2's
		// recording and its periods.json).
		out := t.TempDir()
		first(out, 2)
		before1, before2 := bundleFiles(t, drill1(out)), bundleFiles(t, filepath.Join(out, tinyDrill2))
		res, logs, err := again(out, mock.Options{Speed: 0}, live.SessionConfig{})
		if err != nil || len(res) != 1 || res[0].LiveID != tinyDrill3 {
			t.Fatalf("run again: %v, live ids %v; want drill 3's\n%s", err, liveIDs(res), logs)
		}
		if want := "the run before followed " + mock.TinyLiveID + " → " + tinyDrill2 + " → " + tinyDrill3; !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
		sameFiles(t, "drill 1's bundle", before1, bundleFiles(t, drill1(out)))
		sameFiles(t, "drill 2's bundle", before2, bundleFiles(t, filepath.Join(out, tinyDrill2)))
		checkDrill(t, res[0], 3, tinyDrill2)
	})

	t.Run("cycle", func(t *testing.T) {
		// Drill 2's recording names drill 1 again: the run before had
		// stopped there (Join follows no live id twice), and so does
		// this one, joining nothing.
		out := t.TempDir()
		first(out, 2)
		msgs := filepath.Join(out, tinyDrill2, decode.BundleMessages)
		data, err := os.ReadFile(msgs)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(msgs, bytes.ReplaceAll(data, []byte(tinyDrill3), []byte(mock.TinyLiveID)), 0o644); err != nil {
			t.Fatal(err)
		}
		res, logs, err := again(out, mock.Options{Speed: 0}, live.SessionConfig{})
		if err != nil || len(res) != 0 || !strings.Contains(logs, "the run before stopped at "+tinyDrill2) {
			t.Fatalf("run again: %v, live ids %v; want none joined\n%s", err, liveIDs(res), logs)
		}
	})

	t.Run("no-follow", func(t *testing.T) {
		// With NoFollow, the live id given is joined again, as ever.
		out := t.TempDir()
		first(out, 1)
		res, logs, err := again(out, mock.Options{Speed: 0}, live.SessionConfig{NoFollow: true})
		if err != nil || len(res) != 1 || res[0].LiveID != mock.TinyLiveID || res[0].Replayed == 0 {
			t.Fatalf("run again with NoFollow: %v, live ids %v; want the first, re-joined\n%s", err, liveIDs(res), logs)
		}
	})

	t.Run("no-resume", func(t *testing.T) {
		// With NoResume (the demo's), the live id given is joined again,
		// its bundle continued, as before.
		out := t.TempDir()
		first(out, 1)
		res, logs, err := again(out, mock.Options{Speed: 0}, live.SessionConfig{NoResume: true})
		if err != nil || len(res) == 0 || res[0].LiveID != mock.TinyLiveID || res[0].Replayed == 0 || strings.Contains(logs, "continuing at") {
			t.Fatalf("run again with NoResume: %v, live ids %v; want the first, re-joined\n%s", err, liveIDs(res), logs)
		}
	})
}

// TestJoinStopsAtMaxFollow: a Join that has followed MaxFollow live ids
// stops at the next PLAY_NEXT / DRILL_NEXT with a *MaxFollowError naming
// the live id not followed, and says so in that live id's result (it
// returned nil, as for an event that is over); joined again with the
// same live id and Out, it goes on at the live id not followed.
func TestJoinStopsAtMaxFollow(t *testing.T) {
	dir := tinyDrills(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out := t.TempDir()
	_, c := liveMock(t, dir, mock.Options{Speed: 0})
	res, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: mock.TinyLiveID, Out: out, MaxFollow: 1})
	var mf *live.MaxFollowError
	if !errors.As(err, &mf) || !errors.Is(err, live.ErrMaxFollow) || mf.LiveID != tinyDrill2 || mf.Next != tinyDrill3 || mf.MaxFollow != 1 {
		t.Fatalf("Join with MaxFollow 1: %v (%#v); want a *MaxFollowError after drill 2, naming drill 3", err, mf)
	}
	if len(res) != 2 || res[1].LiveID != tinyDrill2 || !strings.Contains(res[1].End, "not followed") {
		t.Fatalf("results %v; want drill 1's, then drill 2's saying drill 3 was not followed", liveIDs(res))
	}

	_, c = liveMock(t, dir, mock.Options{Speed: 0})
	res, err = live.Join(ctx, live.SessionConfig{Client: c, LiveID: mock.TinyLiveID, Out: out, MaxFollow: 1})
	if err != nil || len(res) != 1 || res[0].LiveID != tinyDrill3 {
		t.Fatalf("joined again: %v, live ids %v; want drill 3's", err, liveIDs(res))
	}
	checkDrill(t, res[0], 3, tinyDrill2)
}
