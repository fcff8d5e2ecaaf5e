package export

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/stmotion/stmotion/internal/version"
	"github.com/stmotion/stmotion/track"
)

// fakeSamples returns n samples of two sensors on a 100 ms grid, with
// values derived from the row index so a reader can check them.
func fakeSamples(n int) []track.Sample {
	s := make([]track.Sample, n)
	for i := range s {
		kind, team := track.KindPlayer, int64(7)
		if i%2 == 1 {
			kind, team = track.KindBall, 0
		}
		s[i] = track.Sample{
			T_ms: 1_700_000_000_000 + int64(i/2)*100, SensorID: int64(100 + i%2), Kind: kind, TeamID: team,
			X_m: float64(i) * 0.01, Y_m: -float64(i) * 0.02, Z_m: 1, Speed_mps: float64(i % 9),
			Accel_mps2: 0.5, Heading_rad: math.Pi / 4, Period: int32(1 + i/1000), Clock: track.ClockState(i % 3),
			InBounds: i%5 != 0, BallHolder: i%4 == 0,
		}
	}
	return s
}

// gameSamples returns n samples shaped like the engine's output for a game:
// 25 sensors (24 players of two teams and the ball) per tick of a 39 ms
// grid, each moving on its own circle with a few mm of noise, so that the
// float columns carry full-precision values as smoothed positions do
// (fakeSamples' values are far more compressible). Speed, acceleration and
// heading are finite differences of the noisy positions, as noisy as the
// engine's. Deterministic.
func gameSamples(n int) []track.Sample {
	const sensors, dt_ms = 25, 39
	rng := rand.New(rand.NewPCG(1, 2))
	type motion struct{ cx, cy, r, w, phase, x, y, speed float64 }
	ms := make([]motion, sensors)
	for i := range ms {
		ms[i] = motion{cx: rng.Float64()*20 - 10, cy: rng.Float64()*10 - 5, r: 1 + rng.Float64()*6,
			w: 0.1 + rng.Float64()*0.5, phase: rng.Float64() * 2 * math.Pi}
	}
	s := make([]track.Sample, n)
	for i := range s {
		tick, id := i/sensors, i%sensors
		m := &ms[id]
		t_s := float64(tick*dt_ms) / 1000
		a := m.w*t_s + m.phase
		x := m.cx + m.r*math.Cos(a) + rng.NormFloat64()*0.003
		y := m.cy + m.r*math.Sin(a) + rng.NormFloat64()*0.003
		vx, vy := (x-m.x)/(dt_ms/1000.0), (y-m.y)/(dt_ms/1000.0)
		if tick == 0 {
			vx, vy = 0, 0
		}
		speed := math.Hypot(vx, vy)
		accel := (speed - m.speed) / (dt_ms / 1000.0)
		m.x, m.y, m.speed = x, y, speed
		kind, team, z := track.KindPlayer, int64(461+29*(id/12)), 0.06+rng.NormFloat64()*0.005
		if id == sensors-1 {
			kind, team, z = track.KindBall, 0, 1.2+math.Abs(math.Sin(a*3))*2+rng.NormFloat64()*0.01
		}
		s[i] = track.Sample{
			T_ms: 1_764_150_000_006 + int64(tick*dt_ms), SensorID: int64(1000 + 397*id), Kind: kind, TeamID: team,
			X_m: x, Y_m: y, Z_m: z, Vx_mps: vx, Vy_mps: vy, Speed_mps: speed, Accel_mps2: accel,
			Heading_rad: math.Atan2(vy, vx), Period: int32(1 + tick/15000), Clock: track.ClockState(1 + (tick/700)%3),
			InBounds: math.Abs(x) < 14 && math.Abs(y) < 7.5, BallHolder: kind == track.KindPlayer && (tick/100)%24 == id,
		}
	}
	return s
}

func fakeSummary() *track.Summary {
	return &track.Summary{
		SessionID: "g1", Start_ms: 1_700_000_000_000, End_ms: 1_700_000_600_000,
		Players: []track.PlayerSummary{
			{PlayerID: 100, TeamID: 7, Name: "Ann Lee", Jersey: "00", Distance_m: 1234.5, DistanceLive_m: 1000,
				DistancePeriod_m: []float64{600, 634.5}, RawDistance_m: 1300, TopSpeed_mps: 7.5,
				SpeedBand_s: []float64{1, 2, 3}, Sprints: 4, Accels: 5, Decels: 6, TimeOnCourt_s: 600,
				Possession_s: 42, Touches: 9, DistStat_m: 1250, DistRatio: 1250 / 1234.5,
				SprintsPeriod: []int{1, 2}, AccelsPeriod: []int{2, 3}, DecelsPeriod: []int{3, 2},
				TimeOnCourtPeriod_s: []float64{280, 300}, SpeedBandPeriod_s: [][]float64{{0.5, 1, 1.25}, {0.5, 0.75, 1.5}}},
		},
		Teams:    []track.TeamSummary{{TeamID: 7, Name: "Owls", Possession_s: 300}},
		BoxScore: []track.BoxScore{{PlayerID: 100, TeamID: 7, Version: 12, Values: map[string]float64{"PTS": 11, "DIST": 125000}}},
		Heatmaps: []track.HeatCell{{Scope: "player", ID: 100, IX: 3, IY: 4, X_m: 1.75, Y_m: 2.25, Seconds: 12.5}},
		Quality:  track.Quality{Messages: 10, Locations: 8, BadLines: 1, Late: 2},
	}
}

func fakeSegments() []track.Segment {
	return []track.Segment{
		{Type: track.SegPossession, Start_ms: 1_700_000_001_000, End_ms: 1_700_000_003_500, PlayerID: 100, TeamID: 7, Touches: 1, Period: 1},
		{Type: track.SegTeamPossession, Start_ms: 1_700_000_001_000, End_ms: 1_700_000_009_000, TeamID: 7, Touches: 3, Period: 1},
		{Type: track.SegPass, Start_ms: 1_700_000_003_500, End_ms: 1_700_000_004_000, PlayerID: 100, ToPlayerID: 101, TeamID: 7, Length_m: 6.5},
		{Type: track.SegMarker, Start_ms: 1_700_000_000_000, End_ms: 1_700_000_000_000, Label: "LIVE"},
		{Type: track.SegMarker, Start_ms: 1_700_000_009_000, End_ms: 1_700_000_009_000, Label: "PLAY_NEXT", NextLiveID: "next-half"},
		{Type: track.SegFeedShot, Start_ms: 1_700_000_005_000, PlayerID: 100, TeamID: 7, StartX_m: 10, StartY_m: 2, Made: true, Zone: 5},
		{Type: track.SegDistCheck, Start_ms: 1_700_000_006_000, PlayerID: 100, TeamID: 7, FeedDist_cm: 110, EngineDist_cm: 100},
	}
}

// writeSession runs a whole fake session through a Writer in batches of 37
// (not a divisor of the batch size, so batches straddle row groups).
func writeSession(t *testing.T, dir string, n int, opts ...Option) *Writer {
	t.Helper()
	w, err := NewWriter(dir, "g1", opts...)
	if err != nil {
		t.Fatal(err)
	}
	s := fakeSamples(n)
	for i := 0; i < len(s); i += 37 {
		if err := w.Samples(s[i:min(i+37, len(s))]); err != nil {
			t.Fatal(err)
		}
	}
	for _, seg := range fakeSegments() {
		if err := w.Segment(&seg); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(fakeSummary()); err != nil {
		t.Fatal(err)
	}
	return w
}

// writeSamples writes rows as one session's samples (in one call) and
// closes the Writer; the other tables stay empty.
func writeSamples(t *testing.T, dir, session string, rows []track.Sample, opts ...Option) *Writer {
	t.Helper()
	w, err := NewWriter(dir, session, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Samples(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	return w
}

// readParquet reads a whole Parquet file into one table.
func readParquet(t *testing.T, mem memory.Allocator, path string) arrow.Table {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

func TestWriterParquetRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	const n = 2500
	w := writeSession(t, dir, n, WithAllocator(mem), WithBatchRows(1000))

	wantRows := map[Table]int64{
		TableSamples: n, TablePlayers: 1, TablePossessions: 2, TableEvents: 3, TableShots: 1,
		TableBoxScore: 1, TableDistCheck: 1, TableHeatmaps: 1, TableQuality: 1,
	}
	// The reader's allocator is checked too, except for samples: arrow-go's
	// DELTA_BINARY_PACKED decoder (v18.8.0) never frees its 64-byte buffer
	// of miniblock widths. That is the reader's accounting, not the
	// writer's, whose allocator mem is checked for every table.
	rmem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer rmem.AssertSize(t, 0)
	readMem := func(tb Table) memory.Allocator {
		if tb == TableSamples {
			return memory.DefaultAllocator
		}
		return rmem
	}
	for i, tb := range Tables() {
		path := w.Paths()[i]
		if path != filepath.Join(dir, tb.String()+".parquet") {
			t.Errorf("path of %s = %s", tb, path)
		}
		if got := w.Rows(tb); got != wantRows[tb] {
			t.Errorf("%s: Rows = %d, want %d", tb, got, wantRows[tb])
		}
		tbl := readParquet(t, readMem(tb), path)
		if got := tbl.NumRows(); got != wantRows[tb] {
			t.Errorf("%s: rows = %d, want %d", tb, got, wantRows[tb])
		}
		if !sameColumns(tbl.Schema(), Schema(tb, true)) {
			t.Errorf("%s: schema read back\n%s\nwant\n%s", tb, tbl.Schema(), Schema(tb, true))
		}
		tbl.Release()
	}

	// Samples: row groups of 1000 rows, values as written.
	rdr, err := file.OpenParquetFile(w.Paths()[TableSamples], false)
	if err != nil {
		t.Fatal(err)
	}
	if got := rdr.NumRowGroups(); got != 3 {
		t.Errorf("samples row groups = %d, want 3 (2500 rows, 1000 per group)", got)
	}
	rdr.Close()
	tbl := readParquet(t, readMem(TableSamples), w.Paths()[TableSamples])
	defer tbl.Release()
	want := fakeSamples(n)
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	row := 0
	for tr.Next() {
		rec := tr.RecordBatch()
		sess := dictStrings(t, rec.Column(0))
		ts := rec.Column(1).(*array.Timestamp)
		sensors := rec.Column(2).(*array.Int64)
		kinds := dictStrings(t, rec.Column(3))
		teams := rec.Column(4).(*array.Int64)
		xs := rec.Column(5).(*array.Float32)
		ys := rec.Column(6).(*array.Float32)
		heads := rec.Column(10).(*array.Float32)
		periods := rec.Column(11).(*array.Int32)
		clocks := dictStrings(t, rec.Column(12))
		inb := rec.Column(13).(*array.Boolean)
		hold := rec.Column(14).(*array.Boolean)
		for i := 0; i < int(rec.NumRows()); i++ {
			s := want[row]
			got := track.Sample{T_ms: int64(ts.Value(i)), SensorID: sensors.Value(i), TeamID: teams.Value(i),
				X_m: float64(xs.Value(i)), Y_m: float64(ys.Value(i)), Heading_rad: float64(heads.Value(i)), Period: periods.Value(i),
				InBounds: inb.Value(i), BallHolder: hold.Value(i)}
			w := track.Sample{T_ms: s.T_ms, SensorID: s.SensorID, TeamID: s.TeamID, X_m: stored(s.X_m), Y_m: stored(s.Y_m),
				Heading_rad: stored(s.Heading_rad), Period: s.Period, InBounds: s.InBounds, BallHolder: s.BallHolder}
			if got != w || sess[i] != "g1" || kinds[i] != s.Kind.String() || clocks[i] != s.Clock.String() {
				t.Fatalf("samples row %d: got %+v session=%s kind=%s clock=%s, want %+v kind=%s clock=%s",
					row, got, sess[i], kinds[i], clocks[i], w, s.Kind, s.Clock)
			}
			row++
		}
	}
	if row != n {
		t.Errorf("read %d sample rows, want %d", row, n)
	}
}

// Samples shaped like a game's (full-precision floats, cyclic ids) read
// back bit for bit, the float columns as the float32 the Writer rounds
// them to: the zstd codec and the encodings of samples lose nothing, over
// row groups and pages of every length.
func TestWriterGameRoundTrip(t *testing.T) {
	const n = 50_000
	dir := t.TempDir()
	want := gameSamples(n)
	w := writeSamples(t, dir, "g1", want, WithBatchRows(12_345))
	tbl := readParquet(t, memory.DefaultAllocator, w.Paths()[TableSamples])
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	cols := []struct {
		name string
		get  func(s *track.Sample) uint64
	}{
		{"t", func(s *track.Sample) uint64 { return uint64(s.T_ms) }},
		{"sensor_id", func(s *track.Sample) uint64 { return uint64(s.SensorID) }},
		{"team_id", func(s *track.Sample) uint64 { return uint64(s.TeamID) }},
		{"x_m", func(s *track.Sample) uint64 { return uint64(math.Float32bits(float32(s.X_m))) }},
		{"y_m", func(s *track.Sample) uint64 { return uint64(math.Float32bits(float32(s.Y_m))) }},
		{"z_m", func(s *track.Sample) uint64 { return uint64(math.Float32bits(float32(s.Z_m))) }},
		{"speed_mps", func(s *track.Sample) uint64 { return uint64(math.Float32bits(float32(s.Speed_mps))) }},
		{"accel_mps2", func(s *track.Sample) uint64 { return uint64(math.Float32bits(float32(s.Accel_mps2))) }},
		{"heading_rad", func(s *track.Sample) uint64 { return uint64(math.Float32bits(float32(s.Heading_rad))) }},
		{"period", func(s *track.Sample) uint64 { return uint64(s.Period) }},
	}
	row := 0
	for tr.Next() {
		rec := tr.RecordBatch()
		for _, c := range cols {
			a := rec.Column(rec.Schema().FieldIndices(c.name)[0])
			for i := 0; i < int(rec.NumRows()); i++ {
				var got uint64
				switch a := a.(type) {
				case *array.Int64:
					got = uint64(a.Value(i))
				case *array.Timestamp:
					got = uint64(a.Value(i))
				case *array.Int32:
					got = uint64(a.Value(i))
				case *array.Float32:
					got = uint64(math.Float32bits(a.Value(i)))
				default:
					t.Fatalf("%s: unexpected array %T", c.name, a)
				}
				if w := c.get(&want[row+i]); got != w {
					t.Fatalf("row %d %s: got bits %#x, want %#x", row+i, c.name, got, w)
				}
			}
		}
		row += int(rec.NumRows())
	}
	if row != n {
		t.Errorf("read %d rows, want %d", row, n)
	}
}

// A Writer that gets the sample columns of a closed one (stale rows,
// bitmaps with bits set) writes only its own rows.
func TestWriterReusedColumns(t *testing.T) {
	// Buffers of other sizes, left by earlier tests, could fill the free
	// list and keep the first Writer's columns out of it.
	ReleaseBuffers()
	first := gameSamples(2500)
	for i := range first {
		first[i].InBounds, first[i].BallHolder = true, true
	}
	writeSamples(t, t.TempDir(), "g1", first, WithBatchRows(1000))
	freeCols.Lock()
	kept := map[*sampleCols]bool{}
	for _, c := range freeCols.l {
		kept[c] = true
	}
	freeCols.Unlock()
	dir := t.TempDir()
	want := fakeSamples(700)
	w, err := NewWriter(dir, "g2", WithBatchRows(1000))
	if err != nil {
		t.Fatal(err)
	}
	if !kept[w.smp.sampleCols] {
		t.Fatalf("the second Writer's columns are new, not one of the %d the first one left", len(kept))
	}
	if err := w.Samples(want); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	tbl := readParquet(t, memory.DefaultAllocator, w.Paths()[TableSamples])
	defer tbl.Release()
	if tbl.NumRows() != int64(len(want)) {
		t.Fatalf("rows = %d, want %d", tbl.NumRows(), len(want))
	}
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	row := 0
	for tr.Next() {
		rec := tr.RecordBatch()
		sess := dictStrings(t, rec.Column(0))
		xs := rec.Column(5).(*array.Float32)
		inb := rec.Column(13).(*array.Boolean)
		hold := rec.Column(14).(*array.Boolean)
		for i := 0; i < int(rec.NumRows()); i++ {
			s := &want[row]
			if sess[i] != "g2" || xs.Value(i) != float32(s.X_m) || inb.Value(i) != s.InBounds || hold.Value(i) != s.BallHolder {
				t.Fatalf("row %d: session %s x_m %v in_bounds %v ball_holder %v, want g2 %v %v %v",
					row, sess[i], xs.Value(i), inb.Value(i), hold.Value(i), s.X_m, s.InBounds, s.BallHolder)
			}
			row++
		}
	}
}

// Closed Writers keep their samples columns for the next ones, at most
// maxFreeCols; ReleaseBuffers drops them all.
func TestReleaseBuffers(t *testing.T) {
	ReleaseBuffers()
	// Three Writers open at once, each filling both of its buffers, give
	// back six buffers on Close: maxFreeCols are kept. Three rounds: the
	// kept ones are taken again, not added to.
	for range 3 {
		var ws []*Writer
		for range 3 {
			w, err := NewWriter(t.TempDir(), "g", WithBatchRows(64))
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Samples(fakeSamples(200)); err != nil { // both buffers in use
				t.Fatal(err)
			}
			ws = append(ws, w)
		}
		for _, w := range ws {
			if err := w.Close(nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	freeCols.Lock()
	kept := len(freeCols.l)
	freeCols.Unlock()
	if kept != maxFreeCols {
		t.Errorf("%d column buffers kept after closing Writers, want %d", kept, maxFreeCols)
	}
	ReleaseBuffers()
	freeCols.Lock()
	kept = len(freeCols.l)
	freeCols.Unlock()
	if kept != 0 {
		t.Errorf("%d column buffers kept after ReleaseBuffers, want 0", kept)
	}
}

// The foreground mode writes the same files as the background one.
func TestWriterForeground(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dirs := [2]string{t.TempDir(), t.TempDir()}
	writeSession(t, dirs[0], 2500, WithAllocator(mem), WithBatchRows(300))
	writeSession(t, dirs[1], 2500, WithAllocator(mem), WithBatchRows(300), WithForeground())
	var sizes [2]int64
	for i, d := range dirs {
		fi, err := os.Stat(filepath.Join(d, "samples.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		sizes[i] = fi.Size()
	}
	if sizes[0] != sizes[1] {
		t.Errorf("samples.parquet: %d bytes in the background mode, %d in the foreground one", sizes[0], sizes[1])
	}
}

func TestWriterArrowIPC(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	w := writeSession(t, dir, 300, WithAllocator(mem), WithFormat(FormatArrow), WithBatchRows(128))
	path := w.Paths()[TableSamples]
	if filepath.Ext(path) != ".arrow" {
		t.Fatalf("arrow path = %s", path)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.NumRecords(); got != 3 {
		t.Errorf("record batches = %d, want 3 (300 rows, 128 per batch)", got)
	}
	var rows int64
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.RecordBatch(i)
		if err != nil {
			t.Fatal(err)
		}
		rows += rec.NumRows()
	}
	if rows != 300 {
		t.Errorf("rows = %d, want 300", rows)
	}
	if !sameColumns(r.Schema(), Schema(TableSamples, true)) {
		t.Errorf("schema %s", r.Schema())
	}
}

func TestWriterHiveLayout(t *testing.T) {
	dir := t.TempDir()
	w := writeSession(t, dir, 10, WithHiveLayout())
	want := filepath.Join(dir, "samples", "session_id=g1", "part-0.parquet")
	if w.Paths()[TableSamples] != want {
		t.Fatalf("hive path = %s, want %s", w.Paths()[TableSamples], want)
	}
	tbl := readParquet(t, memory.DefaultAllocator, want)
	defer tbl.Release()
	if tbl.Schema().HasField(SessionColumn) {
		t.Errorf("hive file has a %s column; it belongs to the directory name", SessionColumn)
	}
	if got := TablePath("o", TableShots, "a/b c", FormatArrow, true); got != filepath.Join("o", "shots", "session_id=a%2Fb%20c", "part-0.arrow") {
		t.Errorf("escaped hive path = %s", got)
	}
}

// A clock state the dictionary does not know is written as "unknown",
// not as an index past the dictionary.
func TestWriterUnknownClock(t *testing.T) {
	s := fakeSamples(5)
	for i := range s {
		s[i].Clock = track.ClockState(200 + i)
	}
	w := writeSamples(t, t.TempDir(), "g1", s)
	tbl := readParquet(t, memory.DefaultAllocator, w.Paths()[TableSamples])
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	rows := 0
	for tr.Next() {
		rec := tr.RecordBatch()
		for i, c := range dictStrings(t, rec.Column(rec.Schema().FieldIndices("clock")[0])) {
			if c != "unknown" {
				t.Errorf("row %d (clock %d): clock %q, want \"unknown\"", rows+i, s[rows+i].Clock, c)
			}
		}
		rows += int(rec.NumRows())
	}
	if rows != len(s) {
		t.Errorf("%d rows, want %d", rows, len(s))
	}
}

// A sample whose kind is neither player nor ball (the samples table has
// no value for it) fails the Writer with a SampleKindError naming the
// first such sample, by both ways rows are stored (whole batches, and row
// by row for WithLiveOnly), in both formats; the Writer's files go.
func TestWriterSampleKind(t *testing.T) {
	for _, format := range []Format{FormatParquet, FormatArrow} {
		for _, tc := range []struct {
			name string
			opts []Option
		}{
			{"batch", nil},
			{"live-only", []Option{WithLiveOnly()}},
		} {
			for _, kind := range []track.SensorKind{0, 3, 255} {
				t.Run(fmt.Sprintf("%s/%s/kind-%d", format, tc.name, kind), func(t *testing.T) {
					dir := t.TempDir()
					w, err := NewWriter(dir, "g1", append([]Option{WithFormat(format)}, tc.opts...)...)
					if err != nil {
						t.Fatal(err)
					}
					s := fakeSamples(40)
					for i := range s {
						s[i].Clock = track.ClockLive
					}
					s[13].Kind, s[27].Kind = kind, kind
					err = w.Samples(s)
					var ke *SampleKindError
					if !errors.Is(err, ErrSampleKind) || !errors.As(err, &ke) {
						t.Fatalf("Samples = %v, want a SampleKindError", err)
					}
					if ke.SensorID != s[13].SensorID || ke.T_ms != s[13].T_ms || ke.Kind != kind {
						t.Errorf("error names sensor %d at %d ms, kind %d; want the first bad sample: sensor %d at %d ms, kind %d",
							ke.SensorID, ke.T_ms, ke.Kind, s[13].SensorID, s[13].T_ms, kind)
					}
					if err := w.Close(nil); !errors.Is(err, ErrClosed) {
						t.Errorf("Close after the failure = %v, want ErrClosed", err)
					}
					if left, _ := os.ReadDir(dir); len(left) != 0 {
						t.Errorf("the failed Writer left %v", left)
					}
				})
			}
		}
	}
}

// The samples' dictionary columns hold only the values they can take, in
// both formats: pandas turns each dictionary into a category, and lists
// every category in a groupby, also one no row has.
func TestSamplesDictionaries(t *testing.T) {
	want := map[string][]string{
		"kind":  {"player", "ball"},
		"clock": {"unknown", "live", "paused", "foul"},
	}
	check := func(t *testing.T, rec arrow.RecordBatch) {
		t.Helper()
		for col, w := range want {
			d := rec.Column(rec.Schema().FieldIndices(col)[0]).(*array.Dictionary)
			vals := d.Dictionary().(*array.String)
			var got []string
			for i := range vals.Len() {
				got = append(got, vals.Value(i))
			}
			if !slices.Equal(got, w) {
				t.Errorf("%s dictionary %q, want %q", col, got, w)
			}
		}
	}
	t.Run("parquet", func(t *testing.T) {
		w := writeSamples(t, t.TempDir(), "g1", fakeSamples(300), WithBatchRows(1024))
		tbl := readParquet(t, memory.DefaultAllocator, w.Paths()[TableSamples])
		defer tbl.Release()
		tr := array.NewTableReader(tbl, -1)
		defer tr.Release()
		for tr.Next() {
			check(t, tr.RecordBatch())
		}
	})
	t.Run("arrow", func(t *testing.T) {
		w := writeSamples(t, t.TempDir(), "g1", fakeSamples(300), WithBatchRows(1024), WithFormat(FormatArrow))
		r, done := arrowReader(t, w.Paths()[TableSamples])
		defer done()
		for i := range r.NumRecords() {
			rec, err := r.RecordBatch(i)
			if err != nil {
				t.Fatal(err)
			}
			check(t, rec)
		}
	})
}

// No column is nullable (docs/schema.md), the list columns' elements
// neither: the Arrow file's schema, the Parquet file's (REQUIRED
// elements) and the Arrow schema stored in it say so, and both formats
// name the element field alike.
func TestListElementsNotNullable(t *testing.T) {
	checkSchema := func(t *testing.T, where string, s *arrow.Schema) {
		t.Helper()
		lists := 0
		for _, f := range s.Fields() {
			if f.Nullable {
				t.Errorf("%s: %s is nullable", where, f.Name)
			}
			if _, ok := f.Type.(*arrow.ListType); ok {
				lists++
			}
			// A list of lists (speed_band_period_s): the inner lists'
			// elements too.
			for dt, name := f.Type, f.Name; ; name += ".element" {
				lt, ok := dt.(*arrow.ListType)
				if !ok {
					break
				}
				if e := lt.ElemField(); e.Nullable || e.Name != "element" {
					t.Errorf("%s: %s's elements are %q, nullable %v; want \"element\", not nullable", where, name, e.Name, e.Nullable)
				}
				dt = lt.Elem()
			}
		}
		if lists != 7 {
			t.Errorf("%s: %d list columns, want 7 (%s)", where, lists, s)
		}
	}
	checkSchema(t, "Schema", Schema(TablePlayers, true))

	pq := writeSession(t, t.TempDir(), 10).Paths()[TablePlayers]
	rdr, err := file.OpenParquetFile(pq, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	sc := rdr.MetaData().Schema
	for i := range sc.NumColumns() {
		if c := sc.Column(i); c.SchemaNode().RepetitionType() != parquet.Repetitions.Required {
			t.Errorf("Parquet column %s is %s, want required", c.Path(), c.SchemaNode().RepetitionType())
		}
	}
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, "Parquet file", stored)

	ar := writeSession(t, t.TempDir(), 10, WithFormat(FormatArrow)).Paths()[TablePlayers]
	r, done := arrowReader(t, ar)
	defer done()
	checkSchema(t, "Arrow file", r.Schema())
}

func TestWriterLiveOnly(t *testing.T) {
	dir := t.TempDir()
	w := writeSession(t, dir, 300, WithLiveOnly())
	tbl := readParquet(t, memory.DefaultAllocator, w.Paths()[TableSamples])
	defer tbl.Release()
	if tbl.NumRows() != 100 { // clock cycles unknown, live, paused
		t.Errorf("live-only rows = %d, want 100", tbl.NumRows())
	}
}

// listFiles returns every file name under dir, hidden ones included.
func listFiles(t *testing.T, dir string) []string {
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, strings.TrimPrefix(p, dir))
		}
		return nil
	})
	return names
}

func TestWriterAtomic(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	w, err := NewWriter(dir, "g1", WithAllocator(mem), WithBatchRows(10))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Samples(fakeSamples(95)); err != nil {
		t.Fatal(err)
	}
	// Mid-session: only hidden temporary files exist.
	for _, name := range listFiles(t, dir) {
		if !strings.HasPrefix(filepath.Base(name), ".") {
			t.Errorf("visible file %s before Close", name)
		}
	}
	w.Abort()
	if names := listFiles(t, dir); len(names) != 0 {
		t.Errorf("files left after Abort: %v", names)
	}
	if err := w.Samples(fakeSamples(1)); err != ErrClosed {
		t.Errorf("Samples after Abort: err = %v, want ErrClosed", err)
	}
	w.Abort() // twice is fine
}

func TestWriterAbortHiveRemovesPartition(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, "g1", WithHiveLayout())
	if err != nil {
		t.Fatal(err)
	}
	w.Abort()
	for _, tb := range Tables() {
		if _, err := os.Stat(filepath.Join(dir, tb.String(), "session_id=g1")); !os.IsNotExist(err) {
			t.Errorf("%s: partition directory left after Abort (stat err %v)", tb, err)
		}
	}
}

func TestWriterFailedCommitLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, "g1")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Samples(fakeSamples(10)); err != nil {
		t.Fatal(err)
	}
	// A directory where the samples file should go makes its rename fail.
	if err := os.Mkdir(filepath.Join(dir, "samples.parquet"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "samples.parquet", "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(fakeSummary()); err == nil {
		t.Fatal("Close succeeded with a directory in the way")
	}
	for _, name := range listFiles(t, dir) {
		if strings.HasPrefix(filepath.Base(name), ".") {
			t.Errorf("temporary file %s left after a failed Close", name)
		}
	}
}

// sameColumns compares names, types and nullability, not field metadata
// (the Parquet reader adds field ids).
func sameColumns(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || fa.Nullable != fb.Nullable || !arrow.TypeEqual(fa.Type, fb.Type) {
			return false
		}
	}
	return true
}

// BenchmarkWriterSamples measures the samples table alone: rows handed to
// Writer.Samples in batches of 1024, Parquet zstd (or Arrow IPC) on a temp
// dir. "game" rows are shaped like the engine's (gameSamples: full
// precision floats, as incompressible as real ones); "fake" rows compress
// to almost nothing and flatter the encoder. file-B/row is the size of
// the file written.
//
//	go test -run - -bench WriterSamples -cpuprofile /tmp/cpu.prof ./export
//
// On a shared machine, CPU time is noisy; instruction counts are not
// (valgrind counts user space only: no syscalls, no page faults):
//
//	go test -c -o /tmp/export.test ./export
//	GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind /tmp/export.test -test.run - \
//		-test.bench 'WriterSamples/game/parquet-foreground' -test.benchtime 4x
//
// minus the same with -test.benchtime 1x, divided by 3 × 262144 rows
// (asyncpreemptoff: callgrind 3.19 aborts on the preemption signal).
func BenchmarkWriterSamples(b *testing.B) {
	const n = 1 << 18
	for _, data := range []struct {
		name string
		s    []track.Sample
	}{{"game", gameSamples(n)}, {"fake", fakeSamples(n)}} {
		for _, f := range []Format{FormatParquet, FormatArrow} {
			b.Run(data.name+"/"+f.String(), func(b *testing.B) { benchWriter(b, f, data.s, n) })
			b.Run(data.name+"/"+f.String()+"-foreground", func(b *testing.B) { benchWriter(b, f, data.s, n, WithForeground()) })
		}
	}
}

func benchWriter(b *testing.B, f Format, s []track.Sample, n int, opts ...Option) {
	b.ReportAllocs()
	dir := b.TempDir()
	cpu0 := cpuTime()
	for b.Loop() {
		w, err := NewWriter(dir, "g1", append(opts, WithFormat(f))...)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < n; i += 1024 {
			if err := w.Samples(s[i : i+1024]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(nil); err != nil {
			b.Fatal(err)
		}
	}
	if fi, err := os.Stat(TablePath(dir, TableSamples, "g1", f, false)); err == nil {
		b.ReportMetric(float64(fi.Size())/float64(n), "file-B/row")
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
	// CPU time of the process (all threads) per row: steadier than wall
	// time on a shared machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(n)/float64(b.N), "cpu-ns/row")
}

// stored is v as the samples table stores it (float32), widened back.
func stored(v float64) float64 { return float64(float32(v)) }

// dictStrings decodes a dictionary<int8, utf8> column.
func dictStrings(t *testing.T, a arrow.Array) []string {
	t.Helper()
	d, ok := a.(*array.Dictionary)
	if !ok {
		t.Fatalf("column is %s, want a dictionary", a.DataType())
	}
	vals := d.Dictionary().(*array.String)
	out := make([]string, d.Len())
	for i := range out {
		out[i] = vals.Value(d.GetValueIndex(i))
	}
	return out
}

func TestSnake(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"BadLines", "bad_lines"}, {"UnknownIDs", "unknown_ids"}, {"NoCourt", "no_court"},
		{"Messages", "messages"}, {"DroppedSensors", "dropped_sensors"},
	} {
		if got := snake(c.in); got != c.want {
			t.Errorf("snake(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// The quality row holds every field of track.Quality, in order.
func TestQualityRow(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, "g1")
	if err != nil {
		t.Fatal(err)
	}
	sum := fakeSummary()
	sum.Quality = track.Quality{Messages: 1, Locations: 2, BadLines: 3, Late: 4, NoCourt: true}
	if err := w.Close(sum); err != nil {
		t.Fatal(err)
	}
	tbl := readParquet(t, memory.DefaultAllocator, w.Paths()[TableQuality])
	defer tbl.Release()
	got := map[string]any{}
	for i, f := range tbl.Schema().Fields() {
		switch a := tbl.Column(i).Data().Chunk(0).(type) {
		case *array.Int64:
			got[f.Name] = a.Value(0)
		case *array.Boolean:
			got[f.Name] = a.Value(0)
		}
	}
	want := map[string]any{"messages": int64(1), "locations": int64(2), "bad_lines": int64(3), "late": int64(4), "duplicates": int64(0), "no_court": true}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("quality.%s = %v, want %v (row %v)", k, got[k], v, got)
		}
	}
}

// The summary tables are written in row groups of at most smallBatchRows,
// in order, with nothing lost at the boundaries and nothing leaked.
func TestWriterSmallTableRowGroups(t *testing.T) {
	for _, n := range []int{1, smallBatchRows, 2*smallBatchRows + 5} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		dir := t.TempDir()
		w, err := NewWriter(dir, "g1", WithAllocator(mem))
		if err != nil {
			t.Fatal(err)
		}
		sum := fakeSummary()
		sum.Heatmaps = make([]track.HeatCell, n)
		for i := range sum.Heatmaps {
			sum.Heatmaps[i] = track.HeatCell{Scope: "player", ID: 100, IX: int32(i), Seconds: float64(i)}
		}
		if err := w.Close(sum); err != nil {
			t.Fatal(err)
		}
		mem.AssertSize(t, 0)
		path := w.Paths()[TableHeatmaps]
		rdr, err := file.OpenParquetFile(path, false)
		if err != nil {
			t.Fatal(err)
		}
		groups := rdr.NumRowGroups()
		rdr.Close()
		if want := (n + smallBatchRows - 1) / smallBatchRows; groups != want {
			t.Errorf("%d heatmap rows: %d row groups, want %d", n, groups, want)
		}
		tbl := readParquet(t, memory.DefaultAllocator, path)
		if tbl.NumRows() != int64(n) {
			t.Errorf("%d heatmap rows: read %d", n, tbl.NumRows())
		}
		ix := tbl.Column(tbl.Schema().FieldIndices("ix")[0]).Data()
		k := 0
		for _, c := range ix.Chunks() {
			for _, v := range c.(*array.Int32).Int32Values() {
				if int(v) != k {
					t.Fatalf("%d heatmap rows: row %d has ix %d, want %d", n, k, v, k)
				}
				k++
			}
		}
		tbl.Release()
	}
}

// The events table carries the live id a PLAY_NEXT marker names, and ""
// for every other event.
func TestWriterEventsNextLiveID(t *testing.T) {
	w := writeSession(t, t.TempDir(), 10)
	tbl := readParquet(t, memory.DefaultAllocator, w.Paths()[TableEvents])
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	var got []string
	for tr.Next() {
		rec := tr.RecordBatch()
		labels := rec.Column(rec.Schema().FieldIndices("label")[0]).(*array.String)
		next := rec.Column(rec.Schema().FieldIndices("next_live_id")[0]).(*array.String)
		for i := range int(rec.NumRows()) {
			got = append(got, labels.Value(i)+"→"+next.Value(i))
		}
	}
	if want := []string{"→", "LIVE→", "PLAY_NEXT→next-half"}; !slices.Equal(got, want) {
		t.Errorf("events label→next_live_id %q, want %q", got, want)
	}
}

// TestBatchRowsDefault: a zero (or negative) batch size means the
// default, as every other zero option does, not a row group per row.
func TestBatchRowsDefault(t *testing.T) {
	for _, n := range []int{0, -5} {
		w := writeSamples(t, t.TempDir(), "g1", fakeSamples(5000), WithBatchRows(n))
		rdr, err := file.OpenParquetFile(w.Paths()[TableSamples], false)
		if err != nil {
			t.Fatal(err)
		}
		if g := rdr.NumRowGroups(); g != 1 {
			t.Errorf("WithBatchRows(%d): %d row groups for 5000 rows, want 1", n, g)
		}
		rdr.Close()
	}
}

// Paths is a copy: a caller that edits it changes neither a later Paths
// nor what SetTables records.
func TestWriterPathsCopy(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(dir, "s")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	p := w.Paths()
	want := p[0]
	p[0] = filepath.Join(dir, "hijacked.parquet")
	if got := w.Paths()[0]; got != want {
		t.Errorf("Paths()[0] after the caller's edit: %s, want %s", got, want)
	}
	var s SessionSummary
	s.SetTables(dir, w)
	if got := s.Tables[TableSamples.String()]; got != filepath.Base(want) {
		t.Errorf("SetTables samples: %s, want %s", got, filepath.Base(want))
	}
}

// Every Parquet table names the stmotion that wrote it in created_by (an
// Arrow IPC file in its schema metadata, under the same key)
// (version.Info.CreatedBy: "stmotion version devel" in a test binary),
// and its summary the version that analysed the session: a dataset grown
// over months says which version wrote which game. created_by was a bare
// "stmotion".
func TestWriterRecordsVersion(t *testing.T) {
	dir := t.TempDir()
	w := writeSession(t, dir, 100)
	want := version.Get().CreatedBy()
	if !strings.HasPrefix(want, "stmotion version ") {
		t.Fatalf("CreatedBy %q", want)
	}
	for _, tb := range Tables() {
		if got := createdBy(t, TablePath(dir, tb, "g1", FormatParquet, false)); got != want {
			t.Errorf("%s: created_by %q, want %q", tb, got, want)
		}
	}
	// Arrow IPC files in their schema metadata.
	arrowDir := t.TempDir()
	writeSession(t, arrowDir, 100, WithFormat(FormatArrow))
	for _, tb := range Tables() {
		if got := createdBy(t, TablePath(arrowDir, tb, "g1", FormatArrow, false)); got != want {
			t.Errorf("%s.arrow: created_by %q, want %q", tb, got, want)
		}
	}
	sum := Summarize(fakeSummary())
	sum.SetTables(dir, w)
	if sum.StmotionVersion != version.Get().String() || sum.StmotionVersion == "" {
		t.Errorf("summary stmotion_version %q, want %q", sum.StmotionVersion, version.Get().String())
	}
}
