package export

import (
	"errors"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stmotion/stmotion/track"
)

// samplesBuf is the samples table's row buffer. It is the hot path (one
// row per sensor per grid tick, millions per game), so instead of Arrow
// builders it keeps plain Go columns of a fixed capacity, stored to with
// no capacity checks. The Parquet writer (directParquet) encodes pages
// straight from them; the Arrow IPC writer gets them as Arrow arrays that
// alias them (record, no copy). The string columns (session_id, kind,
// clock) are dictionary-encoded: an int8 index per row into a small fixed
// dictionary, written as the column chunk's dictionary page without
// hashing every value.
//
// The columns are reused for every batch: both writers encode a batch
// completely before they return, so nothing aliases them afterwards.
type samplesBuf struct {
	n       int
	session bool
	*sampleCols

	sessionDict, kindDict, clockDict arrow.Array // for Arrow records
	sessionValues                    []string    // the session column's dictionary
}

// sampleCols are the columns of a samplesBuf: about 55 bytes per row,
// 7 MB at DefaultBatchRows. They are plain Go memory, not Arrow's, and
// are reused from Writer to Writer (freeCols): allocating and clearing
// two such buffers for each session cost more than writing a short
// session's rows, and drove the GC.
type sampleCols struct {
	cap                          int
	t, sensor, team              []int64
	x, y, z, speed, accel, head  []float32 // the engine's float64 rounded (see tableFields)
	period                       []int32
	sessionIdx, kindIdx, clockIx []int8 // sessionIdx is all zero: the one value
	inBounds, holder             []byte // bitmaps
}

// freeCols holds the columns of closed Writers for the next ones (analyze
// runs one Writer per input, live one per part), at most maxFreeCols of
// them. The rows left in them are garbage: a samplesBuf writes every row
// before it reads it.
var freeCols struct {
	sync.Mutex
	l []*sampleCols
}

// maxFreeCols bounds the memory kept by freeCols: the two buffers of each
// of two Writers writing at once (e.g. analyze --jobs 2), about 29 MB at
// DefaultBatchRows. More Writers at once allocate the rest as before.
const maxFreeCols = 4

// ReleaseBuffers drops the samples column buffers that closed Writers keep
// for the next Writers of the process (up to about 29 MB at
// DefaultBatchRows), so that the garbage collector can return them. A
// long-running program calls it when it has no more sessions to write for
// a while; the next Writer allocates its buffers again. Benchmarks call
// it to measure a Writer as a single run of analyze sees it.
func ReleaseBuffers() {
	freeCols.Lock()
	defer freeCols.Unlock()
	clear(freeCols.l)
	freeCols.l = freeCols.l[:0]
}

func getCols(capacity int) *sampleCols {
	freeCols.Lock()
	for i, c := range freeCols.l {
		if c.cap == capacity {
			last := len(freeCols.l) - 1
			freeCols.l[i] = freeCols.l[last]
			freeCols.l[last] = nil
			freeCols.l = freeCols.l[:last]
			freeCols.Unlock()
			return c
		}
	}
	freeCols.Unlock()
	return &sampleCols{
		cap: capacity,
		t:   make([]int64, capacity), sensor: make([]int64, capacity), team: make([]int64, capacity),
		x: make([]float32, capacity), y: make([]float32, capacity), z: make([]float32, capacity),
		speed: make([]float32, capacity), accel: make([]float32, capacity), head: make([]float32, capacity),
		period: make([]int32, capacity), sessionIdx: make([]int8, capacity),
		kindIdx: make([]int8, capacity), clockIx: make([]int8, capacity),
		inBounds: make([]byte, bitutil.BytesForBits(int64(capacity))), holder: make([]byte, bitutil.BytesForBits(int64(capacity))),
	}
}

func putCols(c *sampleCols) {
	freeCols.Lock()
	defer freeCols.Unlock()
	if len(freeCols.l) < maxFreeCols {
		freeCols.l = append(freeCols.l, c)
	}
}

// Dictionaries of the string columns of samples; the index of a value is
// its position. A dictionary holds only values the column can take
// (pandas makes each a category, shown even when empty): kind has no
// "unknown", as the engine's sensors are players or balls (a Writer
// refuses a sample of another kind: SampleKindError); clock's "unknown"
// is the state before any marker.
var (
	kindValues  = [...]string{"player", "ball"}                    // by track.SensorKind − track.KindPlayer
	clockValues = [...]string{"unknown", "live", "paused", "foul"} // by track.ClockState
	dictInt8    = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
)

func newSamplesBuf(mem memory.Allocator, capacity int, session bool, sessionID string) *samplesBuf {
	b := &samplesBuf{session: session, sampleCols: getCols(capacity)}
	b.kindDict = stringArray(mem, kindValues[:]...)
	b.clockDict = stringArray(mem, clockValues[:]...)
	if session {
		b.sessionDict = stringArray(mem, sessionID)
		b.sessionValues = []string{sessionID}
	}
	return b
}

func stringArray(mem memory.Allocator, vs ...string) arrow.Array {
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	sb.AppendValues(vs, nil)
	return sb.NewArray()
}

// full reports whether the buffer must be flushed before the next row.
func (b *samplesBuf) full() bool { return b.n == b.cap }

// ErrSampleKind is wrapped by the error of a Writer given a sample whose
// Kind is neither track.KindPlayer nor track.KindBall.
var ErrSampleKind = errors.New("export: sample kind is neither player nor ball")

// SampleKindError is a Writer's refusal of a sample of a kind the samples
// table cannot hold: its kind column is "player" or "ball", the only
// kinds of the engine's sensors. The sample is that of sensor SensorID at
// T_ms.
type SampleKindError struct {
	SensorID int64
	T_ms     int64
	Kind     track.SensorKind
}

func (e *SampleKindError) Error() string {
	return fmt.Sprintf("export: sample of sensor %d at %d ms: kind %d is neither player nor ball", e.SensorID, e.T_ms, e.Kind)
}

func (e *SampleKindError) Unwrap() error { return ErrSampleKind }

// kindIndex is k's index in kindValues, and whether it has one.
func kindIndex(k track.SensorKind) (int8, bool) {
	i := k - track.KindPlayer // 0 wraps around to 255: no index either
	return int8(i), int(i) < len(kindValues)
}

// kindError is the error for the first sample of batch whose kind has no
// index in kindValues, nil if there is none.
func kindError(batch []track.Sample) error {
	for i := range batch {
		if s := &batch[i]; !validKind(s.Kind) {
			return &SampleKindError{SensorID: s.SensorID, T_ms: s.T_ms, Kind: s.Kind}
		}
	}
	return nil
}

func validKind(k track.SensorKind) bool {
	_, ok := kindIndex(k)
	return ok
}

// clockIndex is c's index in clockValues; an unknown state is "unknown".
func clockIndex(c track.ClockState) int8 {
	if int(c) >= len(clockValues) {
		return 0
	}
	return int8(c)
}

// append stores one sample; the caller flushes when full. A sample of
// a kind without an index is not stored: append returns its
// SampleKindError.
func (b *samplesBuf) append(s *track.Sample) error {
	kind, ok := kindIndex(s.Kind)
	if !ok {
		return &SampleKindError{SensorID: s.SensorID, T_ms: s.T_ms, Kind: s.Kind}
	}
	i := b.n
	b.t[i] = s.T_ms
	b.sensor[i] = s.SensorID
	b.team[i] = s.TeamID
	b.x[i] = float32(s.X_m)
	b.y[i] = float32(s.Y_m)
	b.z[i] = float32(s.Z_m)
	b.speed[i] = float32(s.Speed_mps)
	b.accel[i] = float32(s.Accel_mps2)
	b.head[i] = float32(s.Heading_rad)
	b.period[i] = s.Period
	b.kindIdx[i] = kind
	b.clockIx[i] = clockIndex(s.Clock)
	bitutil.SetBitTo(b.inBounds, i, s.InBounds)
	bitutil.SetBitTo(b.holder, i, s.BallHolder)
	b.n++
	return nil
}

// appendRows stores as many rows of batch as fit (all unless the buffer
// fills) and returns how many; the caller flushes when full. It is
// append's loop turned inside out, one column at a time: each loop
// reslices its destination and the batch to the same length, so the
// compiler drops the bounds checks, and the batch (the engine's, hot in
// cache) is read once per column. It takes about a third fewer
// instructions per row than calling append for each row (93 against 145,
// callgrind on BenchmarkWriterSamples/game). append stays for
// WithLiveOnly, which skips rows. If one of the rows it would store has a
// kind without an index, it stores none of them (b.n stays) and returns
// the first such row's SampleKindError.
func (b *samplesBuf) appendRows(batch []track.Sample) (int, error) {
	n := b.n
	k := min(len(batch), b.cap-n)
	batch = batch[:k]
	{
		dst := b.t[n : n+k]
		for i := range dst {
			dst[i] = batch[i].T_ms
		}
	}
	{
		sensor, team := b.sensor[n:n+k], b.team[n:n+k]
		for i := range sensor {
			sensor[i], team[i] = batch[i].SensorID, batch[i].TeamID
		}
	}
	{
		x, y, z := b.x[n:n+k], b.y[n:n+k], b.z[n:n+k]
		for i := range x {
			x[i], y[i], z[i] = float32(batch[i].X_m), float32(batch[i].Y_m), float32(batch[i].Z_m)
		}
	}
	{
		speed, accel, head := b.speed[n:n+k], b.accel[n:n+k], b.head[n:n+k]
		for i := range speed {
			speed[i], accel[i], head[i] = float32(batch[i].Speed_mps), float32(batch[i].Accel_mps2), float32(batch[i].Heading_rad)
		}
	}
	{
		period, kind, clock := b.period[n:n+k], b.kindIdx[n:n+k], b.clockIx[n:n+k]
		valid := true
		for i := range period {
			s := &batch[i]
			period[i] = s.Period
			ki, ok := kindIndex(s.Kind)
			kind[i], clock[i] = ki, clockIndex(s.Clock)
			valid = valid && ok
		}
		if !valid {
			return 0, kindError(batch)
		}
	}
	b.appendBools(n, batch)
	b.n += k
	return k, nil
}

// appendBools stores the in_bounds and ball_holder bits of batch from
// row n on. Rows up to the next multiple of 8 are set bit by bit; then
// each 8 rows make a whole byte of each bitmap, stored at once (a fifth of
// the instructions of setting every bit).
func (b *samplesBuf) appendBools(n int, batch []track.Sample) {
	i := 0
	for ; i < len(batch) && (n+i)%8 != 0; i++ {
		bitutil.SetBitTo(b.inBounds, n+i, batch[i].InBounds)
		bitutil.SetBitTo(b.holder, n+i, batch[i].BallHolder)
	}
	for ; i+8 <= len(batch); i += 8 {
		var in, hold byte
		rows := (*[8]track.Sample)(batch[i:])
		for j := range rows {
			in |= b2u8(rows[j].InBounds) << j
			hold |= b2u8(rows[j].BallHolder) << j
		}
		b.inBounds[(n+i)/8], b.holder[(n+i)/8] = in, hold
	}
	for ; i < len(batch); i++ {
		bitutil.SetBitTo(b.inBounds, n+i, batch[i].InBounds)
		bitutil.SetBitTo(b.holder, n+i, batch[i].BallHolder)
	}
}

func b2u8(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// record wraps the buffered rows as a record batch of schema (Schema of
// TableSamples) that aliases the buffer; release it before the next append.
func (b *samplesBuf) record(schema *arrow.Schema) arrow.RecordBatch {
	n := b.n
	cols := make([]arrow.Array, 0, schema.NumFields())
	if b.session {
		cols = append(cols, dictArray(b.sessionIdx[:n], b.sessionDict))
	}
	cols = append(cols,
		fixed(tsMs, n, arrow.Int64Traits.CastToBytes(b.t[:n])),
		fixed(i64, n, arrow.Int64Traits.CastToBytes(b.sensor[:n])),
		dictArray(b.kindIdx[:n], b.kindDict),
		fixed(i64, n, arrow.Int64Traits.CastToBytes(b.team[:n])),
		fixed(f32, n, arrow.Float32Traits.CastToBytes(b.x[:n])),
		fixed(f32, n, arrow.Float32Traits.CastToBytes(b.y[:n])),
		fixed(f32, n, arrow.Float32Traits.CastToBytes(b.z[:n])),
		fixed(f32, n, arrow.Float32Traits.CastToBytes(b.speed[:n])),
		fixed(f32, n, arrow.Float32Traits.CastToBytes(b.accel[:n])),
		fixed(f32, n, arrow.Float32Traits.CastToBytes(b.head[:n])),
		fixed(i32, n, arrow.Int32Traits.CastToBytes(b.period[:n])),
		dictArray(b.clockIx[:n], b.clockDict),
		fixed(boo, n, b.inBounds[:bitutil.BytesForBits(int64(n))]),
		fixed(boo, n, b.holder[:bitutil.BytesForBits(int64(n))]),
	)
	rec := array.NewRecordBatch(schema, cols, int64(n))
	for _, c := range cols {
		c.Release() // the record holds its own references
	}
	return rec
}

// release releases the dictionaries and gives the columns to the next
// Writer; b must not be used afterwards.
func (b *samplesBuf) release() {
	for _, a := range []arrow.Array{b.sessionDict, b.kindDict, b.clockDict} {
		if a != nil {
			a.Release()
		}
	}
	if b.sampleCols != nil {
		putCols(b.sampleCols)
		b.sampleCols = nil
	}
}

// fixed is an array of a fixed-width type over data (no validity bitmap:
// no nulls), aliasing it.
func fixed(t arrow.DataType, n int, data []byte) arrow.Array {
	d := array.NewData(t, n, []*memory.Buffer{nil, memory.NewBufferBytes(data)}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

func dictArray(idx []int8, dict arrow.Array) arrow.Array {
	ind := fixed(arrow.PrimitiveTypes.Int8, len(idx), arrow.Int8Traits.CastToBytes(idx))
	defer ind.Release()
	return array.NewDictionaryArray(dictInt8, ind, dict)
}
