package chart

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"io"
	"math/bits"

	"github.com/klauspost/compress/flate"
)

// encodePNG writes img as a PNG file: 8-bit RGB when every pixel is opaque
// (a chart always is), through pngEncoder otherwise.
//
// image/png chooses each row's filter by trying all five on it, which was
// 58 % of a heatmap's time, and zlib at best speed another 25 %. A chart
// is large areas of one colour, cut by the court's lines: the Up filter
// (each byte minus the one above it) makes those areas zeros, and on the
// charts of a game the files came out 11 % larger than image/png's with
// its adaptive filters and zlib at best speed (2 % larger with the same
// fixed filter and the standard library's zlib, in twice the time). The
// pixels are the same; every PNG reader supports the Up filter.
func encodePNG(w io.Writer, img *image.RGBA) error {
	e, ok := pngWriters.get()
	if !ok {
		zw, err := flate.NewWriter(nil, flate.BestSpeed)
		if err != nil {
			return fmt.Errorf("chart: deflate level: %w", err) // the level is a constant
		}
		e = &pngWriter{zw: zw}
	}
	defer pngWriters.put(e)
	ok, err := e.encode(w, img)
	if err != nil {
		return err
	}
	if !ok {
		return pngEncoder.Encode(w, img)
	}
	return nil
}

// pngWriter is encodePNG's reusable state: the filtered row, a row of
// zeros, the zlib stream and its deflate compressor.
//
// The zlib stream (RFC 1950) is written here around the deflate one, with
// the header compress/zlib writes at BestSpeed, so that its checksum is
// updateAdler32's: the bytes are the same as zlib.Writer's.
type pngWriter struct {
	row  []byte
	zero []byte
	z    bytes.Buffer
	zw   *flate.Writer
	buf  [8 + 8 + 13 + 4]byte // the signature and IHDR chunk; chunk headers
}

// pngWriters keeps pngWriters for reuse, one per CPU at most: a deflate
// compressor is 0.9 MB of tables and window (allocated by its first use).
var pngWriters freeList[*pngWriter]

// zlibHeader is the header of a zlib stream of deflate data with a 32 KiB
// window compressed at the fastest level (FLEVEL 0), as compress/zlib
// writes it at BestSpeed.
var zlibHeader = []byte{0x78, 0x01}

// encode writes img as an RGB PNG with the Up filter on every row. It
// returns false, having written nothing, if a pixel is not opaque.
func (e *pngWriter) encode(w io.Writer, img *image.RGBA) (bool, error) {
	b := img.Bounds()
	width, height := b.Dx(), b.Dy()
	if width <= 0 || height <= 0 {
		return false, nil // image/png reports the error
	}
	e.z.Reset()
	e.z.Write(zlibHeader)
	e.zw.Reset(&e.z)
	adler := uint32(1)
	n := 1 + 3*width
	if cap(e.row) < n+2 {
		e.row = make([]byte, n+2) // upRow stores 8 bytes for the last 6
	}
	row := e.row[:n+2]
	row[0] = 2                 // Up
	prev := e.zeros(4 * width) // Up takes the row above the first as zeros
	for y := range height {
		cur := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):][:4*width]
		if !upRow(row[1:], cur, prev) {
			return false, nil
		}
		if _, err := e.zw.Write(row[:n]); err != nil {
			return false, err
		}
		adler = updateAdler32(adler, row[:n])
		prev = cur
	}
	if err := e.zw.Close(); err != nil {
		return false, err
	}
	e.z.Write(binary.BigEndian.AppendUint32(e.buf[:0], adler))

	h := e.buf[:0]
	h = append(h, "\x89PNG\r\n\x1a\n"...)
	h = binary.BigEndian.AppendUint32(h, 13)
	h = append(h, "IHDR"...)
	h = binary.BigEndian.AppendUint32(h, uint32(width))
	h = binary.BigEndian.AppendUint32(h, uint32(height))
	h = append(h, 8, 2, 0, 0, 0) // 8-bit RGB, deflate, filter method 0, no interlace
	h = binary.BigEndian.AppendUint32(h, crc32.ChecksumIEEE(h[12:]))
	if _, err := w.Write(h); err != nil {
		return false, err
	}
	if err := e.writeChunk(w, "IDAT", e.z.Bytes()); err != nil {
		return false, err
	}
	return true, e.writeChunk(w, "IEND", nil)
}

// writeChunk writes a PNG chunk: length, type, data, CRC of type and
// data. Its header and CRC go through e.buf (a local array would escape
// to the heap through w).
func (e *pngWriter) writeChunk(w io.Writer, typ string, data []byte) error {
	h := binary.BigEndian.AppendUint32(e.buf[:0], uint32(len(data)))
	h = append(h, typ...)
	crc := crc32.Update(crc32.ChecksumIEEE(h[4:]), crc32.IEEETable, data)
	if _, err := w.Write(h); err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	_, err := w.Write(binary.BigEndian.AppendUint32(e.buf[:0], crc))
	return err
}

// zeros returns n zero bytes.
func (e *pngWriter) zeros(n int) []byte {
	if len(e.zero) < n {
		e.zero = make([]byte, n)
	}
	return e.zero[:n]
}

// upRow sets out to the RGB bytes of the RGBA row cur minus those of the
// row above it, prev (the Up filter), and reports whether every pixel of
// cur is opaque. out has room for 3 bytes per pixel and 2 more. It works
// on two pixels at a time in a uint64, subtracting byte by byte without
// borrows between bytes (Hacker's Delight, "multibyte subtract").
//
// Each pair's 8-byte store leaves garbage in its last 2 bytes, which the
// next pair's store (or the slack) overwrites: when they were known to be
// zero (masked, or shifted in), the compiler split the store into four,
// and the loop ran at a third of the speed; the rotation keeps the top
// byte unknown to it. The slices shrink as the loop goes, so that it needs
// no bounds checks. Pairs equal to the ones above (most of a chart: areas
// of one colour, cut by a few lines) store zeros without the arithmetic:
// 10 % less time for a heatmap PNG (BenchmarkCharts). Two pairs go per
// iteration, which halves the slices' bookkeeping (a third of upRow's
// instructions); an odd pair and an odd pixel finish the row.
func upRow(out, cur, prev []byte) bool {
	const hi = 0x8080808080808080
	alpha := ^uint64(0)
	prev = prev[:len(cur)]
	for len(cur) >= 16 && len(prev) >= 16 && len(out) >= 14 {
		p0, p1 := binary.LittleEndian.Uint64(cur), binary.LittleEndian.Uint64(cur[8:])
		q0, q1 := binary.LittleEndian.Uint64(prev), binary.LittleEndian.Uint64(prev[8:])
		alpha &= p0 & p1
		if p0 == q0 && p1 == q1 {
			binary.LittleEndian.PutUint64(out, 0)
			binary.LittleEndian.PutUint64(out[6:], 0)
		} else {
			d0 := ((p0 | hi) - (q0 &^ hi)) ^ ((p0 ^ ^q0) & hi)
			d1 := ((p1 | hi) - (q1 &^ hi)) ^ ((p1 ^ ^q1) & hi)
			binary.LittleEndian.PutUint64(out, d0&0xffffff|bits.RotateLeft64(d0, -8)&^0xffffff)
			binary.LittleEndian.PutUint64(out[6:], d1&0xffffff|bits.RotateLeft64(d1, -8)&^0xffffff)
		}
		cur, prev, out = cur[16:], prev[16:], out[12:]
	}
	for len(cur) >= 8 && len(prev) >= 8 && len(out) >= 8 {
		p := binary.LittleEndian.Uint64(cur)
		q := binary.LittleEndian.Uint64(prev)
		alpha &= p
		if p == q {
			binary.LittleEndian.PutUint64(out, 0)
		} else {
			d := ((p | hi) - (q &^ hi)) ^ ((p ^ ^q) & hi)
			// Bytes 0-2 and 4-6 of d are the two pixels' RGB.
			binary.LittleEndian.PutUint64(out, d&0xffffff|bits.RotateLeft64(d, -8)&^0xffffff)
		}
		cur, prev, out = cur[8:], prev[8:], out[6:]
	}
	if len(cur) >= 4 { // an odd width: the last pixel
		o := out[:3]
		o[0], o[1], o[2] = cur[0]-prev[0], cur[1]-prev[1], cur[2]-prev[2]
		if cur[3] != 0xff {
			return false
		}
	}
	return alpha|0x00ffffff00ffffff == ^uint64(0)
}
