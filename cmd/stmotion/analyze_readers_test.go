package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
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
// Go side). The same game's Arrow IPC files (--format arrow), read with
// apache-arrow (JavaScript), hold the same values.
//
// Each reader's view of the schema is checked against docs/schema.md's
// contract too: no column nullable, the list columns' elements neither
// (and named alike in both formats), and the samples' dictionary columns
// holding only the values they can take (a pandas category each).

// The npm packages the test needs, at the versions .ci/run installs.
var readerPackages = []string{"parquet-wasm@0.8.0", "apache-arrow@21.2.0", "hyparquet@1.33.0", "hyparquet-compressors@1.1.2"}

// readerResult is what parquet_readers.mjs reports for one file and reader.
type readerResult struct {
	Rows    int64                   `json:"rows"`
	Columns map[string]columnDigest `json:"columns"`
	Schema  readerSchema            `json:"schema"`
	Error   string                  `json:"error"`
}

// readerSchema is a reader's view of a file's schema: the fields it takes
// for nullable (dotted paths, at any depth), each list column's element
// field name, and each dictionary column's dictionary (Arrow readers).
type readerSchema struct {
	Nullable     []string            `json:"nullable"`
	Lists        map[string]string   `json:"lists"`
	Dictionaries map[string][]string `json:"dictionaries"`
}

// wantLists and wantDictionaries are what every reader must see (the
// dictionaries: readers that give Arrow dictionaries back).
var (
	wantLists = map[string]map[string]string{"players": {
		"distance_period_m": "element", "speed_band_s": "element",
		"sprints_period": "element", "accels_period": "element", "decels_period": "element", "time_on_court_period_s": "element",
		// A list of lists: the inner lists too, named by their path in
		// Arrow's terms (Parquet's has the repeated group "list" between,
		// which checkReaderSchema drops).
		"speed_band_period_s": "element", "speed_band_period_s.element": "element",
	}}
	wantDictionaries = map[string]map[string][]string{"samples": {"kind": {"player", "ball"}, "clock": {"unknown", "live", "paused", "foul"}}}
)

// checkReaderSchema checks reader's view of table's schema.
func checkReaderSchema(t *testing.T, name, table, reader string, s readerSchema, dictionaries bool) {
	t.Helper()
	if len(s.Nullable) > 0 {
		t.Errorf("%s: %s reads nullable fields %v; docs/schema.md: no column is nullable", name, reader, s.Nullable)
	}
	lists := map[string]string{}
	for path, elem := range s.Lists {
		lists[strings.ReplaceAll(path, ".list.", ".")] = elem
	}
	if want := wantLists[table]; !maps.Equal(lists, want) && len(s.Lists)+len(want) > 0 {
		t.Errorf("%s: %s reads list columns (and their element names) %v, want %v", name, reader, s.Lists, want)
	}
	if !dictionaries {
		return
	}
	for col, want := range wantDictionaries[table] {
		if got := s.Dictionaries[col]; !slices.Equal(got, want) {
			t.Errorf("%s: %s reads column %s's dictionary as %q, want %q", name, reader, col, got, want)
		}
	}
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
	outArrow := t.TempDir()
	if err := Run(context.Background(), []string{"analyze", "--out", outArrow, "--quiet", "--batch-rows", "20000", "--format", "arrow"}, &stdout, &stderr); err != nil {
		t.Fatalf("analyze --format arrow: %v\nstderr:\n%s", err, stderr.String())
	}
	arrowFiles, err := filepath.Glob(filepath.Join(outArrow, "*.arrow"))
	if err != nil || len(arrowFiles) != len(files) {
		t.Fatalf("%d Arrow files in %s, %d Parquet files (%v)", len(arrowFiles), outArrow, len(files), err)
	}

	var got map[string]map[string]readerResult
	runNode(t, node, modules, "parquet_readers.mjs", map[string]any{"files": files, "arrow": arrowFiles}, &got)

	values := int64(0)
	for _, path := range files {
		want := goDigests(t, path)
		values += want.Rows * int64(len(want.Columns))
		name := filepath.Base(path)
		table := strings.TrimSuffix(name, ".parquet")
		arrowPath := filepath.Join(outArrow, table+".arrow")
		for _, reader := range []string{"parquet-wasm", "hyparquet", "apache-arrow"} {
			r, ok := got[path][reader]
			name := name
			if reader == "apache-arrow" {
				r, ok = got[arrowPath][reader]
				name = filepath.Base(arrowPath)
			}
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
			checkReaderSchema(t, name, table, reader, r.Schema, reader != "hyparquet")
		}
		if rows := want.Rows; name == "samples.parquet" && rows < 100000 {
			t.Errorf("samples.parquet has %d rows: too few to span several row groups of 20000", rows)
		}
	}
	t.Logf("%d files, %d values, each read by arrow-go, parquet-wasm and hyparquet, and from the Arrow files by apache-arrow", len(files), values)
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
