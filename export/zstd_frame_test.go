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
