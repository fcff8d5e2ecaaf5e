package export

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/stmotion/stmotion/track"
)

// directParquet writes the Parquet file of a table without list columns
// (every table but players): the samples table from a samplesBuf's plain
// Go columns, the heatmaps table from the cells of a summary, the others
// from the record batches of their Arrow builders. It encodes the data
// pages itself (pqencode.go: BYTE_STREAM_SPLIT floats, DELTA_BINARY_PACKED
// and PLAIN integers, RLE dictionary indices, PLAIN strings and booleans)
// and leaves everything else to arrow-go's public building blocks:
// compression and page headers (file.PageWriter, with the registered zstd
// codec), column chunk, row group and file metadata (metadata builders),
// statistics (metadata.TypedStatistics).
//
// Why: these tables' rows are few columns of known shape (no nulls, no
// nesting, a fixed dictionary per dictionary column), and arrow-go's
// generic column writers cost more than the encoding itself: per
// 1024-value batch level handling and page-size checks, encoders that grow
// pooled buffers and copy every page again, a delta encoder that handles
// one value at a time, dictionary indices widened to int32 and hashed on
// the way, and per column chunk a writer with its own pooled buffers,
// encoders and statistics to set up. The small tables are a fixed cost per
// game that way: through pqarrow they took 14.7 ms of CPU for a 12-minute
// game, 10.2 ms this way (pipeline's BenchmarkSmallTables), half of it
// saved on the heatmaps table (16 000 rows).
//
// The file is what pqarrow writes for the same rows, but for the bytes
// inside pages: the same Parquet schema (pqarrow.ToParquet of the table's
// Schema) and ARROW:schema key-value metadata (so Arrow readers get
// timestamp[ms, UTC] and dictionary columns back), the same properties
// (parquetProps: codec, encodings, statistics, page and row group sizes),
// the same row groups, and the same statistics.
// TestSamplesParquetSameAsPqarrow, TestHeatmapsParquetSameAsPqarrow and
// TestTablesParquetSameAsPqarrow compare the footers of the two and the
// values read back; the DuckDB and Parquet readers tests of cmd/stmotion
// read every table too.
type directParquet struct {
	f       *atomicFile
	sink    tellWriter
	props   *parquet.WriterProperties
	meta    *metadata.FileMetaDataBuilder
	ngrp    int16 // row groups written
	session bool  // the schema starts with the session column

	heat *heatCols // the heatmaps table's columns of a row group
	i32s []int32   // a uint8 column widened (write)
	strs []string  // a string column's values (write)

	raw     []byte       // a page's encoded values
	body    []byte       // the blocks of a DELTA_BINARY_PACKED page
	zip     bytes.Buffer // the page compressed
	frame   []byte       // a float page compressed by compressFloats
	scratch []byte       // compressFloats' encoder output

	streams []streamState // by column: what zstd made of each float column's byte streams
}

// streamState is what the writer has learned about the byte streams (8
// for DOUBLE, 4 for FLOAT) of a float column's BYTE_STREAM_SPLIT pages
// (see compressFloats).
type streamState struct {
	raw   uint8 // bit k: zstd stored stream k raw the last time it was tried
	pages int   // full pages compressed
}

// streamProbe is how often (in full pages of a column) compressFloats
// tries to compress every stream again, in case the data changed.
const streamProbe = 8

// compressFloats compresses a full float page (streams byte streams, each
// a whole number of zstdWindow bytes) with pageCodec.appendStreamsFrame:
// the leading streams that zstd stored raw last time (the noise of the
// low mantissa bytes) are stored raw without a search for matches, and
// every streamProbe-th page tries them all. The file is a few bytes larger than with
// EncodeLevel at most (frame headers) and the values are the same; zstd
// spent half its time on streams it then stored raw.
func (p *directParquet) compressFloats(st *streamState, page []byte, streams, level int) []byte {
	first := bits.TrailingZeros8(^st.raw)
	if st.pages%streamProbe == 0 {
		first = 0
	}
	var raw uint8
	p.frame, p.scratch, raw = pageCodec.appendStreamsFrame(p.frame[:0], p.scratch, page, streams, level, first)
	st.raw = st.raw&(1<<first-1) | raw
	st.pages++
	return p.frame
}

// tellWriter counts the bytes written through it, for the offsets that
// the page writers and the footer record.
type tellWriter struct {
	w io.Writer
	n int64
}

func (t *tellWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	t.n += int64(n)
	return n, err
}

func (t *tellWriter) Tell() int64 { return t.n }

// parquetMagic starts and ends every Parquet file.
var parquetMagic = []byte("PAR1")

// directLayout is the Parquet schema and ARROW:schema value of a table
// that directParquet writes, computed once per process for each table and
// each of its two schemas (with and without the session column).
type directLayout struct {
	schema      *schema.Schema
	arrowSchema string // base64 of the IPC-serialised Arrow schema
	err         error
}

var directLayouts [NumTables][2]struct {
	once sync.Once
	directLayout
}

// layoutOf returns the layout of table t's schema as pqarrow.NewFileWriter
// derives it with pqarrow.WithStoreSchema. props only matter for the
// Parquet types of Arrow types that these tables do not use (e.g.
// unsigned integers under format version 1.0), so the first file's props
// serve for all.
func layoutOf(t Table, arrowSchema *arrow.Schema, session bool, props *parquet.WriterProperties) directLayout {
	i := 0
	if session {
		i = 1
	}
	l := &directLayouts[t][i]
	l.once.Do(func() {
		l.schema, l.err = pqarrow.ToParquet(arrowSchema, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		// No list columns: pqarrow's normalisation of list element names
		// would leave the schema as it is.
		l.arrowSchema = base64.StdEncoding.EncodeToString(flight.SerializeSchema(arrowSchema, memory.DefaultAllocator))
	})
	return l.directLayout
}

// directTable reports whether directParquet writes table t's Parquet
// files: every table without list columns (all but players).
func directTable(t Table) bool {
	for _, f := range tableFields[t] {
		if f.Type.ID() == arrow.LIST {
			return false
		}
	}
	return true
}

func openDirectParquet(path string, t Table, arrowSchema *arrow.Schema, session bool, cfg *config) (*directParquet, error) {
	props := parquetProps(arrowSchema, cfg, t)
	l := layoutOf(t, arrowSchema, session, props)
	if l.err != nil {
		return nil, fmt.Errorf("export: %s: %w", path, l.err)
	}
	f, err := createAtomic(path, cfg.sync)
	if err != nil {
		return nil, err
	}
	var kv metadata.KeyValueMetadata
	kv.Append("ARROW:schema", l.arrowSchema)
	p := &directParquet{f: f, sink: tellWriter{w: f}, props: props, meta: metadata.NewFileMetadataBuilder(l.schema, props, kv), session: session}
	if _, err := p.sink.Write(parquetMagic); err != nil {
		f.Abort()
		return nil, fmt.Errorf("export: %s: %w", path, err)
	}
	return p, nil
}

// writeSamples writes the rows of b as one row group. Every page is
// compressed and written before it returns, so b's columns may then be
// overwritten.
func (p *directParquet) writeSamples(b *samplesBuf) error {
	if err := p.writeRowGroup(b); err != nil {
		return fmt.Errorf("export: write %s: %w", p.f.final, err)
	}
	return nil
}

func (p *directParquet) writeRowGroup(b *samplesBuf) error {
	rg := p.meta.AppendRowGroup()
	n := b.n
	c := columnSeq{p: p, rg: rg}
	if b.session {
		c.dict(b.sessionIdx[:n], b.sessionValues)
	}
	c.int64s(b.t[:n])
	c.int64s(b.sensor[:n])
	c.dict(b.kindIdx[:n], kindValues[:])
	c.int64s(b.team[:n])
	c.float32s(b.x[:n])
	c.float32s(b.y[:n])
	c.float32s(b.z[:n])
	c.float32s(b.speed[:n])
	c.float32s(b.accel[:n])
	c.float32s(b.head[:n])
	c.int32s(b.period[:n])
	c.dict(b.clockIx[:n], clockValues[:])
	c.bools(b.inBounds, n)
	c.bools(b.holder, n)
	if c.err != nil {
		return c.err
	}
	rg.SetNumRows(n)
	if err := rg.Finish(c.written, p.ngrp); err != nil {
		return err
	}
	p.ngrp++
	return nil
}

// write writes rec, a record batch of one of the small tables (Arrow
// builders' output: no nulls, no offsets), as one row group, as pqarrow's
// FileWriter.Write does. Every column type of those tables but lists is
// written: int64, timestamp, int32, uint8, float64, boolean and string.
func (p *directParquet) write(rec arrow.RecordBatch) error {
	if err := p.writeRecord(rec); err != nil {
		return fmt.Errorf("export: write %s: %w", p.f.final, err)
	}
	return nil
}

func (p *directParquet) writeRecord(rec arrow.RecordBatch) error {
	n := int(rec.NumRows())
	rg := p.meta.AppendRowGroup()
	c := columnSeq{p: p, rg: rg}
	for i, col := range rec.Columns() {
		if col.NullN() != 0 || col.Data().Offset() != 0 {
			return fmt.Errorf("column %s: nulls or an offset, which this writer does not write", rec.ColumnName(i))
		}
		switch a := col.(type) {
		case *array.Int64:
			c.plainInt64s(a.Int64Values())
		case *array.Timestamp:
			c.plainInt64s(arrow.Int64Traits.CastFromBytes(a.Data().Buffers()[1].Bytes())[:n])
		case *array.Int32:
			c.int32s(a.Int32Values())
		case *array.Uint8:
			// INT32 in Parquet, with an unsigned 8-bit logical type.
			v := p.int32Scratch(n)
			for j, x := range a.Uint8Values() {
				v[j] = int32(x)
			}
			c.int32s(v)
		case *array.Float64:
			c.float64s(a.Float64Values())
		case *array.Boolean:
			c.bools(a.Data().Buffers()[1].Bytes(), n)
		case *array.String:
			v := p.stringScratch(n)
			for j := range v {
				v[j] = a.Value(j)
			}
			c.byteArrays(v)
			clear(v) // the record's memory goes back to the allocator
		default:
			return fmt.Errorf("column %s: type %s, which this writer does not write", rec.ColumnName(i), col.DataType())
		}
	}
	if c.err != nil {
		return c.err
	}
	rg.SetNumRows(n)
	if err := rg.Finish(c.written, p.ngrp); err != nil {
		return err
	}
	p.ngrp++
	return nil
}

func (p *directParquet) int32Scratch(n int) []int32 {
	if cap(p.i32s) < n {
		p.i32s = make([]int32, n)
	}
	return p.i32s[:n]
}

func (p *directParquet) stringScratch(n int) []string {
	if cap(p.strs) < n {
		p.strs = make([]string, n)
	}
	return p.strs[:n]
}

// heatCols are the columns of a row group of the heatmaps table.
type heatCols struct {
	session, scope []string
	id             []int64
	ix, iy         []int32
	x, y, seconds  []float64
}

// writeHeatmaps writes cells (the heatmaps table's rows) in row groups of
// at most groupRows rows, the record batches of the other small tables,
// with sessionID in the session column if the file has one.
func (p *directParquet) writeHeatmaps(cells []track.HeatCell, sessionID string, groupRows int) error {
	for len(cells) > 0 {
		k := min(len(cells), groupRows)
		if err := p.writeHeatGroup(cells[:k], sessionID); err != nil {
			return fmt.Errorf("export: write %s: %w", p.f.final, err)
		}
		cells = cells[k:]
	}
	return nil
}

func (p *directParquet) writeHeatGroup(cells []track.HeatCell, sessionID string) error {
	n := len(cells)
	h := p.heat
	if h == nil || cap(h.id) < n {
		// Sized once for the first (largest) group: the columns are
		// filled by index, not grown.
		h = &heatCols{
			session: make([]string, n), scope: make([]string, n), id: make([]int64, n),
			ix: make([]int32, n), iy: make([]int32, n), x: make([]float64, n), y: make([]float64, n), seconds: make([]float64, n),
		}
		p.heat = h
	}
	scope, id, ix, iy := h.scope[:n], h.id[:n], h.ix[:n], h.iy[:n]
	x, y, seconds := h.x[:n], h.y[:n], h.seconds[:n]
	for i := range cells {
		c := &cells[i]
		scope[i], id[i], ix[i], iy[i] = c.Scope, c.ID, c.IX, c.IY
		x[i], y[i], seconds[i] = c.X_m, c.Y_m, c.Seconds
	}
	rg := p.meta.AppendRowGroup()
	c := columnSeq{p: p, rg: rg}
	if p.session {
		session := h.session[:n]
		for i := range session {
			session[i] = sessionID
		}
		c.byteArrays(session)
	}
	c.byteArrays(scope)
	c.plainInt64s(id)
	c.int32s(ix)
	c.int32s(iy)
	c.float64s(x)
	c.float64s(y)
	c.float64s(seconds)
	if c.err != nil {
		return c.err
	}
	rg.SetNumRows(n)
	if err := rg.Finish(c.written, p.ngrp); err != nil {
		return err
	}
	p.ngrp++
	return nil
}

// columnSeq writes the column chunks of a row group in schema order; after
// the first error it writes nothing and keeps that error.
type columnSeq struct {
	p       *directParquet
	rg      *metadata.RowGroupMetaDataBuilder
	col     int16
	written int64 // bytes of pages written, headers included
	err     error
}

// chunk is one column chunk being written.
type chunk struct {
	*columnSeq
	cb    *metadata.ColumnChunkMetaDataBuilder
	descr *schema.Column
	pager file.PageWriter
	enc   parquet.Encoding
	// Statistics of the page being written and of the chunk, as arrow-go's
	// column writer keeps them; nil when the column has none.
	page, all metadata.TypedStatistics
	rows      int64        // rows written in earlier pages
	streams   *streamState // for float columns compressed with zstd
	width     int          // bytes per float value (the byte streams of a page)
	full      int          // bytes of a full float page, when compressFloats takes it
	level     int          // zstd level (untagged: ownLevel)
}

// next starts the next column chunk, or returns nil after an error. enc
// is the encoding its caller writes: the column's encoding in the writer
// properties must be the same (dictionary columns pass -1: their data
// pages take the dictionary index encoding).
func (c *columnSeq) next(enc parquet.Encoding) *chunk {
	if c.err != nil {
		return nil
	}
	props := c.p.props
	cb := c.rg.NextColumnChunk()
	descr := cb.Descr()
	path := descr.Path()
	pager, err := file.NewPageWriter(&c.p.sink, props.CompressionFor(path), props.CompressionLevelFor(path),
		cb, c.p.ngrp, c.col, props.Allocator(), false, nil, nil)
	if err != nil {
		c.err = err
		return nil
	}
	c.col++
	level, _ := ownLevel(props.CompressionLevelFor(path)) // parquetProps tag it
	ch := &chunk{columnSeq: c, cb: cb, descr: descr, pager: pager, enc: props.EncodingFor(path), level: level}
	if enc >= 0 && ch.enc != enc {
		// A change of parquetProps that this writer does not follow.
		c.err = fmt.Errorf("column %s: the properties want %v pages, the writer has %v", path, ch.enc, enc)
		return nil
	}
	switch descr.PhysicalType() {
	case parquet.Types.Double:
		ch.width = 8
	case parquet.Types.Float:
		ch.width = 4
	}
	// Full pages whose byte streams are whole zstd blocks go to
	// compressFloats; with 64 KiB pages, all of them (8 streams of 8 KiB
	// for DOUBLE, 4 of 16 KiB for FLOAT).
	if ch.width > 0 && ch.enc == parquet.Encodings.ByteStreamSplit && props.CompressionFor(path) == compress.Codecs.Zstd && pageCodec != nil {
		if full := c.pageRows(8*int64(ch.width)) * ch.width; full%(ch.width*zstdWindow) == 0 {
			if c.p.streams == nil {
				c.p.streams = make([]streamState, c.rg.NumColumns())
			}
			ch.streams = &c.p.streams[c.col-1]
			ch.full = full
		}
	}
	if props.StatisticsEnabledFor(path) && descr.SortOrder() != schema.SortUNKNOWN {
		ch.page = metadata.NewStatistics(descr, props.Allocator())
		ch.all = metadata.NewStatistics(descr, props.Allocator())
	}
	return ch
}

// statsOf encodes s for a page header or the column chunk's metadata as
// arrow-go's column writer does.
func (ch *chunk) statsOf(s metadata.TypedStatistics) (metadata.EncodedStatistics, error) {
	var enc metadata.EncodedStatistics
	if s != nil {
		var err error
		if enc, err = s.Encode(); err != nil {
			return enc, err
		}
	}
	enc.ApplyStatSizeLimits(int(ch.p.props.MaxStatsSizeFor(ch.descr.Path())))
	enc.Signed = ch.descr.SortOrder() == schema.SortSIGNED
	return enc, nil
}

// writePage compresses and writes the page of n values whose encoded
// bytes are in ch.p.raw, with the statistics gathered in ch.page.
func (ch *chunk) writePage(n int, enc parquet.Encoding) error {
	st, err := ch.statsOf(ch.page)
	if err != nil {
		return err
	}
	if ch.page != nil {
		ch.all.Merge(ch.page)
		ch.page.Reset()
	}
	raw := ch.p.raw
	var data []byte
	if ch.streams != nil && len(raw) == ch.full {
		data = ch.p.compressFloats(ch.streams, raw, ch.width, ch.level)
	} else {
		ch.p.zip.Reset()
		data = ch.pager.Compress(&ch.p.zip, raw)
	}
	pg := file.NewDataPageV1WithConfig(memory.NewBufferBytes(data), parquet.Encodings.RLE, parquet.Encodings.RLE, file.DataPageConfig{
		Num: int32(n), Encoding: enc, UncompressedSize: int32(len(raw)), Stats: st, FirstRowIndex: ch.rows,
	})
	defer pg.Release()
	written, err := ch.pager.WriteDataPage(pg)
	ch.written += written
	ch.rows += int64(n)
	return err
}

// close writes the chunk's statistics and metadata.
func (ch *chunk) close(hasDict bool) error {
	if ch.all != nil && ch.rows > 0 {
		st, err := ch.statsOf(ch.all)
		if err != nil {
			return err
		}
		if st.IsSet() {
			ch.cb.SetStats(st)
		}
	}
	return ch.pager.Close(hasDict, false)
}

// pageRows is how many values of bits bits each a page holds: arrow-go
// checks the page size after every WriteBatchSize values and ends the
// page once it reaches DataPageSize, and so does this writer.
func (c *columnSeq) pageRows(bits int64) int {
	batch := c.p.props.WriteBatchSize()
	batches := (8*c.p.props.DataPageSize() + batch*bits - 1) / (batch * bits)
	return int(max(batches, 1) * batch)
}

// fixedPages writes v in pages of pageRows values, each encoded by enc
// and counted in the page statistics by stat.
func fixedPages[T any](c *columnSeq, v []T, bits int64, kind parquet.Encoding, enc func([]byte, []T) []byte, stat func(metadata.TypedStatistics, []T)) {
	ch := c.next(kind)
	if ch == nil {
		return
	}
	per := c.pageRows(bits)
	for i := 0; i < len(v) && c.err == nil; i += per {
		page := v[i:min(i+per, len(v))]
		c.p.raw = enc(c.p.raw[:0], page)
		if ch.page != nil {
			stat(ch.page, page)
		}
		c.err = ch.writePage(len(page), ch.enc)
	}
	if c.err == nil {
		c.err = ch.close(false)
	}
}

func (c *columnSeq) float32s(v []float32) {
	fixedPages(c, v, 32, parquet.Encodings.ByteStreamSplit, appendByteStreamSplit32, func(s metadata.TypedStatistics, v []float32) {
		s.(*metadata.Float32Statistics).Update(v, 0)
	})
}

func (c *columnSeq) int32s(v []int32) {
	fixedPages(c, v, 32, parquet.Encodings.Plain, appendPlainInt32, func(s metadata.TypedStatistics, v []int32) {
		s.(*metadata.Int32Statistics).Update(v, 0)
	})
}

func (c *columnSeq) float64s(v []float64) {
	fixedPages(c, v, 64, parquet.Encodings.ByteStreamSplit, appendByteStreamSplit64, func(s metadata.TypedStatistics, v []float64) {
		s.(*metadata.Float64Statistics).Update(v, 0)
	})
}

// plainInt64s writes a PLAIN INT64 column.
func (c *columnSeq) plainInt64s(v []int64) {
	fixedPages(c, v, 64, parquet.Encodings.Plain, appendPlainInt64, func(s metadata.TypedStatistics, v []int64) {
		s.(*metadata.Int64Statistics).Update(v, 0)
	})
}

// byteArrays writes a PLAIN BYTE_ARRAY (utf8) column without statistics
// (parquetProps turns them off for strings), in pages cut as arrow-go cuts
// them: after every WriteBatchSize values, once the page holds
// DataPageSize bytes.
func (c *columnSeq) byteArrays(vs []string) {
	ch := c.next(parquet.Encodings.Plain)
	if ch == nil {
		return
	}
	if ch.page != nil {
		c.err = fmt.Errorf("column %s: this writer writes no statistics of strings", ch.descr.Path())
		return
	}
	limit := c.p.props.DataPageSize()
	batch := int(c.p.props.WriteBatchSize())
	for i := 0; i < len(vs) && c.err == nil; {
		c.p.raw = c.p.raw[:0]
		end := i
		for end < len(vs) && int64(len(c.p.raw)) < limit {
			k := min(end+batch, len(vs))
			c.p.raw = appendPlainByteArrays(c.p.raw, vs[end:k])
			end = k
		}
		c.err = ch.writePage(end-i, ch.enc)
		i = end
	}
	if c.err == nil {
		c.err = ch.close(false)
	}
}

// int64s writes a DELTA_BINARY_PACKED column, cut into pages where
// arrow-go's column writer cuts them: it hands the encoder WriteBatchSize
// values at a time (from the start of the column chunk, so every page
// starts at a multiple of it) and ends the page once the encoder's
// EstimatedDataEncodedSize, the bytes of its completed blocks of 128
// deltas, reaches DataPageSize. A page's first value goes in its header,
// so after k batches its blocks hold k·batch - 1 deltas: the last,
// incomplete block is not counted, and is appended only once the page
// ends. Appending whole blocks as they complete gives what one encoding
// of all the page's values gives.
func (c *columnSeq) int64s(v []int64) {
	ch := c.next(parquet.Encodings.DeltaBinaryPacked)
	if ch == nil {
		return
	}
	limit := c.p.props.DataPageSize()
	batch := int(c.p.props.WriteBatchSize())
	for i := 0; i < len(v) && c.err == nil; {
		c.p.body = c.p.body[:0]
		done := i + 1 // values i+1 .. done-1 have their deltas in body
		end := i
		for {
			end = min(end+batch, len(v))
			if end == len(v) {
				break
			}
			full := i + 1 + (end-1-i)/deltaBlock*deltaBlock // deltas up to here fill whole blocks
			c.p.body = appendDeltaBlocks(c.p.body, v[done-1:full])
			done = full
			if int64(len(c.p.body)) >= limit {
				break
			}
		}
		c.p.body = appendDeltaBlocks(c.p.body, v[done-1:end])
		c.p.raw = appendDeltaHeader(c.p.raw[:0], end-i, v[i])
		c.p.raw = append(c.p.raw, c.p.body...)
		if ch.page != nil {
			ch.page.(*metadata.Int64Statistics).Update(v[i:end], 0)
		}
		c.err = ch.writePage(end-i, ch.enc)
		i = end
	}
	if c.err == nil {
		c.err = ch.close(false)
	}
}

// bools writes the first n bits of bitmap (Arrow's bit order, which is
// also Parquet's PLAIN encoding of booleans).
func (c *columnSeq) bools(bitmap []byte, n int) {
	ch := c.next(parquet.Encodings.Plain)
	if ch == nil {
		return
	}
	per := c.pageRows(1)
	for i := 0; i < n && c.err == nil; i += per {
		k := min(per, n-i)
		c.p.raw = appendPlainBools(c.p.raw[:0], bitmap, i, k)
		if ch.page != nil {
			ch.page.(*metadata.BooleanStatistics).UpdateFromBitmap(bitmap, int64(i), int64(k), 0)
		}
		c.err = ch.writePage(k, ch.enc)
	}
	if c.err == nil {
		c.err = ch.close(false)
	}
}

// dict writes a dictionary column as arrow-go writes a dictionary array
// whose dictionary is the column chunk's: the dictionary page (values,
// PLAIN) and then all indices in one RLE_DICTIONARY data page (arrow-go's
// writer does not split a page of indices written as they are).
func (c *columnSeq) dict(idx []int8, values []string) {
	ch := c.next(-1)
	if ch == nil {
		return
	}
	c.p.raw = appendPlainByteArrays(c.p.raw[:0], values)
	dp := file.NewDictionaryPage(memory.NewBufferBytes(c.p.raw), int32(len(values)), c.p.props.DictionaryPageEncoding())
	written, err := ch.pager.WriteDictionaryPage(dp)
	dp.Release()
	c.written += written
	if c.err = err; err != nil {
		return
	}
	c.p.raw = appendDictIndices(c.p.raw[:0], idx, dictIndexWidth(len(values)))
	if c.err = ch.writePage(len(idx), c.p.props.DictionaryIndexEncoding()); c.err == nil {
		c.err = ch.close(true)
	}
}

func (p *directParquet) commit() error {
	if err := p.finish(); err != nil {
		p.f.Abort()
		return fmt.Errorf("export: close %s: %w", p.f.final, err)
	}
	return p.f.Commit()
}

// finish writes the footer: the file metadata, its length and the magic.
func (p *directParquet) finish() error {
	md, err := p.meta.Finish()
	if err != nil {
		return err
	}
	n, err := md.WriteTo(&p.sink, nil)
	if err != nil {
		return err
	}
	var tail [8]byte
	tail[0], tail[1], tail[2], tail[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	copy(tail[4:], parquetMagic)
	_, err = p.sink.Write(tail[:])
	return err
}

func (p *directParquet) abort() { p.f.Abort() }
