package export

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"

	"github.com/stmotion/stmotion/track"
)

// pqarrowSamples writes rows as a samples file the way the Writer did
// before directParquet: samplesBuf records through pqarrow.FileWriter
// (openParquet), batchRows rows per record batch. It is the reference the
// samples writer is compared with.
func pqarrowSamples(t *testing.T, path string, session bool, rows []track.Sample, batchRows int) {
	t.Helper()
	cfg := config{mem: memory.DefaultAllocator, batchRows: batchRows, zstdLevel: 1}
	schema := Schema(TableSamples, session)
	f, err := openParquet(path, schema, &cfg, TableSamples)
	if err != nil {
		t.Fatal(err)
	}
	b := newSamplesBuf(cfg.mem, batchRows, session, "g1")
	defer b.release()
	write := func() {
		rec := b.record(schema)
		defer rec.Release()
		b.n = 0
		if err := f.write(rec); err != nil {
			t.Fatal(err)
		}
	}
	for len(rows) > 0 {
		k, err := b.appendRows(rows)
		if err != nil {
			t.Fatal(err)
		}
		rows = rows[k:]
		if b.full() {
			write()
		}
	}
	if b.n > 0 {
		write()
	}
	if err := f.commit(); err != nil {
		t.Fatal(err)
	}
}

// edgeSamples returns n rows that stress the page encodings: integers
// whose deltas overflow int64 (bit width 64) next to stretches of equal
// values and random ones of every bit width, floats of every class but
// NaN (-0, ±Inf, float32 subnormals and extremes, float64 ones that round
// to 0 or ±Inf in float32),
// dictionary values in runs of every length from 1 to 20 (RLE and
// bit-packed runs, padded groups), unknown clock states, and random
// booleans. Deterministic.
func edgeSamples(n int) []track.Sample {
	rng := rand.New(rand.NewPCG(3, 4))
	floats := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64,
		math.SmallestNonzeroFloat64, 1e-310, 1, -1.5, math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32,
		1e-40, 3.4028235677973366e38 /* rounds to +Inf */, 1.0000000596046448 /* halfway: rounds to even */}
	ints := []int64{math.MinInt64, math.MaxInt64, 0, -1, 1}
	s := make([]track.Sample, n)
	kind, clock, left := track.SensorKind(0), track.ClockState(0), 0
	for i := range s {
		if left == 0 {
			kind, clock, left = track.KindPlayer+track.SensorKind(rng.IntN(2)), track.ClockState(rng.IntN(6)), 1+rng.IntN(20)
		}
		left--
		f := func() float64 {
			if rng.IntN(3) == 0 {
				return floats[rng.IntN(len(floats))]
			}
			return rng.NormFloat64() * 1e3
		}
		var t, id, team int64
		switch (i / 300) % 4 {
		case 0: // extremes: deltas wrap around
			t, id, team = ints[rng.IntN(len(ints))], ints[rng.IntN(len(ints))], int64(rng.Uint64())
		case 1: // constant: width 0
			t, id, team = 42, -7, 0
		case 2: // small steps
			t, id, team = int64(i)*39, int64(1000+rng.IntN(25)), int64(rng.IntN(3))
		default: // random within 2^k, k by block of 128: every bit width
			k := (i / 128) % 63
			t, id, team = rng.Int64N(1<<k+1), -rng.Int64N(1<<k+1), rng.Int64N(1<<k+1)
		}
		s[i] = track.Sample{T_ms: t, SensorID: id, Kind: kind, TeamID: team,
			X_m: f(), Y_m: f(), Z_m: f(), Speed_mps: f(), Accel_mps2: f(), Heading_rad: f(),
			Period: int32(rng.Uint32()), Clock: clock, InBounds: rng.IntN(2) == 0, BallHolder: rng.IntN(7) == 0}
	}
	return s
}

// chunkSummary is what a reader learns from the footer about one column
// chunk, without the byte offsets and sizes (which depend on how each
// page compresses).
func chunkSummary(t *testing.T, c *metadata.ColumnChunkMetaData) string {
	t.Helper()
	stats := "no stats"
	if set, err := c.StatsSet(); err != nil {
		t.Fatal(err)
	} else if set {
		s, err := c.Statistics()
		if err != nil {
			t.Fatal(err)
		}
		enc, err := s.Encode()
		if err != nil {
			t.Fatal(err)
		}
		stats = fmt.Sprintf("stats min %x max %x nulls %d (set %v) distinct set %v signed %v",
			enc.Min, enc.Max, enc.NullCount, enc.HasNullCount, enc.HasDistinctCount, enc.Signed)
	}
	var pages []string
	for _, e := range c.EncodingStats() {
		pages = append(pages, fmt.Sprintf("%v/%v", e.PageType, e.Encoding))
	}
	slices.Sort(pages)
	pages = slices.Compact(pages) // page counts may differ; their kinds may not
	return fmt.Sprintf("%s %v %v %v values %d dict page %v pages %v %s",
		c.PathInSchema(), c.Type(), c.Encodings(), c.Compression(), c.NumValues(),
		c.HasDictionaryPage(), pages, stats)
}

// footerSummary lists everything of a Parquet footer that readers act on:
// schema, key-value metadata (ARROW:schema), writer, row groups and each
// column chunk's types, encodings, codec, value count and statistics.
func footerSummary(t *testing.T, path string) []string {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	md := rdr.MetaData()
	var out []string
	var schemaText bytes.Buffer
	schemaText.WriteString(md.Schema.String())
	out = append(out, "schema "+schemaText.String(),
		fmt.Sprintf("version %v created by %s rows %d row groups %d", md.Version(), md.GetCreatedBy(), md.NumRows, md.NumRowGroups()))
	kv := md.KeyValueMetadata()
	for i, k := range kv.Keys() {
		out = append(out, fmt.Sprintf("kv %s = %s", k, kv.Values()[i]))
	}
	for i := range md.NumRowGroups() {
		rg := md.RowGroup(i)
		out = append(out, fmt.Sprintf("row group %d: %d rows, %d columns", i, rg.NumRows(), rg.NumColumns()))
		for j := range rg.NumColumns() {
			c, err := rg.ColumnChunk(j)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("row group %d column %d: %s", i, j, chunkSummary(t, c)))
		}
	}
	return out
}

// The samples writer's files are the ones pqarrow writes for the same rows
// in everything but page bytes: same footer (schema, stored Arrow schema,
// row groups, encodings, codec, statistics) and same values read back by
// pqarrow's reader, column for column. Cases: both schemas (session column
// or Hive layout), one and several row groups with a short last one,
// game-like and fake rows.
func TestSamplesParquetSameAsPqarrow(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rows      []track.Sample
		batchRows int
		hive      bool
		liveOnly  bool // WithLiveOnly; pqarrow gets the live rows
	}{
		{"game/one-group", gameSamples(5000), DefaultBatchRows, false, false},
		{"game/groups", gameSamples(70_000), 30_000, false, false},
		{"game/hive", gameSamples(70_000), 30_000, true, false},
		{"fake/groups", fakeSamples(9000), 4096, false, false},
		{"fake/one-row", fakeSamples(1), 1000, true, false},
		{"edge/groups", edgeSamples(20_000), 3000, false, false},
		{"edge/short", edgeSamples(1029), 1029, true, false},
		{"edge/tiny-groups", edgeSamples(300), 7, false, false},
		{"game/delta-pages", gameSamples(300_000), DefaultBatchRows, true, false},
		{"game/live-only", gameSamples(70_000), 10_000, false, true},
		{"edge/live-only", edgeSamples(5000), 700, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := []Option{WithBatchRows(tc.batchRows), WithForeground()}
			if tc.hive {
				opts = append(opts, WithHiveLayout())
			}
			rows := tc.rows
			if tc.liveOnly {
				opts = append(opts, WithLiveOnly())
				rows = nil
				for _, s := range tc.rows {
					if s.Clock == track.ClockLive {
						rows = append(rows, s)
					}
				}
			}
			got := writeSamples(t, dir, "g1", tc.rows, opts...).Paths()[TableSamples]
			want := filepath.Join(dir, "pqarrow.parquet")
			pqarrowSamples(t, want, !tc.hive, rows, tc.batchRows)
			if len(rows) == 0 {
				t.Fatal("the case has no rows to compare")
			}
			samePqarrowFile(t, got, want, len(rows))
		})
	}
}

// samePqarrowFile fails t unless the Parquet file got has the footer of the
// file want (footerSummary) and the same values, column for column, and
// both have rows rows.
func samePqarrowFile(t *testing.T, got, want string, rows int) {
	t.Helper()
	gs, ws := footerSummary(t, got), footerSummary(t, want)
	for i := range max(len(gs), len(ws)) {
		var g, w string
		if i < len(gs) {
			g = gs[i]
		}
		if i < len(ws) {
			w = ws[i]
		}
		if g != w {
			t.Errorf("footer line %d:\n got  %s\n want %s", i, g, w)
		}
	}
	gt := readParquet(t, memory.DefaultAllocator, got)
	defer gt.Release()
	wt := readParquet(t, memory.DefaultAllocator, want)
	defer wt.Release()
	if !gt.Schema().Equal(wt.Schema()) {
		t.Fatalf("schema read back:\n%s\nwant\n%s", gt.Schema(), wt.Schema())
	}
	if gt.NumRows() != int64(rows) || wt.NumRows() != int64(rows) {
		t.Fatalf("rows read back: %d, pqarrow's %d, want %d", gt.NumRows(), wt.NumRows(), rows)
	}
	for i := range int(gt.NumCols()) {
		gc, wc := gt.Column(i).Data(), wt.Column(i).Data()
		if !array.ChunkedEqual(gc, wc) {
			t.Errorf("column %s differs from pqarrow's file", gt.Schema().Field(i).Name)
		}
	}
}

// The samples writer releases all the Arrow memory it takes (page writers,
// statistics, dictionaries) with full float pages, several row groups and
// the background writer, on Close and on Abort.
func TestSamplesParquetNoLeak(t *testing.T) {
	rows := gameSamples(3*zstdWindow + 5)
	for _, abort := range []bool{false, true} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		w, err := NewWriter(t.TempDir(), "g1", WithAllocator(mem), WithBatchRows(2*zstdWindow))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Samples(rows); err != nil {
			t.Fatal(err)
		}
		if abort {
			w.Abort()
		} else if err := w.Close(nil); err != nil {
			t.Fatal(err)
		}
		mem.AssertSize(t, 0)
	}
}

// FuzzSamplesParquet writes rows built from the fuzzer's bytes with the
// samples writer and with pqarrow, and wants the same values back from
// both (every column, bit for bit for the floats, which both get rounded
// to float32 by samplesBuf).
//
//	go test ./export -run - -fuzz FuzzSamplesParquet -fuzztime 30s
func FuzzSamplesParquet(f *testing.F) {
	f.Add([]byte{1, 2, 3}, uint16(5))
	f.Add(make([]byte, 4000), uint16(64))
	seed := make([]byte, 9000)
	for i := range seed {
		seed[i] = byte(i * 7 % 251)
	}
	f.Add(seed, uint16(1000))
	f.Fuzz(func(t *testing.T, data []byte, batch uint16) {
		const rowBytes = 12
		n := len(data) / rowBytes
		if n == 0 || n > 20_000 {
			return
		}
		rows := make([]track.Sample, n)
		word := func(b []byte) int64 { // 4 bytes, scaled so deltas reach every width
			return int64(int32(binary.LittleEndian.Uint32(b))) << (b[0] % 33)
		}
		for i := range rows {
			b := data[i*rowBytes : (i+1)*rowBytes]
			// Any float64 (most round to 0 or ±Inf in float32) and any
			// float32 (exact).
			fl := math.Float64frombits(binary.LittleEndian.Uint64(b[4:]))
			fl32 := float64(math.Float32frombits(binary.LittleEndian.Uint32(b[8:])))
			if math.IsNaN(fl) {
				fl = 0 // NaN != NaN would fail the comparison, not the writer
			}
			if math.IsNaN(fl32) {
				fl32 = 0
			}
			rows[i] = track.Sample{T_ms: word(b), SensorID: word(b[2:]), TeamID: int64(b[1]),
				Kind: track.KindPlayer + track.SensorKind(b[0]%2), Clock: track.ClockState(b[1] % 5),
				X_m: fl32, Y_m: -fl, Z_m: float64(b[3]), Speed_mps: fl32 * 3, Accel_mps2: float64(int8(b[5])), Heading_rad: fl / 7,
				Period: int32(b[2]), InBounds: b[6]&1 == 1, BallHolder: b[7]&2 == 2}
		}
		batchRows := 1 + int(batch)%3000
		dir := t.TempDir()
		got := writeSamples(t, dir, "g1", rows, WithBatchRows(batchRows), WithForeground()).Paths()[TableSamples]
		want := filepath.Join(dir, "pqarrow.parquet")
		pqarrowSamples(t, want, true, rows, batchRows)
		gt := readParquet(t, memory.DefaultAllocator, got)
		defer gt.Release()
		wt := readParquet(t, memory.DefaultAllocator, want)
		defer wt.Release()
		if gt.NumRows() != int64(n) || wt.NumRows() != int64(n) {
			t.Fatalf("rows %d, pqarrow's %d, want %d", gt.NumRows(), wt.NumRows(), n)
		}
		for i := range int(gt.NumCols()) {
			if !array.ChunkedEqual(gt.Column(i).Data(), wt.Column(i).Data()) {
				t.Fatalf("column %s differs from pqarrow's (%d rows, batch %d)", gt.Schema().Field(i).Name, n, batchRows)
			}
		}
	})
}
