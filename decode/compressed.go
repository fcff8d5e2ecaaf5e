package decode

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/bits"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// This file reads the compressed stream of a recording, and tells a
// stream cut short from a corrupt one when the file ends in zero bytes.
// It also skips zero bytes between the members (gzip) or frames (zstd) of
// a stream.
//
// A file cut off while being written (a crash, a full disk, a recorder
// killed) often ends in zero bytes: its size was extended, but the last
// blocks of data never reached the disk and read as zeros. Decompressors
// read such zeros as more of the stream. After a complete gzip member
// they are a header that is not one ("invalid header"); in a gzip stream
// cut short, the deflate decoder makes text of them (runs of one
// character, and copies of earlier lines) before it fails; in a zstd
// stream cut short, they end in "corrupt stream". The readers here keep
// the zeros at the end of the file out of the stream:
//
//   - gzip: the raw input withholds a run of zero bytes until a byte
//     that is not zero follows it (rawInput.hold), so the deflate decoder
//     never sees the zeros that end the file: a stream cut short ends
//     where they begin, as it would without them (io.ErrUnexpectedEOF,
//     not one character of garbage). A member's 8-byte trailer, whose last
//     bytes may be zeros themselves (its size modulo 2^32, whose top byte
//     is 0 below 16 MiB), takes them back from the withheld ones: this is
//     why gzipStream reads the members itself (RFC 1952), where
//     gzip.Reader reads the trailer from the same reader as the data.
//     When the trailer differs from the data only in the zeros it took
//     back, the file was cut inside the trailer, the rest of it zeros:
//     the stream breaks there (cut short), it is no checksum that fails.
//     (An empty last member ends in zeros from within its deflate data:
//     it is decoded again with them, see emptyMember.)
//     What is left after the last member, if only zeros, is ignored, as
//     gzip -t does ("trailing zero bytes ignored").
//   - zstd: a zero byte is no valid frame magic nor a block that gives
//     output (a zero block header is an empty raw block), so the zeros
//     give no text. When the decoder fails having read into the zeros
//     that end the file, the stream broke where they begin: cut short.
//     So too when the frame's content checksum fails and bytes of it
//     were zeros of the end (the file cut inside the checksum).
//     The zeros after the last frame the decoder never sees: zstdFrames
//     finds where each frame ends from its headers, and skips the zeros
//     there (however few: the decoder, given 1 to 3 of them, would take
//     them for a magic cut short).
//
// Zeros between members or frames are no more part of the stream than
// those at the end: RFC 1952 and RFC 8878 allow no padding, but a tool
// that rotates logs may pad a file with zeros, and a preallocated file
// another was appended to has zeros between the two. Where a member or
// frame ends (its checksum checked), a run of zeros is skipped (counted,
// Reader.ZeroGaps) when a member or frame follows it; when other data
// follows, the reading fails there (afterStreamError, with the offset),
// as without the zeros. The gzip raw input gives only zeros that data
// follows, so zeros after the last member are still the ignored tail.
//
// Corruption followed by data that is not zero is not a truncation: it
// fails as before.

// ErrTruncated is wrapped by Reader.Err when a compressed recording ends
// in the middle of its stream: a file cut short (an interrupted copy or
// recorder), or one whose stream breaks where the rest of the file is zero
// bytes (a file cut off while being written). Every complete line before
// the break was delivered, for gzip. zstd gives a block's text only once
// the whole block is in, and a frame's last block only once the frame's
// checksum is checked: a zstd file cut short loses the lines of the block
// the cut falls in (up to 128 KiB of text, about 1 200 location lines),
// even a cut inside the checksum.
var ErrTruncated = errors.New("the file is truncated")

// MaxZstdWindow_B is the largest window a zstd frame of a recording may
// declare, the zstd CLI's default limit (its ZSTD_WINDOWLOG_LIMIT_DEFAULT,
// 2^27). The decoder keeps a window of history per input, so a frame that
// declares a larger one (zstd --long=28 and up, --ultra -22 on a large
// input) would cost that much memory for a file of any size; it fails
// with ErrZstdWindow instead, as zstd -d refuses it without --long or
// --memory.
const MaxZstdWindow_B = 128 << 20

// ErrZstdWindow is wrapped by Reader.Err when a zstd frame declares a
// window larger than MaxZstdWindow_B.
var ErrZstdWindow = errors.New("zstd window too large")

// zstdWindowError is the error of a frame, at byte Offset of the file,
// whose header declares a window of Window_B bytes, more than Limit_B.
type zstdWindowError struct {
	Offset, Window_B, Limit_B int64
}

func (e *zstdWindowError) Error() string {
	log := bits.Len64(uint64(e.Window_B - 1)) // zstd --long takes the window's log2
	return fmt.Sprintf("%v: the zstd frame at byte %d of the file needs a %s window to decode, more than stmotion's limit of %s "+
		"(the zstd CLI's default, so zstd -d refuses it too: it was compressed with --long or --ultra); "+
		"decompress it with zstd -d --long=%d (or --memory=%dMB) and give stmotion the plain file, "+
		"or pipe it to an INPUT of -: zstd -dc --long=%d FILE | stmotion analyze -",
		ErrZstdWindow, e.Offset, mib(e.Window_B), mib(e.Limit_B), log, (e.Window_B+(1<<20)-1)>>20, log)
}

func (e *zstdWindowError) Unwrap() error { return ErrZstdWindow }

// mib formats n bytes in MiB (or KiB below 1 MiB).
func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// zstdWindow is the window a whole frame header h (from its magic to
// its last field) declares: its Window_Descriptor, or for a single-segment frame
// its content size (RFC 8878 section 3.1.1.1.2), which a decoder must
// also hold whole.
func zstdWindow(h []byte) int64 {
	fhd := h[4]
	if fhd&0x20 == 0 {
		wd := h[5]
		base := uint64(1) << (10 + wd>>3)
		return int64(min(base+base/8*uint64(wd&7), math.MaxInt64))
	}
	at := 5 + [4]int{0, 1, 2, 4}[fhd&3] // after the dictionary id
	var size uint64
	switch fhd >> 6 {
	case 0:
		size = uint64(h[at])
	case 1:
		size = uint64(binary.LittleEndian.Uint16(h[at:])) + 256
	case 2:
		size = uint64(binary.LittleEndian.Uint32(h[at:]))
	case 3:
		size = binary.LittleEndian.Uint64(h[at:])
	}
	return int64(min(size, math.MaxInt64))
}

// streamBreak is the error of a compressed stream that breaks where the
// rest of the file, Zeros bytes, is zero.
type streamBreak struct {
	Compression Compression
	Zeros       int64
	Err         error // the decompressor's error
}

func (e *streamBreak) Error() string { return e.Err.Error() }
func (e *streamBreak) Unwrap() error { return e.Err }

// detail is what Reader.Err says of the break, after "the file is
// truncated".
func (e *streamBreak) detail() string {
	return fmt.Sprintf(": its %s stream breaks where the file ends in %s", e.Compression, zeroBytes(e.Zeros))
}

// zeroBytes is "1 zero byte", "4096 zero bytes".
func zeroBytes(n int64) string {
	if n == 1 {
		return "1 zero byte"
	}
	return fmt.Sprintf("%d zero bytes", n)
}

// compressedStream is the decompressor of a Reader: a gzipStream or a
// zstdStream.
type compressedStream interface {
	io.Reader
	// ignoredZeros is, after Read returned io.EOF, the zero bytes
	// skipped between the members or frames of the stream, and those
	// after the complete stream at the end of the file.
	ignoredZeros() (gaps, tail int64)
}

// rawInput is the compressed bytes of a recording, as read from the file.
// It counts them and where the last byte that is not zero was, and with
// hold it withholds a run of zero bytes until a byte that is not zero
// follows it (giving the zeros then, in order, before that byte): at the
// end of the input, held is the run of zeros the file ends in, which the
// reader above never saw. Memory is constant: withheld zeros are a count.
type rawInput struct {
	src    io.Reader
	hold   bool
	n      int64 // bytes read from src
	lastNZ int64 // the offset after the last byte read that is not zero
	held   int64 // zeros read and withheld (hold)
	give   int64 // withheld zeros to give before pend
	pend   []byte
	pbuf   []byte
	err    error // what ended src (io.EOF at its end), given once give and pend are
}

func (z *rawInput) Read(p []byte) (int, error) {
	for {
		if z.give > 0 {
			n := int(min(int64(len(p)), z.give))
			clear(p[:n])
			z.give -= int64(n)
			return n, nil
		}
		if len(z.pend) > 0 {
			n := copy(p, z.pend)
			z.pend = z.pend[n:]
			return n, nil
		}
		if z.err != nil || len(p) == 0 {
			return 0, z.err
		}
		n, err := z.src.Read(p)
		z.err = err
		if n == 0 {
			if err == nil {
				return 0, nil
			}
			continue
		}
		z.n += int64(n)
		i := n - 1
		for i >= 0 && p[i] == 0 {
			i--
		}
		if i < 0 { // all zeros
			if z.hold {
				z.held += int64(n)
				continue
			}
			return n, nil
		}
		z.lastNZ = z.n - int64(n-1-i)
		if !z.hold {
			return n, nil
		}
		if z.held == 0 {
			z.held = int64(n - 1 - i)
			return i + 1, nil
		}
		// Zeros were withheld before this data: they go first.
		z.pbuf = append(z.pbuf[:0], p[:i+1]...)
		z.pend, z.give, z.held = z.pbuf, z.held, int64(n-1-i)
	}
}

// atEnd reports whether src is exhausted and everything but the held
// zeros was given.
func (z *rawInput) atEnd() bool { return z.err == io.EOF && z.give == 0 && len(z.pend) == 0 }

// zeroTail is the run of zero bytes the input read so far ends in.
func (z *rawInput) zeroTail() int64 { return z.n - z.lastNZ }

// gzipStream decompresses a gzip file of one or more members (RFC 1952)
// read through a rawInput that withholds the zeros at its end (see the
// top of this file). A member ends with its CRC-32 and size, which are
// checked (gzip.ErrChecksum). What follows the last member must be
// nothing, or only zero bytes (ignored, counted in zeros); anything else
// is gzip.ErrHeader, as gzip.Reader says of it.
type gzipStream struct {
	raw    *rawInput
	br     *bufio.Reader
	fr     io.ReadCloser // flate; a flate.Resetter
	digest uint32        // CRC-32 of the member's data so far
	size   uint32        // its length modulo 2^32
	buf    [256]byte
	err    error
	zeros  int64 // after io.EOF: the zero bytes after the last member
	gaps   int64 // zero bytes between members, skipped
	// start is the start of the member's deflate data, all of it when
	// startAll (a short member at the end of the file): see emptyMember.
	start    [32]byte
	startN   int
	startAll bool
}

// newGzipStream reads the first member's header from src, which starts
// with the gzip magic bytes.
func newGzipStream(src io.Reader) (*gzipStream, error) {
	g := &gzipStream{raw: &rawInput{src: src, hold: true}}
	g.br = bufio.NewReaderSize(g.raw, 64<<10)
	if err := g.readHeader(); err != nil {
		return nil, err
	}
	// The deflate decoder reads g.br byte by byte (an io.ByteReader), so
	// the trailer is where it stops.
	g.fr = flate.NewReader(g.br)
	return g, nil
}

// readHeader reads a member's header (RFC 1952, section 2.3.1), checking
// its CRC-16 when it has one, as gzip.Reader does.
func (g *gzipStream) readHeader() error {
	h := g.buf[:10]
	if _, err := io.ReadFull(g.br, h); err != nil {
		return noEOF(err)
	}
	if h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 {
		return gzip.ErrHeader
	}
	flg := h[3]
	if flg>>5 != 0 { // reserved bits
		return gzip.ErrHeader
	}
	digest := crc32.ChecksumIEEE(h)
	if flg&0x04 != 0 { // FEXTRA
		x := g.buf[:2]
		if _, err := io.ReadFull(g.br, x); err != nil {
			return noEOF(err)
		}
		digest = crc32.Update(digest, crc32.IEEETable, x)
		for n := int(binary.LittleEndian.Uint16(x)); n > 0; {
			b := g.buf[:min(n, len(g.buf))]
			if _, err := io.ReadFull(g.br, b); err != nil {
				return noEOF(err)
			}
			digest = crc32.Update(digest, crc32.IEEETable, b)
			n -= len(b)
		}
	}
	for _, f := range []byte{0x08, 0x10} { // FNAME, FCOMMENT: ended by a zero byte
		if flg&f == 0 {
			continue
		}
		for {
			c, err := g.br.ReadByte()
			if err != nil {
				return noEOF(err)
			}
			digest = crc32.Update(digest, crc32.IEEETable, []byte{c})
			if c == 0 {
				break
			}
		}
	}
	if flg&0x02 != 0 { // FHCRC
		x := g.buf[:2]
		if _, err := io.ReadFull(g.br, x); err != nil {
			return noEOF(err)
		}
		if binary.LittleEndian.Uint16(x) != uint16(digest) {
			return gzip.ErrHeader
		}
	}
	g.digest, g.size = 0, 0
	b, err := g.br.Peek(len(g.start))
	g.startN, g.startAll = copy(g.start[:], b), err == io.EOF
	return nil
}

func (g *gzipStream) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, g.err
	}
	for g.err == nil {
		n, err := g.fr.Read(p)
		g.digest = crc32.Update(g.digest, crc32.IEEETable, p[:n])
		g.size += uint32(n)
		switch {
		case err == io.EOF:
			g.err = g.endMember()
		case err != nil:
			g.err = g.broken(err)
		}
		if n > 0 {
			return n, nil
		}
	}
	return 0, g.err
}

// broken is the error of a member that could not be read to its end:
// the truncation with the zeros withheld, if any; io.EOF for an empty
// last member whose deflate data ends in zero bytes (emptyMember).
func (g *gzipStream) broken(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) && g.raw.atEnd() && g.raw.held > 0 {
		if g.emptyMember() {
			return io.EOF
		}
		return &streamBreak{Compression: CompressionGzip, Zeros: g.raw.held, Err: err}
	}
	return err
}

// emptyMember reports whether the last member, which gave no data and
// stopped where the zeros the file ends in begin, is a complete empty
// member whose deflate data ends in zero bytes (an empty fixed-Huffman
// block is 03 00), and takes its zeros back from the withheld ones
// (setting g.zeros to the rest). Its trailer is all zeros (the CRC-32 and
// size of nothing), so the zeros the file ends in begin inside its
// deflate data. Only such a member can end so: any other has a non-zero
// byte in its trailer (its size, or a CRC-32 that is not 0; both 0 only
// for a multiple of 4 GiB whose CRC-32 is 0, left aside), after which
// every zero is its trailer's or the file's. Its deflate data is short
// and kept whole (start), so it is decoded again, with zeros after it.
func (g *gzipStream) emptyMember() bool {
	if g.size != 0 || !g.startAll {
		return false
	}
	const maxZeros = 8 // a final block's end: a few bits
	data := make([]byte, g.startN+int(min(g.raw.held, maxZeros)))
	copy(data, g.start[:g.startN])
	in := bytes.NewReader(data)
	fr := flate.NewReader(in)
	if n, err := io.Copy(io.Discard, fr); n != 0 || err != nil {
		return false
	}
	used := int64(len(data) - in.Len() - g.startN) // zeros of the deflate data
	if used < 0 || g.raw.held < used+8 {
		return false
	}
	g.zeros = g.raw.held - used - 8
	g.raw.held = 0
	return true
}

// endMember reads and checks a member's trailer, then the next member's
// header, or finds the end (io.EOF).
func (g *gzipStream) endMember() error {
	g.startAll = false // the member is read: nothing to decode again
	t := g.buf[:8]
	n, err := io.ReadFull(g.br, t)
	if err != nil {
		// The trailer's last bytes may be zeros the raw input withheld
		// as the end of the file: take them back.
		need := int64(len(t) - n)
		if !g.raw.atEnd() || g.raw.held < need {
			return g.broken(noEOF(err))
		}
		g.raw.held -= need
		clear(t[n:])
	}
	var want [8]byte
	binary.LittleEndian.PutUint32(want[:4], g.digest)
	binary.LittleEndian.PutUint32(want[4:], g.size)
	if !bytes.Equal(t, want[:]) {
		if n < len(t) && bytes.Equal(t[:n], want[:n]) {
			// What differs are zeros taken back from the end of the
			// file: the file was cut inside the trailer, the rest of it
			// zeros (every byte the file has is right), as it would be
			// cut short without them.
			g.raw.held += int64(len(t) - n)
			return &streamBreak{Compression: CompressionGzip, Zeros: g.raw.held, Err: io.ErrUnexpectedEOF}
		}
		return gzip.ErrChecksum
	}
	// Zeros that reach br are followed by data (the raw input withholds
	// those the file ends in): zeros between members, skipped.
	gap, err := skipZeros(g.br)
	if err != nil {
		return err
	}
	g.gaps += gap
	magic, err := g.br.Peek(2)
	switch {
	case len(magic) == 0 && err == io.EOF:
		g.zeros = g.raw.held // nothing after the member but zeros, if any
		return io.EOF
	case len(magic) < 2 && err != io.EOF && err != nil:
		return err
	case len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		if err := g.readHeader(); err != nil {
			return g.broken(err)
		}
		return g.fr.(flate.Resetter).Reset(g.br, nil)
	}
	// Data that is not a member (gzip.Reader's error), zeros before it or
	// not.
	return &afterStreamError{Compression: CompressionGzip, Offset: g.offset(), Zeros: gap, Err: gzip.ErrHeader}
}

// offset is where in the file the next byte of br is.
func (g *gzipStream) offset() int64 {
	z := g.raw
	return z.n - z.held - z.give - int64(len(z.pend)) - int64(g.br.Buffered())
}

// skipZeros discards the zero bytes at the start of br, and reports how
// many. It stops at a byte that is not zero, or at the end of br (no
// error: the caller peeks next).
func skipZeros(br *bufio.Reader) (int64, error) {
	var n int64
	for {
		b, err := br.Peek(1)
		if len(b) == 0 {
			if err == io.EOF {
				err = nil
			}
			return n, err
		}
		b, _ = br.Peek(br.Buffered())
		i := 0
		for i < len(b) && b[i] == 0 {
			i++
		}
		br.Discard(i)
		n += int64(i)
		if i < len(b) {
			return n, nil
		}
	}
}

// afterStreamError is the error of data after a complete gzip member or
// zstd frame, and after Zeros zero bytes, that is no other member or
// frame.
type afterStreamError struct {
	Compression Compression
	Offset      int64 // where the data is in the file
	Zeros       int64 // zero bytes skipped before it
	Err         error // gzip.ErrHeader, zstd.ErrMagicMismatch
}

func (e *afterStreamError) Error() string {
	unit := "member"
	if e.Compression == CompressionZstd {
		unit = "frame"
	}
	if e.Zeros == 0 {
		return fmt.Sprintf("%v at byte %d of the file, after a complete %s %s", e.Err, e.Offset, e.Compression, unit)
	}
	return fmt.Sprintf("%v at byte %d of the file, after %s that follow a complete %s %s", e.Err, e.Offset, zeroBytes(e.Zeros), e.Compression, unit)
}

func (e *afterStreamError) Unwrap() error { return e.Err }

func (g *gzipStream) Close() error { return g.fr.Close() }

func (g *gzipStream) ignoredZeros() (gaps, tail int64) { return g.gaps, g.zeros }

// noEOF turns io.EOF into io.ErrUnexpectedEOF: the stream ended inside
// something.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// zstdStream decompresses a zstd file read through a rawInput that counts
// the bytes and where the zeros the file ends in begin, and a zstdFrames
// that keeps the zeros between frames and after the last one from the
// decoder (see the top of this file).
type zstdStream struct {
	raw    *rawInput
	br     *bufio.Reader
	frames *zstdFrames
	zr     *zstd.Decoder
	err    error
}

func newZstdStream(src io.Reader) (*zstdStream, error) {
	z := &zstdStream{raw: &rawInput{src: src}}
	z.br = bufio.NewReaderSize(z.raw, 64<<10)
	z.frames = &zstdFrames{br: z.br, raw: z.raw}
	// zstdFrames refuses a frame whose window is too large with a clear
	// error; the decoder's own limit is the same, should it meet one.
	zr, err := zstd.NewReader(z.frames, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(MaxZstdWindow_B))
	if err != nil {
		return nil, err
	}
	z.zr = zr
	return z, nil
}

// zstdFrames gives the decoder the frames of a zstd file (RFC 8878,
// section 3.1) without the zero bytes between them or after the last:
// where a frame ends, it skips zeros (counting them, in gaps, or in tail
// when the file ends there), then gives the next frame, or a skippable
// frame, or fails on anything else (an afterStreamError). It finds the
// frames' ends from their headers and block headers, read with Peek; the
// data in between it passes on as it is, in reads of the decoder's size.
// A frame cut short, or whose header or blocks are corrupt, is passed on
// all the same, to its end as the headers say (zeros after a break read
// as empty raw blocks): the decoder fails on it. (But for a frame without
// a content checksum cut inside a raw block: the zeros read as its data,
// as they did before zstdFrames; the encoders write the checksum.)
type zstdFrames struct {
	br    *bufio.Reader
	raw   *rawInput
	left  int64 // bytes of the current part to give before the next boundary
	state zstdPart
	frame bool // a frame was given whole: zeros may follow
	// checksum is the length of the frame's content checksum: 4 or 0.
	checksum int64
	gaps     int64 // zero bytes skipped between frames
	tail     int64 // at the end: zero bytes skipped after the last frame
}

// zstdPart is what zstdFrames reads next once left is 0.
type zstdPart uint8

const (
	zstdFrameStart  zstdPart = iota // a frame's magic, or the end
	zstdBlockHeader                 // a block's 3-byte header
)

func (f *zstdFrames) Read(p []byte) (int, error) {
	for f.left == 0 {
		if err := f.nextPart(); err != nil {
			return 0, err
		}
	}
	n, err := f.br.Read(p[:min(int64(len(p)), f.left)])
	f.left -= int64(n)
	return n, err
}

// nextPart reads the header of what comes next and sets left to its
// length (the header's own bytes included, given to the decoder too).
func (f *zstdFrames) nextPart() error {
	if f.state == zstdBlockHeader {
		h, err := f.br.Peek(3)
		if len(h) == 0 {
			return err
		}
		if len(h) < 3 {
			f.left = int64(len(h)) // a header cut short: the decoder fails on it
			return nil
		}
		v := uint32(h[0]) | uint32(h[1])<<8 | uint32(h[2])<<16
		size := int64(v >> 3)
		if v>>1&3 == 1 { // RLE: one byte, repeated size times
			size = 1
		}
		f.left = 3 + size
		if v&1 != 0 { // the frame's last block
			f.left += f.checksum
			f.state, f.frame = zstdFrameStart, true
		}
		return nil
	}
	var zeros int64
	if f.frame {
		var err error
		if zeros, err = skipZeros(f.br); err != nil {
			return err
		}
	}
	h, err := f.br.Peek(8) // magic, and a skippable frame's size or a frame's descriptor
	if len(h) == 0 {
		if err == io.EOF {
			f.tail = zeros
		}
		return err
	}
	f.gaps += zeros
	switch {
	case len(h) >= 5 && binary.LittleEndian.Uint32(h) == zstdFrameMagic:
		fhd := h[4] // Frame_Header_Descriptor
		f.checksum = 0
		if fhd&0x04 != 0 {
			f.checksum = 4
		}
		n := 5 + [4]int64{0, 1, 2, 4}[fhd&3] + [4]int64{0, 2, 4, 8}[fhd>>6] // dictionary id, content size
		if fhd&0x20 == 0 {
			n++ // a window descriptor
		} else if fhd>>6 == 0 {
			n++ // a single segment's 1-byte content size
		}
		// A header cut short the decoder fails on, as on a frame cut
		// short; a whole one declares the window.
		if h, _ := f.br.Peek(int(n)); int64(len(h)) == n {
			if w := zstdWindow(h); w > MaxZstdWindow_B {
				return &zstdWindowError{Offset: f.raw.n - int64(f.br.Buffered()), Window_B: w, Limit_B: MaxZstdWindow_B}
			}
		}
		f.left, f.state = n, zstdBlockHeader
		return nil
	case len(h) == 8 && binary.LittleEndian.Uint32(h)&^0xf == zstdSkippableMagic:
		f.left = 8 + int64(binary.LittleEndian.Uint32(h[4:]))
		return nil
	case err != nil && err != io.EOF:
		return err
	case err == io.EOF && maybeZstdMagic(h):
		// The file ends inside a frame's start: the decoder fails on
		// it, as on a frame cut short.
		f.left = int64(len(h))
		return nil
	}
	return &afterStreamError{Compression: CompressionZstd, Offset: f.raw.n - int64(f.br.Buffered()), Zeros: zeros, Err: zstd.ErrMagicMismatch}
}

const (
	zstdFrameMagic     = 0xfd2fb528
	zstdSkippableMagic = 0x184d2a50 // to 0x184d2a5f
)

// maybeZstdMagic reports whether h, the last bytes of a file, could be the
// start of a frame or of a skippable frame.
func maybeZstdMagic(h []byte) bool {
	h = h[:min(len(h), 4)]
	frame := [4]byte{0x28, 0xb5, 0x2f, 0xfd}
	skippable := [4]byte{h[0], 0x2a, 0x4d, 0x18}
	return bytes.Equal(h, frame[:len(h)]) || h[0]&0xf0 == 0x50 && bytes.Equal(h, skippable[:len(h)])
}

func (z *zstdStream) Read(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	n, err := z.zr.Read(p)
	if err != nil && err != io.EOF {
		err = z.classify(err)
	}
	z.err = err
	if n > 0 {
		return n, nil
	}
	return 0, err
}

// classify tells, for the decoder's error err, whether the stream broke
// where the rest of the file is zero bytes (a *streamBreak): it reads the
// rest of the file to see. Any other error is returned as it is.
func (z *zstdStream) classify(err error) error {
	var after *afterStreamError
	if z.raw.err != nil && z.raw.err != io.EOF || errors.As(err, &after) || errors.Is(err, ErrZstdWindow) {
		return err // the file could not be read, or holds other data, or a frame too large to read
	}
	used := z.raw.n - int64(z.br.Buffered()) // what the decoder read
	if _, derr := io.Copy(io.Discard, z.br); derr != nil {
		return err
	}
	zeroFrom := z.raw.lastNZ // the file is zero from here to its end
	switch {
	case zeroFrom < z.raw.n && zeroFrom <= used && !errors.Is(err, zstd.ErrCRCMismatch),
		zeroFrom < used && errors.Is(err, zstd.ErrCRCMismatch):
		// The decoder read into the zeros the file ends in. A frame
		// read whole whose checksum fails is corrupt, not cut short,
		// unless bytes of its checksum were zeros of the file's end:
		// the file was cut inside the checksum, and the zeros read as
		// it are none. (A checksum whose last bytes are zeros, of a
		// frame whose data is corrupt, is taken so too: a 1 in 256
		// chance for the last byte alone; the decoder gives nothing of
		// the frame's last block either way.)
		return &streamBreak{Compression: CompressionZstd, Zeros: z.raw.zeroTail(), Err: err}
	}
	return err
}

func (z *zstdStream) ignoredZeros() (gaps, tail int64) { return z.frames.gaps, z.frames.tail }

func (z *zstdStream) Close() error {
	z.zr.Close()
	return nil
}
