package export

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// streamPages are full BYTE_STREAM_SPLIT pages (8 streams of zstdWindow
// bytes) that make the encoder emit every block type: a noisy track
// (compressed and raw blocks), all zeros (RLE blocks), all noise (raw
// blocks only), and streams alternating between them.
func streamPages() map[string][]byte {
	rng := rand.New(rand.NewPCG(11, 12))
	noise := make([]byte, 8*zstdWindow)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	mixed := make([]byte, 8*zstdWindow)
	for k := range 8 {
		s := mixed[k*zstdWindow : (k+1)*zstdWindow]
		switch k % 3 {
		case 0:
			copy(s, noise[k*zstdWindow:])
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
	return map[string][]byte{"track": bssPage(zstdWindow), "zeros": make([]byte, 8*zstdWindow), "noise": noise, "mixed": mixed}
}

// appendStreamsFrame's frames are valid for strict streaming decoders,
// which keep only the declared window of history: the zstd command line
// tool (libzstd), if installed, and klauspost's decoder limited to a
// zstdWindow window and low memory. Every page kind, every number of
// leading raw streams and the zstd levels the writer may be given; the
// frame's header must declare the page's size and a zstdWindow window.
func TestAppendStreamsFrameStrictDecoders(t *testing.T) {
	zstdCLI, _ := exec.LookPath("zstd")
	if zstdCLI == "" {
		t.Log("zstd command not installed: only klauspost's decoder is checked")
	}
	dir := t.TempDir()
	for name, page := range streamPages() {
		for _, level := range []int{1, 3, 7, 19} {
			for first := 0; first <= 8; first++ {
				frame, _, _ := pageCodec.appendStreamsFrame(nil, nil, page, level, first)
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
