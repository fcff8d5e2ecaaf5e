package export

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stmotion/stmotion/track"
)

// A session without samples still gets a valid samples file: the magic,
// the footer with the schema and the stored Arrow schema, no row groups;
// the same footer as pqarrow's, and it reads back as an empty table of the
// samples schema. Both layouts.
func TestSamplesParquetEmpty(t *testing.T) {
	for _, hive := range []bool{false, true} {
		dir := t.TempDir()
		opts := []Option{}
		if hive {
			opts = append(opts, WithHiveLayout())
		}
		got := writeSamples(t, dir, "g1", nil, opts...).Paths()[TableSamples]
		want := filepath.Join(dir, "pqarrow.parquet")
		pqarrowSamples(t, want, !hive, nil, DefaultBatchRows)
		gs, ws := footerSummary(t, got), footerSummary(t, want)
		if len(gs) != len(ws) {
			t.Fatalf("hive %v: footer\n got  %q\n want %q", hive, gs, ws)
		}
		for i := range gs {
			if gs[i] != ws[i] {
				t.Errorf("hive %v: footer line %d:\n got  %s\n want %s", hive, i, gs[i], ws[i])
			}
		}
		gt := readParquet(t, memory.DefaultAllocator, got)
		wt := readParquet(t, memory.DefaultAllocator, want)
		if gt.NumRows() != 0 || !gt.Schema().Equal(wt.Schema()) || !sameColumns(gt.Schema(), Schema(TableSamples, !hive)) {
			t.Errorf("hive %v: read back %d rows, schema\n%s\nwant\n%s", hive, gt.NumRows(), gt.Schema(), wt.Schema())
		}
		gt.Release()
		wt.Release()
	}
}

// errDiskFull is the error of failWriter.
var errDiskFull = errors.New("disk full")

// failWriter passes the first left bytes on to w, then fails.
type failWriter struct {
	w    io.Writer
	left int
}

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) <= f.left {
		f.left -= len(p)
		return f.w.Write(p)
	}
	n, _ := f.w.Write(p[:f.left])
	f.left = 0
	return n, errDiskFull
}

// A write error anywhere in the samples file (in a page header, a page,
// a dictionary page, between row groups, in the footer), in the
// foreground and from the background writer: Samples or Close returns an
// error that wraps it, nothing is left on disk (no table, no temporary
// file), all Arrow memory is released, and the Writer is closed.
func TestSamplesParquetWriteError(t *testing.T) {
	rows := gameSamples(3*zstdWindow + 77)
	const batch = zstdWindow + 5
	// The file's size when nothing fails, to spread failures over it.
	size := func() int {
		dir := t.TempDir()
		p := writeSamples(t, dir, "g1", rows, WithBatchRows(batch)).Paths()[TableSamples]
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return int(fi.Size())
	}()
	budgets := []int{0, 1, 30, 100, 1000, size / 3, size / 2, size - 100, size - 12, size - 8 - 4 /* magic already written */}
	for step := 4096; step < size; step += size / 17 {
		budgets = append(budgets, step)
	}
	for _, fg := range []bool{false, true} {
		for _, left := range budgets {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			dir := t.TempDir()
			opts := []Option{WithAllocator(mem), WithBatchRows(batch)}
			if fg {
				opts = append(opts, WithForeground())
			}
			w, err := NewWriter(dir, "g1", opts...)
			if err != nil {
				t.Fatal(err)
			}
			p := w.tables[TableSamples].file.(*directParquet)
			p.sink.w = &failWriter{w: p.sink.w, left: left}
			err = nil
			for i := 0; i < len(rows) && err == nil; i += 1000 {
				err = w.Samples(rows[i:min(i+1000, len(rows))])
			}
			if err == nil {
				err = w.Close(nil)
			} else if cerr := w.Close(nil); cerr != ErrClosed {
				t.Errorf("foreground %v, %d bytes: Close after a failed Samples: %v, want ErrClosed", fg, left, cerr)
			}
			if !errors.Is(err, errDiskFull) {
				t.Errorf("foreground %v, %d bytes: error %v, want one wrapping %v", fg, left, err, errDiskFull)
			}
			if names := listFiles(t, dir); len(names) != 0 {
				t.Errorf("foreground %v, %d bytes: files left: %v", fg, left, names)
			}
			w.Abort() // a no-op now
			mem.AssertSize(t, 0)
		}
	}
}

// Several Writers at once, each with its background writer, share the
// zstd encoders' free list while each keeps its own stream state: every
// file holds its own rows (compared with pqarrow's file of the same
// rows). Run with -race.
func TestSamplesParquetConcurrentWriters(t *testing.T) {
	const writers = 3
	rows := make([][]track.Sample, writers)
	paths := make([]string, writers)
	dirs := make([]string, writers)
	for w := range writers {
		rows[w] = gameSamples(4*zstdWindow + 100*w)
		for i := range rows[w] {
			rows[w][i].X_m += float64(w) * 0.37
			rows[w][i].Speed_mps *= float64(w + 1)
		}
		dirs[w] = t.TempDir()
	}
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Go(func() {
			wr, err := NewWriter(dirs[w], "g1", WithBatchRows(zstdWindow+3))
			if err != nil {
				errs[w] = err
				return
			}
			for i := 0; i < len(rows[w]) && err == nil; i += 999 {
				err = wr.Samples(rows[w][i:min(i+999, len(rows[w]))])
			}
			if err == nil {
				err = wr.Close(nil)
			}
			errs[w] = err
			paths[w] = wr.Paths()[TableSamples]
		})
	}
	wg.Wait()
	for w := range writers {
		if errs[w] != nil {
			t.Fatalf("writer %d: %v", w, errs[w])
		}
		want := filepath.Join(dirs[w], "pqarrow.parquet")
		pqarrowSamples(t, want, true, rows[w], zstdWindow+3)
		gt := readParquet(t, memory.DefaultAllocator, paths[w])
		wt := readParquet(t, memory.DefaultAllocator, want)
		for i := range int(gt.NumCols()) {
			if !array.ChunkedEqual(gt.Column(i).Data(), wt.Column(i).Data()) {
				t.Errorf("writer %d: column %s differs from pqarrow's file of its rows", w, gt.Schema().Field(i).Name)
			}
		}
		gt.Release()
		wt.Release()
	}
}
