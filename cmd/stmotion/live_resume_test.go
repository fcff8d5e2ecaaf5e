package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/synth"
)

// dirFiles reads every file under dir (path relative to dir → contents).
func dirFiles(t *testing.T, dir string) map[string]string {
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

// serveBundle starts a mock of the bundle dir until the test ends.
func serveBundle(t *testing.T, dir string, opts mock.Options) *mock.Server {
	t.Helper()
	srv, err := mock.New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// runLiveOn runs `stmotion live` with extra flags on the mock srv, from
// live id id into out, until its feed ends.
func runLiveOn(t *testing.T, srv *mock.Server, id, out string, extra ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var o, e bytes.Buffer
	err = Run(ctx, append([]string{"live", "--api", srv.URL(), "--live-id", id,
		"--user", mock.DefaultUsername, "--secret", mock.DefaultSecret,
		"--out", out, "--listen", "", "--part", "100ms", "--flush", "100ms"}, extra...), &o, &e)
	return o.String(), e.String(), err
}

// TestLiveRestartContinuesAtFollowed: `stmotion live` restarted with the
// --live-id it was started with (systemd; a re-run after a kill -9)
// after it had followed the half-time PLAY_NEXT goes on in the second
// half's bundle, as if it had not stopped: it continues that bundle (the
// kill's temporary table files removed, parts numbered on, summary.json
// written, with the figures `stmotion analyze` of the bundle gives and
// the second half as period 2), and leaves the first half's bundle as it
// was. It recorded the rest of the game into the first half's bundle
// (its summary.json then covering the whole game) and left the second
// half's without summary; and when the API called the first half no
// longer active, it exited 1 and never reached the second.
func TestLiveRestartContinuesAtFollowed(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and replays a game")
	}
	sample := filepath.Join(t.TempDir(), "sample")
	cfg := synth.SampleConfig()
	cfg.Minutes = 4 // halves from 4 minutes on
	if _, err := synth.Write(context.Background(), cfg, sample, nil); err != nil {
		t.Fatal(err)
	}
	for _, inactive := range []bool{false, true} {
		t.Run(map[bool]string{false: "first-active", true: "first-inactive"}[inactive], func(t *testing.T) {
			testLiveRestart(t, sample, inactive)
		})
	}
}

func testLiveRestart(t *testing.T, sample string, inactive bool) {
	out := t.TempDir()
	srv := serveBundle(t, sample, mock.Options{Speed: 0})
	first := srv.LiveID()
	if _, stderr, err := runLiveOn(t, srv, first, out); err != nil {
		t.Fatalf("stmotion live: %v\n%s", err, stderr)
	}
	dirs, _ := filepath.Glob(filepath.Join(out, "*"))
	i := slices.Index(dirs, filepath.Join(out, first))
	if len(dirs) != 2 || i < 0 {
		t.Fatalf("bundles %v; want the two halves'", dirs)
	}
	second := filepath.Base(dirs[1-i])

	// The kill, mid-way through the second half: its recording cut in
	// half, no summary.json, the part open then lost (its temporary
	// files left) with the ones after it.
	b2 := filepath.Join(out, second)
	msgs := filepath.Join(b2, decode.BundleMessages)
	data, err := os.ReadFile(msgs)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	kept := bytes.Join(lines[:len(lines)/2], nil)
	if bytes.Contains(kept, []byte("PLAY_END")) {
		t.Fatal("the first half of the second half's recording has its PLAY_END")
	}
	if err := os.WriteFile(msgs, kept, 0o644); err != nil {
		t.Fatal(err)
	}
	cut_ms := recordingEnd_ms(t, msgs)
	parts, _ := filepath.Glob(filepath.Join(b2, "tables", "part-*"))
	lost := slices.IndexFunc(parts, func(p string) bool {
		keys := readSampleKeys(t, filepath.Join(p, "samples.parquet"))
		return len(keys) > 0 && keys[len(keys)-1].t_ms > cut_ms-3000
	})
	if lost < 0 {
		t.Fatalf("no part of the second half reaches its last 3 s before the cut (%d parts)", len(parts))
	}
	for _, p := range parts[lost:] {
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
	}
	tmp := filepath.Join(parts[lost], ".samples.parquet.tmp-1")
	if err := os.MkdirAll(parts[lost], 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tmp, []byte("cut"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(b2, "summary.json")); err != nil {
		t.Fatal(err)
	}
	before := dirFiles(t, filepath.Join(out, first))

	opts := mock.Options{Speed: 0}
	if inactive {
		opts.InactiveIDs = []string{first}
	}
	stdout, stderr, err := runLiveOn(t, serveBundle(t, sample, opts), first, out)
	if err != nil {
		t.Fatalf("stmotion live run again with --live-id %s: %v\nstdout:\n%s\nstderr:\n%s", first, err, stdout, stderr)
	}
	if want := "continuing at " + second + ": the run before followed " + first + " → " + second; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	if want := fmt.Sprintf("live %s: ", second); !strings.HasPrefix(stdout, want) || strings.Contains(stdout, "live "+first+":") || !strings.Contains(stdout, "replayed from the bundle first") {
		t.Errorf("stdout:\n%s\nwant the second half's result line only, a re-join's", stdout)
	}

	// The first half's bundle is as the first run left it.
	after := dirFiles(t, filepath.Join(out, first))
	for p, d := range before {
		if after[p] != d {
			t.Errorf("the first half's %s changed (%d bytes, now %d)", p, len(d), len(after[p]))
		}
	}
	if len(after) != len(before) {
		t.Errorf("the first half's bundle has %d files, had %d", len(after), len(before))
	}
	// The second half's is continued and finished.
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the kill's temporary table file is still there (%v)", err)
	}
	now, _ := filepath.Glob(filepath.Join(b2, "tables", "part-*"))
	if len(now) <= lost {
		t.Errorf("%d table parts, the kill left %d; want more", len(now), lost)
	}
	if !bytes.Contains(mustReadFile(t, msgs), []byte("PLAY_END")) {
		t.Error("the second half's recording does not reach its PLAY_END")
	}
	for _, half := range []string{first, second} {
		bundle := filepath.Join(out, half)
		liveSum := readSummary(t, filepath.Join(bundle, "summary.json"))
		aout := t.TempDir()
		var o, e bytes.Buffer
		if err := Run(context.Background(), []string{"analyze", "--quiet", "--out", aout, bundle}, &o, &e); err != nil {
			t.Fatalf("stmotion analyze %s: %v\n%s", half, err, e.String())
		}
		batch := readSummary(t, filepath.Join(aout, "summary.json"))
		if liveSum.Quality.Locations == 0 || liveSum.Quality.Locations != batch.Quality.Locations || len(liveSum.Players) != len(batch.Players) {
			t.Errorf("%s: live %d locations, %d players; analyze %d, %d", half, liveSum.Quality.Locations, len(liveSum.Players), batch.Quality.Locations, len(batch.Players))
			continue
		}
		if liveSum.Quality != batch.Quality {
			t.Errorf("%s: messages live %+v, analyze %+v", half, liveSum.Quality, batch.Quality)
		}
		for k, lp := range liveSum.Players {
			bp := batch.Players[k]
			if lp.PlayerID != bp.PlayerID || math.Abs(lp.Distance_m-bp.Distance_m) > 1e-6*max(1, bp.Distance_m) ||
				math.Abs(lp.Possession_s-bp.Possession_s) > livePossTol_s+livePossTol_rel*bp.Possession_s {
				t.Errorf("%s: player %d live %.4f m, %.3f s; analyze player %d %.4f m, %.3f s", half, lp.PlayerID, lp.Distance_m, lp.Possession_s, bp.PlayerID, bp.Distance_m, bp.Possession_s)
			}
			// The second half is period 2 (live and in analyze of its
			// bundle, which reads where the count stood in periods.json).
			if periods := map[string]int{first: 1, second: 2}[half]; len(lp.DistancePeriod_m) != periods || len(bp.DistancePeriod_m) != periods {
				t.Errorf("%s: player %d has %d periods live, %d in analyze; want %d", half, lp.PlayerID, len(lp.DistancePeriod_m), len(bp.DistancePeriod_m), periods)
			}
		}
	}
}

// mustReadFile reads path.
func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestLiveMaxFollow: a run that has followed --max-follow next live ids
// stops at the next PLAY_NEXT, says so (the result line, a message
// naming the live id not followed) and exits with status 4, not 0 (the
// event is over, which it need not be: a supervisor restarting on
// failure would leave it stopped); the same command run again goes on
// at the live id not followed. (Following stopped after 100 live ids,
// with exit status 0 and a warning, whatever the command line.)
func TestLiveMaxFollow(t *testing.T) {
	// The tiny bundle as three rounds: PLAY_NEXT at 0.9 s and 1.5 s.
	const round2, round3 = "7d3c1a52-5e0f-4c1a-9b7e-0000000000f2", "7d3c1a52-5e0f-4c1a-9b7e-0000000000f3"
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, decode.BundleMessages)
	data := mustReadFile(t, path)
	for _, m := range []struct {
		at_ms int64
		id    string
	}{{900, round2}, {1500, round3}} {
		at := []byte(fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,`, mock.TinyStart_ms+m.at_ms+100))
		i := bytes.Index(data, at)
		if i < 0 {
			t.Fatalf("tiny bundle: no location at %d ms", m.at_ms+100)
		}
		next := fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"%s","type":"PLAY_NEXT"}}`+"\n", mock.TinyStart_ms+m.at_ms, m.id)
		data = slices.Concat(data[:i], []byte(next), data[i:])
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	stdout, stderr, err := runLiveOn(t, serveBundle(t, dir, mock.Options{Speed: 0}), mock.TinyLiveID, out, "--max-follow", "1")
	var ee exitError
	if !asExit(err, &ee) || ee.code != 4 || !strings.Contains(stderr, "--max-follow 1 reached") || !strings.Contains(stderr, round3) ||
		!strings.Contains(stdout, "live "+round2+": ") || !strings.Contains(stdout, "not followed") || strings.Contains(stdout, "live "+round3+":") {
		t.Fatalf("--max-follow 1: %v\nstdout:\n%s\nstderr:\n%s\nwant exit status 4 after the second round, naming the third, not followed", err, stdout, stderr)
	}
	stdout, stderr, err = runLiveOn(t, serveBundle(t, dir, mock.Options{Speed: 0}), mock.TinyLiveID, out, "--max-follow", "1")
	if err != nil || !strings.HasPrefix(stdout, "live "+round3+": ") {
		t.Fatalf("run again: %v\nstdout:\n%s\nstderr:\n%s\nwant the third round joined", err, stdout, stderr)
	}
}
