package live

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// A re-join's part sink removes the temporary table files an earlier join
// killed mid-part left (nine stayed in part-00001 after a kill -9), and
// keeps the earlier parts and their tables.
func TestPartSinkRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	part := filepath.Join(dir, "part-00001")
	if err := os.MkdirAll(part, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".samples.parquet.tmp-4242", ".events.parquet.tmp-17", "players.parquet", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(part, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := newPartSink(dir, "s", 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.earlier != 1 {
		t.Errorf("earlier parts %d, want 1", p.earlier)
	}
	ents, err := os.ReadDir(part)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if want := []string{"notes.txt", "players.parquet"}; !slices.Equal(got, want) {
		t.Errorf("part-00001 holds %v, want %v", got, want)
	}
}

// A re-join's part sink drops, per row table, the rows the earlier
// joins' closed parts hold, which the re-join's engine emits again as it
// replays the bundle: the union of the parts holds each row once, also
// when the earlier join was killed while it closed a part (one table
// renamed, another not: its rows are written again) and with the rows of
// the part open at the kill (lost, and written again).
func TestPartSinkSkipsWhatEarlierPartsHold(t *testing.T) {
	const ticks = 10
	dir := t.TempDir()
	// The engine's output, the same at each join: two sensors a tick, a
	// possession after each tick.
	emit := func(p *partSink, from, to int, rotateAfter ...int) {
		t.Helper()
		for i := from; i < to; i++ {
			batch := []track.Sample{{T_ms: int64(i) * 40, SensorID: 1, Kind: track.KindPlayer}, {T_ms: int64(i) * 40, SensorID: 2, Kind: track.KindBall}}
			if err := p.Samples(batch); err != nil {
				t.Fatal(err)
			}
			if err := p.Segment(&track.Segment{Type: track.SegPossession, Start_ms: int64(i) * 40, End_ms: int64(i)*40 + 20, PlayerID: 1}); err != nil {
				t.Fatal(err)
			}
			if slices.Contains(rotateAfter, i) {
				if err := p.rotate(nil, true); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	first, err := newPartSink(dir, "s", -1)
	if err != nil {
		t.Fatal(err)
	}
	flushes := 0
	first.beforeClose = func() error { flushes++; return nil }
	emit(first, 0, 7, 2, 5) // parts 1 (ticks 0-2) and 2 (3-5) closed, 3 open (6)
	if flushes != 2 {
		t.Errorf("the recorder was flushed %d times before a part closed, want 2 (every part closed)", flushes)
	}
	first.Abort() // the kill: the open part's files are gone
	// Killed while it closed part 2: its possessions were not renamed yet.
	if err := os.Remove(filepath.Join(dir, "part-00002", "possessions.parquet")); err != nil {
		t.Fatal(err)
	}

	second, err := newPartSink(dir, "s", -1)
	if err != nil {
		t.Fatal(err)
	}
	if got := second.skip[export.TableSamples]; got != 12 {
		t.Errorf("samples to skip %d, want 12 (ticks 0-5, two sensors)", got)
	}
	if got := second.skip[export.TablePossessions]; got != 3 {
		t.Errorf("possessions to skip %d, want 3 (part 1's; part 2's were not renamed)", got)
	}
	emit(second, 0, ticks)
	if err := second.Close(nil); err != nil {
		t.Fatal(err)
	}
	if n := second.Skipped(); n != 0 {
		t.Errorf("%d rows still to skip after the replay", n)
	}
	rows := map[export.Table]int64{}
	parts, _ := filepath.Glob(filepath.Join(dir, "part-*"))
	for _, p := range parts {
		for _, tb := range []export.Table{export.TableSamples, export.TablePossessions} {
			n, err := export.ParquetRows(export.TablePath(p, tb, "s", export.FormatParquet, false))
			if err == nil {
				rows[tb] += n
			}
		}
	}
	if rows[export.TableSamples] != 2*ticks || rows[export.TablePossessions] != ticks {
		t.Errorf("union of the parts: %d samples, %d possessions; want %d and %d, each once", rows[export.TableSamples], rows[export.TablePossessions], 2*ticks, ticks)
	}
}

// A re-join after a join that ended cleanly (Ctrl-C): that join's close
// flushed its engine, so its last part holds, besides the rows a running
// engine emits, the segment open then cut short at that end (here a team
// possession), which the re-join's engine, running on, emits later and
// whole, after other rows. The union of the parts holds each possession
// once, whole: none twice (cut and whole), none dropped in place of the
// continuation, and one summary.
func TestPartSinkRedoesTheClosingPart(t *testing.T) {
	const ticks = 10
	dir := t.TempDir()
	player := func(i int) *track.Segment {
		return &track.Segment{Type: track.SegPossession, Start_ms: int64(i) * 40, End_ms: int64(i)*40 + 20, PlayerID: int64(100 + i)}
	}
	team := func(end_ms int64) *track.Segment {
		return &track.Segment{Type: track.SegTeamPossession, Start_ms: 100, End_ms: end_ms, TeamID: 7}
	}
	// The engine's rows up to tick to (exclusive); the team possession
	// from tick 2 ends, whole, after tick 8.
	emit := func(p *partSink, to int, rotateAfter ...int) {
		t.Helper()
		for i := range to {
			if err := p.Samples([]track.Sample{{T_ms: int64(i) * 40, SensorID: 1, Kind: track.KindPlayer}}); err != nil {
				t.Fatal(err)
			}
			if err := p.Segment(player(i)); err != nil {
				t.Fatal(err)
			}
			if i == 8 {
				if err := p.Segment(team(340)); err != nil {
					t.Fatal(err)
				}
			}
			if slices.Contains(rotateAfter, i) {
				if err := p.rotate(nil, true); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	first, err := newPartSink(dir, "s", -1)
	if err != nil {
		t.Fatal(err)
	}
	emit(first, 7, 2) // part 1 (ticks 0-2); part 2 (3-6) is open at the Ctrl-C
	// The engine's close: the open team possession, cut, then the summary.
	if err := first.Segment(team(260)); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(&track.Summary{}); err != nil {
		t.Fatal(err)
	}

	second, err := newPartSink(dir, "s", -1)
	if err != nil {
		t.Fatal(err)
	}
	emit(second, ticks)
	if err := second.Close(&track.Summary{}); err != nil {
		t.Fatal(err)
	}
	if err := second.clearEarlierSummaries(); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	var samples, quality int64
	parts, _ := filepath.Glob(filepath.Join(dir, "part-*"))
	for _, p := range parts {
		n, err := export.ParquetRows(export.TablePath(p, export.TableSamples, "s", export.FormatParquet, false))
		if err != nil {
			t.Fatal(err)
		}
		samples += n
		if n, err = export.ParquetRows(export.TablePath(p, export.TableQuality, "s", export.FormatParquet, false)); err != nil {
			t.Fatal(err)
		}
		quality += n
		for _, k := range readPossessions(t, export.TablePath(p, export.TablePossessions, "s", export.FormatParquet, false)) {
			got[k]++
		}
	}
	want := map[string]int{"team 7 100-340": 1}
	for i := range ticks {
		s := player(i)
		want[fmt.Sprintf("player %d %d-%d", s.PlayerID, s.Start_ms, s.End_ms)] = 1
	}
	if !maps.Equal(got, want) {
		t.Errorf("possessions in the union of the parts:\n got %v\nwant %v (each once, the team's whole)", got, want)
	}
	if samples != ticks || quality != 1 {
		t.Errorf("union of the parts: %d samples, %d quality rows; want %d and 1", samples, quality, ticks)
	}
}

// readPossessions reads the possessions table at path as "level id
// start-end" strings (ms since the epoch).
func readPossessions(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tbl, err := pqarrow.ReadTable(context.Background(), f, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, -1)
	defer tr.Release()
	col := func(rec arrow.RecordBatch, name string) arrow.Array {
		return rec.Column(rec.Schema().FieldIndices(name)[0])
	}
	var out []string
	for tr.Next() {
		rec := tr.RecordBatch()
		level, pid, tid := col(rec, "level"), col(rec, "player_id").(*array.Int64), col(rec, "team_id").(*array.Int64)
		start, end := col(rec, "t_start").(*array.Timestamp), col(rec, "t_end").(*array.Timestamp)
		for j := range int(rec.NumRows()) {
			id := pid.Value(j)
			if level.ValueStr(j) == "team" {
				id = tid.Value(j)
			}
			out = append(out, fmt.Sprintf("%s %d %d-%d", level.ValueStr(j), id, int64(start.Value(j)), int64(end.Value(j))))
		}
	}
	return out
}
