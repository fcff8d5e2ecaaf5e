package main

import (
	"bytes"
	"context"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/synth"
)

// splitBundle writes the first (before) or the other lines of the
// bundle src's recording, with its other files, into a new bundle: the
// feed a join got before a crash, and what the feed went on with.
func splitBundle(t *testing.T, src, dst string, first bool) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == decode.BundleMessages {
			lines := bytes.SplitAfter(data, []byte("\n"))
			half := len(lines) / 2
			if first {
				data = bytes.Join(lines[:half], nil)
			} else {
				data = bytes.Join(lines[half:], nil)
			}
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sampleKey names one row of the samples table.
type sampleKey struct {
	kind      string
	sensor_id int64
	t_ms      int64
}

// readSampleKeys reads the (kind, sensor_id, t) of every row of a live
// part's samples.parquet.
func readSampleKeys(t *testing.T, path string) []sampleKey {
	t.Helper()
	var keys []sampleKey
	eachRow(t, path, []string{"kind", "sensor_id", "t"}, func(c []arrow.Array, j int) {
		keys = append(keys, sampleKey{c[0].ValueStr(j), c[1].(*array.Int64).Value(j), int64(c[2].(*array.Timestamp).Value(j))})
	})
	return keys
}

// readRowKeys reads the given columns of every row of a Parquet table,
// each row's values joined into one string.
func readRowKeys(t *testing.T, path string, cols ...string) []string {
	t.Helper()
	var keys []string
	eachRow(t, path, cols, func(c []arrow.Array, j int) {
		var k strings.Builder
		for _, a := range c {
			k.WriteString(a.ValueStr(j))
			k.WriteByte('|')
		}
		keys = append(keys, k.String())
	})
	return keys
}

// eachRow calls fn for every row j of the Parquet table at path, with
// the columns named cols of the row's record batch, in that order.
func eachRow(t *testing.T, path string, cols []string, fn func(c []arrow.Array, j int)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tbl, err := pqarrow.ReadTable(context.Background(), f, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer tbl.Release()
	var idx []int
	for _, c := range cols {
		is := tbl.Schema().FieldIndices(c)
		if len(is) != 1 {
			t.Fatalf("%s: no column %s", path, c)
		}
		idx = append(idx, is[0])
	}
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	c := make([]arrow.Array, len(idx))
	for tr.Next() {
		rec := tr.RecordBatch()
		for k, i := range idx {
			c[k] = rec.Column(i)
		}
		for j := 0; j < int(rec.NumRows()); j++ {
			fn(c, j)
		}
	}
}

// TestLiveRejoinMatchesAnalyze: `stmotion live` stopped mid-game and
// run again into the same --out, on a feed that goes on where the first
// stopped, ends with the whole event's figures: its summary.json matches
// `stmotion analyze` of the bundle as an uninterrupted run does
// (TestLiveMatchesAnalyze), its quality counts and DIST checks too (the
// re-join's REST state, of the game's end, is no longer stats.json, fed
// by analyze at the start), and the union of the table parts holds each
// sample row once, without a hole where a lost part was, and the
// possessions analyze finds, each once. Stopped by a kill (its open
// table part lost, no summary.json), or by Ctrl-C (its engine's close
// flushed the possession open then, cut short, into its last part).
func TestLiveRejoinMatchesAnalyze(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and replays a game")
	}
	t.Run("kill", func(t *testing.T) { testLiveRejoin(t, true) })
	t.Run("ctrl-c", func(t *testing.T) { testLiveRejoin(t, false) })
}

// rejoinHalves simulates a short game and splits its recording into the
// bundles of two halves of one live id (first, second).
func rejoinHalves(t *testing.T) (first, second string) {
	t.Helper()
	tmp := t.TempDir()
	sample := filepath.Join(tmp, "sample")
	cfg := synth.SampleConfig()
	cfg.Minutes = 0.5
	if _, err := synth.Write(context.Background(), cfg, sample, nil); err != nil {
		t.Fatal(err)
	}
	first, second = filepath.Join(tmp, "first"), filepath.Join(tmp, "second")
	splitBundle(t, sample, first, true)
	splitBundle(t, sample, second, false)
	return first, second
}

// rejoinLive runs `stmotion live` with extra flags on a mock of the
// bundle half until its feed ends, into out. The mock's replay clock
// starts with it: at speed 20 (parts of the first join closed every 100
// ms of wall time) a join that connects later misses the start of the
// feed, by as much as its startup took (a re-join replays first); at
// speed 0 (rejoin) it gets the whole feed, whenever it connects.
func rejoinLive(t *testing.T, half, out string, rejoin bool, extra ...string) (liveID, stderr string, err error) {
	t.Helper()
	ctx := context.Background()
	speed := 20.0
	if rejoin {
		speed = 0
	}
	srv, err := mock.New(half, mock.Options{Speed: speed})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var o, e bytes.Buffer
	err = Run(ctx, append([]string{"live", "--api", srv.URL(), "--live-id", srv.LiveID(),
		"--user", mock.DefaultUsername, "--secret", mock.DefaultSecret,
		"--out", out, "--listen", "", "--part", "100ms", "--flush", "100ms"}, extra...), &o, &e)
	return srv.LiveID(), e.String(), err
}

func testLiveRejoin(t *testing.T, kill bool) {
	ctx := context.Background()
	out := t.TempDir()
	live := func(half string, rejoin bool) (liveID, stderr string) {
		id, stderr, err := rejoinLive(t, half, out, rejoin)
		if err != nil {
			t.Fatalf("stmotion live: %v\nstderr:\n%s", err, stderr)
		}
		return id, stderr
	}

	first, second := rejoinHalves(t)
	id, _ := live(first, false)
	bundle := filepath.Join(out, id)

	end_ms := recordingEnd_ms(t, filepath.Join(first, decode.BundleMessages))
	// The first join ended as at a Ctrl-C (its feed ended): its engine's
	// close flushed the segments open then, cut short, into its last part.
	if kill {
		// The kill, 3 s of the game before where the recording stops: no
		// summary.json, and the part open then is lost (a re-join removes
		// its temporary files), with its rows; the later ones never were.
		parts, _ := filepath.Glob(filepath.Join(bundle, "tables", "part-*"))
		lost := slices.IndexFunc(parts, func(p string) bool {
			keys := readSampleKeys(t, filepath.Join(p, "samples.parquet"))
			return len(keys) > 0 && keys[len(keys)-1].t_ms > end_ms-3000
		})
		if len(parts) < 3 || lost < 1 {
			t.Fatalf("first join: %d table parts, the first with rows of its last 3 s is %d; want several before it (one every 100 ms)", len(parts), lost)
		}
		for i, p := range parts[lost:] {
			if err := os.RemoveAll(p); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := os.Remove(filepath.Join(bundle, "summary.json")); err != nil {
			t.Fatal(err)
		}
	}

	// The REST state at the recording's start: the first join's.
	var start [][]byte
	for _, name := range []string{decode.BundleStats, decode.BundleStatsDetails, decode.BundleShots} {
		data, err := os.ReadFile(filepath.Join(bundle, name))
		if err != nil {
			t.Fatal(err)
		}
		start = append(start, data)
	}
	gaps, _ := filepath.Glob(filepath.Join(bundle, "gap", "*"))

	id2, stderr := live(second, true)
	if id2 != id {
		t.Fatalf("the halves' live ids differ: %s, %s", id, id2)
	}
	// The re-join's REST state, the second half's end, is recorded under
	// gap/, as a reconnect's: stats.json and the others stay the state
	// the recording starts from.
	for i, name := range []string{decode.BundleStats, decode.BundleStatsDetails, decode.BundleShots} {
		if data, err := os.ReadFile(filepath.Join(bundle, name)); err != nil || !bytes.Equal(data, start[i]) {
			t.Errorf("%s: the re-join replaced the first join's (%v)", name, err)
		}
		if g, _ := filepath.Glob(filepath.Join(bundle, "gap", "*-"+name)); !slices.ContainsFunc(g, func(p string) bool { return !slices.Contains(gaps, p) }) {
			t.Errorf("no new gap/*-%s: the re-join's is not recorded", name)
		}
	}
	liveSum := readSummary(t, filepath.Join(bundle, "summary.json"))

	aout := t.TempDir()
	var o, e bytes.Buffer
	if err := Run(ctx, []string{"analyze", "--quiet", "--out", aout, bundle}, &o, &e); err != nil {
		t.Fatalf("stmotion analyze: %v\n%s", err, e.String())
	}
	batch := readSummary(t, filepath.Join(aout, "summary.json"))

	if liveSum.Quality.Locations == 0 || liveSum.Quality.Locations != batch.Quality.Locations {
		t.Errorf("locations live %d, analyze %d; want the whole recording's in both\nstderr of the re-join:\n%s", liveSum.Quality.Locations, batch.Quality.Locations, stderr)
	}
	// quality.messages is the recording's in both; analyze feeds nothing
	// beside it (rest_messages): the bundle's stats.json is the REST
	// state at the first join, the event's start (empty), not the
	// re-join's, which is the second half's end. Fed at the feed's first
	// data message, that one had put the DIST 0 of the bench players at
	// the versions of the feed's last tick there: the feed's own DISTs
	// stale (stale_stats), and with them those players' DIST checks.
	if q, bq := liveSum.Quality, batch.Quality; q.Messages != bq.Messages || q.RestMessages != bq.RestMessages || q.StaleStats != bq.StaleStats {
		t.Errorf("messages, rest messages, stale stats: live %d, %d, %d; analyze %d, %d, %d; want the same",
			q.Messages, q.RestMessages, q.StaleStats, bq.Messages, bq.RestMessages, bq.StaleStats)
	}
	byID := map[int64]int{}
	for i, p := range batch.Players {
		byID[p.PlayerID] = i
	}
	var maxDist_m, maxPoss_s, maxTeamPoss_s float64
	for _, lp := range liveSum.Players {
		i, ok := byID[lp.PlayerID]
		if !ok {
			t.Errorf("player %d only in the live summary", lp.PlayerID)
			continue
		}
		bp := batch.Players[i]
		maxDist_m = max(maxDist_m, math.Abs(lp.Distance_m-bp.Distance_m))
		maxPoss_s = max(maxPoss_s, math.Abs(lp.Possession_s-bp.Possession_s))
		// Distances agree exactly (float summation aside), as in one run.
		if d := math.Abs(lp.Distance_m - bp.Distance_m); d > 1e-6*max(1, bp.Distance_m) {
			t.Errorf("player %d: distance live %.4f m, analyze %.4f m", lp.PlayerID, lp.Distance_m, bp.Distance_m)
		}
		if d := math.Abs(lp.Possession_s - bp.Possession_s); d > livePossTol_s+livePossTol_rel*bp.Possession_s {
			t.Errorf("player %d: possession live %.3f s, analyze %.3f s", lp.PlayerID, lp.Possession_s, bp.Possession_s)
		}
		// The DIST check: the feed's DIST and its ratio to the
		// distance, which agrees as the distance does.
		if lp.DistStat_m != bp.DistStat_m || math.Abs(lp.DistRatio-bp.DistRatio) > 1e-6 {
			t.Errorf("player %d: DIST %.2f m, ratio %.4f live; %.2f m, %.4f analyze", lp.PlayerID, lp.DistStat_m, lp.DistRatio, bp.DistStat_m, bp.DistRatio)
		}
	}
	if len(liveSum.Players) != len(batch.Players) || len(liveSum.Teams) != len(batch.Teams) {
		t.Errorf("players live %d analyze %d, teams live %d analyze %d", len(liveSum.Players), len(batch.Players), len(liveSum.Teams), len(batch.Teams))
	}
	for i := range min(len(liveSum.Teams), len(batch.Teams)) {
		d := math.Abs(liveSum.Teams[i].Possession_s - batch.Teams[i].Possession_s)
		maxTeamPoss_s = max(maxTeamPoss_s, d)
		if d > livePossTol_s+livePossTol_rel*batch.Teams[i].Possession_s {
			t.Errorf("team %d: possession live %.3f s, analyze %.3f s", batch.Teams[i].TeamID, liveSum.Teams[i].Possession_s, batch.Teams[i].Possession_s)
		}
	}
	t.Logf("re-joined live vs analyze, largest |difference|: distance %.6f m per player; possession %.3f s per player, %.3f s per team",
		maxDist_m, maxPoss_s, maxTeamPoss_s)

	// The union of the parts: each (sensor, t) once, and no tick missing
	// where the lost part was (its rows were written again).
	files, _ := filepath.Glob(filepath.Join(bundle, "tables", "part-*", "samples.parquet"))
	seen := map[sampleKey]bool{}
	ticks := map[int64]bool{}
	dups := 0
	for _, f := range files {
		for _, k := range readSampleKeys(t, f) {
			if seen[k] {
				if dups++; dups <= 3 {
					t.Errorf("sample row %+v in more than one part (%s)", k, filepath.Base(filepath.Dir(f)))
				}
			}
			seen[k] = true
			ticks[k.t_ms] = true
		}
	}
	if dups > 3 {
		t.Errorf("%d sample rows in all are in more than one part", dups)
	}
	// The segment tables too: no possession or event twice.
	for _, tc := range []struct {
		table string
		cols  []string
	}{{"possessions", []string{"level", "t_start", "player_id", "team_id"}}, {"events", []string{"type", "t", "player_id", "label"}}} {
		files, _ := filepath.Glob(filepath.Join(bundle, "tables", "part-*", tc.table+".parquet"))
		rows := map[string]bool{}
		n := 0
		for _, f := range files {
			for _, k := range readRowKeys(t, f, tc.cols...) {
				if rows[k] {
					t.Errorf("%s row %s in more than one part (%s)", tc.table, k, filepath.Base(filepath.Dir(f)))
				}
				rows[k] = true
				n++
			}
		}
		if n == 0 {
			t.Errorf("no %s rows in the parts", tc.table)
		}
	}

	// The DIST checks are analyze's, each once: per player, the same
	// times (the baseline's first), whatever order the parts hold them
	// in.
	checks := func(files ...string) map[string][]string {
		out := map[string][]string{}
		for _, f := range files {
			for _, k := range readRowKeys(t, f, "player_id", "t") {
				player, at, _ := strings.Cut(strings.TrimSuffix(k, "|"), "|")
				out[player] = append(out[player], at)
			}
		}
		for _, ts := range out {
			slices.Sort(ts)
		}
		return out
	}
	files, _ = filepath.Glob(filepath.Join(bundle, "tables", "part-*", "dist_check.parquet"))
	liveChecks, batchChecks := checks(files...), checks(filepath.Join(aout, "dist_check.parquet"))
	if len(batchChecks) == 0 {
		t.Errorf("analyze has no DIST check")
	}
	for _, player := range slices.Sorted(maps.Keys(batchChecks)) {
		if l, b := liveChecks[player], batchChecks[player]; !slices.Equal(l, b) {
			t.Errorf("player %s: DIST checks at\n%v live,\n%v analyze", player, l, b)
		}
	}
	for player := range liveChecks {
		if batchChecks[player] == nil {
			t.Errorf("player %s: DIST checks live %v, none in analyze", player, liveChecks[player])
		}
	}

	// The possessions are analyze's: each of its rows has one in the
	// parts, and the other way round, starting within 0.2 s (the
	// documented live-vs-analyze differences are in where a possession
	// ends, its duration); none dropped in place of another.
	livePoss := map[possKey][]int64{}
	files, _ = filepath.Glob(filepath.Join(bundle, "tables", "part-*", "possessions.parquet"))
	for _, f := range files {
		for k, starts := range readPossessionStarts(t, f) {
			livePoss[k] = append(livePoss[k], starts...)
		}
	}
	batchPoss := readPossessionStarts(t, filepath.Join(aout, "possessions.parquet"))
	near := func(ts []int64, t_ms int64) bool {
		return slices.ContainsFunc(ts, func(u int64) bool { return math.Abs(float64(u-t_ms)) <= 200 })
	}
	for _, c := range []struct {
		name     string
		from, in map[possKey][]int64
	}{{"analyze's, not in the parts", batchPoss, livePoss}, {"in the parts, not analyze's", livePoss, batchPoss}} {
		n := 0
		for k, starts := range c.from {
			for _, t_ms := range starts {
				if !near(c.in[k], t_ms) {
					if n++; n <= 5 {
						t.Errorf("%s possession of %d from %d: %s", k.level, k.id, t_ms, c.name)
					}
				}
			}
		}
		if n > 5 {
			t.Errorf("%d possessions in all %s", n, c.name)
		}
	}

	// Up to where the first join's recording stops (less the engine's
	// window), the first join had every location, so the parts have a
	// row at every tick analyze has one: the lost part's rows too.
	end_ms -= 500
	from_ms := slices.Min(slices.Collect(maps.Keys(ticks)))
	batchTicks := map[int64]bool{}
	missing := 0
	for _, k := range readSampleKeys(t, filepath.Join(aout, "samples.parquet")) {
		if k.t_ms < from_ms || k.t_ms > end_ms || batchTicks[k.t_ms] {
			continue
		}
		batchTicks[k.t_ms] = true
		if !ticks[k.t_ms] {
			if missing++; missing <= 3 {
				t.Errorf("tick %d (before the first join's recording stops) has rows in analyze's samples, none in the parts", k.t_ms)
			}
		}
	}
	t.Logf("the parts hold %d sample rows at %d ticks; %d ticks of analyze's up to the first join's end, %d missing in the parts", len(seen), len(ticks), len(batchTicks), missing)
	if len(batchTicks) < 100 || missing > 0 {
		t.Errorf("%d of analyze's %d ticks up to the first join's end have no row in the parts; want none missing", missing, len(batchTicks))
	}
}

// possKey is a player's or a team's possessions (level player or team).
type possKey struct {
	level string
	id    int64
}

// readPossessionStarts reads the start (t_start, ms) of every row of a
// possessions.parquet, by player or team.
func readPossessionStarts(t *testing.T, path string) map[possKey][]int64 {
	t.Helper()
	out := map[possKey][]int64{}
	eachRow(t, path, []string{"level", "player_id", "team_id", "t_start"}, func(c []arrow.Array, j int) {
		k := possKey{c[0].ValueStr(j), c[1].(*array.Int64).Value(j)}
		if k.level == "team" {
			k.id = c[2].(*array.Int64).Value(j)
		}
		out[k] = append(out[k], int64(c[3].(*array.Timestamp).Value(j)))
	})
	return out
}

// recordingEnd_ms is the newest occurred_at of the locations of a
// recording.
func recordingEnd_ms(t *testing.T, path string) (newest int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var dec decode.Decoder
	var m decode.Message
	for line := range bytes.Lines(data) {
		if dec.Decode(line, &m) == nil && m.Kind == decode.KindLocation {
			newest = max(newest, m.OccurredAt_ms())
		}
	}
	return newest
}

// TestLiveRejoinOtherSettingsRefused: a re-join with an engine setting
// other than the bundle's table parts were made with (--hz 10 after the
// feed's 25 Hz) would match their rows by count against other rows,
// dropping a block of the game and mixing rates: it is refused with exit
// status 2, naming the flag and the value to give, before anything is
// written; with the parts' settings it goes on.
func TestLiveRejoinOtherSettingsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a game")
	}
	first, second := rejoinHalves(t)
	out := t.TempDir()
	id, stderr, err := rejoinLive(t, first, out, false)
	if err != nil {
		t.Fatalf("stmotion live: %v\n%s", err, stderr)
	}
	bundle := filepath.Join(out, id)
	listing := func() map[string]int64 {
		files := map[string]int64{}
		filepath.WalkDir(bundle, func(path string, d os.DirEntry, err error) error {
			if err == nil {
				info, _ := d.Info()
				files[path] = info.Size()
			}
			return err
		})
		return files
	}
	before := listing()

	_, stderr, err = rejoinLive(t, second, out, true, "--hz", "10")
	if code := exitCode(err); code != 2 {
		t.Errorf("re-join with --hz 10: exit status %d (%v), want 2\nstderr:\n%s", code, err, stderr)
	}
	if !strings.Contains(stderr, "give --hz 0") {
		t.Errorf("stderr does not say which --hz to give:\n%s", stderr)
	}
	if after := listing(); !maps.Equal(before, after) {
		t.Errorf("the refused re-join changed the bundle: %d files before, %d after", len(before), len(after))
	}

	if _, stderr, err = rejoinLive(t, second, out, true, "--hz", "0"); err != nil {
		t.Errorf("re-join with the parts' settings: %v\n%s", err, stderr)
	}
}
