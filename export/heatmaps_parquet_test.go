package export

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stmotion/stmotion/track"
)

// pqarrowHeatmaps writes cells as a heatmaps file the way the Writer did
// before directParquet: Arrow builders (rowCursor) and pqarrow.FileWriter
// (openParquet), groupRows rows per record batch. It is the reference the
// heatmaps writer is compared with.
func pqarrowHeatmaps(t *testing.T, path string, session bool, cells []track.HeatCell, groupRows int) {
	t.Helper()
	cfg := config{mem: memory.DefaultAllocator, batchRows: DefaultBatchRows, zstdLevel: 1}
	schema := Schema(TableHeatmaps, session)
	f, err := openParquet(path, schema, &cfg, TableHeatmaps)
	if err != nil {
		t.Fatal(err)
	}
	rb := array.NewRecordBuilder(cfg.mem, schema)
	defer rb.Release()
	first := 0
	if session {
		first = 1
	}
	write := func() {
		rec := rb.NewRecordBatch()
		defer rec.Release()
		if err := f.write(rec); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range cells {
		if session {
			rb.Field(0).(*array.StringBuilder).Append("g1")
		}
		rowCursor{rb: rb, i: first}.str(h.Scope).i64(h.ID).i32(h.IX).i32(h.IY).f64(h.X_m).f64(h.Y_m).f64(h.Seconds)
		if (i+1)%groupRows == 0 {
			write()
		}
	}
	if len(cells)%groupRows != 0 {
		write()
	}
	if err := f.commit(); err != nil {
		t.Fatal(err)
	}
}

// gameCells returns n heatmap cells shaped like a game's: player, team and
// ball grids of 0.5 m cells over a 30 × 17 m grid, times in multiples of
// the 40 ms grid period. Deterministic.
func gameCells(n int) []track.HeatCell {
	rng := rand.New(rand.NewPCG(5, 6))
	cs := make([]track.HeatCell, n)
	for i := range cs {
		scope, id := "player", int64(1000+rng.IntN(24))
		switch rng.IntN(10) {
		case 0:
			scope, id = "team", int64(1+rng.IntN(2))
		case 1:
			scope, id = "ball", 2147549498
		}
		ix, iy := int32(rng.IntN(60)), int32(rng.IntN(34))
		cs[i] = track.HeatCell{Scope: scope, ID: id, IX: ix, IY: iy,
			X_m: -15 + (float64(ix)+0.5)*0.5, Y_m: -8.5 + (float64(iy)+0.5)*0.5, Seconds: float64(1+rng.IntN(400)) * 0.04}
	}
	return cs
}

// edgeCells returns n cells with the extremes of every column: floats of
// every class but NaN, the int64 and int32 limits, empty and long strings
// (a 100 KiB scope spans more than one 64 KiB page). Deterministic.
func edgeCells(n int) []track.HeatCell {
	rng := rand.New(rand.NewPCG(7, 8))
	floats := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64,
		math.SmallestNonzeroFloat64, 1e-310, 1, -1.5, 0.04}
	ints := []int64{math.MinInt64, math.MaxInt64, 0, -1, 1}
	i32s := []int32{math.MinInt32, math.MaxInt32, 0, -1}
	scopes := []string{"", "player", "team", "ball", "é", strings.Repeat("x", 100<<10)}
	f := func() float64 {
		if rng.IntN(2) == 0 {
			return floats[rng.IntN(len(floats))]
		}
		return math.Float64frombits(rng.Uint64() &^ (0x7ff << 52)) // finite
	}
	cs := make([]track.HeatCell, n)
	for i := range cs {
		cs[i] = track.HeatCell{Scope: scopes[rng.IntN(len(scopes))], ID: ints[rng.IntN(len(ints))] + int64(rng.IntN(3)),
			IX: i32s[rng.IntN(len(i32s))], IY: int32(rng.Uint32()), X_m: f(), Y_m: f(), Seconds: f()}
	}
	return cs
}

// The heatmaps table's Parquet file is the one pqarrow writes for the same
// cells in everything but page bytes (samePqarrowFile): both schemas
// (session column or Hive layout), no cells, one and several row groups
// (smallBatchRows, or fewer with WithBatchRows) with a short last one,
// full and short float pages, game-like and edge values.
func TestHeatmapsParquetSameAsPqarrow(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cells     []track.HeatCell
		batchRows int
		hive      bool
	}{
		{"none", nil, DefaultBatchRows, false},
		{"none/hive", nil, DefaultBatchRows, true},
		{"game/one-group", gameCells(5000), DefaultBatchRows, false},
		{"game/groups", gameCells(3*smallBatchRows + 17), DefaultBatchRows, false},
		{"game/hive", gameCells(2*smallBatchRows + 1), DefaultBatchRows, true},
		{"game/tiny-groups", gameCells(300), 7, false},
		{"edge/groups", edgeCells(2500), 1000, false},
		{"edge/hive", edgeCells(1029), DefaultBatchRows, true},
		{"edge/one", edgeCells(1), DefaultBatchRows, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := []Option{WithBatchRows(tc.batchRows)}
			if tc.hive {
				opts = append(opts, WithHiveLayout())
			}
			w, err := NewWriter(dir, "g1", opts...)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Close(&track.Summary{Heatmaps: tc.cells}); err != nil {
				t.Fatal(err)
			}
			if got := w.Rows(TableHeatmaps); got != int64(len(tc.cells)) {
				t.Errorf("Rows(heatmaps) = %d, want %d", got, len(tc.cells))
			}
			want := filepath.Join(dir, "pqarrow.parquet")
			pqarrowHeatmaps(t, want, !tc.hive, tc.cells, min(tc.batchRows, smallBatchRows))
			samePqarrowFile(t, w.Paths()[TableHeatmaps], want, len(tc.cells))
		})
	}
}

// The heatmaps writer releases all the Arrow memory it takes, on Close and
// on Abort after the cells are written.
func TestHeatmapsParquetNoLeak(t *testing.T) {
	sum := &track.Summary{Heatmaps: gameCells(smallBatchRows + 5)}
	for _, abort := range []bool{false, true} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		w, err := NewWriter(t.TempDir(), "g1", WithAllocator(mem))
		if err != nil {
			t.Fatal(err)
		}
		if abort {
			if err := w.writeSummary(sum); err != nil {
				t.Fatal(err)
			}
			w.Abort()
		} else if err := w.Close(sum); err != nil {
			t.Fatal(err)
		}
		mem.AssertSize(t, 0)
	}
}

// FuzzHeatmapsParquet writes cells built from the fuzzer's bytes with the
// heatmaps writer and with pqarrow, and wants the same file but for page
// bytes (samePqarrowFile: footers, statistics included, and every value
// bit for bit).
//
//	go test ./export -run - -fuzz FuzzHeatmapsParquet -fuzztime 30s
func FuzzHeatmapsParquet(f *testing.F) {
	f.Add([]byte{1, 2, 3}, uint16(5), false)
	f.Add(make([]byte, 4000), uint16(64), true)
	seed := make([]byte, 9000)
	for i := range seed {
		seed[i] = byte(i * 7 % 251)
	}
	f.Add(seed, uint16(1000), false)
	scopes := []string{"player", "team", "ball", ""}
	f.Fuzz(func(t *testing.T, data []byte, batch uint16, hive bool) {
		const rowBytes = 20
		n := len(data) / rowBytes
		if n > 20_000 {
			return
		}
		cells := make([]track.HeatCell, n)
		for i := range cells {
			b := data[i*rowBytes : (i+1)*rowBytes]
			fl := math.Float64frombits(binary.LittleEndian.Uint64(b[4:]))
			if math.IsNaN(fl) {
				fl = 0 // NaN != NaN would fail the comparison, not the writer
			}
			word := int64(int32(binary.LittleEndian.Uint32(b[12:])))
			cells[i] = track.HeatCell{Scope: scopes[b[0]%4] + string(b[1:1+b[1]%4]), ID: word << (b[2] % 33),
				IX: int32(b[2]) - 128, IY: int32(word), X_m: fl, Y_m: -fl / 3, Seconds: float64(binary.LittleEndian.Uint32(b[16:])) * 0.04}
		}
		batchRows := 1 + int(batch)%3000
		opts := []Option{WithBatchRows(batchRows)}
		if hive {
			opts = append(opts, WithHiveLayout())
		}
		dir := t.TempDir()
		w, err := NewWriter(dir, "g1", opts...)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(&track.Summary{Heatmaps: cells}); err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(dir, "pqarrow.parquet")
		pqarrowHeatmaps(t, want, !hive, cells, batchRows)
		samePqarrowFile(t, w.Paths()[TableHeatmaps], want, n)
	})
}
