package export

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"sync"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// pageZstd is the zstd codec of this package's Parquet pages. arrow-go
// looks codecs up in a process-wide registry by compression type only, so
// this package registers it in place of arrow-go's own for
// compress.Codecs.Zstd (export is the only package of the module that
// imports arrow-go). Only this package's writers get its encoder: they ask
// for it with a compression level tagged by pageLevel (the level is the
// one setting arrow-go hands the codec, and no file records it). Every
// other level, that is every other Parquet writer in the process, gets
// arrow-go's own encoder unchanged: tuned for sensor floats, this one
// would make a program's text pages about 3x larger. Decoding is
// arrow-go's, unchanged. What it writes is standard zstd: every reader
// decodes it.
//
// arrow-go compresses each page as one zstd block of up to 128 KiB with
// Huffman-coded literals forced on, and an xxhash checksum. That fits
// text, not the samples table: its float pages are byte-stream split,
// 64 KiB pages of 8 streams of 8192 bytes (float64) or 4 of 16384 bytes
// (float32), of which the low mantissa bytes are noise from the sensors
// and the exponent bytes are nearly constant. One Huffman table over the
// whole page gains almost nothing (float64 columns came out at 7.3-8
// bytes per value of 8) and costs a third of the writer's CPU. So pageZstd
//
//   - uses zstdWindow-byte blocks, each within one byte stream and with
//     its own choice of literal coding. The exponent streams compress to a few
//     percent, the noise streams are stored raw;
//   - stores literals raw, without Huffman coding: what is left after the
//     matches is mostly noise, and coding the rest saved 0.9% of the
//     samples file of a game for 6% of the writer's instructions;
//   - writes no frame checksum: the xxhash pass costs as much as the
//     matching of an all-noise stream. That is libzstd's default too, so
//     the zstd pages of Arrow C++ / pyarrow carry none either. Pages are
//     then not checked when read: arrow-go writes no Parquet page CRC, so
//     a corrupted page decodes to wrong values or a zstd error, not a
//     checksum error.
//
// On BenchmarkWriterSamples/game this codec alone made the samples file
// 9% smaller (48.8 → 44.3 bytes per row) for 42% fewer instructions per
// row (2810 → 1640, counted with valgrind --tool=callgrind).
//
// Encoders are kept for reuse in a free list per level (not a sync.Pool,
// which the GC empties within two cycles: an encoder holds a 256 KiB match
// table that would be allocated and cleared again). The lists hold at most as many encoders
// as pages were compressed at once (one per writing goroutine).
type pageZstd struct {
	compress.Codec // arrow-go's zstd codec, for everything but encoding

	mu   sync.Mutex
	free map[int][]*zstd.Encoder // by zstd level
}

// zstdWindow is the window and block size of pageZstd: the size of one
// byte stream of a 64 KiB byte-stream-split page of float64 values, half
// of one of float32 values.
const zstdWindow = 8 << 10

func init() {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		panic(fmt.Sprintf("export: arrow-go has no zstd codec: %v", err))
	}
	pageCodec = &pageZstd{Codec: c, free: map[int][]*zstd.Encoder{}}
	compress.RegisterCodec(compress.Codecs.Zstd, pageCodec)
}

// pageCodec is the registered codec, which the samples writer also calls
// directly (appendStreamsFrame).
var pageCodec *pageZstd

// pageLevelTag is added to the zstd level of this package's Parquet
// writers (pageLevel) so that the shared codec knows their pages from any
// other writer's. zstd levels are within ±pageLevelSpan (libzstd's
// negative levels stop at -131072, the positive ones at 22), so no other
// writer's level is tagged.
const (
	pageLevelTag  = 1 << 30
	pageLevelSpan = 1 << 20
)

// pageLevel is the compression level that selects this package's encoder
// at zstd level level (compress.DefaultCompressionLevel: zstd's default).
func pageLevel(level int) int {
	if level == compress.DefaultCompressionLevel {
		level = 3 // what EncoderLevelFromZstd and the default both make zstd.SpeedDefault
	}
	return pageLevelTag + min(max(level, -pageLevelSpan), pageLevelSpan)
}

// ownLevel reverses pageLevel: the zstd level, and whether level was
// tagged (a page of this package's writers).
func ownLevel(level int) (int, bool) {
	if level < pageLevelTag-pageLevelSpan || level > pageLevelTag+pageLevelSpan {
		return level, false
	}
	return level - pageLevelTag, true
}

// EncodeLevel compresses src as one zstd frame, into dst when it is large
// enough: with this package's encoder at the zstd level for a level
// tagged by pageLevel, with arrow-go's otherwise (another writer's page).
func (c *pageZstd) EncodeLevel(dst, src []byte, level int) []byte {
	if l, ok := ownLevel(level); ok {
		return c.encodeOwn(dst, src, l)
	}
	return c.Codec.EncodeLevel(dst, src, level)
}

// encodeOwn is EncodeLevel with this package's encoder at zstd level level.
func (c *pageZstd) encodeOwn(dst, src []byte, level int) []byte {
	e := c.get(level)
	dst = e.EncodeAll(src, dst[:0])
	c.put(level, e)
	return dst
}

// Encode is arrow-go's: no writer of this package calls it (they all set
// a level).
func (c *pageZstd) Encode(dst, src []byte) []byte {
	return c.Codec.Encode(dst, src)
}

func (c *pageZstd) get(level int) *zstd.Encoder {
	c.mu.Lock()
	if l := c.free[level]; len(l) > 0 {
		e := l[len(l)-1]
		c.free[level] = l[:len(l)-1]
		c.mu.Unlock()
		return e
	}
	c.mu.Unlock()
	speed := zstd.SpeedDefault
	if level != compress.DefaultCompressionLevel {
		speed = zstd.EncoderLevelFromZstd(level)
	}
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(speed), zstd.WithWindowSize(zstdWindow),
		zstd.WithNoEntropyCompression(true), zstd.WithEncoderCRC(false),
		zstd.WithEncoderConcurrency(1), zstd.WithZeroFrames(true))
	if err != nil {
		panic(fmt.Sprintf("export: zstd encoder options: %v", err)) // the options are constants
	}
	return e
}

// The codec's other methods are arrow-go's; they are spelled out because
// arrow-go finds them by type assertion, which an embedded interface
// field does not satisfy.

func (c *pageZstd) DecodeWithError(dst, src []byte) ([]byte, error) {
	return compress.Decode(c.Codec, dst, src)
}

func (c *pageZstd) NewReader(r io.Reader) io.ReadCloser {
	return c.Codec.(compress.StreamingCodec).NewReader(r)
}

func (c *pageZstd) NewWriter(w io.Writer) io.WriteCloser {
	return c.Codec.(compress.StreamingCodec).NewWriter(w)
}

func (c *pageZstd) NewWriterLevel(w io.Writer, level int) (io.WriteCloser, error) {
	return c.Codec.(compress.StreamingCodec).NewWriterLevel(w, level)
}

// appendStreamsFrame compresses page, a BYTE_STREAM_SPLIT page of
// streams byte streams (8 for float64, 4 for float32: byte k of every
// value in stream k) each a whole number of zstdWindow blocks long, at the
// zstd level into one zstd frame appended to dst. A full page of the
// samples table is 64 KiB either way: 8 streams of 8192 bytes (one block
// each) for float64, 4 of 16384 (two blocks each) for float32. The
// streams before first are stored as raw blocks without trying to
// compress them; the others are compressed as encodeOwn would (a block
// per zstdWindow bytes). It also returns, for each stream from first on,
// whether zstd stored it raw (bit k of raw set: every block of stream k
// was stored raw): it did not compress.
//
// Why: in a page of sensor positions, speeds or angles the low mantissa
// bytes are noise. zstd stores them raw anyway, but only after searching
// them for matches, which was half of its time. The samples writer learns
// from raw which streams of a column are noise and skips them
// (directParquet.compressFloats).
//
// The frame is standard: a header with the page's size, the raw blocks
// (at most zstdWindow bytes each, the largest block the window allows),
// then the blocks of the encoder's own frame for page[first*stream:]
// without its header. That is valid because the raw blocks change no
// decoder state (repeat offsets and entropy tables only change in
// compressed blocks), so the compressed blocks decode as they did at the
// start of their own frame; and their matches reach back only within
// their own input.
//
// scratch is a buffer for the encoder's frame, returned for reuse.
func (c *pageZstd) appendStreamsFrame(dst, scratch, page []byte, streams, level, first int) (out, scratchOut []byte, raw uint8) {
	if streams < 1 || streams > 8 || len(page) == 0 || len(page)%(streams*zstdWindow) != 0 || first < 0 || first > streams {
		panic(fmt.Sprintf("export: zstd stream frame of %d bytes in %d streams from stream %d", len(page), streams, first))
	}
	stream := len(page) / streams
	perStream := stream / zstdWindow // blocks per stream
	// Frame header: magic, descriptor (4-byte content size, window
	// descriptor present, no checksum, no dictionary), window, size.
	dst = append(dst, 0x28, 0xb5, 0x2f, 0xfd, 2<<6, byte(bits.Len32(zstdWindow-1)-10)<<3)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(page)))
	for off := 0; off < first*stream; off += zstdWindow {
		last := uint32(0)
		if off+zstdWindow == len(page) {
			last = 1
		}
		h := uint32(zstdWindow)<<3 | last // block type 0: raw
		dst = append(dst, byte(h), byte(h>>8), byte(h>>16))
		dst = append(dst, page[off:off+zstdWindow]...)
	}
	if first == streams {
		return dst, scratch, 0
	}
	e := c.get(level)
	scratch = e.EncodeAll(page[first*stream:], scratch[:0])
	c.put(level, e)
	blocks, ok := frameBlocks(scratch)
	if !ok {
		panic("export: zstd encoder wrote a frame with a checksum or dictionary")
	}
	// Which streams were stored raw: the encoder writes a block per
	// zstdWindow bytes of its input, perStream blocks per stream.
	var rawBlocks [8]int
	for k, b := 0, blocks; len(b) >= 3; k++ {
		h := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
		size := int(h >> 3)
		switch h >> 1 & 3 {
		case 0: // raw
			if s := first + k/perStream; s < streams {
				rawBlocks[s]++
			}
		case 1: // RLE: one byte
			size = 1
		}
		b = b[min(3+size, len(b)):]
	}
	for s := first; s < streams; s++ {
		if rawBlocks[s] == perStream {
			raw |= 1 << s
		}
	}
	return append(dst, blocks...), scratch, raw
}

// frameBlocks returns the blocks of the zstd frame f (what follows its
// header), or false if the frame has a checksum or a dictionary id.
func frameBlocks(f []byte) ([]byte, bool) {
	if len(f) < 5 {
		return nil, false
	}
	fhd := f[4]
	single := fhd>>5&1 == 1
	if fhd>>2&1 == 1 || fhd&3 != 0 {
		return nil, false
	}
	pos := 5
	if !single {
		pos++ // window descriptor
	}
	fcs := [4]int{0, 2, 4, 8}[fhd>>6]
	if fcs == 0 && single {
		fcs = 1
	}
	pos += fcs
	if pos > len(f) {
		return nil, false
	}
	return f[pos:], true
}

func (c *pageZstd) put(level int, e *zstd.Encoder) {
	c.mu.Lock()
	c.free[level] = append(c.free[level], e)
	c.mu.Unlock()
}
