package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

// The interop test: analyse the built-in sample, then read every table
// back with a real reader, DuckDB (from npm, @duckdb/node-api, installed by
// .ci/run), and check what it sees against summary.json and the files.
//
// What is comparable, exactly:
//   - column names and types: export.Schema mapped to DuckDB's types;
//   - row counts: DuckDB's count(*) equals the Parquet footers' row count,
//     players has one row per summary.json player, quality one row;
//   - players and quality columns equal summary.json (same float64);
//   - from samples, per player: count(in_bounds) · grid period ≤
//     time_on_court_s ≤ that plus the grid ticks missing inside gaps up
//     to Config.BridgeGap_ms (the engine's definition: a bridged gap's
//     ticks count, in bounds or not by the curve); top_speed_mps is the
//     fastest speed held over a short window, so at most max(speed_mps);
//   - speeds and positions in samples are float32 (the engine's float64
//     rounded), so the bounds from them allow for that rounding;
//   - distance: the engine accrues the step between consecutive samples
//     of a player (across gaps up to Config.BridgeGap_ms, as a straight
//     line) only while the player is moving, so the sum of those steps
//     that DuckDB computes from samples is an upper bound of distance_m,
//     and exceeds it only by the path length of the smoothed noise while
//     standing: below stillNoise_mps times the sampled time (the engine's
//     still gate opens at 0.10 m/s);
//   - boxscore.dist_cm / 100 = players.dist_stat_m (the feed's last DIST).

const duckDBVersion = "1.5.6-r.1"

// stillNoise_mps bounds the speed of the smoothed position of a player
// standing still (the engine's Config.MoveOn_mps).
const stillNoise_mps = 0.10

// duckDB returns node and the node_modules holding @duckdb/node-api, or
// skips the test saying how to install them.
func duckDB(t *testing.T) (node, modules string) {
	t.Helper()
	return npmPackages(t, "DuckDB interop test", "@duckdb/node-api@"+duckDBVersion)
}

// npmPackages returns node and the node_modules directory (the one in
// STMOTION_NODE_MODULES, else .ci/node_modules) holding every package of
// pkgs (name@version), or skips the test, named by what, saying how to
// install them (.ci/run does).
func npmPackages(t *testing.T, what string, pkgs ...string) (node, modules string) {
	t.Helper()
	modules = os.Getenv("STMOTION_NODE_MODULES")
	if modules == "" {
		modules = filepath.Join(moduleRoot(t), ".ci", "node_modules")
	}
	install := fmt.Sprintf("install them with `npm install --prefix .ci --no-save --no-package-lock %s` from the repository root (.ci/run does)", strings.Join(pkgs, " "))
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("%s skipped: node is not installed; install Node.js, then %s", what, install)
	}
	for _, p := range pkgs {
		name := p[:strings.LastIndex(p, "@")]
		if _, err := os.Stat(filepath.Join(modules, name, "package.json")); err != nil {
			t.Skipf("%s skipped: no %s in %s; %s", what, name, modules, install)
		}
	}
	return node, modules
}

// runNode runs testdata/script with node, finding its packages in
// modules: in goes to its standard input as JSON, and its standard output
// is decoded as JSON into out.
func runNode(t *testing.T, node, modules, script string, in, out any) {
	t.Helper()
	runNodeIn(t, "", node, modules, script, in, out)
}

// runNodeIn is runNode with the script's working directory dir ("" for
// the test's).
func runNodeIn(t *testing.T, dir, node, modules, script string, in, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	scriptPath, err := filepath.Abs(filepath.Join("testdata", script))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, scriptPath)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "STMOTION_NODE_MODULES="+modules)
	cmd.Stdin = bytes.NewReader(b)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("%s output: %v\n%.2000s", script, err, stdout.String())
	}
}

// duckQuery runs queries through testdata/duckdb_query.mjs (see duckDB).
func duckQuery(t *testing.T, queries map[string]string) map[string]duckResult {
	t.Helper()
	node, modules := duckDB(t)
	var out map[string]duckResult
	runNode(t, node, modules, "duckdb_query.mjs", map[string]any{"queries": queries}, &out)
	for name, r := range out {
		if r.Error != "" {
			t.Errorf("DuckDB query %s: %s\nSQL: %s", name, r.Error, queries[name])
		}
	}
	return out
}

type duckResult struct {
	Columns []string `json:"columns"`
	Types   []string `json:"types"`
	Rows    [][]any  `json:"rows"`
	Error   string   `json:"error"`
}

// num reads a DuckDB JSON value (a number, or a string for BIGINT and
// DECIMAL) as a float64.
func num(t *testing.T, v any) float64 {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			t.Fatalf("not a number: %q", x)
		}
		return f
	case nil:
		return math.NaN()
	}
	t.Fatalf("not a number: %T %v", v, v)
	return 0
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// duckType is how DuckDB names the type of an Arrow column we write.
func duckType(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.TIMESTAMP:
		return "TIMESTAMP WITH TIME ZONE"
	case arrow.INT64:
		return "BIGINT"
	case arrow.INT32:
		return "INTEGER"
	case arrow.UINT8:
		return "UTINYINT"
	case arrow.FLOAT64:
		return "DOUBLE"
	case arrow.FLOAT32:
		return "FLOAT"
	case arrow.STRING:
		return "VARCHAR"
	case arrow.BOOL:
		return "BOOLEAN"
	case arrow.LIST:
		return duckType(dt.(*arrow.ListType).Elem()) + "[]"
	case arrow.DICTIONARY:
		return duckType(dt.(*arrow.DictionaryType).ValueType)
	}
	return "unmapped " + dt.String()
}

func sqlPath(p string) string { return "'" + strings.ReplaceAll(p, "'", "''") + "'" }

func parquetRows(t *testing.T, path string) int64 {
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return r.NumRows()
}

func TestAnalyzeDuckDB(t *testing.T) {
	duckDB(t)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"analyze", "--out", out, "--quiet"}, &stdout, &stderr); err != nil {
		t.Fatalf("analyze: %v\nstderr:\n%s", err, stderr.String())
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	if len(sum.Players) == 0 {
		t.Fatal("summary.json has no players")
	}

	q := map[string]string{}
	for _, tb := range export.Tables() {
		p := sqlPath(filepath.Join(out, sum.Tables[tb.String()]))
		q["describe_"+tb.String()] = "DESCRIBE SELECT * FROM read_parquet(" + p + ")"
		q["count_"+tb.String()] = "SELECT count(*) FROM read_parquet(" + p + ")"
		// No column is nullable (docs/schema.md), list elements neither.
		q["optional_"+tb.String()] = "SELECT name FROM parquet_schema(" + p + ") WHERE repetition_type = 'OPTIONAL'"
	}
	tbl := func(name string) string { return "read_parquet(" + sqlPath(filepath.Join(out, sum.Tables[name])) + ")" }
	q["players"] = "SELECT player_id, team_id, name, distance_m, distance_live_m, raw_distance_m, top_speed_mps, sprints, accels, decels, time_on_court_s, possession_s, touches, dist_stat_m, dist_ratio FROM " + tbl("players") + " ORDER BY player_id"
	q["grid"] = "SELECT min(dt) FROM (SELECT epoch_ms(t) - lag(epoch_ms(t)) OVER (PARTITION BY sensor_id ORDER BY t) AS dt FROM " + tbl("samples") + ")"
	q["from_samples"] = `WITH s AS (
		SELECT sensor_id, speed_mps, in_bounds, clock,
			epoch_ms(t) - lag(epoch_ms(t)) OVER w AS dt_ms,
			sqrt(power(x_m - lag(x_m) OVER w, 2) + power(y_m - lag(y_m) OVER w, 2)) AS step_m
		FROM ` + tbl("samples") + ` WHERE kind = 'player'
		WINDOW w AS (PARTITION BY sensor_id ORDER BY t))
	SELECT sensor_id, max(speed_mps), count(*) FILTER (WHERE in_bounds),
		coalesce(sum(step_m) FILTER (WHERE dt_ms <= $bridge), 0), count(*),
		coalesce(sum(round(dt_ms / $period) - 1) FILTER (WHERE dt_ms > $period AND dt_ms <= $bridge), 0)
	FROM s GROUP BY sensor_id ORDER BY sensor_id`
	q["boxscore_dist"] = "SELECT b.player_id, b.dist_cm, p.dist_stat_m FROM " + tbl("boxscore") + " b JOIN " + tbl("players") + " p USING (player_id) WHERE b.dist_cm > 0"
	q["touches"] = "SELECT p.player_id, p.touches, count(s.player_id) FROM " + tbl("players") + " p LEFT JOIN (SELECT * FROM " + tbl("possessions") + " WHERE level = 'player') s USING (player_id) GROUP BY ALL"
	q["heat"] = "SELECT p.player_id, p.time_on_court_s, coalesce(sum(h.seconds), 0) FROM " + tbl("players") + " p LEFT JOIN (SELECT * FROM " + tbl("heatmaps") + " WHERE scope = 'player') h ON h.id = p.player_id GROUP BY ALL"
	q["event_types"] = "SELECT type, count(*) FROM " + tbl("events") + " GROUP BY type"
	q["holders"] = "SELECT count(*) FILTER (WHERE ball_holder), count(DISTINCT sensor_id) FILTER (WHERE ball_holder) FROM " + tbl("samples")
	q["shots_placed"] = "SELECT count(*), count(*) FILTER (WHERE x_m = 0 AND y_m = 0) FROM " + tbl("shots")
	// The per-period lists as DuckDB reads them (JSON text, so that the
	// BIGINT elements come as numbers), and from them and samples: each
	// period's bands against its time on court, and the time on court
	// outside any period (its rows in bounds in period 0).
	q["periods"] = "SELECT player_id, to_json(distance_period_m), to_json(sprints_period), to_json(accels_period), to_json(decels_period), " +
		"to_json(time_on_court_period_s), to_json(speed_band_period_s), to_json(speed_band_s) FROM " + tbl("players") + " ORDER BY player_id"
	q["period_sums"] = `WITH o AS (SELECT sensor_id AS player_id, count(*) FILTER (WHERE in_bounds AND period = 0) AS rows0
		FROM ` + tbl("samples") + ` WHERE kind = 'player' GROUP BY ALL)
	SELECT p.player_id, to_json([list_sum(b) for b in p.speed_band_period_s]), list_sum(p.time_on_court_period_s), coalesce(o.rows0, 0),
		len(p.sprints_period), list_sum(p.sprints_period), p.sprints, list_sum(p.accels_period), p.accels, list_sum(p.decels_period), p.decels
	FROM ` + tbl("players") + ` p LEFT JOIN o USING (player_id) ORDER BY p.player_id`
	q["quality"] = "SELECT messages, locations, bad_lines, unknown, duplicates, late, reordered, gaps, teleports, outliers, unknown_ids, stale_stats, repeated_shots, repeated_markers, dropped_sensors FROM " + tbl("quality")

	// The grid period first: from_samples needs it.
	grid := duckQuery(t, map[string]string{"grid": q["grid"]})["grid"]
	delete(q, "grid")
	period_ms := num(t, grid.Rows[0][0])
	if !(period_ms > 0) {
		t.Fatalf("grid period from samples = %v ms", period_ms)
	}
	q["from_samples"] = strings.ReplaceAll(q["from_samples"], "$bridge", strconv.FormatInt(track.DefaultConfig().BridgeGap_ms, 10))
	q["from_samples"] = strings.ReplaceAll(q["from_samples"], "$period", strconv.FormatFloat(period_ms, 'f', -1, 64))
	res := duckQuery(t, q)

	for _, tb := range export.Tables() {
		d := res["describe_"+tb.String()]
		schema := export.Schema(tb, true)
		if len(d.Rows) != schema.NumFields() {
			t.Errorf("%s: DuckDB sees %d columns, schema has %d", tb, len(d.Rows), schema.NumFields())
			continue
		}
		for i, f := range schema.Fields() {
			if got, want := d.Rows[i][0], f.Name; got != want {
				t.Errorf("%s column %d: DuckDB name %v, want %s", tb, i, got, want)
			}
			if got, want := d.Rows[i][1], duckType(f.Type); got != want {
				t.Errorf("%s.%s: DuckDB type %v, want %s", tb, f.Name, got, want)
			}
		}
		if opt := res["optional_"+tb.String()].Rows; len(opt) > 0 {
			t.Errorf("%s: DuckDB's parquet_schema has OPTIONAL (nullable) fields %v; no column is nullable", tb, opt)
		}
		got := int64(num(t, res["count_"+tb.String()].Rows[0][0]))
		if want := parquetRows(t, filepath.Join(out, sum.Tables[tb.String()])); got != want {
			t.Errorf("%s: DuckDB counts %d rows, the Parquet footer says %d", tb, got, want)
		}
	}
	if got := len(res["players"].Rows); got != len(sum.Players) {
		t.Errorf("players: DuckDB reads %d rows, summary.json has %d players", got, len(sum.Players))
	}
	if got := num(t, res["count_quality"].Rows[0][0]); got != 1 {
		t.Errorf("quality: %v rows, want 1", got)
	}
	if got := num(t, res["count_samples"].Rows[0][0]); got < 1000 {
		t.Errorf("samples: %v rows from a whole sample game", got)
	}

	byID := map[int64]export.PlayerSummary{}
	for _, p := range sum.Players {
		byID[p.PlayerID] = p
	}
	for _, row := range res["players"].Rows {
		id := int64(num(t, row[0]))
		p, ok := byID[id]
		if !ok {
			t.Errorf("players: DuckDB has player %d, summary.json does not", id)
			continue
		}
		want := []float64{float64(p.PlayerID), float64(p.TeamID), 0, p.Distance_m, p.DistanceLive_m, p.RawDistance_m, p.TopSpeed_mps,
			float64(p.Sprints), float64(p.Accels), float64(p.Decels), p.TimeOnCourt_s, p.Possession_s, float64(p.Touches), p.DistStat_m, p.DistRatio}
		for i, col := range res["players"].Columns {
			if col == "name" {
				if row[i] != p.Name {
					t.Errorf("player %d name: DuckDB %v, summary.json %q", id, row[i], p.Name)
				}
				continue
			}
			if got := num(t, row[i]); got != want[i] {
				t.Errorf("player %d %s: DuckDB %v, summary.json %v", id, col, got, want[i])
			}
		}
	}

	dt_s := period_ms / 1000
	inRows_s := map[int64]float64{} // count(in_bounds) · grid period, per player
	for _, row := range res["from_samples"].Rows {
		id := int64(num(t, row[0]))
		p, ok := byID[id]
		if !ok {
			continue // a sensor not on the roster has no summary row
		}
		// samples stores speed_mps as float32, rounded to nearest: up
		// to 2^-24 of itself below the engine's float64 (and DuckDB's
		// JSON of a FLOAT may round once more as much); 1e-6 covers both.
		if top := num(t, row[1]); p.TopSpeed_mps > top*(1+1e-6) {
			t.Errorf("player %d: max(speed_mps) over samples = %v, top_speed_mps = %v: want top_speed_mps ≤ max", id, top, p.TopSpeed_mps)
		}
		onCourt, bridged := num(t, row[2])*dt_s, num(t, row[5])*dt_s
		inRows_s[id] = onCourt
		if tol := 1e-6 * math.Max(1, onCourt); p.TimeOnCourt_s < onCourt-tol || p.TimeOnCourt_s > onCourt+bridged+tol {
			t.Errorf("player %d: count(in_bounds)·%g s = %v s, %v s of ticks in gaps up to BridgeGap_ms, time_on_court_s = %v: want between",
				id, dt_s, onCourt, bridged, p.TimeOnCourt_s)
		}
		steps, sampled_s := num(t, row[3]), num(t, row[4])*dt_s
		// The positions in samples are float32: each is off by up to
		// half an ulp (0.5 µm at 8-16 m), so each step by up to ~1.4 µm,
		// either way and independently from step to step. Their sum is
		// then off by about √steps µm (0.1 mm over a game's ~18,000
		// samples), which matters only when steps is close to distance_m,
		// i.e. for a player who moves all the time, over hundreds of
		// metres: 1e-6 of distance_m covers it.
		if steps < p.Distance_m-1e-6-1e-6*p.Distance_m || steps > p.Distance_m+stillNoise_mps*sampled_s {
			t.Errorf("player %d: sum of consecutive-tick steps = %.3f m, distance_m = %.3f m, %.0f s of samples: want distance_m ≤ steps ≤ distance_m + %g m/s · %.0f s",
				id, steps, p.Distance_m, sampled_s, stillNoise_mps, sampled_s)
		}
	}
	// Per period: DuckDB reads the lists summary.json has; each period's
	// bands add up to its time on court; the entries plus the time in
	// bounds outside any period (period 0 rows, and up to the bridged
	// ticks, which have no rows) make time_on_court_s; the effort
	// entries add up to at most the totals (the rest started outside
	// any period).
	bridgedOf := map[int64]float64{}
	for _, row := range res["from_samples"].Rows {
		bridgedOf[int64(num(t, row[0]))] = num(t, row[5]) * dt_s
	}
	jsonOf := func(v any, dst any) {
		t.Helper()
		s, ok := v.(string)
		if !ok {
			t.Fatalf("to_json gave %T %v", v, v)
		}
		if err := json.Unmarshal([]byte(s), dst); err != nil {
			t.Fatalf("to_json gave %q: %v", s, err)
		}
	}
	periods := 0
	for _, row := range res["periods"].Rows {
		id := int64(num(t, row[0]))
		p := byID[id]
		var got export.PlayerSummary
		jsonOf(row[1], &got.DistancePeriod_m)
		jsonOf(row[2], &got.SprintsPeriod)
		jsonOf(row[3], &got.AccelsPeriod)
		jsonOf(row[4], &got.DecelsPeriod)
		jsonOf(row[5], &got.TimeOnCourtPeriod_s)
		jsonOf(row[6], &got.SpeedBandPeriod_s)
		jsonOf(row[7], &got.SpeedBand_s)
		if !slices.Equal(got.DistancePeriod_m, p.DistancePeriod_m) || !slices.Equal(got.SprintsPeriod, p.SprintsPeriod) ||
			!slices.Equal(got.AccelsPeriod, p.AccelsPeriod) || !slices.Equal(got.DecelsPeriod, p.DecelsPeriod) ||
			!slices.Equal(got.TimeOnCourtPeriod_s, p.TimeOnCourtPeriod_s) || !slices.EqualFunc(got.SpeedBandPeriod_s, p.SpeedBandPeriod_s, slices.Equal) ||
			!slices.Equal(got.SpeedBand_s, p.SpeedBand_s) {
			t.Errorf("player %d: lists in DuckDB %+v, in summary.json %+v", id, got, p)
		}
		periods = max(periods, len(got.SprintsPeriod))
	}
	if periods == 0 {
		t.Error("players: no period in the sample game's per-period lists")
	}
	for _, row := range res["period_sums"].Rows {
		id := int64(num(t, row[0]))
		p, ok := byID[id]
		if !ok {
			continue
		}
		var bands []float64
		jsonOf(row[1], &bands)
		for k, b := range bands {
			if math.Abs(b-p.TimeOnCourtPeriod_s[k]) > 1e-9 {
				t.Errorf("player %d, period %d: list_sum(speed_band_period_s[%d]) = %v s, time_on_court_period_s %v s", id, k+1, k+1, b, p.TimeOnCourtPeriod_s[k])
			}
		}
		entries, outside := num(t, row[2]), num(t, row[3])*dt_s
		if math.IsNaN(entries) {
			entries = 0 // list_sum of an empty list
		}
		if d := p.TimeOnCourt_s - entries - outside; d < -1e-6 || d > bridgedOf[id]+1e-6 {
			t.Errorf("player %d: time_on_court_s %v s, entries %v s + period 0 rows in bounds %v s (+ up to %v s bridged)", id, p.TimeOnCourt_s, entries, outside, bridgedOf[id])
		}
		if n := num(t, row[4]); n != float64(periods) {
			t.Errorf("player %d: %v entries of sprints_period, another player %d", id, n, periods)
		}
		for _, c := range [][2]int{{5, 6}, {7, 8}, {9, 10}} {
			if e, tot := num(t, row[c[0]]), num(t, row[c[1]]); e > tot {
				t.Errorf("player %d: %s = %v, more than %s %v", id, res["period_sums"].Columns[c[0]], e, res["period_sums"].Columns[c[1]], tot)
			}
		}
	}

	if len(res["from_samples"].Rows) == 0 {
		t.Error("no player rows in samples")
	}

	for _, row := range res["boxscore_dist"].Rows {
		if got, want := num(t, row[1])/100, num(t, row[2]); math.Abs(got-want) > 1e-9 {
			t.Errorf("player %v: boxscore dist_cm/100 = %v m, players.dist_stat_m = %v m", row[0], got, want)
		}
	}

	// Possession: one possessions row (level player) per touch.
	for _, r := range res["touches"].Rows {
		if num(t, r[1]) != num(t, r[2]) {
			t.Errorf("player %v: touches = %v, player possessions = %v", r[0], r[1], r[2])
		}
	}
	// Heatmaps: a player's cells add up to the time of his rows in
	// bounds (time_on_court_s without the ticks of bridged gaps, which
	// have no rows), up to the rows the engine revises after the
	// analyzers saw them (its smoother runs after the frame): within
	// 1% + 0.5 s.
	for _, r := range res["heat"].Rows {
		on, ok := inRows_s[int64(num(t, r[0]))]
		if !ok {
			continue
		}
		if heat := num(t, r[2]); math.Abs(on-heat) > 0.01*on+0.5 {
			t.Errorf("player %v: heatmap cells sum to %.2f s, its rows in bounds %.2f s", r[0], heat, on)
		}
	}
	types := map[any]float64{}
	for _, r := range res["event_types"].Rows {
		types[r[0]] = num(t, r[1])
	}
	for _, typ := range []string{"pass", "shot", "marker"} {
		if types[typ] == 0 {
			t.Errorf("events: no %s rows (have %v)", typ, types)
		}
	}
	if r := res["holders"].Rows[0]; num(t, r[0]) == 0 || num(t, r[1]) < 2 {
		t.Errorf("samples: %v ball_holder rows by %v players", r[0], r[1])
	}

	if r := res["shots_placed"].Rows[0]; num(t, r[0]) == 0 || num(t, r[1]) != 0 {
		t.Errorf("shots: %v rows, %v without a court position; want some, all placed", r[0], r[1])
	}

	qs := sum.Quality
	wantQ := []int64{qs.Messages, qs.Locations, qs.BadLines, qs.Unknown, qs.Duplicates, qs.Late, qs.Reordered, qs.Gaps, qs.Teleports, qs.Outliers, qs.UnknownIDs, qs.StaleStats, qs.RepeatedShots, qs.RepeatedMarkers, qs.DroppedSensors}
	for i, col := range res["quality"].Columns {
		if got := int64(num(t, res["quality"].Rows[0][i])); got != wantQ[i] {
			t.Errorf("quality.%s: DuckDB %d, summary.json %d", col, got, wantQ[i])
		}
	}
}

// Several sessions: the Hive layout reads as one dataset partitioned by
// session_id, with each session's rows where summary.json says, and a
// session id holding '=' (escaped in the directory name) reads back as it
// is.
func TestAnalyzeDuckDBHive(t *testing.T) {
	duckDB(t)
	sample := filepath.Join(t.TempDir(), "bundles")
	path, err := pipeline.WriteSample(context.Background(), sample)
	if err != nil {
		t.Fatal(err)
	}
	// The same game again, named by its directory (no live.json): session
	// "a=b", a name DuckDB refused whole datasets over when the '=' was
	// left in session_id=a=b.
	eq := copyBundle(t, path, filepath.Join(sample, "a=b"))
	if err := os.Remove(filepath.Join(eq, decode.BundleLive)); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"analyze", "--out", out, "--quiet", "--jobs", "2", path, eq}, &stdout, &stderr); err != nil {
		t.Fatalf("analyze: %v\nstderr:\n%s", err, stderr.String())
	}
	var multi export.MultiSummary
	readJSON(t, filepath.Join(out, "summary.json"), &multi)
	if len(multi.Sessions) != 2 {
		t.Fatalf("summary.json has %d sessions, want 2", len(multi.Sessions))
	}
	// (sessions[] is in time order, then by id: the copy, of the same
	// game, comes first.)
	if i := slices.IndexFunc(multi.Sessions, func(s export.SessionSummary) bool { return s.Source == eq }); i < 0 || multi.Sessions[i].SessionID != "a=b" {
		t.Fatalf("session of %s: %+v, want a=b", eq, multi.Sessions)
	}
	glob := func(table string) string {
		return "read_parquet(" + sqlPath(filepath.Join(out, table, "*", "*.parquet")) + ", hive_partitioning = true)"
	}
	res := duckQuery(t, map[string]string{
		"players":  "SELECT session_id::VARCHAR, count(*), sum(distance_m) FROM " + glob("players") + " GROUP BY ALL ORDER BY 1",
		"samples":  "SELECT session_id::VARCHAR, count(*) FROM " + glob("samples") + " GROUP BY ALL ORDER BY 1",
		"sessions": "SELECT count(DISTINCT session_id) FROM " + glob("quality"),
	})
	if r := res["sessions"].Rows; len(r) != 1 || num(t, r[0][0]) != 2 {
		t.Errorf("quality dataset: %v sessions, want 2", r)
	}
	players := map[string][]any{}
	for _, r := range res["players"].Rows {
		players[r[0].(string)] = r
	}
	for _, s := range multi.Sessions {
		r, ok := players[s.SessionID]
		if !ok {
			t.Errorf("session %s: no players in the dataset (have %v)", s.SessionID, res["players"].Rows)
			continue
		}
		var dist float64
		for _, p := range s.Players {
			dist += p.Distance_m
		}
		if got := num(t, r[1]); got != float64(len(s.Players)) {
			t.Errorf("session %s: %v player rows, summary.json has %d", s.SessionID, got, len(s.Players))
		}
		if got := num(t, r[2]); math.Abs(got-dist) > 1e-6*dist {
			t.Errorf("session %s: sum(distance_m) = %v, summary.json sums to %v", s.SessionID, got, dist)
		}
	}
	sr := res["samples"].Rows
	if len(sr) != 2 || num(t, sr[0][1]) != num(t, sr[1][1]) || num(t, sr[0][1]) == 0 {
		t.Errorf("samples per session = %v, want two equal non-zero counts (the same game twice)", sr)
	}
}

// The SQL in docs/querying.md runs as written: every statement of its
// sql blocks, in DuckDB started inside an output directory as the doc
// says (a one-session one for most, a two-session one for the blocks that
// read the Hive layout), without an error, and every SELECT gives rows.
func TestQueryingDocSQL(t *testing.T) {
	node, modules := duckDB(t)
	doc, err := os.ReadFile(filepath.Join(moduleRoot(t), "docs", "querying.md"))
	if err != nil {
		t.Fatal(err)
	}
	path, err := pipeline.WriteSample(context.Background(), filepath.Join(t.TempDir(), "bundles"))
	if err != nil {
		t.Fatal(err)
	}
	// A copy of the bundle: the same live id, so the second session is
	// "<id>-2".
	again := copyBundle(t, path, filepath.Join(t.TempDir(), "again"))
	one, two := t.TempDir(), t.TempDir()
	for _, run := range [][]string{{"--out", one, path}, {"--out", two, path, again}} {
		var stdout, stderr bytes.Buffer
		if err := Run(context.Background(), append([]string{"analyze", "--quiet", "--images=false"}, run...), &stdout, &stderr); err != nil {
			t.Fatalf("analyze %v: %v\n%s", run, err, stderr.String())
		}
	}
	queries := map[string]map[string]string{one: {}, two: {}}
	n := 0
	for _, block := range strings.Split(string(doc), "```sql\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		dir := one
		if strings.Contains(block, "*/*.parquet") {
			dir = two
		}
		for _, stmt := range strings.Split(block, ";") {
			if stmt = strings.TrimSpace(stmt); stmt != "" {
				n++
				queries[dir][fmt.Sprintf("%03d", n)] = stmt // the script runs them in name order on one connection
			}
		}
	}
	if n < 8 {
		t.Fatalf("found %d SQL statements in docs/querying.md; the extraction is broken", n)
	}
	for dir, qs := range queries {
		var out map[string]duckResult
		runNodeIn(t, dir, node, modules, "duckdb_query.mjs", map[string]any{"queries": qs}, &out)
		for name, sql := range qs {
			r, ok := out[name]
			switch {
			case !ok:
				t.Errorf("no result for %s", sql)
			case r.Error != "":
				t.Errorf("docs/querying.md statement fails: %s\nSQL: %s", r.Error, sql)
			case strings.HasPrefix(strings.ToUpper(sql), "SELECT") && len(r.Rows) == 0:
				t.Errorf("docs/querying.md query gives no rows: %s", sql)
			}
		}
	}
}

// docs/querying.md's season query, each player's distance over the
// season, gives each player his own row, in a season of a game with a
// roster and a bare recording without one (as the doc tells users to
// add): each row's distance is the sum of one player's (player_id and
// team_id) distance_m over the games, as summary.json has them. Grouped by
// name, the players without a name (all of the bare recording's) were one
// row, at the top, their distances added up.
func TestQueryingDocSeason(t *testing.T) {
	node, modules := duckDB(t)
	doc, err := os.ReadFile(filepath.Join(moduleRoot(t), "docs", "querying.md"))
	if err != nil {
		t.Fatal(err)
	}
	var query string
	for _, block := range strings.Split(string(doc), "```sql\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		for _, stmt := range strings.Split(block, ";") {
			if strings.Contains(stmt, "dist_per_game_m") {
				query = strings.TrimSpace(stmt)
			}
		}
	}
	if query == "" {
		t.Fatal("docs/querying.md: no season query with dist_per_game_m")
	}
	dir := t.TempDir()
	game := shortBundle(t, dir, "g01")
	bare := bareCopy(t, game, dir, "rec07.jsonl")
	out := t.TempDir()
	for _, in := range []string{game, bare} {
		if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", "--add", in); err != nil {
			t.Fatalf("--add %s: %v\n%s", in, err, stderr)
		}
	}
	m, err := export.ReadSummary(out)
	if err != nil || len(m.Sessions) != 2 {
		t.Fatalf("the season: %v, %v; want 2 sessions", sessionSources(t, out), err)
	}
	type player struct{ id, team int64 }
	want := map[player]float64{} // distance over the season
	games := map[player]int{}
	maxGame_m := 0.0 // the most one player ran in one game
	for _, s := range m.Sessions {
		for _, p := range s.Players {
			want[player{p.PlayerID, p.TeamID}] += p.Distance_m
			games[player{p.PlayerID, p.TeamID}]++
			maxGame_m = max(maxGame_m, p.Distance_m)
		}
	}
	var res map[string]duckResult
	runNodeIn(t, out, node, modules, "duckdb_query.mjs", map[string]any{"queries": map[string]string{"season": query}}, &res)
	r := res["season"]
	if r.Error != "" || len(r.Rows) == 0 {
		t.Fatalf("season query: %q, %d rows\n%s", r.Error, len(r.Rows), query)
	}
	col := map[string]int{}
	for i, c := range r.Columns {
		col[c] = i
	}
	for _, row := range r.Rows {
		if got := num(t, row[col["dist_per_game_m"]]); got > maxGame_m+1 {
			t.Errorf("season query row %v: %.0f m a game, more than any player ran in a game (%.0f m): several players in one row\n%s", row, got, maxGame_m, query)
		}
	}
	for _, c := range []string{"player_id", "team_id", "name", "games", "dist_m"} {
		if _, ok := col[c]; !ok {
			t.Fatalf("season query: columns %v, want %s\n%s", r.Columns, c, query)
		}
	}
	for _, row := range r.Rows {
		p := player{int64(num(t, row[col["player_id"]])), int64(num(t, row[col["team_id"]]))}
		if got := num(t, row[col["dist_m"]]); math.Abs(got-want[p]) > 1 || int(num(t, row[col["games"]])) != games[p] {
			t.Errorf("season query: player %d of team %d: %.0f m in %v games; summary.json: %.1f m in %d", p.id, p.team, got, row[col["games"]], want[p], games[p])
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// docs/querying.md's per-minute distance from consecutive samples, summed
// over the minutes, is each player's distance_m within 0.3 % + 0.6 m, as
// the doc says (measured there over 408 player-games), on two games that
// test its two filters; the query without either filter is not:
//   - the built-in sample (σ 31 mm): a step of one grid period counts only
//     while the player moves. Every step, the smoothed track's standing
//     jitter included, read 1–27 % high for the players who played.
//   - a low-noise game whose dead balls all silence the feed: no rows are
//     written across a silence, and a step across one longer than 2 s
//     counts nothing (the doc's query once summed them: on the SportVU
//     fragment +35 % for one player, the 7 s silence's displacement).
func TestQueryingDocDistance(t *testing.T) {
	node, modules := duckDB(t)
	doc, err := os.ReadFile(filepath.Join(moduleRoot(t), "docs", "querying.md"))
	if err != nil {
		t.Fatal(err)
	}
	var query string
	for _, block := range strings.Split(string(doc), "```sql\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if strings.Contains(block, "time_bucket(INTERVAL 1 MINUTE") {
			query = strings.TrimSuffix(strings.TrimSpace(block), ";")
		}
	}
	const (
		moving = "WHEN step_ms = grid_period_ms THEN moved_mps"
		bridge = "WHEN step_ms <= 2000 THEN"
	)
	if query == "" || !strings.Contains(query, moving) || !strings.Contains(query, bridge) {
		t.Fatalf("docs/querying.md: no per-minute distance query with %q and %q:\n%s", moving, bridge, query)
	}
	if got, want := track.DefaultConfig().BridgeGap_ms, int64(2000); got != want {
		t.Errorf("the doc's query bridges dropouts of up to %d ms, the engine (BridgeGap_ms) %d ms", want, got)
	}

	sample, err := pipeline.WriteSample(context.Background(), filepath.Join(t.TempDir(), "sample"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := synth.SampleConfig()
	cfg.Minutes, cfg.Noise_mm, cfg.Bias_mm, cfg.FeedGapRate = 3, 5, 0, 1
	gappy := filepath.Join(t.TempDir(), "gappy")
	if _, err := synth.Write(context.Background(), cfg, gappy, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, game string
		without    string // the doc's query without the filter the game tests
	}{
		{"sample/every-step", sample, strings.Replace(query, moving, "WHEN step_ms = grid_period_ms THEN 1e9", 1)},
		{"gappy/every-silence", gappy, strings.Replace(query, bridge, "WHEN step_ms > 0 THEN", 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", tc.game); err != nil {
				t.Fatalf("analyze: %v\n%s", err, stderr)
			}
			var sum export.SessionSummary
			readJSON(t, filepath.Join(out, "summary.json"), &sum)
			if tc.game == gappy && sum.Quality.Gaps == 0 {
				t.Fatal("the game has no gap to test")
			}
			perPlayer := func(q string) string {
				return "SELECT sensor_id, sum(metres) FROM (" + q + ") GROUP BY sensor_id"
			}
			var res map[string]duckResult
			runNodeIn(t, out, node, modules, "duckdb_query.mjs", map[string]any{"queries": map[string]string{
				"doc":     perPlayer(query),
				"without": perPlayer(tc.without),
			}}, &res)
			read := func(name string) map[int64]float64 {
				r := res[name]
				if r.Error != "" || len(r.Rows) == 0 {
					t.Fatalf("%s query: %q, %d rows", name, r.Error, len(r.Rows))
				}
				m := map[int64]float64{}
				for _, row := range r.Rows {
					m[int64(num(t, row[0]))] = num(t, row[1])
				}
				return m
			}
			doc_m, without_m := read("doc"), read("without")
			over, ran := 0, 0
			for _, p := range sum.Players {
				tol_m := 0.003*p.Distance_m + 0.6
				if got := doc_m[p.PlayerID]; math.Abs(got-p.Distance_m) > tol_m {
					t.Errorf("player %d: the doc's query sums %.2f m, distance_m %.2f m", p.PlayerID, got, p.Distance_m)
				}
				if p.Distance_m >= 50 {
					ran++
					if without_m[p.PlayerID]-p.Distance_m > tol_m {
						over++
					}
				}
			}
			if ran == 0 || over == 0 {
				t.Errorf("%d of %d players who ran 50 m read beyond the tolerance without the filter: the test cannot tell its effect", over, ran)
			}
		})
	}
}
