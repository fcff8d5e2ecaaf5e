package export

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// writeEmptyParquet writes a Parquet file of schema s and no rows.
func writeEmptyParquet(t *testing.T, path string, s *arrow.Schema) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, s)
	defer b.Release()
	rec := b.NewRecordBatch()
	defer rec.Release()
	tbl := array.NewTableFromRecords(s, []arrow.RecordBatch{rec})
	defer tbl.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := pqarrow.WriteTable(tbl, f, 1, nil, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
}

// A session written by an stmotion that had fewer quality columns (a
// dataset grown with --add across versions) is found, with the columns
// it lacks; files with this version's columns are not.
func TestFindColumnDrift(t *testing.T) {
	dir := t.TempDir()
	full := Schema(TableQuality, false)
	fields := full.Fields()
	old := arrow.NewSchema(fields[:len(fields)-2], nil)
	writeEmptyParquet(t, TablePath(dir, TableQuality, "new", FormatParquet, true), full)
	writeEmptyParquet(t, TablePath(dir, TableQuality, "old", FormatParquet, true), old)
	writeEmptyParquet(t, TablePath(dir, TablePlayers, "old", FormatParquet, true), Schema(TablePlayers, false))
	drift, err := FindColumnDrift(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{fields[len(fields)-2].Name, fields[len(fields)-1].Name}
	if len(drift) != 1 || drift[0].Table != TableQuality || !slices.Equal(drift[0].Sessions, []string{"old"}) || !slices.Equal(drift[0].Missing, want) || len(drift[0].Extra) != 0 {
		t.Errorf("drift %+v; want the quality table of session old, missing %v", drift, want)
	}
}
