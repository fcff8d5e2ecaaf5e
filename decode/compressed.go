package decode

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// This file reads the compressed stream of a recording, and tells a
// stream cut short from a corrupt one when the file ends in zero bytes.
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
//     When it fails on the magic of a next frame that is zeros, the
//     frames before were complete (their checksums checked), and the
//     zeros are ignored.
//
// Corruption followed by data that is not zero is not a truncation: it
// fails as before.

// ErrTruncated is wrapped by Reader.Err when a compressed recording ends
// in the middle of its stream: a file cut short (an interrupted copy or
// recorder), or one whose stream breaks where the rest of the file is zero
// bytes (a file cut off while being written). Every complete line before
// the break was delivered.
var ErrTruncated = errors.New("the file is truncated")

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
	// ignoredZeros is, after Read returned io.EOF, the zero bytes after
	// the complete stream at the end of the file.
	ignoredZeros() int64
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
	// Data that is not a member, and not only zeros: as gzip.Reader.
	return gzip.ErrHeader
}

func (g *gzipStream) Close() error { return g.fr.Close() }

func (g *gzipStream) ignoredZeros() int64 { return g.zeros }

// noEOF turns io.EOF into io.ErrUnexpectedEOF: the stream ended inside
// something.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// zstdStream decompresses a zstd file read through a rawInput that counts
// the bytes and where the zeros the file ends in begin (see the top of
// this file).
type zstdStream struct {
	raw   *rawInput
	br    *bufio.Reader
	zr    *zstd.Decoder
	err   error
	zeros int64 // after io.EOF: the zero bytes after the last frame
}

func newZstdStream(src io.Reader) (*zstdStream, error) {
	z := &zstdStream{raw: &rawInput{src: src}}
	z.br = bufio.NewReaderSize(z.raw, 64<<10)
	zr, err := zstd.NewReader(z.br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
	if err != nil {
		return nil, err
	}
	z.zr = zr
	return z, nil
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
// where the rest of the file is zero bytes (a *streamBreak), or ended
// after a complete frame followed only by zeros (io.EOF, z.zeros set):
// it reads the rest of the file to see. Any other error is returned as
// it is.
func (z *zstdStream) classify(err error) error {
	if z.raw.err != nil && z.raw.err != io.EOF {
		return err // the file could not be read
	}
	used := z.raw.n - int64(z.br.Buffered()) // what the decoder read
	if _, derr := io.Copy(io.Discard, z.br); derr != nil {
		return err
	}
	zeroFrom := z.raw.lastNZ // the file is zero from here to its end
	switch {
	case errors.Is(err, zstd.ErrMagicMismatch) && zeroFrom <= used-4:
		// The frames before were complete, their checksums checked;
		// the 4 bytes read as the next magic were zeros, as is the rest.
		z.zeros = z.raw.n - (used - 4)
		return io.EOF
	case zeroFrom < z.raw.n && zeroFrom <= used && !errors.Is(err, zstd.ErrCRCMismatch),
		zeroFrom < used && errors.Is(err, zstd.ErrCRCMismatch):
		// The decoder read into the zeros the file ends in. A frame
		// read whole whose checksum fails is corrupt, not cut short,
		// unless bytes of its checksum were zeros of the file's end:
		// the file was cut inside the checksum, and the zeros read as
		// it are none. (A checksum whose last bytes are zeros, of a
		// frame whose data is corrupt, is taken so too: a 1 in 256
		// chance for the last byte alone, the frame's data delivered
		// either way.)
		return &streamBreak{Compression: CompressionZstd, Zeros: z.raw.zeroTail(), Err: err}
	}
	return err
}

func (z *zstdStream) ignoredZeros() int64 { return z.zeros }

func (z *zstdStream) Close() error {
	z.zr.Close()
	return nil
}
