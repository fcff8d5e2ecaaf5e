package batch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
)

// A session of the dataset whose quality table has fewer columns than
// this version writes (an stmotion before evicted_sensors, say) is named
// by an Add run, with the columns it lacks; an Add run into a dataset of
// this version's tables names none.
func TestAddColumnDrift(t *testing.T) {
	dir := t.TempDir()
	g1, _ := writeGame(t, dir, "g1", 1)
	g2, _ := writeGame(t, dir, "g2", 2)
	g3, _ := writeGame(t, dir, "g3", 3)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Options: pipeline.Options{Out: out}, Jobs: 2}
	run, _ := runBatch(t, cfg, g1, g2)
	add := *cfg
	add.Add = true
	if _, res := runBatch(t, &add, g2); res.ColumnDrift != nil || res.ColumnDriftErr != nil {
		t.Fatalf("a dataset of this version's tables: drift %+v, %v; want none", res.ColumnDrift, res.ColumnDriftErr)
	}

	// g1's quality file as an earlier version wrote it: without the
	// last column.
	id := run.Inputs[0].SessionID
	full := export.Schema(export.TableQuality, false).Fields()
	old := arrow.NewSchema(full[:len(full)-1], nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, old)
	defer b.Release()
	rec := b.NewRecordBatch()
	defer rec.Release()
	tbl := array.NewTableFromRecords(old, []arrow.RecordBatch{rec})
	defer tbl.Release()
	f, err := os.Create(export.TablePath(out, export.TableQuality, id, export.FormatParquet, true))
	if err != nil {
		t.Fatal(err)
	}
	if err := pqarrow.WriteTable(tbl, f, 1, nil, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}

	_, res := runBatch(t, &add, g3)
	d := res.ColumnDrift
	if res.ColumnDriftErr != nil || len(d) != 1 || d[0].Table != export.TableQuality || !slices.Equal(d[0].Sessions, []string{id}) || !slices.Equal(d[0].Missing, []string{full[len(full)-1].Name}) {
		t.Errorf("drift %+v, %v; want the quality table of %s, without %s", d, res.ColumnDriftErr, id, full[len(full)-1].Name)
	}
}
