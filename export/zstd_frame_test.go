package export

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// streamPages are full BYTE_STREAM_SPLIT pages of 64 KiB in the given
// number of streams (8 of one zstdWindow block for float64, 4 of two for
// float32) that make the encoder emit every block type: a noisy track
// (compressed and raw blocks), all zeros (RLE blocks), all noise (raw
// blocks only), and streams alternating between them.
func streamPages(streams int) map[string][]byte {
	rng := rand.New(rand.NewPCG(11, 12))
	size := 8 * zstdWindow
	stream := size / streams
	noise := make([]byte, size)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	mixed := make([]byte, size)
	for k := range streams {
		s := mixed[k*stream : (k+1)*stream]
		switch k % 3 {
		case 0:
			copy(s, noise[k*stream:])
		case 1:
			for i := range s {
				s[i] = 0x40
			}
		default:
			for i := range s {
				s[i] = byte(i / 300)
			}
		}
	}
	track := bssPage(zstdWindow)
	if streams == 4 {
		track = bssPage32(2 * zstdWindow)
	}
	return map[string][]byte{"track": track, "zeros": make([]byte, size), "noise": noise, "mixed": mixed}
}

// appendStreamsFrame's frames are valid for strict streaming decoders,
// which keep only the declared window of history: the zstd command line
// tool (libzstd), if installed, and klauspost's decoder limited to a
// zstdWindow window and low memory. Every page kind, float64 and float32
// pages, every number of leading raw streams and the zstd levels the
// writer may be given; the frame's header must declare the page's size
// and a zstdWindow window.
func TestAppendStreamsFrameStrictDecoders(t *testing.T) {
	zstdCLI, _ := exec.LookPath("zstd")
	if zstdCLI == "" {
		t.Log("zstd command not installed: only klauspost's decoder is checked")
	}
	dir := t.TempDir()
	for _, streams := range []int{8, 4} {
		for kind, page := range streamPages(streams) {
			name := fmt.Sprintf("%s/%d-streams", kind, streams)
			for _, level := range []int{1, 3, 7, 19} {
				for first := 0; first <= streams; first++ {
					frame, _, _ := pageCodec.appendStreamsFrame(nil, nil, page, streams, level, first)
					var h zstd.Header
					if err := h.Decode(frame); err != nil {
						t.Fatalf("%s level %d first %d: header: %v", name, level, first, err)
					}
					if !h.HasFCS || h.FrameContentSize != uint64(len(page)) || h.WindowSize != zstdWindow || h.HasCheckSum || h.DictionaryID != 0 {
						t.Errorf("%s level %d first %d: header %+v, want content size %d, window %d, no checksum or dictionary", name, level, first, h, len(page), zstdWindow)
					}
					got, err := streamDecode(frame, zstd.WithDecoderMaxWindow(zstdWindow), zstd.WithDecoderLowmem(true))
					if err != nil || !bytes.Equal(got, page) {
						t.Errorf("%s level %d first %d: klauspost decodes %d bytes (equal %v), err %v", name, level, first, len(got), bytes.Equal(got, page), err)
					}
					if zstdCLI == "" {
						continue
					}
					path := filepath.Join(dir, "page.zst")
					if err := os.WriteFile(path, frame, 0o644); err != nil {
						t.Fatal(err)
					}
					cmd := exec.Command(zstdCLI, "-d", "-c", "-q", "--memory=8KB", path)
					var stderr bytes.Buffer
					cmd.Stderr = &stderr
					got, err = cmd.Output()
					if err != nil || !bytes.Equal(got, page) {
						t.Errorf("%s level %d first %d: zstd -d gives %d bytes (equal %v), err %v %s", name, level, first, len(got), bytes.Equal(got, page), err, stderr.String())
					}
				}
			}
		}
	}
}

// FuzzStreamsFrame builds byte-stream-split pages from fuzz bytes (1, 2, 4
// or 8 streams of 1-4 zstdWindow blocks each, made of 1 KiB pieces of
// noise, constants, ramps, copies of earlier pieces and few-valued bytes)
// and checks appendStreamsFrame at every level the writer may be given:
// a strict decoder (a zstdWindow window, low memory) gives the page back;
// the header declares the page's size and the window; the frame holds one
// block per zstdWindow bytes of the page, raw blocks being that part of
// the page verbatim; and a stream from first on is reported raw exactly
// when all its blocks are (compressFloats learns from that), none before
// first or past the last. The writer's own pages (FuzzSamplesParquet)
// never fill a 64 KiB page, so they do not reach this path.
func FuzzStreamsFrame(f *testing.F) {
	f.Add([]byte{3, 1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{2, 0, 2, 1, 0x10, 0x20, 0x30})
	f.Add([]byte{0, 3, 1, 2, 0})
	f.Add([]byte{3, 0, 8, 3, 4, 4, 4, 4, 0, 0, 0, 0, 1, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 4 {
			return
		}
		streams := 1 << (in[0] % 4)
		perStream := 1 + int(in[1]%4)
		first := int(in[2]) % (streams + 1)
		level := []int{1, 3, 7, 19}[in[3]%4]
		spec := in[4:]
		page := make([]byte, streams*perStream*zstdWindow)
		const piece = 1 << 10
		rng := rand.New(rand.NewPCG(uint64(len(in)), 7))
		for p := 0; p < len(page)/piece; p++ {
			s := page[p*piece : (p+1)*piece]
			var op byte
			if len(spec) > 0 {
				op = spec[p%len(spec)]
			}
			switch op % 5 {
			case 0: // noise
				for i := range s {
					s[i] = byte(rng.Uint32())
				}
			case 1: // a constant
				for i := range s {
					s[i] = op
				}
			case 2: // a slow ramp
				for i := range s {
					s[i] = op + byte(i/(1+int(op)))
				}
			case 3: // a copy of an earlier piece
				if p > 0 {
					q := int(op) % p
					copy(s, page[q*piece:(q+1)*piece])
				}
			default: // few values
				for i := range s {
					s[i] = op + byte(rng.IntN(3))
				}
			}
		}
		frame, _, raw := pageCodec.appendStreamsFrame(nil, nil, page, streams, level, first)
		var h zstd.Header
		if err := h.Decode(frame); err != nil {
			t.Fatalf("header: %v", err)
		}
		if !h.HasFCS || h.FrameContentSize != uint64(len(page)) || h.WindowSize != zstdWindow || h.HasCheckSum {
			t.Fatalf("header %+v, want content size %d and window %d", h, len(page), zstdWindow)
		}
		got, err := streamDecode(frame, zstd.WithDecoderMaxWindow(zstdWindow), zstd.WithDecoderLowmem(true))
		if err != nil || !bytes.Equal(got, page) {
			t.Fatalf("decodes to %d bytes (equal %v), err %v", len(got), bytes.Equal(got, page), err)
		}
		blocks, ok := frameBlocks(frame)
		if !ok {
			t.Fatal("frameBlocks: not a frame appendStreamsFrame writes")
		}
		rawBlocks := make([]int, streams)
		n := 0
		for len(blocks) > 0 {
			if len(blocks) < 3 {
				t.Fatalf("block %d: %d bytes left, not a block header", n, len(blocks))
			}
			hdr := uint32(blocks[0]) | uint32(blocks[1])<<8 | uint32(blocks[2])<<16
			size, typ, last := int(hdr>>3), hdr>>1&3, hdr&1 == 1
			stored := size
			if typ == 1 {
				stored = 1 // RLE: one byte repeated size times
			}
			if 3+stored > len(blocks) {
				t.Fatalf("block %d: %d bytes declared, %d left", n, stored, len(blocks)-3)
			}
			if typ == 0 {
				if size != zstdWindow || !bytes.Equal(blocks[3:3+size], page[n*zstdWindow:(n+1)*zstdWindow]) {
					t.Fatalf("raw block %d: %d bytes, not the page's bytes %d-%d", n, size, n*zstdWindow, (n+1)*zstdWindow)
				}
				rawBlocks[n/perStream]++
			}
			if typ == 1 && size != zstdWindow {
				t.Fatalf("RLE block %d of %d bytes, want %d", n, size, zstdWindow)
			}
			blocks = blocks[3+stored:]
			n++
			if last != (len(blocks) == 0) {
				t.Fatalf("block %d: last flag %v with %d bytes after it", n-1, last, len(blocks))
			}
		}
		if n != len(page)/zstdWindow {
			t.Fatalf("%d blocks for %d bytes, want one per %d", n, len(page), zstdWindow)
		}
		for s := range 8 {
			got := raw>>s&1 == 1
			want := s >= first && s < streams && rawBlocks[s] == perStream
			if got != want {
				t.Errorf("stream %d of %d (first %d): reported raw %v, %d of %d blocks raw (mask %08b)", s, streams, first, got, rawBlocks[min(s, streams-1)], perStream, raw)
			}
		}
	})
}
