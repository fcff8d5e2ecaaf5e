package export

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/stmotion/stmotion/track"
)

// pageSummary is one page as arrow-go's low-level page reader sees it:
// kind, value count, encoding, statistics, and the page's bytes after
// decompression (data pages only) or their length (dict: true, for the
// RLE_DICTIONARY index pages, whose run choices may differ from arrow-go's
// while they decode to the same indices).
type pageSummary struct {
	kind  string
	data  []byte
	dlen  int
	stats string
	// bits: for PLAIN boolean pages, how many bits of the last byte are
	// values (1-8); pqarrow copies whatever the bitmap holds after them.
	bits int
}

func (p pageSummary) String() string {
	return fmt.Sprintf("%s %d bytes %s", p.kind, p.dlen, p.stats)
}

// filePages reads every page header of every column chunk of path, and
// checks the chunk offsets of the footer: chunks follow one another from
// byte 4 to the footer, each starting at its dictionary page (if any) or
// its first data page, TotalCompressedSize long.
func filePages(t *testing.T, path string) [][][]pageSummary {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	footerStart := int64(len(raw)) - 8 - int64(binary.LittleEndian.Uint32(raw[len(raw)-8:]))
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	var out [][][]pageSummary
	end := int64(4)
	for g := range rdr.NumRowGroups() {
		rg := rdr.RowGroup(g)
		var cols [][]pageSummary
		for j := range rg.NumColumns() {
			md, err := rg.MetaData().ColumnChunk(j)
			if err != nil {
				t.Fatal(err)
			}
			start := md.DataPageOffset()
			if md.HasDictionaryPage() {
				if md.DictionaryPageOffset() >= md.DataPageOffset() {
					t.Errorf("%s: row group %d column %d: dictionary page at %d, data at %d", path, g, j, md.DictionaryPageOffset(), md.DataPageOffset())
				}
				start = md.DictionaryPageOffset()
			}
			if start != end {
				t.Errorf("%s: row group %d column %d starts at %d, the previous chunk ends at %d", path, g, j, start, end)
			}
			end = start + md.TotalCompressedSize()
			pr, err := rg.GetColumnPageReader(j)
			if err != nil {
				t.Fatal(err)
			}
			var pages []pageSummary
			var values int64
			for pr.Next() {
				p := pr.Page()
				s := pageSummary{kind: fmt.Sprintf("%v/%v %d values", p.Type(), p.Encoding(), p.NumValues())}
				s.dlen = len(p.Data())
				if dp, ok := p.(*file.DataPageV1); ok {
					st := dp.Statistics()
					s.stats = fmt.Sprintf("min %x max %x nulls %d/%v first row %d", st.Min, st.Max, st.NullCount, st.HasNullCount, dp.FirstRowIndex())
					values += int64(p.NumValues())
				}
				s.data = bytes.Clone(p.Data())
				if _, data := p.(*file.DataPageV1); data && md.Type() == parquet.Types.Boolean {
					s.bits = 1 + (int(p.NumValues())+7)%8
				}
				pages = append(pages, s)
			}
			if err := pr.Err(); err != nil {
				t.Fatalf("%s: row group %d column %d: %v", path, g, j, err)
			}
			if values != md.NumValues() || values != rg.NumRows() {
				t.Errorf("%s: row group %d column %d: %d values in pages, %d in the chunk, %d rows", path, g, j, values, md.NumValues(), rg.NumRows())
			}
			cols = append(cols, pages)
		}
		out = append(out, cols)
	}
	if end != footerStart {
		t.Errorf("%s: the last column chunk ends at %d, the footer starts at %d", path, end, footerStart)
	}
	return out
}

// The samples writer cuts pages where arrow-go's column writers do and
// writes the same page headers (value counts, encodings, statistics) and,
// but for the dictionary indices, the same bytes in them; every chunk's
// offsets and sizes in the footer match the pages in the file. Checked
// with arrow-go's low-level page reader against pqarrow's file of the same
// rows: full and short pages of every column type, DELTA_BINARY_PACKED
// pages cut at DataPageSize, several row groups.
func TestSamplesParquetPagesSameAsPqarrow(t *testing.T) {
	for _, tc := range []struct {
		name      string
		rows      []track.Sample
		batchRows int
		hive      bool
	}{
		{"game/delta-pages", gameSamples(300_000), DefaultBatchRows, false},
		{"edge/wide-deltas", edgeSamples(150_000), 150_000, true},
		{"game/odd-groups", gameSamples(20_001), 8193, false},
		{"edge/tiny-groups", edgeSamples(50), 9, true},
		{"edge/one-row", edgeSamples(1), 1, false},
		{"edge/batch-1", edgeSamples(20), 1, true},
		{"game/big-group", gameSamples(600_000), 1 << 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := []Option{WithBatchRows(tc.batchRows), WithForeground()}
			if tc.hive {
				opts = append(opts, WithHiveLayout())
			}
			got := writeSamples(t, dir, "g1", tc.rows, opts...).Paths()[TableSamples]
			want := filepath.Join(dir, "pqarrow.parquet")
			pqarrowSamples(t, want, !tc.hive, tc.rows, tc.batchRows)
			gp, wp := filePages(t, got), filePages(t, want)
			if len(gp) != len(wp) {
				t.Fatalf("%d row groups, pqarrow %d", len(gp), len(wp))
			}
			errs := 0
			for g := range gp {
				for j := range gp[g] {
					gc, wc := gp[g][j], wp[g][j]
					if len(gc) != len(wc) {
						t.Errorf("row group %d column %d: %d pages, pqarrow %d:\n got  %v\n want %v", g, j, len(gc), len(wc), gc, wc)
						errs++
						continue
					}
					for k := range gc {
						dict := strings.HasPrefix(gc[k].kind, "DATA_PAGE/RLE_DICTIONARY")
						gd, wd := gc[k].data, wc[k].data
						if b := gc[k].bits; b > 0 && len(gd) > 0 && len(wd) == len(gd) {
							// The padding bits after the last value are zero here; pqarrow's are not.
							if pad := gd[len(gd)-1] >> b; pad != 0 {
								t.Errorf("row group %d column %d page %d: padding bits after the last boolean are %#x", g, j, k, pad)
							}
							wd = bytes.Clone(wd)
							wd[len(wd)-1] &= byte(1)<<b - 1
						}
						if gc[k].kind != wc[k].kind || gc[k].stats != wc[k].stats ||
							!dict && !bytes.Equal(gd, wd) {
							t.Errorf("row group %d column %d page %d:\n got  %v\n want %v", g, j, k, gc[k], wc[k])
							if i := firstDiff(gd, wd); i >= 0 && i < min(len(gd), len(wd)) {
								t.Errorf("first differing byte %d of %d: got %#x, want %#x", i, len(gd), gd[i], wd[i])
							}
							errs++
						}
					}
					if errs > 10 {
						t.Fatal("too many differences")
					}
				}
			}
		})
	}
}

// firstDiff is the index of the first byte where a and b differ, or -1.
func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}
