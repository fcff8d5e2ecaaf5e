package export

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/stmotion/stmotion/track"
)

// ErrClosed is returned by a Writer used after Close or Abort.
var ErrClosed = errors.New("export: writer is closed")

// DefaultBatchRows is the number of rows of a record batch, and so of a
// Parquet row group, when WithBatchRows is not given (about DuckDB's own
// 122,880). A samples row takes 55 bytes in its buffer, so each of the
// samples table's two buffers holds about 7 MB.
const DefaultBatchRows = 128 << 10

// smallBatchRows caps the record batches of the tables other than samples
// (written through Arrow builders). Their rows grow with the session too
// (events, possessions, dist_check; heatmaps with the cells visited): with
// this cap their builders hold at most about 1 MB each.
const smallBatchRows = 8 << 10

type config struct {
	mem       memory.Allocator
	format    Format
	batchRows int
	zstdLevel int
	hive      bool
	liveOnly  bool
	sync      bool
	inline    bool
	// createdBy is the Parquet files' created_by: "" for this
	// stmotion's (version.Info.CreatedBy); a moved file keeps its
	// writer's (copyWithoutSession).
	createdBy string
}

// Option configures a Writer (in the style of pqarrow's writer properties).
type Option func(*config)

// WithAllocator sets the Arrow allocator of builders and file writers.
// Tests pass a memory.CheckedAllocator to prove nothing leaks.
func WithAllocator(mem memory.Allocator) Option { return func(c *config) { c.mem = mem } }

// WithFormat chooses Parquet (the default) or Arrow IPC files.
func WithFormat(f Format) Option { return func(c *config) { c.format = f } }

// WithBatchRows sets how many rows a table buffers before it writes them
// as one record batch (one Parquet row group). It bounds the writer's
// memory whatever the length of the session. The other tables than
// samples use at most smallBatchRows. n ≤ 0 means DefaultBatchRows (a
// row group per row would make files many times larger and slower).
func WithBatchRows(n int) Option {
	return func(c *config) {
		if n <= 0 {
			n = DefaultBatchRows
		}
		c.batchRows = n
	}
}

// WithCompressionLevel sets the zstd level of Parquet pages (default 1,
// the fastest; higher levels give files a few percent smaller).
func WithCompressionLevel(level int) Option { return func(c *config) { c.zstdLevel = level } }

// WithHiveLayout writes <dir>/<table>/session_id=<id>/part-0.<ext> instead
// of <dir>/<table>.<ext>, so that the outputs of many sessions under one
// dir read as one dataset partitioned by session_id. The files then have
// no session_id column: readers take it from the directory name.
func WithHiveLayout() Option { return func(c *config) { c.hive = true } }

// WithLiveOnly keeps only the samples taken while the game clock runs
// (clock = live). Summaries and the other tables are not filtered.
func WithLiveOnly() Option { return func(c *config) { c.liveOnly = true } }

// WithSync makes Close fsync each file before renaming it, so that a
// power loss cannot cut short a file that has its final name. It costs
// one fsync per table (tens of ms each on a slow disk); without it a
// process crash still never leaves a partial file under a final name.
func WithSync() Option { return func(c *config) { c.sync = true } }

// WithForeground writes the samples table's batches on the caller's
// goroutine. By default a full batch is encoded and written by a
// background goroutine while the caller fills a second buffer, so the
// engine and the Parquet encoder use two cores.
func WithForeground() Option { return func(c *config) { c.inline = true } }

// TablePath is where a Writer with the given layout puts table t of a
// session under dir.
func TablePath(dir string, t Table, sessionID string, f Format, hive bool) string {
	if hive {
		return filepath.Join(dir, t.String(), PartitionDir(sessionID), "part-0"+f.Ext())
	}
	return filepath.Join(dir, t.String()+f.Ext())
}

// PartitionDir is the name of a session's directory in the Hive layout,
// session_id=<id>, the id escaped by EscapeName. DuckDB, Spark, Trino and
// pyarrow unescape the value; PartitionSession is the inverse. An id
// whose escaped form is longer than MaxNameBytes (too long for a file
// name) is shortened (FitName): readers of the dataset then see
// PartitionKey's value as its session_id, while summary.json keeps the
// full id.
func PartitionDir(sessionID string) string {
	return SessionColumn + "=" + EscapeName(sessionID)
}

// EscapeName is id escaped for a file or directory name: as a path
// segment (url.PathEscape: '/', '\', '%', spaces, control characters,
// '*', '?', '<', '>', '|', '"', ...), and '=' and ':' too, as %3D and
// %3A: Hive and Spark escape them so; DuckDB refuses a whole dataset one
// of whose directory names holds a second '=' ("Hive partition
// mismatch"), and ':' cannot be in a file name on Windows. Too long for
// a file name once escaped, it is shortened (FitName). It is the
// partitions' session id (PartitionDir) and live's bundle directory
// name; ids of letters, digits and '-' (UUIDs) are kept as they are.
func EscapeName(id string) string {
	return FitName(partitionEscaper.Replace(url.PathEscape(id)), id)
}

// PartitionKey returns the session id of sessionID's Hive partitions as
// PartitionSession reads it from their directory name: sessionID
// itself, unless it is too long for a file name (PartitionDir).
// Compare PartitionSession's ids with PartitionKey of the ids they may
// be.
func PartitionKey(sessionID string) string {
	k, ok := PartitionSession(PartitionDir(sessionID))
	if !ok {
		return sessionID
	}
	return k
}

// partitionEscaper escapes what url.PathEscape leaves in a path segment
// but a Hive partition value must not hold.
var partitionEscaper = strings.NewReplacer("=", "%3D", ":", "%3A")

// PartitionSession returns the session id of a Hive partition directory
// named name (PartitionDir), and false when name is not one.
func PartitionSession(name string) (string, bool) {
	v, ok := strings.CutPrefix(name, SessionColumn+"=")
	if !ok {
		return "", false
	}
	id, err := url.PathUnescape(v)
	return id, err == nil
}

// Writer writes the engine's output of one session as tables. It
// implements track.Sink: rows are buffered per table and written as a
// record batch every WithBatchRows rows, so memory does not grow with the
// session. Files get their final names only when Close succeeds; Abort
// (or a failed Close) removes them. A Writer is not safe for concurrent
// use; like any Sink it is called from the goroutine feeding the engine.
type Writer struct {
	cfg     config
	dir     string
	session string
	tables  [NumTables]*tableBuf
	smp     *samplesBuf
	paths   []string
	closed  bool

	// Background writing of samples batches: the buffer being written and
	// its result. At most one batch is in flight.
	spare    *samplesBuf
	done     chan error
	inFlight bool

	// rec is the allocator of the builders and file writers: it reuses
	// the buffers they free, and gives them back to WithAllocator's
	// allocator on Close or Abort.
	rec *recycler
}

var (
	_ track.Sink    = (*Writer)(nil)
	_ track.Aborter = (*Writer)(nil)
)

// NewWriter creates the files of every table for session sessionID under
// dir (created if needed). The files stay hidden until Close.
func NewWriter(dir, sessionID string, opts ...Option) (*Writer, error) {
	cfg := config{mem: memory.DefaultAllocator, batchRows: DefaultBatchRows, zstdLevel: 1}
	for _, o := range opts {
		o(&cfg)
	}
	w := &Writer{cfg: cfg, dir: dir, session: sessionID, rec: newRecycler(cfg.mem)}
	w.cfg.mem = w.rec
	for _, t := range Tables() {
		path := TablePath(dir, t, sessionID, cfg.format, cfg.hive)
		tb, err := newTableBuf(t, path, &w.cfg, !cfg.hive, sessionID)
		if err != nil {
			w.Abort()
			return nil, err
		}
		w.tables[t] = tb
		w.paths = append(w.paths, path)
	}
	w.smp = w.tables[TableSamples].samples
	return w, nil
}

// Rows returns how many rows table t has received so far.
func (w *Writer) Rows(t Table) int64 { return w.tables[t].total }

// Paths returns the final path of every table, in Tables order: a copy,
// the caller's to change.
func (w *Writer) Paths() []string { return slices.Clone(w.paths) }

// Samples appends a batch of samples. The batch is copied: it may be
// reused by the caller after the call. A sample whose Kind is neither
// track.KindPlayer nor track.KindBall (the engine makes no other) fails
// the Writer, as a write error does: it returns a SampleKindError and
// removes the Writer's files (Abort).
func (w *Writer) Samples(batch []track.Sample) error {
	if w.closed {
		return ErrClosed
	}
	tb := w.tables[TableSamples]
	if w.cfg.liveOnly {
		for i := range batch {
			s := &batch[i]
			if s.Clock != track.ClockLive {
				continue
			}
			if err := w.smp.append(s); err != nil {
				return w.fail(err)
			}
			tb.total++
			if w.smp.full() {
				if err := w.flushSamples(); err != nil {
					return w.fail(err)
				}
			}
		}
		return nil
	}
	for len(batch) > 0 {
		k, err := w.smp.appendRows(batch)
		if err != nil {
			return w.fail(err)
		}
		batch = batch[k:]
		tb.total += int64(k)
		if w.smp.full() {
			if err := w.flushSamples(); err != nil {
				return w.fail(err)
			}
		}
	}
	return nil
}

// Segment appends one segment to the table of its type: possessions,
// events, shots (feed shots) or dist_check.
func (w *Writer) Segment(s *track.Segment) error {
	if w.closed {
		return ErrClosed
	}
	t := SegmentTable(s.Type)
	switch t {
	case TablePossessions:
		r := w.tables[t].row()
		level := "player"
		if s.Type == track.SegTeamPossession {
			level = "team"
		}
		r.str(level).ts(s.Start_ms).ts(s.End_ms).f64(float64(s.End_ms-s.Start_ms) / 1000).
			i32(s.Period).i64(s.PlayerID).i64(s.TeamID).i32(s.Touches).
			f64(s.StartX_m).f64(s.StartY_m).f64(s.EndX_m).f64(s.EndY_m).str(s.Label)
	case TableShots:
		r := w.tables[t].row()
		r.ts(s.Start_ms).i32(s.Period).i64(s.PlayerID).i64(s.TeamID).
			f64(s.StartX_m).f64(s.StartY_m).bool(s.Made).bool(s.Is3Point).u8(s.Zone).str(s.Label)
	case TableDistCheck:
		r := w.tables[t].row()
		ratio := 0.0
		if s.EngineDist_cm > 0 {
			ratio = s.FeedDist_cm / s.EngineDist_cm
		}
		r.ts(s.Start_ms).i64(s.PlayerID).i64(s.TeamID).
			f64(s.FeedDist_cm / 100).f64(s.EngineDist_cm / 100).f64(ratio)
	default:
		r := w.tables[t].row()
		r.str(s.Type.String()).ts(s.Start_ms).ts(s.End_ms).i32(s.Period).
			i64(s.PlayerID).i64(s.TeamID).i64(s.ToPlayerID).
			f64(s.StartX_m).f64(s.StartY_m).f64(s.EndX_m).f64(s.EndY_m).
			f64(s.Length_m).f64(s.Speed_mps).bool(s.Made).bool(s.Is3Point).u8(s.Zone).str(s.Label).str(s.NextLiveID)
	}
	if err := w.tables[t].rowDone(); err != nil {
		return w.fail(err)
	}
	return nil
}

// SegmentTable is the table a Writer puts segments of type typ in.
func SegmentTable(typ track.SegmentType) Table {
	switch typ {
	case track.SegPossession, track.SegTeamPossession:
		return TablePossessions
	case track.SegFeedShot:
		return TableShots
	case track.SegDistCheck:
		return TableDistCheck
	}
	// Passes, detected shots, turnovers, rebounds, markers and any
	// segment type added later: nothing is dropped.
	return TableEvents
}

// ParquetRows is the row count of the Parquet table file at path, from
// its footer (no row is read).
func ParquetRows(path string) (int64, error) {
	r, err := file.OpenParquetFile(path, false)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer r.Close()
	return r.NumRows(), nil
}

// commitOrder is the order Close renames the tables in: the samples
// first (their footer is written then, and if that fails nothing is
// left), then the summary tables, then the segment tables, so that a
// process killed while renaming leaves no segment table of a Writer
// closed with a summary without that summary's quality row (stmotion
// live tells the part its engine's close wrote by it: live.partSink).
var commitOrder = [NumTables]Table{TableSamples, TableQuality, TablePlayers, TableBoxScore, TableHeatmaps,
	TablePossessions, TableEvents, TableShots, TableDistCheck}

// Close writes the summary tables (players, boxscore, heatmaps, quality),
// flushes every table and renames the files to their final names (in
// commitOrder). After an error nothing is left on
// disk. sum may be nil when the engine
// produced no summary; the summary tables are then empty.
func (w *Writer) Close(sum *track.Summary) error {
	if w.closed {
		return ErrClosed
	}
	if err := w.wait(); err != nil {
		return w.fail(err)
	}
	if sum != nil {
		if err := w.writeSummary(sum); err != nil {
			return w.fail(err)
		}
	}
	for _, tb := range w.tables {
		if err := tb.flush(); err != nil {
			return w.fail(err)
		}
	}
	var err error
	for _, t := range commitOrder {
		tb := w.tables[t]
		if err == nil {
			err = tb.file.commit()
		} else {
			tb.file.abort()
		}
		tb.release()
	}
	if w.spare != nil {
		w.spare.release()
	}
	w.rec.release()
	w.closed = true
	return err
}

// flushSamples writes the full samples buffer. In the background mode it
// swaps in the spare buffer and leaves the encoding and writing of the
// full one to a goroutine; a flush while one is in flight first waits
// for it (and returns its error).
func (w *Writer) flushSamples() error {
	tb := w.tables[TableSamples]
	if w.cfg.inline {
		return tb.flush()
	}
	if err := w.wait(); err != nil {
		return err
	}
	if w.spare == nil {
		w.spare = newSamplesBuf(w.cfg.mem, w.cfg.batchRows, !w.cfg.hive, w.session)
		w.done = make(chan error, 1)
	}
	full := tb.samples
	tb.samples, w.spare = w.spare, full
	w.smp = tb.samples
	w.inFlight = true
	go func() {
		err := tb.writeSamples(full)
		full.n = 0
		w.done <- err
	}()
	return nil
}

// wait waits for the samples batch in flight, if any.
func (w *Writer) wait() error {
	if !w.inFlight {
		return nil
	}
	w.inFlight = false
	return <-w.done
}

// Abort removes every file of the writer and releases its memory. It is
// safe to call after Close (then it does nothing) and more than once.
// A track.Session whose sink or analyzer failed calls it (track.Aborter)
// instead of Close.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	w.wait() // the background write must end before its file goes
	if w.spare != nil {
		w.spare.release()
	}
	for i, tb := range w.tables {
		if tb != nil {
			tb.file.abort()
			tb.release()
			if w.cfg.hive {
				// The session's partition directory, if now empty: a
				// failed session must not look like an empty partition.
				os.Remove(filepath.Dir(w.paths[i]))
			}
		}
	}
	w.rec.release()
}

func (w *Writer) fail(err error) error {
	w.Abort()
	return err
}

func (w *Writer) writeSummary(sum *track.Summary) error {
	tb := w.tables[TablePlayers]
	for i := range sum.Players {
		p := &sum.Players[i]
		tb.row().i64(p.PlayerID).i64(p.TeamID).str(p.Name).str(p.Jersey).
			f64(p.Distance_m).f64(p.DistanceLive_m).f64(p.DistanceCourt_m).list(p.DistancePeriod_m).
			f64(p.RawDistance_m).f64(p.TopSpeed_mps).f64(p.MeanSpeed_mps).
			list(p.SpeedBand_s).i64(int64(p.Sprints)).i64(int64(p.Accels)).i64(int64(p.Decels)).
			f64(p.TimeOnCourt_s).f64(p.Possession_s).i64(int64(p.Touches)).
			f64(p.DistStat_m).f64(p.DistRatio).str(p.DistFlag).
			ints(p.SprintsPeriod).ints(p.AccelsPeriod).ints(p.DecelsPeriod).
			list(p.TimeOnCourtPeriod_s).lists(p.SpeedBandPeriod_s)
		if err := tb.rowDone(); err != nil {
			return err
		}
	}
	tb = w.tables[TableBoxScore]
	for i := range sum.BoxScore {
		b := &sum.BoxScore[i]
		r := tb.row().i64(b.PlayerID).i64(b.TeamID).i64(b.Version)
		for _, s := range boxStats {
			r = r.f64(b.Values[s.wire])
		}
		if err := tb.rowDone(); err != nil {
			return err
		}
	}
	tb = w.tables[TableHeatmaps]
	if f, ok := tb.file.(heatmapsFile); ok {
		// Parquet: the cells go to the file as they are, in the row
		// groups the builders' batches would make.
		if err := f.writeHeatmaps(sum.Heatmaps, tb.id, tb.max); err != nil {
			return err
		}
		tb.total += int64(len(sum.Heatmaps))
	} else {
		for i := range sum.Heatmaps {
			h := &sum.Heatmaps[i]
			tb.row().str(h.Scope).i64(h.ID).i32(h.IX).i32(h.IY).f64(h.X_m).f64(h.Y_m).f64(h.Seconds)
			if err := tb.rowDone(); err != nil {
				return err
			}
		}
	}
	q := &sum.Quality
	tb = w.tables[TableQuality]
	qualityValues(tb.row().ts(sum.Start_ms).ts(sum.End_ms), q).f64(sum.ShooterAgreement)
	return tb.rowDone()
}

// tableBuf buffers the rows of one table in Arrow builders and writes
// them as a record batch every batchRows rows.
type tableBuf struct {
	schema  *arrow.Schema
	rb      *array.RecordBuilder
	samples *samplesBuf // the samples table's rows, instead of rb
	file    tableFile
	first   int // index of the first data column (1 with a session column)
	session *array.StringBuilder
	id      string
	n       int   // rows buffered
	total   int64 // rows received
	max     int
}

func newTableBuf(t Table, path string, cfg *config, session bool, sessionID string) (*tableBuf, error) {
	schema := Schema(t, session)
	var f tableFile
	var err error
	switch {
	case cfg.format == FormatParquet && directTable(t):
		f, err = openDirectParquet(path, t, schema, session, cfg)
	case cfg.format == FormatParquet:
		f, err = openParquet(path, schema, cfg, t)
	case cfg.format == FormatArrow:
		f, err = openArrow(path, schema, cfg)
	default:
		err = fmt.Errorf("export: unknown format %d", cfg.format)
	}
	if err != nil {
		return nil, err
	}
	tb := &tableBuf{schema: schema, rb: array.NewRecordBuilder(cfg.mem, schema), file: f, id: sessionID, max: min(cfg.batchRows, smallBatchRows)}
	if t == TableSamples {
		tb.max = cfg.batchRows
		tb.samples = newSamplesBuf(cfg.mem, cfg.batchRows, session, sessionID)
	} else if session {
		tb.session = tb.rb.Field(0).(*array.StringBuilder)
		tb.first = 1
	}
	return tb, nil
}

func (tb *tableBuf) release() {
	tb.rb.Release()
	if tb.samples != nil {
		tb.samples.release()
	}
}

// row starts a row: it appends the session column and returns a cursor on
// the first data column.
func (tb *tableBuf) row() rowCursor {
	if tb.session != nil {
		tb.session.Append(tb.id)
	}
	return rowCursor{rb: tb.rb, i: tb.first}
}

// rowDone counts a finished row and writes a batch when it is full.
func (tb *tableBuf) rowDone() error {
	tb.n++
	tb.total++
	if tb.n >= tb.max {
		return tb.flush()
	}
	return nil
}

// flush writes the buffered rows, if any, as one record batch.
func (tb *tableBuf) flush() error {
	if tb.samples != nil {
		if tb.samples.n == 0 {
			return nil
		}
		err := tb.writeSamples(tb.samples)
		tb.samples.n = 0
		return err
	}
	if tb.n == 0 {
		return nil
	}
	rec := tb.rb.NewRecordBatch()
	defer rec.Release()
	tb.n = 0
	return tb.file.(recordFile).write(rec)
}

// samplesFile is the samples table's Parquet file: it takes the columns
// of a samplesBuf as they are (directParquet).
type samplesFile interface {
	tableFile
	writeSamples(b *samplesBuf) error
}

// heatmapsFile is the heatmaps table's Parquet file: it takes the cells of
// a summary as they are (directParquet).
type heatmapsFile interface {
	tableFile
	writeHeatmaps(cells []track.HeatCell, sessionID string, groupRows int) error
}

// writeSamples writes the rows of b, a buffer of the samples table, as one
// record batch or row group. b may be overwritten when it returns.
func (tb *tableBuf) writeSamples(b *samplesBuf) error {
	if f, ok := tb.file.(samplesFile); ok {
		return f.writeSamples(b)
	}
	rec := b.record(tb.schema)
	defer rec.Release()
	return tb.file.(recordFile).write(rec)
}

// rowCursor appends the values of one row, column after column. It is for
// the small tables; the samples table has typed builders (samplesCols).
type rowCursor struct {
	rb *array.RecordBuilder
	i  int
}

func (r rowCursor) next() (array.Builder, rowCursor) {
	b := r.rb.Field(r.i)
	r.i++
	return b, r
}

func (r rowCursor) i64(v int64) rowCursor {
	b, r := r.next()
	b.(*array.Int64Builder).Append(v)
	return r
}

func (r rowCursor) i32(v int32) rowCursor {
	b, r := r.next()
	b.(*array.Int32Builder).Append(v)
	return r
}

func (r rowCursor) u8(v uint8) rowCursor {
	b, r := r.next()
	b.(*array.Uint8Builder).Append(v)
	return r
}

func (r rowCursor) f64(v float64) rowCursor {
	b, r := r.next()
	b.(*array.Float64Builder).Append(v)
	return r
}

func (r rowCursor) str(v string) rowCursor {
	b, r := r.next()
	b.(*array.StringBuilder).Append(v)
	return r
}

func (r rowCursor) bool(v bool) rowCursor {
	b, r := r.next()
	b.(*array.BooleanBuilder).Append(v)
	return r
}

func (r rowCursor) ts(ms int64) rowCursor {
	b, r := r.next()
	b.(*array.TimestampBuilder).Append(arrow.Timestamp(ms))
	return r
}

func (r rowCursor) list(v []float64) rowCursor {
	b, r := r.next()
	lb := b.(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Float64Builder).AppendValues(v, nil)
	return r
}

func (r rowCursor) ints(v []int) rowCursor {
	b, r := r.next()
	lb := b.(*array.ListBuilder)
	lb.Append(true)
	vb := lb.ValueBuilder().(*array.Int64Builder)
	for _, x := range v {
		vb.Append(int64(x))
	}
	return r
}

func (r rowCursor) lists(v [][]float64) rowCursor {
	b, r := r.next()
	lb := b.(*array.ListBuilder)
	lb.Append(true)
	inner := lb.ValueBuilder().(*array.ListBuilder)
	for _, l := range v {
		inner.Append(true)
		inner.ValueBuilder().(*array.Float64Builder).AppendValues(l, nil)
	}
	return r
}
