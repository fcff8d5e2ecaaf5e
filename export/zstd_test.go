package export

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// bssPage returns n float64 values of a noisy track laid out as a
// BYTE_STREAM_SPLIT page: byte k of every value, then byte k+1, and so on.
func bssPage(n int) []byte {
	rng := rand.New(rand.NewPCG(5, 6))
	page := make([]byte, 8*n)
	for i := range n {
		v := math.Float64bits(3*math.Sin(float64(i)/500) + rng.NormFloat64()*0.003)
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v)
		for k := range b {
			page[k*n+i] = b[k]
		}
	}
	return page
}

// bssPage32 is bssPage for n float32 values: 4 streams of n bytes.
func bssPage32(n int) []byte {
	rng := rand.New(rand.NewPCG(5, 6))
	page := make([]byte, 4*n)
	for i := range n {
		v := math.Float32bits(float32(3*math.Sin(float64(i)/500) + rng.NormFloat64()*0.003))
		for k := range 4 {
			page[k*n+i] = byte(v >> (8 * k))
		}
	}
	return page
}

// The registered zstd codec is pageZstd, and its frames are what its doc
// comment says: no checksum, a zstdWindow window for pages longer than
// one block, and they decode back to the page with arrow-go's decoder.
// (DuckDB reading the files is TestAnalyzeDuckDB in cmd/stmotion.)
func TestPageZstd(t *testing.T) {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	pz, ok := c.(*pageZstd)
	if !ok {
		t.Fatalf("zstd codec is %T, want *pageZstd", c)
	}
	for _, src := range [][]byte{bssPage(8192), bssPage(100), bytes.Repeat([]byte("stmotion"), 4000), {}} {
		for _, level := range []int{1, 3, compress.DefaultCompressionLevel} {
			enc := pz.EncodeLevel(nil, src, pageLevel(level))
			var h zstd.Header
			if err := h.Decode(enc); err != nil {
				t.Fatalf("%d bytes, level %d: frame header: %v", len(src), level, err)
			}
			if h.HasCheckSum {
				t.Errorf("%d bytes, level %d: frame has a checksum", len(src), level)
			}
			if len(src) > zstdWindow && (h.SingleSegment || h.WindowSize != zstdWindow) {
				t.Errorf("%d bytes, level %d: single segment %v, window %d B, want a %d B window",
					len(src), level, h.SingleSegment, h.WindowSize, zstdWindow)
			}
			dec, err := compress.Decode(c, nil, enc)
			if err != nil {
				t.Fatalf("%d bytes, level %d: decode: %v", len(src), level, err)
			}
			if !bytes.Equal(dec, src) {
				t.Fatalf("%d bytes, level %d: decoded %d bytes, not the page", len(src), level, len(dec))
			}
		}
	}
}

// Pages compressed from several goroutines at once (one per Writer) each
// decode to their own page: the encoders' free list hands an encoder to
// one caller at a time, and keeps no more than were in use at once.
func TestPageZstdConcurrent(t *testing.T) {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	pz := c.(*pageZstd)
	// The free list never drops an encoder: it holds as many as were ever
	// in use at once, by earlier tests' Writers or by these goroutines.
	pz.mu.Lock()
	before := len(pz.free[1])
	pz.mu.Unlock()
	const workers = 4
	pages := make([][]byte, workers)
	for w := range pages {
		pages[w] = bssPage(1000 + 2000*w)
	}
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := range workers {
		wg.Go(func() {
			dst := make([]byte, 0, 1<<10)
			for range 50 {
				dst = pz.EncodeLevel(dst, pages[w], pageLevel(1))
				dec, err := compress.Decode(c, nil, dst)
				if err != nil || !bytes.Equal(dec, pages[w]) {
					errs <- fmt.Sprintf("worker %d: page of %d bytes does not decode to itself (err %v)", w, len(pages[w]), err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	pz.mu.Lock()
	kept := len(pz.free[1])
	pz.mu.Unlock()
	if want := max(before, workers); kept < 1 || kept > want {
		t.Errorf("%d level-1 encoders kept after %d goroutines (%d before), want 1 to %d", kept, workers, before, want)
	}
}

// appendStreamsFrame writes one standard zstd frame, whatever the number
// of leading streams stored raw, for full float64 pages (8 streams of one
// block) and float32 pages (4 streams of two blocks): arrow-go's decoder
// and klauspost's (through a fresh reader, one frame expected) give the
// page back; the streams it compressed that are noise are reported raw,
// the smooth ones are not.
func TestAppendStreamsFrame(t *testing.T) {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		page    []byte
		streams int
		// Streams that must be reported raw (the noise of the low
		// mantissa bytes) and that must not (sign and exponent); the
		// others depend on the data.
		noise, smooth uint8
	}{
		{"float64", bssPage(zstdWindow), 8, 0b00011111, 0b10000000},
		{"float32", bssPage32(2 * zstdWindow), 4, 0b0001, 0b1000},
	} {
		page := tc.page
		for first := 0; first <= tc.streams; first++ {
			frame, _, raw := pageCodec.appendStreamsFrame(nil, nil, page, tc.streams, 1, first)
			got, err := compress.Decode(c, make([]byte, len(page)), frame)
			if err != nil || !bytes.Equal(got, page) {
				t.Fatalf("%s first %d: arrow-go decodes to %d bytes (equal %v), err %v", tc.name, first, len(got), bytes.Equal(got, page), err)
			}
			if got, err := streamDecode(frame); err != nil || !bytes.Equal(got, page) {
				t.Fatalf("%s first %d: streaming decoder: %d bytes, err %v", tc.name, first, len(got), err)
			}
			for k := first; k < tc.streams; k++ {
				got := raw>>k&1 == 1
				if tc.noise>>k&1 == 1 && !got || tc.smooth>>k&1 == 1 && got {
					t.Errorf("%s first %d: stream %d reported raw=%v (mask %08b)", tc.name, first, k, got, raw)
				}
			}
			if raw&(1<<first-1) != 0 || raw>>tc.streams != 0 {
				t.Errorf("%s first %d: streams before first or past the last reported in mask %08b", tc.name, first, raw)
			}
		}
	}
}

// streamDecode decodes frame with klauspost's streaming zstd decoder, on
// one goroutine, with opts added.
func streamDecode(frame []byte, opts ...zstd.DOption) ([]byte, error) {
	d, err := zstd.NewReader(bytes.NewReader(frame), append([]zstd.DOption{zstd.WithDecoderConcurrency(1)}, opts...)...)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(d)
	return buf.Bytes(), err
}
