package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// The second interop test: every Parquet table of an analysed sample, read
// by two readers that share no code with arrow-go or DuckDB, holds the
// same values, in the same order, as arrow-go reads back. The samples
// table's pages are encoded by stmotion itself (export/pqencode.go), so
// each encoding it writes is checked against three more decoders than its
// own tests use:
//   - parquet-wasm: the Rust parquet crate of arrow-rs (which polars and
//     DataFusion build on), compiled to WebAssembly;
//   - hyparquet: a Parquet reader written in JavaScript.
//
// Small row groups (--batch-rows) give many row groups, pages and short
// last pages. The values are compared as hashes of a canonical text form
// per column (testdata/parquet_readers.mjs documents it; canonValue is the
// Go side).

// The npm packages the test needs, at the versions .ci/run installs.
var readerPackages = []string{"parquet-wasm@0.8.0", "apache-arrow@21.2.0", "hyparquet@1.33.0", "hyparquet-compressors@1.1.2"}

// readerResult is what parquet_readers.mjs reports for one file and reader.
type readerResult struct {
	Rows    int64                   `json:"rows"`
	Columns map[string]columnDigest `json:"columns"`
	Error   string                  `json:"error"`
}

type columnDigest struct {
	SHA256 string   `json:"sha256"`
	Head   []string `json:"head"`
}

func TestAnalyzeParquetReaders(t *testing.T) {
	node, modules := npmPackages(t, "Parquet readers test", readerPackages...)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"analyze", "--out", out, "--quiet", "--batch-rows", "20000"}, &stdout, &stderr); err != nil {
		t.Fatalf("analyze: %v\nstderr:\n%s", err, stderr.String())
	}
	files, err := filepath.Glob(filepath.Join(out, "*.parquet"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Parquet files in %s (%v)", out, err)
	}

	var got map[string]map[string]readerResult
	runNode(t, node, modules, "parquet_readers.mjs", map[string]any{"files": files}, &got)

	values := int64(0)
	for _, path := range files {
		want := goDigests(t, path)
		values += want.Rows * int64(len(want.Columns))
		name := filepath.Base(path)
		for _, reader := range []string{"parquet-wasm", "hyparquet"} {
			r, ok := got[path][reader]
			switch {
			case !ok:
				t.Errorf("%s: no result from %s", name, reader)
				continue
			case r.Error != "":
				t.Errorf("%s: %s cannot read it: %s", name, reader, r.Error)
				continue
			case r.Rows != want.Rows:
				t.Errorf("%s: %s reads %d rows, arrow-go %d", name, reader, r.Rows, want.Rows)
			}
			if a, b := slices.Sorted(mapKeys(r.Columns)), slices.Sorted(mapKeys(want.Columns)); !slices.Equal(a, b) {
				t.Errorf("%s: %s reads columns %v, arrow-go %v", name, reader, a, b)
			}
			for col, w := range want.Columns {
				if g, ok := r.Columns[col]; ok && g.SHA256 != w.SHA256 {
					t.Errorf("%s: column %s: %s reads other values than arrow-go; first values %v, arrow-go %v", name, col, reader, g.Head, w.Head)
				}
			}
		}
		if rows := want.Rows; name == "samples.parquet" && rows < 100000 {
			t.Errorf("samples.parquet has %d rows: too few to span several row groups of 20000", rows)
		}
	}
	t.Logf("%d files, %d values, each read by arrow-go, parquet-wasm and hyparquet", len(files), values)
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// goDigests reads a Parquet file with arrow-go (pqarrow) and hashes each
// column's values the way parquet_readers.mjs does.
func goDigests(t *testing.T, path string) readerResult {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer tbl.Release()
	res := readerResult{Rows: tbl.NumRows(), Columns: map[string]columnDigest{}}
	for c := range int(tbl.NumCols()) {
		col := tbl.Column(c)
		h := sha256.New()
		var head []string
		for _, chunk := range col.Data().Chunks() {
			for i := range chunk.Len() {
				v := canonValue(t, chunk, i)
				h.Write([]byte(v + "\n"))
				if len(head) < 3 {
					head = append(head, v)
				}
			}
		}
		res.Columns[col.Name()] = columnDigest{SHA256: hex.EncodeToString(h.Sum(nil)), Head: head}
	}
	return res
}

// canonValue is value i of a in parquet_readers.mjs's canonical form.
func canonValue(t *testing.T, a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "null"
	}
	f := func(v float64) string {
		if math.IsNaN(v) {
			return "NaN"
		}
		return "f" + strconv.FormatUint(math.Float64bits(v), 10)
	}
	switch a := a.(type) {
	case *array.Int64:
		return "i" + strconv.FormatInt(a.Value(i), 10)
	case *array.Int32:
		return f(float64(a.Value(i)))
	case *array.Uint8:
		return f(float64(a.Value(i)))
	case *array.Float64:
		return f(a.Value(i))
	case *array.Float32:
		return f(float64(a.Value(i))) // exact in a binary64
	case *array.Timestamp:
		if u := a.DataType().(*arrow.TimestampType).Unit; u != arrow.Millisecond {
			t.Fatalf("timestamp in %s, the canonical form is for ms", u)
		}
		return f(float64(a.Value(i)))
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.String:
		return "s" + a.Value(i)
	case *array.Dictionary:
		return canonValue(t, a.Dictionary(), a.GetValueIndex(i))
	case *array.List:
		start, end := a.ValueOffsets(i)
		vals := make([]string, 0, end-start)
		for k := start; k < end; k++ {
			vals = append(vals, canonValue(t, a.ListValues(), int(k)))
		}
		return "[" + strings.Join(vals, ",") + "]"
	}
	t.Fatalf("no canonical form for %s", a.DataType())
	return ""
}
