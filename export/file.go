package export

import (
	"cmp"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/stmotion/stmotion/internal/version"
)

// Format is the file format of the tables.
type Format uint8

const (
	FormatParquet Format = iota // Parquet, zstd, one row group per record batch
	FormatArrow                 // Arrow IPC file format, zstd-compressed buffers
)

func (f Format) String() string {
	switch f {
	case FormatParquet:
		return "parquet"
	case FormatArrow:
		return "arrow"
	}
	return "unknown"
}

// Ext is the file name extension of the format, with the dot.
func (f Format) Ext() string { return "." + f.String() }

// ParseFormat turns "parquet" or "arrow" into a Format.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "parquet":
		return FormatParquet, nil
	case "arrow", "ipc":
		return FormatArrow, nil
	}
	return 0, fmt.Errorf("export: unknown format %q (want parquet or arrow)", s)
}

// tableFile is one open output file of a table.
type tableFile interface {
	commit() error // finish the file and give it its final name
	abort()        // remove whatever was written
}

// recordFile is a tableFile written record batch by record batch: every
// table in Arrow IPC, and every table but samples in Parquet.
type recordFile interface {
	tableFile
	write(rec arrow.RecordBatch) error
}

type parquetFile struct {
	f  *atomicFile
	fw *pqarrow.FileWriter
}

// samplesDelta are the integer columns of samples written with the
// DELTA_BINARY_PACKED encoding: t grows by one grid step every few rows,
// sensor_id and team_id repeat the same short cycle of ids every tick.
// Delta coding packs them into a few bits per row before zstd sees them,
// instead of 8 bytes that zstd must match again and again (a quarter of
// the bytes it was given). DuckDB, pyarrow and parquet-mr read it.
var samplesDelta = map[string]bool{"t": true, "sensor_id": true, "team_id": true}

func openParquet(path string, schema *arrow.Schema, cfg *config, t Table) (recordFile, error) {
	f, err := createAtomic(path, cfg.sync)
	if err != nil {
		return nil, err
	}
	fw, err := pqarrow.NewFileWriter(schema, f, parquetProps(schema, cfg, t),
		pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(cfg.mem), pqarrow.WithStoreSchema()))
	if err != nil {
		f.Abort()
		return nil, fmt.Errorf("export: %s: %w", path, err)
	}
	return &parquetFile{f: f, fw: fw}, nil
}

// parquetProps are the Parquet writer properties of table t (of the given
// schema): compression, row group and page sizes, and the encoding and
// statistics of each column. directParquet, the writer of every table but
// players, uses them as pqarrow does.
func parquetProps(schema *arrow.Schema, cfg *config, t Table) *parquet.WriterProperties {
	props := []parquet.WriterProperty{
		parquet.WithAllocator(cfg.mem),
		parquet.WithCompression(compress.Codecs.Zstd),
		// Tagged: the registered zstd codec uses this package's page
		// encoder for these pages only (see pageZstd).
		parquet.WithCompressionLevel(pageLevel(cfg.zstdLevel)),
		// Each record batch is one row group (FileWriter.Write); the cap
		// only matters if a caller sets a larger batch.
		parquet.WithMaxRowGroupLength(int64(max(cfg.batchRows, 1))),
		// Floats are high-cardinality: dictionary pages would be built and
		// thrown away for every column chunk. Only the samples table's
		// dictionary columns (kind, clock, session id) are
		// dictionary-encoded.
		parquet.WithDictionaryDefault(false),
		// Which stmotion wrote the file ("stmotion version v1.2.0 (build
		// <revision>)"), in the form Parquet readers parse.
		parquet.WithCreatedBy(cmp.Or(cfg.createdBy, version.Get().CreatedBy())),
		// Much smaller pages than the 1 MiB default. arrow-go grows each
		// page's encoding buffers by doubling from a pool that every GC
		// empties, and byte-stream split copies each page once more into
		// a fresh buffer: 64 KiB pages stay in small, reused allocations
		// (40% fewer bytes allocated per row than 256 KiB, 20-25% less
		// CPU per row; 32 KiB and 16 KiB gain nothing more).
		parquet.WithDataPageSize(64 << 10),
	}
	for _, fd := range schema.Fields() {
		switch fd.Type.ID() {
		case arrow.STRING:
			// The plain string columns are the small tables' (session_id,
			// scope, type, label, name, ...): PLAIN, without min/max
			// statistics. arrow-go's dictionary encoder boxes and hashes
			// every value, and its string statistics compare every value:
			// on a 12-minute game (16 000 heatmap rows) the two were a
			// third of the instructions of writing the tables other than
			// samples (83 M → 54 M per game for NewWriter, the segments
			// and Close; pipeline's BenchmarkSmallTables under callgrind),
			// for files 0.4 % larger (heatmaps) to 7 % smaller (players):
			// zstd removes the repeats, and row groups of a few thousand
			// rows gain nothing from statistics.
			props = append(props, parquet.WithStatsFor(fd.Name, false))
		case arrow.FLOAT64, arrow.FLOAT32:
			// Byte-stream split puts the sign/exponent bytes of all
			// values together: zstd then finds long runs and spends a
			// third less CPU, for a 13% smaller samples file (measured
			// with float64). DuckDB, pyarrow and parquet-mr ≥ 1.12
			// read it, for DOUBLE and FLOAT; Spark's vectorized reader
			// only from 4.3 (docs/schema.md: older Spark needs it off).
			props = append(props, parquet.WithEncodingFor(fd.Name, parquet.Encodings.ByteStreamSplit))
			if t == TableSamples {
				// Every row group of samples spans the whole court and
				// every speed, heading and height of a game: min/max
				// would filter nothing, and computing them took a tenth
				// of the writer's CPU. The small tables keep theirs.
				props = append(props, parquet.WithStatsFor(fd.Name, false))
			}
		case arrow.INT64, arrow.TIMESTAMP:
			if t == TableSamples && samplesDelta[fd.Name] {
				props = append(props, parquet.WithEncodingFor(fd.Name, parquet.Encodings.DeltaBinaryPacked))
			}
		case arrow.DICTIONARY:
			// A handful of values (kind, clock, the session): min/max
			// statistics filter nothing, and pqarrow computes them per
			// batch with a unique + take over the indices.
			props = append(props, parquet.WithDictionaryFor(fd.Name, true), parquet.WithStatsFor(fd.Name, false))
		}
	}
	return parquet.NewWriterProperties(props...)
}

func (p *parquetFile) write(rec arrow.RecordBatch) error {
	if err := p.fw.Write(rec); err != nil {
		return fmt.Errorf("export: write %s: %w", p.f.final, err)
	}
	return nil
}

func (p *parquetFile) commit() error {
	if err := p.fw.Close(); err != nil {
		p.f.Abort()
		return fmt.Errorf("export: close %s: %w", p.f.final, err)
	}
	return p.f.Commit()
}

func (p *parquetFile) abort() {
	p.fw.Close()
	p.f.Abort()
}

type arrowFile struct {
	f *atomicFile
	w *ipc.FileWriter
}

// ArrowCreatedBy is the key of an Arrow IPC file's schema metadata that
// names the stmotion that wrote it, as a Parquet file's created_by does.
const ArrowCreatedBy = "created_by"

// openArrow opens an Arrow IPC file of the given schema at path. Its
// schema metadata names the stmotion that wrote it (ArrowCreatedBy):
// cfg.createdBy, or this one when that is "".
func openArrow(path string, schema *arrow.Schema, cfg *config) (recordFile, error) {
	return openArrowBy(path, schema, cfg, cmp.Or(cfg.createdBy, version.Get().CreatedBy()))
}

// openArrowBy is openArrow with the created_by given ("": none, as a
// moved file written before stmotion recorded it).
func openArrowBy(path string, schema *arrow.Schema, cfg *config, createdBy string) (recordFile, error) {
	f, err := createAtomic(path, cfg.sync)
	if err != nil {
		return nil, err
	}
	if createdBy != "" {
		// The record batches keep the schema without it: the IPC writer
		// compares fields only.
		md := arrow.NewMetadata([]string{ArrowCreatedBy}, []string{createdBy})
		schema = arrow.NewSchemaWithEndian(schema.Fields(), &md, schema.Endianness())
	}
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema), ipc.WithAllocator(cfg.mem), ipc.WithZstd())
	if err != nil {
		f.Abort()
		return nil, fmt.Errorf("export: %s: %w", path, err)
	}
	return &arrowFile{f: f, w: w}, nil
}

func (a *arrowFile) write(rec arrow.RecordBatch) error {
	if err := a.w.Write(rec); err != nil {
		return fmt.Errorf("export: write %s: %w", a.f.final, err)
	}
	return nil
}

func (a *arrowFile) commit() error {
	if err := a.w.Close(); err != nil {
		a.f.Abort()
		return fmt.Errorf("export: close %s: %w", a.f.final, err)
	}
	return a.f.Commit()
}

func (a *arrowFile) abort() {
	a.w.Close()
	a.f.Abort()
}
