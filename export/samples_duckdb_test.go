package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stmotion/stmotion/track"
)

// duckScript runs SQL queries with DuckDB (@duckdb/node-api, from the
// node_modules directory in STMOTION_NODE_MODULES): stdin {"name": "SQL"},
// stdout {"name": {"rows": [[...]]} or {"error": "..."}}.
const duckScript = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const require = createRequire(join(process.env.STMOTION_NODE_MODULES, 'noop.js'));
const { DuckDBInstance } = require('@duckdb/node-api');
const queries = JSON.parse(readFileSync(0, 'utf8'));
const con = await (await DuckDBInstance.create(':memory:')).connect();
const out = {};
for (const [name, sql] of Object.entries(queries)) {
  try {
    out[name] = { rows: (await con.runAndReadAll(sql)).getRowsJson() };
  } catch (e) {
    out[name] = { error: String(e && e.message ? e.message : e) };
  }
}
process.stdout.write(JSON.stringify(out));
`

// duckRows runs queries with DuckDB, the way cmd/stmotion's interop test
// finds it (.ci/node_modules under the module root, or
// STMOTION_NODE_MODULES), and skips the test when it is not installed.
func duckRows(t *testing.T, queries map[string]string) map[string][][]any {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("DuckDB check skipped: node is not installed")
	}
	modules := os.Getenv("STMOTION_NODE_MODULES")
	if modules == "" {
		modules, err = filepath.Abs(filepath.Join("..", ".ci", "node_modules"))
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(modules, "@duckdb", "node-api", "package.json")); err != nil {
		t.Skipf("DuckDB check skipped: no @duckdb/node-api in %s (.ci/run installs it)", modules)
	}
	script := filepath.Join(t.TempDir(), "duck.mjs")
	if err := os.WriteFile(script, []byte(duckScript), 0o644); err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(queries)
	cmd := exec.Command(node, script)
	cmd.Env = append(os.Environ(), "STMOTION_NODE_MODULES="+modules)
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("DuckDB: %v\n%s", err, stderr.String())
	}
	var out map[string]struct {
		Rows  [][]any `json:"rows"`
		Error string  `json:"error"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("DuckDB output: %v\n%.500s", err, stdout.String())
	}
	rows := map[string][][]any{}
	for name, r := range out {
		if r.Error != "" {
			t.Fatalf("DuckDB query %s: %s\nSQL: %s", name, r.Error, queries[name])
		}
		rows[name] = r.Rows
	}
	return rows
}

// duckEdgeSamples are rows whose sensor_id and team_id deltas wrap around
// int64 (miniblocks of bit width 64), t with deltas of up to 2^53 ms (in
// DuckDB's range of timestamps), floats of every class including NaN,
// unknown clocks, and booleans ending mid-byte.
func duckEdgeSamples(n int) []track.Sample {
	s := edgeSamples(n)
	rng := rand.New(rand.NewPCG(13, 14))
	for i := range s {
		s[i].T_ms = rng.Int64N(1<<53) - 1<<52
		if i%5 == 0 {
			s[i].SensorID, s[i].TeamID = math.MinInt64+int64(i%3), math.MaxInt64-int64(i%2)
		}
		if i%11 == 0 {
			s[i].Heading_rad = math.NaN()
		}
	}
	return s
}

// DuckDB reads the samples writer's files value for value: every row of
// every column, in order (file_row_number), for files with DELTA pages of
// bit width 64, pages and row groups whose sizes are not multiples of 8 or
// 128, one-row row groups, both layouts, and an empty file.
func TestSamplesParquetDuckDB(t *testing.T) {
	cases := []struct {
		name      string
		rows      []track.Sample
		batchRows int
		hive      bool
	}{
		{"edge/groups", duckEdgeSamples(20_003), 9000, false},
		{"edge/one-row-groups", duckEdgeSamples(13), 1, true},
		{"game/full-pages", gameSamples(3*zstdWindow + 9), DefaultBatchRows, true},
		{"empty", nil, DefaultBatchRows, false},
	}
	queries := map[string]string{}
	paths := make([]string, len(cases))
	for i, tc := range cases {
		opts := []Option{WithBatchRows(tc.batchRows), WithForeground()}
		if tc.hive {
			opts = append(opts, WithHiveLayout())
		}
		paths[i] = writeSamples(t, t.TempDir(), "g1", tc.rows, opts...).Paths()[TableSamples]
		session := "'g1'"
		if !tc.hive {
			session = "session_id"
		}
		queries[tc.name] = fmt.Sprintf(`SELECT %s, epoch_ms(t)::VARCHAR, sensor_id::VARCHAR, kind, team_id::VARCHAR,
			x_m::VARCHAR, y_m::VARCHAR, z_m::VARCHAR, speed_mps::VARCHAR, accel_mps2::VARCHAR, heading_rad::VARCHAR,
			period::VARCHAR, clock, in_bounds, ball_holder
			FROM read_parquet('%s', file_row_number = true) ORDER BY file_row_number`, session, paths[i])
	}
	got := duckRows(t, queries)
	for _, tc := range cases {
		rows := got[tc.name]
		if len(rows) != len(tc.rows) {
			t.Errorf("%s: DuckDB reads %d rows, want %d", tc.name, len(rows), len(tc.rows))
			continue
		}
		bad := 0
		for i, s := range tc.rows {
			want := []string{"g1", strconv.FormatInt(s.T_ms, 10), strconv.FormatInt(s.SensorID, 10), s.Kind.String(),
				strconv.FormatInt(s.TeamID, 10)}
			for _, f := range []float64{s.X_m, s.Y_m, s.Z_m, s.Speed_mps, s.Accel_mps2, s.Heading_rad} {
				want = append(want, fmt.Sprint(math.Float32bits(float32(f))))
			}
			want = append(want, strconv.Itoa(int(s.Period)), clockValues[clockIndex(s.Clock)], strconv.FormatBool(s.InBounds), strconv.FormatBool(s.BallHolder))
			var have []string
			for j, v := range rows[i] {
				x := fmt.Sprint(v)
				if j >= 5 && j <= 10 { // FLOATs as DuckDB's text (shortest for float32): compare their bits
					f, err := strconv.ParseFloat(x, 32)
					if err != nil && !math.IsInf(f, 0) {
						t.Fatalf("%s row %d column %d: %q: %v", tc.name, i, j, x, err)
					}
					f32 := float32(f)
					if math.IsNaN(f) {
						f32 = float32(s.Heading_rad) // DuckDB's text loses NaN payloads
					}
					x = fmt.Sprint(math.Float32bits(f32))
				}
				have = append(have, x)
			}
			if fmt.Sprint(have) != fmt.Sprint(want) {
				t.Errorf("%s row %d:\n DuckDB %v\n want   %v", tc.name, i, have, want)
				if bad++; bad > 5 {
					break
				}
			}
		}
	}
}
