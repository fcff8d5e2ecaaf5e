package export

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/stmotion/stmotion/internal/version"
)

// MoveFlat moves the one-session outputs under the directory of a session
// that is not one of the run's (Outputs.FlatSession) into the Hive layout,
// so that a dataset begun by a run of one session can grow (an Add run;
// without Add, or with nothing such there, it does nothing and returns
// ""). It returns the session moved.
//
// The tables are copied into the session's partitions (TablePath) without
// their session_id column, which the Hive layout keeps in the directory
// name: the same rows and columns, schema, encodings and row groups that
// a Hive run writes (through pqarrow, as the players table always is: see
// directParquet); a table an earlier version wrote keeps its columns,
// without those added since (movedSchema). Every row must name the session: tables that hold
// another (a run killed while it replaced another session's tables,
// docs/schema.md) are not moved, and the error says so. The images are
// renamed into images/session_id=<id>/. The session's entry in
// summary.json is then rewritten with the new paths, in a summary of
// several sessions (its other entries as they were), and last the
// one-session tables are removed. A process killed on the way leaves the
// one-session tables in place, and the next Add run moves them again;
// a failure removes the partitions copied so far.
func (d *OutDir) MoveFlat(sync bool) (string, error) {
	id := d.prev.FlatSession
	if !d.opt.Add || len(d.prev.Flat) == 0 || id == "" || slices.Contains(d.sessions, id) {
		return "", nil
	}
	fail := func(err error) (string, error) {
		return "", fmt.Errorf("export: move the one-session tables of session %s into the Hive layout: %w", id, err)
	}
	sum, err := ReadSummary(d.dir)
	if err != nil {
		return fail(err)
	}
	cfg := config{mem: memory.DefaultAllocator, batchRows: DefaultBatchRows, zstdLevel: 1, sync: sync}
	var copied []string
	entry := slices.IndexFunc(sum.Sessions, func(s SessionSummary) bool { return s.SessionID == id })
	for _, src := range d.prev.Flat {
		t, f, ok := flatTable(d.dir, src)
		if !ok {
			continue
		}
		dst := TablePath(d.dir, t, id, f, true)
		if err := copyWithoutSession(src, dst, t, f, id, &cfg); err != nil {
			for _, p := range copied {
				RemoveTableFile(TableFile{Path: p, SessionID: id, Hive: true})
			}
			return fail(err)
		}
		copied = append(copied, dst)
		if entry >= 0 {
			if sum.Sessions[entry].Tables == nil {
				sum.Sessions[entry].Tables = map[string]string{}
			}
			sum.Sessions[entry].Tables[t.String()] = relSlash(d.dir, dst)
		}
	}
	images, err := ListImages(d.dir)
	if err != nil {
		return fail(err)
	}
	for _, img := range images {
		if img.Hive {
			continue
		}
		dst := filepath.Join(ImageDir(d.dir, id, true), filepath.Base(img.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fail(err)
		}
		if err := os.Rename(img.Path, dst); err != nil {
			return fail(err)
		}
	}
	if entry >= 0 {
		// Every image of the entry (those moved by a run killed before
		// it rewrote summary.json too).
		e := &sum.Sessions[entry]
		for i, p := range e.Images {
			if path.Dir(p) == ImagesDir {
				e.Images[i] = path.Join(ImagesDir, PartitionDir(id), path.Base(p))
			}
		}
		e.EarlierRun = true
		sum.StmotionVersion = version.Get().String() // this one rewrote it
		if err := WriteJSON(filepath.Join(d.dir, SummaryFile), sum, sync); err != nil {
			return fail(err)
		}
	}
	for _, src := range d.prev.Flat {
		if err := RemoveTableFile(TableFile{Path: src}); err != nil {
			return fail(err)
		}
	}
	if d.prev, err = FindOutputs(d.dir); err != nil {
		return fail(err)
	}
	return id, nil
}

// flatTable is the table and format of the one-session table file at
// p under dir (ListTables lists no other).
func flatTable(dir, p string) (Table, Format, bool) {
	for _, t := range Tables() {
		for _, f := range []Format{FormatParquet, FormatArrow} {
			if TablePath(dir, t, "", f, false) == p {
				return t, f, true
			}
		}
	}
	return 0, 0, false
}

// relSlash is path relative to dir with '/', as summary.json has them.
func relSlash(dir, path string) string {
	if rel, err := filepath.Rel(dir, path); err == nil {
		path = rel
	}
	return filepath.ToSlash(path)
}

// copyWithoutSession writes the rows of src, a one-session file of table
// t in format f, to dst (atomically, as a Writer does) without their
// session_id column: a file of the Hive layout (Schema(t, false), or the
// columns of it an earlier version's file has: movedSchema). Every row's
// session_id must be id.
func copyWithoutSession(src, dst string, t Table, f Format, id string, cfg *config) error {
	if f == FormatArrow {
		return copyArrowWithoutSession(src, dst, t, id, cfg)
	}
	rdr, err := file.OpenParquetFile(src, false)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, cfg.mem)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	leaves := make([]int, rdr.MetaData().Schema.NumColumns())
	for i := range leaves {
		leaves[i] = i
	}
	// Row groups as they were: one per WithBatchRows rows of samples;
	// the stmotion that wrote the file stays named in it.
	c := *cfg
	c.createdBy = rdr.MetaData().GetCreatedBy()
	for i := range rdr.NumRowGroups() {
		c.batchRows = max(c.batchRows, int(rdr.RowGroup(i).NumRows()))
	}
	got, err := fr.Schema()
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	schema, err := movedSchema(got, Schema(t, false), src)
	if err != nil {
		return err
	}
	out, err := createAtomic(dst, cfg.sync)
	if err != nil {
		return err
	}
	fw, err := pqarrow.NewFileWriter(schema, out, parquetProps(schema, &c, t),
		pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(cfg.mem), pqarrow.WithStoreSchema()))
	if err != nil {
		out.Abort()
		return fmt.Errorf("%s: %w", dst, err)
	}
	for i := range rdr.NumRowGroups() {
		tbl, err := fr.ReadRowGroups(context.Background(), leaves, []int{i})
		if err != nil {
			err = fmt.Errorf("%s: %w", src, err)
		} else {
			err = writeWithoutSession(fw, tbl, schema, src, id)
			tbl.Release()
		}
		if err != nil {
			fw.Close()
			out.Abort()
			return err
		}
	}
	if err := fw.Close(); err != nil {
		out.Abort()
		return fmt.Errorf("%s: %w", dst, err)
	}
	return out.Commit()
}

// writeWithoutSession writes the columns of tbl but its first, session_id,
// as one row group of fw (schema, movedSchema's), after checking that
// every session_id is id.
func writeWithoutSession(fw *pqarrow.FileWriter, tbl arrow.Table, schema *arrow.Schema, src, id string) error {
	if tbl.NumCols() != int64(schema.NumFields())+1 {
		return fmt.Errorf("%s: a row group of %d columns, want %d", src, tbl.NumCols(), schema.NumFields()+1)
	}
	for _, chunk := range tbl.Column(0).Data().Chunks() {
		if err := checkSession(chunk, id); err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
	}
	if tbl.NumRows() == 0 {
		return nil
	}
	cols := make([]arrow.Column, schema.NumFields())
	for i := range cols {
		cols[i] = *arrow.NewColumn(schema.Field(i), tbl.Column(i+1).Data())
	}
	rest := array.NewTable(schema, cols, tbl.NumRows())
	for i := range cols {
		cols[i].Release()
	}
	defer rest.Release()
	return fw.WriteTable(rest, tbl.NumRows())
}

// movedSchema checks that got, the schema of a one-session file (src), is
// session_id followed by columns of want, this version's table, each of
// its type, and returns the schema of the file moved: those columns, as
// want has them. A file of an earlier version lacks the columns added
// since (the quality table's repeats_forgotten, say): it is moved with
// the columns it has, as a Hive dataset mixes files of several versions
// (FindColumnDrift; docs/querying.md), where its game had to be analysed
// again before.
func movedSchema(got, want *arrow.Schema, src string) (*arrow.Schema, error) {
	if got.NumFields() < 2 || got.Field(0).Name != SessionColumn {
		return nil, fmt.Errorf("%s: %d columns, want %s and those of this version's table", src, got.NumFields(), SessionColumn)
	}
	if got.NumFields() == want.NumFields()+1 {
		same := true
		for i, fd := range want.Fields() {
			g := got.Field(i + 1)
			same = same && g.Name == fd.Name && arrow.TypeEqual(g.Type, fd.Type)
		}
		if same {
			return want, nil
		}
	}
	fields := make([]arrow.Field, 0, got.NumFields()-1)
	for i, g := range got.Fields()[1:] {
		k := want.FieldIndices(g.Name)
		if len(k) != 1 || !arrow.TypeEqual(g.Type, want.Field(k[0]).Type) {
			return nil, fmt.Errorf("%s: column %d is %s %s, which this version's table does not have (a file of another version: analyse its game again)", src, i+1, g.Name, g.Type)
		}
		fields = append(fields, want.Field(k[0]))
	}
	md := want.Metadata()
	return arrow.NewSchema(fields, &md), nil
}

// errOtherSession is checkSession's error for a row of another session.
var errOtherSession = errors.New("rows of another session")

// checkSession checks that every value of a session_id column (strings,
// or a dictionary of strings) is id.
func checkSession(a arrow.Array, id string) error {
	value := func(i int) (string, error) {
		switch a := a.(type) {
		case *array.String:
			return a.Value(i), nil
		case *array.Dictionary:
			if d, ok := a.Dictionary().(*array.String); ok {
				return d.Value(a.GetValueIndex(i)), nil
			}
		}
		return "", fmt.Errorf("%s is a %s column, not strings", SessionColumn, a.DataType())
	}
	for i := range a.Len() {
		got, err := value(i)
		if err != nil {
			return err
		}
		if got != id {
			return fmt.Errorf("%w: %s %q, not %q", errOtherSession, SessionColumn, got, id)
		}
	}
	return nil
}

// copyArrowWithoutSession is copyWithoutSession for an Arrow IPC file.
func copyArrowWithoutSession(src, dst string, t Table, id string, cfg *config) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	r, err := ipc.NewFileReader(in, ipc.WithAllocator(cfg.mem))
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	defer r.Close()
	schema, err := movedSchema(r.Schema(), Schema(t, false), src)
	if err != nil {
		return err
	}
	// The stmotion that wrote the file stays named in it, as in a moved
	// Parquet file (none for a file of a version that named none).
	createdBy, _ := r.Schema().Metadata().GetValue(ArrowCreatedBy)
	out, err := openArrowBy(dst, schema, cfg, createdBy)
	if err != nil {
		return err
	}
	for i := range r.NumRecords() {
		rec, err := r.RecordBatchAt(i)
		if err != nil {
			out.abort()
			return fmt.Errorf("%s: %w", src, err)
		}
		err = checkSession(rec.Column(0), id)
		if err != nil {
			err = fmt.Errorf("%s: %w", src, err)
		} else {
			rest := array.NewRecordBatch(schema, rec.Columns()[1:], rec.NumRows())
			err = out.write(rest)
			rest.Release()
		}
		rec.Release()
		if err != nil {
			out.abort()
			return err
		}
	}
	return out.commit()
}
