package export

import (
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// pageZstd is the zstd codec of Parquet pages. arrow-go looks codecs up in
// a process-wide registry, so this package registers it in place of
// arrow-go's own for compress.Codecs.Zstd (export is the only package of
// the module that imports arrow-go). Decoding is arrow-go's, unchanged.
// What it writes is standard zstd: every reader decodes it.
//
// arrow-go compresses each page as one zstd block of up to 128 KiB with
// Huffman-coded literals forced on, and an xxhash checksum. That fits
// text, not the samples table: its float64 pages are byte-stream split,
// 8 streams of 8192 bytes each (64 KiB pages), of which the five low
// mantissa bytes are noise from the sensors and the exponent bytes are
// nearly constant. One Huffman table over the whole page gains almost
// nothing (the float columns came out at 7.3-8 bytes per value of 8) and
// costs a third of the writer's CPU. So pageZstd
//
//   - uses zstdWindow-byte blocks: a block per byte stream, each with its
//     own choice of literal coding. The exponent streams compress to a few
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
// byte stream of a 64 KiB byte-stream-split page of float64 values.
const zstdWindow = 8 << 10

func init() {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		panic(fmt.Sprintf("export: arrow-go has no zstd codec: %v", err))
	}
	compress.RegisterCodec(compress.Codecs.Zstd, &pageZstd{Codec: c, free: map[int][]*zstd.Encoder{}})
}

// EncodeLevel compresses src as one zstd frame at the zstd level, into dst
// when it is large enough.
func (c *pageZstd) EncodeLevel(dst, src []byte, level int) []byte {
	e := c.get(level)
	dst = e.EncodeAll(src, dst[:0])
	c.mu.Lock()
	c.free[level] = append(c.free[level], e)
	c.mu.Unlock()
	return dst
}

// Encode compresses at zstd's default level, as arrow-go's codec does.
func (c *pageZstd) Encode(dst, src []byte) []byte {
	return c.EncodeLevel(dst, src, compress.DefaultCompressionLevel)
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
