package export

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stmotion/stmotion/track"
)

// randomSession returns n segments of every type and a summary of n/10
// players and box score rows and n heat cells, with field values from the
// extremes of each type as well as ordinary ones. Deterministic.
func randomSession(n int) ([]track.Segment, *track.Summary) {
	rng := rand.New(rand.NewPCG(9, 10))
	floats := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64,
		math.SmallestNonzeroFloat64, 1e-310, 1, -1.5, 0.04}
	f := func() float64 {
		if rng.IntN(4) == 0 {
			return floats[rng.IntN(len(floats))]
		}
		return rng.NormFloat64() * 20
	}
	ints := []int64{math.MinInt64, math.MaxInt64, 0, -1}
	id := func() int64 {
		if rng.IntN(8) == 0 {
			return ints[rng.IntN(len(ints))]
		}
		return 1000 + rng.Int64N(30)
	}
	t := func() int64 { return 1_700_000_000_000 + rng.Int64N(3_600_000) }
	labels := []string{"", "LIVE", "PERIOD_START", "é", strings.Repeat("long label ", 50)}
	segs := make([]track.Segment, n)
	for i := range segs {
		start := t()
		segs[i] = track.Segment{Type: track.SegmentType(1 + i%9), Start_ms: start, End_ms: start + rng.Int64N(10_000),
			PlayerID: id(), TeamID: id(), ToPlayerID: id(), StartX_m: f(), StartY_m: f(), EndX_m: f(), EndY_m: f(),
			Length_m: f(), Speed_mps: f(), Touches: rng.Int32N(5), Period: rng.Int32N(5) - 1,
			Made: rng.IntN(2) == 0, Is3Point: rng.IntN(3) == 0, Zone: uint8(rng.UintN(256)),
			Label: labels[rng.IntN(len(labels))], FeedDist_cm: f(), EngineDist_cm: f()}
	}
	sum := &track.Summary{SessionID: "g1", Start_ms: t(), End_ms: t(), Heatmaps: edgeCells(n), ShooterAgreement: f(),
		Quality: track.Quality{Messages: rng.Int64N(1e9), Locations: 8, BadLines: 1, Late: 2, NoCourt: true}}
	for i := range n / 10 {
		sum.Players = append(sum.Players, track.PlayerSummary{PlayerID: id(), TeamID: id(), Name: labels[i%len(labels)],
			Distance_m: f(), DistancePeriod_m: []float64{f(), f()}, SpeedBand_s: []float64{f()}, Sprints: rng.IntN(9),
			SprintsPeriod: []int{rng.IntN(9), rng.IntN(9)}, AccelsPeriod: []int{rng.IntN(9), 0}, DecelsPeriod: []int{0, rng.IntN(9)},
			TimeOnCourtPeriod_s: []float64{f(), f()}, SpeedBandPeriod_s: [][]float64{{f()}, {f()}}})
		sum.BoxScore = append(sum.BoxScore, track.BoxScore{PlayerID: id(), TeamID: id(), Version: id(),
			Values: map[string]float64{"PTS": f(), "DIST": f(), "REB": f()}})
	}
	return segs, sum
}

// Every table's Parquet file is the one pqarrow writes for the same rows
// in everything but page bytes (samePqarrowFile): the reference is the
// same session written as Arrow IPC (the builders' record batches) and
// each record batch written with pqarrow (openParquet). The small tables
// come in several row groups (WithBatchRows), with both schemas.
func TestTablesParquetSameAsPqarrow(t *testing.T) {
	segs, sum := randomSession(3000)
	for _, hive := range []bool{false, true} {
		name := "session"
		if hive {
			name = "hive"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(sub string, f Format) *Writer {
				opts := []Option{WithBatchRows(700), WithFormat(f)}
				if hive {
					opts = append(opts, WithHiveLayout())
				}
				w, err := NewWriter(filepath.Join(dir, sub), "g1", opts...)
				if err != nil {
					t.Fatal(err)
				}
				if err := w.Samples(gameSamples(1500)); err != nil {
					t.Fatal(err)
				}
				for i := range segs {
					if err := w.Segment(&segs[i]); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(sum); err != nil {
					t.Fatal(err)
				}
				return w
			}
			pq, ar := write("parquet", FormatParquet), write("arrow", FormatArrow)
			for tb := range Table(NumTables) {
				t.Run(tb.String(), func(t *testing.T) {
					want := filepath.Join(dir, tb.String()+".pqarrow.parquet")
					rows := ipcToPqarrow(t, ar.Paths()[tb], want, tb, 700)
					if rows == 0 {
						t.Fatal("the table has no rows to compare")
					}
					samePqarrowFile(t, pq.Paths()[tb], want, rows)
				})
			}
		})
	}
}

// ipcToPqarrow writes the record batches of the Arrow IPC file src as
// table tb's Parquet file dst with pqarrow, one row group per batch, and
// returns the number of rows.
func ipcToPqarrow(t *testing.T, src, dst string, tb Table, batchRows int) int {
	t.Helper()
	r, done := arrowReader(t, src)
	defer done()
	cfg := config{mem: memory.DefaultAllocator, batchRows: batchRows, zstdLevel: 1}
	// The schema without the IPC file's metadata (created_by), which
	// pqarrow would store as key-value metadata of the Parquet file.
	out, err := openParquet(dst, arrow.NewSchema(r.Schema().Fields(), nil), &cfg, tb)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for i := range r.NumRecords() {
		rec, err := r.RecordBatch(i)
		if err != nil {
			t.Fatal(err)
		}
		rows += int(rec.NumRows())
		if err := out.write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := out.commit(); err != nil {
		t.Fatal(err)
	}
	return rows
}
