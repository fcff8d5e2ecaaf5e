package export

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet/file"
)

// ColumnDrift is a table of a Hive dataset whose files do not all have
// the columns this stmotion writes (Schema): sessions written by an
// earlier version, before columns were added (the quality table's
// evicted_sensors, say), or by a later one. A reader that takes a
// dataset's columns from one of its files (DuckDB's read_parquet, unless
// union_by_name) then misses the other files' columns, or fails on a
// query that names them.
type ColumnDrift struct {
	Table    Table
	Sessions []string // the sessions whose file differs, in the order listed
	Missing  []string // columns of Schema that some of those files lack
	Extra    []string // columns some of those files have that Schema lacks
}

// FindColumnDrift reads the columns of every Hive partition's table file
// under dir (the files' schemas only, not their rows) and returns the
// tables some of whose files differ from Schema(t, false); nil when all
// agree. A file that cannot be read is an error naming it.
func FindColumnDrift(dir string) ([]ColumnDrift, error) {
	files, err := ListTables(dir)
	if err != nil {
		return nil, err
	}
	byTable := map[Table]*ColumnDrift{}
	var order []Table
	for _, f := range files {
		if !f.Hive {
			continue
		}
		t := f.Table
		cols, err := fileColumns(f.Path)
		if err != nil {
			return nil, fmt.Errorf("export: columns of %s: %w", f.Path, err)
		}
		var missing, extra []string
		want := Schema(t, false)
		for _, fd := range want.Fields() {
			if !slices.Contains(cols, fd.Name) {
				missing = append(missing, fd.Name)
			}
		}
		for _, c := range cols {
			if len(want.FieldIndices(c)) == 0 {
				extra = append(extra, c)
			}
		}
		if len(missing) == 0 && len(extra) == 0 {
			continue
		}
		d := byTable[t]
		if d == nil {
			d = &ColumnDrift{Table: t}
			byTable[t] = d
			order = append(order, t)
		}
		d.Sessions = append(d.Sessions, f.SessionID)
		for _, c := range missing {
			if !slices.Contains(d.Missing, c) {
				d.Missing = append(d.Missing, c)
			}
		}
		for _, c := range extra {
			if !slices.Contains(d.Extra, c) {
				d.Extra = append(d.Extra, c)
			}
		}
	}
	var out []ColumnDrift
	for _, t := range order {
		out = append(out, *byTable[t])
	}
	return out, nil
}

// fileColumns returns the top-level column names of a Parquet or Arrow
// IPC file, from its footer.
func fileColumns(path string) ([]string, error) {
	if filepath.Ext(path) == FormatArrow.Ext() {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r, err := ipc.NewFileReader(f)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		var cols []string
		for _, fd := range r.Schema().Fields() {
			cols = append(cols, fd.Name)
		}
		return cols, nil
	}
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	root := r.MetaData().Schema.Root()
	cols := make([]string, root.NumFields())
	for i := range cols {
		cols[i] = root.Field(i).Name()
	}
	return cols, nil
}
