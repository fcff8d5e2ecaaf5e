package export

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// samplesParquet writes the samples table's Parquet file from the plain Go
// columns of a samplesBuf. It encodes the data pages itself (pqencode.go:
// BYTE_STREAM_SPLIT float32s, DELTA_BINARY_PACKED integers, RLE dictionary
// indices, PLAIN int32 and booleans) and leaves everything else to
// arrow-go's public building blocks: compression and page headers
// (file.PageWriter, with the registered zstd codec), column chunk, row
// group and file metadata (metadata builders), statistics
// (metadata.TypedStatistics).
//
// Why: the samples rows are few columns of known shape (no nulls, no
// nesting, a fixed dictionary per string column), and arrow-go's generic
// column writers cost more than the encoding itself: per 1024-value batch
// level handling and page-size checks, encoders that grow pooled buffers
// and copy every page again, a delta encoder that handles one value at a
// time, dictionary indices widened to int32 and hashed on the way.
//
// The file is what pqarrow writes for the same rows, but for the bytes
// inside pages: the same Parquet schema (pqarrow.ToParquet of
// Schema(TableSamples)) and ARROW:schema key-value metadata (so Arrow
// readers get timestamp[ms, UTC] and dictionary columns back), the same
// properties (parquetProps: codec, encodings, statistics, page and row
// group sizes), one row group per batch, and the same statistics.
// TestSamplesParquetSameAsPqarrow compares the footers of the two and the
// values read back; the DuckDB test of cmd/stmotion reads it too.
type samplesParquet struct {
	f     *atomicFile
	sink  tellWriter
	props *parquet.WriterProperties
	meta  *metadata.FileMetaDataBuilder
	ngrp  int16 // row groups written

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
func (p *samplesParquet) compressFloats(st *streamState, page []byte, streams, level int) []byte {
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

// samplesLayout is the Parquet schema and ARROW:schema value of a samples
// file, computed once per process for each of the two schemas (with and
// without the session column).
type samplesLayout struct {
	schema      *schema.Schema
	arrowSchema string // base64 of the IPC-serialised Arrow schema
	err         error
}

var samplesLayouts [2]struct {
	once sync.Once
	samplesLayout
}

// layoutOf returns the layout of the samples schema as
// pqarrow.NewFileWriter derives it with pqarrow.WithStoreSchema. props
// only matter for the Parquet types of Arrow types that samples does not
// use (e.g. unsigned integers under format version 1.0), so the first
// file's props serve for all.
func layoutOf(arrowSchema *arrow.Schema, session bool, props *parquet.WriterProperties) samplesLayout {
	i := 0
	if session {
		i = 1
	}
	l := &samplesLayouts[i]
	l.once.Do(func() {
		l.schema, l.err = pqarrow.ToParquet(arrowSchema, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		// samples has no list columns: pqarrow's normalisation of list
		// element names would leave its schema as it is.
		l.arrowSchema = base64.StdEncoding.EncodeToString(flight.SerializeSchema(arrowSchema, memory.DefaultAllocator))
	})
	return l.samplesLayout
}

func openSamplesParquet(path string, arrowSchema *arrow.Schema, session bool, cfg *config) (*samplesParquet, error) {
	props := parquetProps(arrowSchema, cfg, TableSamples)
	l := layoutOf(arrowSchema, session, props)
	if l.err != nil {
		return nil, fmt.Errorf("export: %s: %w", path, l.err)
	}
	f, err := createAtomic(path, cfg.sync)
	if err != nil {
		return nil, err
	}
	var kv metadata.KeyValueMetadata
	kv.Append("ARROW:schema", l.arrowSchema)
	p := &samplesParquet{f: f, sink: tellWriter{w: f}, props: props, meta: metadata.NewFileMetadataBuilder(l.schema, props, kv)}
	if _, err := p.sink.Write(parquetMagic); err != nil {
		f.Abort()
		return nil, fmt.Errorf("export: %s: %w", path, err)
	}
	return p, nil
}

// writeSamples writes the rows of b as one row group. Every page is
// compressed and written before it returns, so b's columns may then be
// overwritten.
func (p *samplesParquet) writeSamples(b *samplesBuf) error {
	if err := p.writeRowGroup(b); err != nil {
		return fmt.Errorf("export: write %s: %w", p.f.final, err)
	}
	return nil
}

func (p *samplesParquet) writeRowGroup(b *samplesBuf) error {
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

// columnSeq writes the column chunks of a row group in schema order; after
// the first error it writes nothing and keeps that error.
type columnSeq struct {
	p       *samplesParquet
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
	level     int          // compression level
}

// next starts the next column chunk, or returns nil after an error.
func (c *columnSeq) next() *chunk {
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
	ch := &chunk{columnSeq: c, cb: cb, descr: descr, pager: pager, enc: props.EncodingFor(path), level: props.CompressionLevelFor(path)}
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
func fixedPages[T any](c *columnSeq, v []T, bits int64, enc func([]byte, []T) []byte, stat func(metadata.TypedStatistics, []T)) {
	ch := c.next()
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
	fixedPages(c, v, 32, appendByteStreamSplit32, func(s metadata.TypedStatistics, v []float32) {
		s.(*metadata.Float32Statistics).Update(v, 0)
	})
}

func (c *columnSeq) int32s(v []int32) {
	fixedPages(c, v, 32, appendPlainInt32, func(s metadata.TypedStatistics, v []int32) {
		s.(*metadata.Int32Statistics).Update(v, 0)
	})
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
	ch := c.next()
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
	ch := c.next()
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
	ch := c.next()
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

func (p *samplesParquet) commit() error {
	if err := p.finish(); err != nil {
		p.f.Abort()
		return fmt.Errorf("export: close %s: %w", p.f.final, err)
	}
	return p.f.Commit()
}

// finish writes the footer: the file metadata, its length and the magic.
func (p *samplesParquet) finish() error {
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

func (p *samplesParquet) abort() { p.f.Abort() }
