package export

import (
	"encoding/base64"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// samplesParquet writes the samples table to Parquet straight from the
// plain Go columns of a samplesBuf, with arrow-go's column chunk writers
// (file.Writer), instead of wrapping them as an Arrow record for
// pqarrow.FileWriter. The file is the one pqarrow writes for the same
// rows: the same Parquet schema (pqarrow.ToParquet of Schema(TableSamples)),
// the same ARROW:schema key-value metadata (so that Arrow readers get
// timestamp[ms, UTC] and dictionary columns back), the same properties
// (parquetProps: encodings, statistics, page and row group sizes) and the
// same calls to the column writers that pqarrow makes for each Arrow type;
// TestSamplesParquetSameAsPqarrow compares the two files' metadata.
//
// What it saves is pqarrow's work around those calls for every record:
// the schema check, the Arrow arrays and chunked columns, the level
// computation of each column, and the unique/take pass pqarrow runs over
// dictionary indices for statistics that samples does not keep.
type samplesParquet struct {
	f  *atomicFile
	fw *file.Writer
}

// samplesLayout is the Parquet schema and key-value metadata of a samples
// file, computed once per process for each of the two schemas (with and
// without the session column).
type samplesLayout struct {
	root *schema.GroupNode
	meta metadata.KeyValueMetadata
	err  error
}

var samplesLayouts [2]struct {
	once sync.Once
	samplesLayout
}

// layoutOf returns the layout of the samples schema, as pqarrow.NewFileWriter
// derives it with pqarrow.WithStoreSchema. props only matter for the
// Parquet types of Arrow types that samples does not use (e.g. unsigned
// integers under format version 1.0), so the first file's props serve for
// all.
func layoutOf(arrowSchema *arrow.Schema, session bool, props *parquet.WriterProperties) samplesLayout {
	i := 0
	if session {
		i = 1
	}
	l := &samplesLayouts[i]
	l.once.Do(func() {
		sc, err := pqarrow.ToParquet(arrowSchema, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			l.err = err
			return
		}
		l.root = sc.Root()
		l.meta = metadata.KeyValueMetadata{}
		// samples has no list columns: pqarrow's normalisation of list
		// element names leaves its schema as it is.
		l.meta.Append("ARROW:schema", base64.StdEncoding.EncodeToString(flight.SerializeSchema(arrowSchema, memory.DefaultAllocator)))
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
	fw, err := file.NewParquetWriterWithError(f, l.root, file.WithWriterProps(props), file.WithWriteMetadata(l.meta))
	if err != nil {
		f.Abort()
		return nil, fmt.Errorf("export: %s: %w", path, err)
	}
	return &samplesParquet{f: f, fw: fw}, nil
}

// writeSamples writes the rows of b as one row group. The column writers
// encode and compress every page before it returns (the row group is
// closed), so b's columns may then be overwritten.
func (p *samplesParquet) writeSamples(b *samplesBuf) error {
	if err := p.writeRowGroup(b); err != nil {
		return fmt.Errorf("export: write %s: %w", p.f.final, err)
	}
	return nil
}

func (p *samplesParquet) writeRowGroup(b *samplesBuf) error {
	rg, err := p.fw.AppendRowGroupChecked()
	if err != nil {
		return err
	}
	n := b.n
	c := columnSeq{rg: rg}
	if b.session {
		c.dict(b.sessionIdx[:n], b.sessionDict)
	}
	c.int64s(b.t[:n])
	c.int64s(b.sensor[:n])
	c.dict(b.kindIdx[:n], b.kindDict)
	c.int64s(b.team[:n])
	c.float64s(b.x[:n])
	c.float64s(b.y[:n])
	c.float64s(b.z[:n])
	c.float64s(b.speed[:n])
	c.float64s(b.accel[:n])
	c.float64s(b.head[:n])
	c.int32s(b.period[:n])
	c.dict(b.clockIx[:n], b.clockDict)
	c.bools(b.inBounds, n)
	c.bools(b.holder, n)
	if c.err != nil {
		return c.err
	}
	return rg.Close()
}

// columnSeq writes the columns of a row group in order; after the first
// error it writes nothing and keeps that error.
type columnSeq struct {
	rg  file.SerialRowGroupWriter
	err error
}

func (c *columnSeq) next() file.ColumnChunkWriter {
	if c.err != nil {
		return nil
	}
	cw, err := c.rg.NextColumn()
	if err != nil {
		c.err = err
		return nil
	}
	return cw
}

// writer returns the next column's writer as a W, or records an error if
// the column has another physical type (a schema out of step with
// writeRowGroup).
func writerAs[W file.ColumnChunkWriter](c *columnSeq) (W, bool) {
	var w W
	cw := c.next()
	if cw == nil {
		return w, false
	}
	w, ok := cw.(W)
	if !ok {
		c.err = fmt.Errorf("samples column %s is %s, not %T", cw.Descr().Name(), cw.Type(), w)
	}
	return w, ok
}

func (c *columnSeq) int64s(v []int64) {
	if w, ok := writerAs[*file.Int64ColumnChunkWriter](c); ok {
		_, c.err = w.WriteBatch(v, nil, nil)
	}
}

func (c *columnSeq) int32s(v []int32) {
	if w, ok := writerAs[*file.Int32ColumnChunkWriter](c); ok {
		_, c.err = w.WriteBatch(v, nil, nil)
	}
}

func (c *columnSeq) float64s(v []float64) {
	if w, ok := writerAs[*file.Float64ColumnChunkWriter](c); ok {
		_, c.err = w.WriteBatch(v, nil, nil)
	}
}

// bools writes the first n bits of bitmap (Arrow's bit order, which is
// also Parquet's PLAIN boolean encoding).
func (c *columnSeq) bools(bitmap []byte, n int) {
	if w, ok := writerAs[*file.BooleanColumnChunkWriter](c); ok {
		_, c.err = w.WriteBitmapBatch(bitmap, 0, n, nil, nil)
	}
}

// dictEncoder is the part of arrow-go's dictionary encoder (internal to
// arrow-go) that pqarrow uses to write a dictionary array as it is.
type dictEncoder interface {
	PutDictionary(values arrow.Array) error
	NumEntries() int
}

// dict writes a dictionary column as pqarrow writes a dictionary<int8,
// utf8> array when dictionary encoding is on: the whole dictionary goes
// into the column chunk's dictionary page, in order, so that the indices
// are written as they are, with no hashing of values.
func (c *columnSeq) dict(idx []int8, values arrow.Array) {
	cw := c.next()
	if cw == nil {
		return
	}
	enc, ok := cw.CurrentEncoder().(dictEncoder)
	if !ok {
		c.err = fmt.Errorf("samples column %s is not dictionary-encoded (%s)", cw.Descr().Name(), cw.CurrentEncoder().Encoding())
		return
	}
	if c.err = enc.PutDictionary(values); c.err != nil {
		return
	}
	if enc.NumEntries() != values.Len() {
		c.err = fmt.Errorf("samples column %s: dictionary of %d values has duplicates", cw.Descr().Name(), values.Len())
		return
	}
	ind := fixed(arrow.PrimitiveTypes.Int8, len(idx), arrow.Int8Traits.CastToBytes(idx))
	defer ind.Release()
	c.err = cw.WriteDictIndices(ind, nil, nil)
}

func (p *samplesParquet) commit() error {
	if err := p.fw.Close(); err != nil {
		p.f.Abort()
		return fmt.Errorf("export: close %s: %w", p.f.final, err)
	}
	return p.f.Commit()
}

func (p *samplesParquet) abort() {
	p.fw.Close()
	p.f.Abort()
}
