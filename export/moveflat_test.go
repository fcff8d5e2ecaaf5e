package export

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/stmotion/stmotion/internal/version"
)

// parquetLayout describes what of a Parquet file a reader sees besides the
// values: the stored Arrow schema, and per row group its rows and each
// column's encodings, codec and whether it has statistics.
func parquetLayout(t *testing.T, path string) string {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	md := rdr.MetaData()
	var b strings.Builder
	if v := md.KeyValueMetadata().FindValue("ARROW:schema"); v != nil {
		fmt.Fprintf(&b, "schema %s\n", *v)
	}
	for i := range md.NumRowGroups() {
		rg := md.RowGroup(i)
		fmt.Fprintf(&b, "group %d: %d rows\n", i, rg.NumRows())
		for j := range rg.NumColumns() {
			cc, err := rg.ColumnChunk(j)
			if err != nil {
				t.Fatal(err)
			}
			stats, _ := cc.StatsSet()
			fmt.Fprintf(&b, "  %s %v %v stats %v\n", cc.PathInSchema(), cc.Encodings(), cc.Compression(), stats)
		}
	}
	return b.String()
}

// createdBy is the created_by of the Parquet file at path, or of the
// Arrow IPC file's schema metadata ("" when it has none).
func createdBy(t *testing.T, path string) string {
	t.Helper()
	if filepath.Ext(path) == FormatArrow.Ext() {
		r, done := arrowReader(t, path)
		defer done()
		v, _ := r.Schema().Metadata().GetValue(ArrowCreatedBy)
		return v
	}
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	return rdr.MetaData().GetCreatedBy()
}

// copyFile copies the file src to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// arrowReader opens the Arrow IPC file at path; done closes it.
func arrowReader(t *testing.T, path string) (r *ipc.FileReader, done func()) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err = ipc.NewFileReader(f)
	if err != nil {
		f.Close()
		t.Fatal(err)
	}
	return r, func() { r.Close(); f.Close() }
}

// readArrow reads a whole Arrow IPC file into one table.
func readArrow(t *testing.T, path string) arrow.Table {
	t.Helper()
	r, done := arrowReader(t, path)
	defer done()
	var recs []arrow.RecordBatch
	for i := range r.NumRecords() {
		rec, err := r.RecordBatchAt(i)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	tbl := array.NewTableFromRecords(r.Schema(), recs)
	for _, rec := range recs {
		rec.Release()
	}
	return tbl
}

// MoveFlat turns one session's one-session outputs into its partitions:
// the same files a Hive-layout Writer writes for the session (schema,
// row groups, encodings, values), its images under
// images/session_id=<id>/, and its summary.json entry, with the new
// paths, in a summary of several sessions.
func TestMoveFlat(t *testing.T) {
	for _, f := range []Format{FormatParquet, FormatArrow} {
		dir, ref := t.TempDir(), t.TempDir()
		// Three row groups of samples.
		w := writeSession(t, dir, 2500, WithFormat(f), WithBatchRows(1000))
		writeSession(t, ref, 2500, WithFormat(f), WithBatchRows(1000), WithHiveLayout())
		touch(t, dir, "images/shots_all.png", "images/heatmap_team_7.svg", "images/notes.png")
		sum := SessionSummary{SessionID: "g1", Source: "g1.jsonl", Images: []string{"images/shots_all.png", "images/heatmap_team_7.svg"}}
		sum.SetTables(dir, w)
		if err := WriteJSON(filepath.Join(dir, SummaryFile), sum, false); err != nil {
			t.Fatal(err)
		}
		d, err := PrepareOutDir(dir, []string{"g2"}, OutDirOptions{Hive: true, Add: true, Format: f})
		if err != nil {
			t.Fatalf("%v: PrepareOutDir: %v", f, err)
		}
		id, err := d.MoveFlat(false)
		if err != nil || id != "g1" {
			t.Fatalf("%v: MoveFlat: %q, %v; want g1 moved", f, id, err)
		}
		var want []string
		for _, tb := range Tables() {
			want = append(want, filepath.ToSlash(filepath.Join(tb.String(), "session_id=g1", "part-0"+f.Ext())))
		}
		want = append(want, "images/notes.png", "images/session_id=g1/heatmap_team_7.svg", "images/session_id=g1/shots_all.png", SummaryFile)
		slices.Sort(want)
		if got := files(t, dir); !slices.Equal(got, want) {
			t.Errorf("%v: after MoveFlat: %v\nwant %v", f, got, want)
		}
		for _, tb := range Tables() {
			got, exp := TablePath(dir, tb, "g1", f, true), TablePath(ref, tb, "g1", f, true)
			var gt, et arrow.Table
			if f == FormatParquet {
				if g, e := parquetLayout(t, got), parquetLayout(t, exp); g != e {
					t.Errorf("%v: %s moved:\n%s\nwritten in the Hive layout:\n%s", f, tb, g, e)
				}
				gt, et = readParquet(t, memory.DefaultAllocator, got), readParquet(t, memory.DefaultAllocator, exp)
			} else {
				gt, et = readArrow(t, got), readArrow(t, exp)
			}
			if !gt.Schema().Equal(et.Schema()) || !array.TableEqual(gt, et) {
				t.Errorf("%v: %s moved: %d rows %s\nwritten in the Hive layout: %d rows %s", f, tb, gt.NumRows(), gt.Schema(), et.NumRows(), et.Schema())
			}
			gt.Release()
			et.Release()
		}
		m, err := ReadSummary(dir)
		if err != nil || len(m.Sessions) != 1 {
			t.Fatalf("%v: summary after MoveFlat: %+v, %v", f, m, err)
		}
		e := m.Sessions[0]
		if !e.EarlierRun || e.Tables["samples"] != "samples/session_id=g1/part-0"+f.Ext() ||
			!slices.Equal(e.Images, []string{"images/session_id=g1/shots_all.png", "images/session_id=g1/heatmap_team_7.svg"}) {
			t.Errorf("%v: summary entry after MoveFlat: %+v", f, e)
		}
		if m.StmotionVersion != version.Get().String() {
			t.Errorf("%v: summary.json rewritten by MoveFlat: stmotion_version %q, want this stmotion's %q", f, m.StmotionVersion, version.Get().String())
		}
		if raw, _ := os.ReadFile(filepath.Join(dir, SummaryFile)); !strings.Contains(string(raw), `"sessions"`) {
			t.Errorf("%v: summary.json after MoveFlat is not one of several sessions:\n%s", f, raw)
		}
		if o, err := FindOutputs(dir); err != nil || len(o.Flat) != 0 || !slices.Equal(o.Sessions, []string{"g1"}) {
			t.Errorf("%v: outputs after MoveFlat: %+v, %v", f, o, err)
		}
	}
}

// A one-session dataset written by an earlier stmotion, whose quality
// table lacks the columns added since, is moved with the columns it has,
// as a Hive dataset mixes versions (FindColumnDrift names them). Before,
// the --add run that would move it failed ("29 columns, want session_id
// and the 30 of this version's table"). A column this version's table
// does not have still stops the move.
func TestMoveFlatEarlierVersion(t *testing.T) {
	for _, c := range []struct {
		name string
		cols func(fs []arrow.Field) []int // the columns of the one-session file kept
		err  string
	}{
		{"fewer columns", func(fs []arrow.Field) []int {
			k := make([]int, len(fs)-2)
			for i := range k {
				k[i] = i
			}
			return k
		}, ""},
		{"another column", nil, "which this version's table does not have"},
	} {
		dir := t.TempDir()
		writeSession(t, dir, 100)
		writeSummary(t, dir, "g1")
		flat := TablePath(dir, TableQuality, "", FormatParquet, false)
		tbl := readParquet(t, memory.DefaultAllocator, flat)
		var fields []arrow.Field
		var cols []arrow.Column
		if c.cols != nil {
			for _, i := range c.cols(tbl.Schema().Fields()) {
				fields = append(fields, tbl.Schema().Field(i))
				cols = append(cols, *tbl.Column(i))
			}
		} else {
			for i := range int(tbl.NumCols()) {
				fd := tbl.Schema().Field(i)
				if i == int(tbl.NumCols())-1 {
					fd.Name = "from_the_future"
				}
				fields = append(fields, fd)
				cols = append(cols, *arrow.NewColumn(fd, tbl.Column(i).Data()))
			}
		}
		old := array.NewTable(arrow.NewSchema(fields, nil), cols, tbl.NumRows())
		f, err := os.Create(flat)
		if err != nil {
			t.Fatal(err)
		}
		if err := pqarrow.WriteTable(old, f, 1000, nil, pqarrow.DefaultWriterProps()); err != nil {
			t.Fatal(err)
		}
		f.Close()
		was := filepath.Join(t.TempDir(), "quality.parquet")
		copyFile(t, flat, was)
		d, err := PrepareOutDir(dir, []string{"g2"}, OutDirOptions{Hive: true, Add: true})
		if err != nil {
			t.Fatal(err)
		}
		id, err := d.MoveFlat(false)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: MoveFlat: %q, %v; want an error saying %q", c.name, id, err, c.err)
			}
			old.Release()
			tbl.Release()
			continue
		}
		if err != nil || id != "g1" {
			t.Fatalf("%s: MoveFlat: %q, %v; want g1 moved", c.name, id, err)
		}
		moved := readParquet(t, memory.DefaultAllocator, TablePath(dir, TableQuality, "g1", FormatParquet, true))
		// The file still names the writer of the earlier one, not this
		// stmotion, which only moved it.
		if got, was := createdBy(t, TablePath(dir, TableQuality, "g1", FormatParquet, true)), createdBy(t, was); got != was {
			t.Errorf("%s: moved quality table created by %q, the one-session file by %q", c.name, got, was)
		}
		want := Schema(TableQuality, false).Fields()
		if got := moved.Schema().Fields(); len(got) != len(fields)-1 || got[0].Name != want[0].Name || got[len(got)-1].Name != want[len(want)-3].Name || moved.NumRows() != old.NumRows() {
			t.Errorf("%s: moved quality table: %d rows, %s; want %d rows of this version's columns but the last two", c.name, moved.NumRows(), moved.Schema(), old.NumRows())
		}
		for i := range int(moved.NumCols()) {
			if !array.ChunkedEqual(moved.Column(i).Data(), old.Column(i+1).Data()) {
				t.Errorf("%s: moved column %s differs", c.name, moved.Schema().Field(i).Name)
			}
		}
		drift, err := FindColumnDrift(dir)
		if err != nil || len(drift) != 1 || !slices.Equal(drift[0].Missing, []string{want[len(want)-2].Name, want[len(want)-1].Name}) {
			t.Errorf("%s: drift %+v, %v; want the quality table's last two columns missing", c.name, drift, err)
		}
		moved.Release()
		old.Release()
		tbl.Release()
	}
}

// MoveFlat does nothing without Add, for the run's own session (which
// the run replaces), and moves nothing when the tables hold another
// session than summary.json names: the error says so, and the directory
// is as it was.
func TestMoveFlatNot(t *testing.T) {
	dir := t.TempDir()
	writeSession(t, dir, 100)
	writeSummary(t, dir, "g1")
	before := files(t, dir)
	for _, c := range []struct {
		sessions []string
		opt      OutDirOptions
	}{
		{[]string{"g2"}, OutDirOptions{Hive: true, Overwrite: true}},
		{[]string{"g1", "g2"}, OutDirOptions{Hive: true, Add: true}},
	} {
		d, err := PrepareOutDir(dir, c.sessions, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		if id, err := d.MoveFlat(false); id != "" || err != nil {
			t.Errorf("%v %+v: MoveFlat: %q, %v; want nothing moved", c.sessions, c.opt, id, err)
		}
		if got := files(t, dir); !slices.Equal(got, before) {
			t.Errorf("%v %+v: MoveFlat changed %v into %v", c.sessions, c.opt, before, got)
		}
	}
	// The tables hold g1's rows, summary.json names g7.
	writeSummary(t, dir, "g7")
	d, err := PrepareOutDir(dir, []string{"g2"}, OutDirOptions{Hive: true, Add: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.MoveFlat(false); err == nil || !strings.Contains(err.Error(), `session_id "g1", not "g7"`) {
		t.Errorf("tables of g1 named g7: MoveFlat: %v; want an error naming both", err)
	}
	if got := files(t, dir); !slices.Equal(got, before) {
		t.Errorf("a failed MoveFlat changed %v into %v", before, got)
	}
}

// An Add run refuses a dataset of the other format (naming both), and
// one-session tables nothing names; other sessions' partitions and the
// one-session tables of a session summary.json names it takes.
func TestPrepareOutDirAdd(t *testing.T) {
	hive := t.TempDir()
	touch(t, hive, "samples/session_id=g1/part-0.parquet", "players/session_id=g1/part-0.parquet", "samples/session_id=g2/part-0.arrow")
	flat := t.TempDir()
	touch(t, flat, "samples.parquet")
	writeSummary(t, flat, "g7")
	unnamed := t.TempDir()
	touch(t, unnamed, "samples.parquet")
	for _, c := range []struct {
		dir      string
		sessions []string
		format   Format
		want     string // the error; "" for none
	}{
		{hive, []string{"g2", "g3"}, FormatParquet, ""},
		{hive, []string{"g3"}, FormatParquet, "holds arrow tables (g2), not parquet"},
		{hive, []string{"g3"}, FormatArrow, "holds parquet tables (g1), not arrow"},
		{hive, []string{"g1", "g3"}, FormatArrow, ""},
		{flat, []string{"g8"}, FormatParquet, ""},
		{flat, []string{"g8"}, FormatArrow, "holds parquet tables (g7), not arrow"},
		{unnamed, []string{"g8"}, FormatParquet, "one-session tables of a session summary.json does not name"},
		{unnamed, []string{"g8"}, FormatArrow, "one-session tables of a session summary.json does not name"},
	} {
		_, err := PrepareOutDir(c.dir, c.sessions, OutDirOptions{Hive: true, Add: true, Format: c.format})
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("Add %v as %v into %v: %v; want %q", c.sessions, c.format, files(t, c.dir), err, c.want)
		}
	}
}

// A moved Arrow IPC file keeps the created_by of the stmotion that wrote
// it, as a Parquet file does, and one written before stmotion recorded it
// is moved without one: the mover only moved it.
func TestMoveFlatArrowCreatedBy(t *testing.T) {
	dir := t.TempDir()
	w := writeSession(t, dir, 100, WithFormat(FormatArrow))
	sum := SessionSummary{SessionID: "g1", Source: "g1.jsonl"}
	sum.SetTables(dir, w)
	if err := WriteJSON(filepath.Join(dir, SummaryFile), sum, false); err != nil {
		t.Fatal(err)
	}
	// The samples as an earlier version wrote them, the players as a
	// version that named no writer.
	rewrite := func(tb Table, md *arrow.Metadata) {
		path := TablePath(dir, tb, "g1", FormatArrow, false)
		tbl := readArrow(t, path)
		defer tbl.Release()
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		iw, err := ipc.NewFileWriter(f, ipc.WithSchema(arrow.NewSchema(tbl.Schema().Fields(), md)))
		if err != nil {
			t.Fatal(err)
		}
		tr := array.NewTableReader(tbl, -1)
		defer tr.Release()
		for tr.Next() {
			if err := iw.Write(tr.RecordBatch()); err != nil {
				t.Fatal(err)
			}
		}
		if err := iw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	old := arrow.NewMetadata([]string{ArrowCreatedBy}, []string{"stmotion version v0.9.0"})
	rewrite(TableSamples, &old)
	rewrite(TablePlayers, nil)
	d, err := PrepareOutDir(dir, []string{"g2"}, OutDirOptions{Hive: true, Add: true, Format: FormatArrow})
	if err != nil {
		t.Fatal(err)
	}
	if id, err := d.MoveFlat(false); err != nil || id != "g1" {
		t.Fatalf("MoveFlat: %q, %v; want g1 moved", id, err)
	}
	for tb, want := range map[Table]string{
		TableSamples: "stmotion version v0.9.0",
		TablePlayers: "",
		TableQuality: version.Get().CreatedBy(),
	} {
		if got := createdBy(t, TablePath(dir, tb, "g1", FormatArrow, true)); got != want {
			t.Errorf("moved %s: created_by %q, want %q", tb, got, want)
		}
	}
}
