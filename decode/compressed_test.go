package decode

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// gzipMembers is the reference of FuzzGzipStream: gzip.Reader reading one
// member at a time, skipping the zero bytes after each (between members,
// or at the end).
func gzipMembers(data []byte) ([]byte, error) {
	br := bufio.NewReader(bytes.NewReader(data))
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, err
	}
	var out []byte
	for {
		zr.Multistream(false)
		b, err := io.ReadAll(zr)
		out = append(out, b...)
		if err != nil {
			return out, err
		}
		if _, err := skipZeros(br); err != nil {
			return out, err
		}
		if _, err := br.Peek(1); err == io.EOF {
			return out, nil
		}
		if err := zr.Reset(br); err != nil {
			return out, err
		}
	}
}

// FuzzGzipStream compares gzipStream with gzip.Reader, the reference,
// on any input: it gives what gzip.Reader gives of the input without the
// zeros it ends in (which it never reads, but for a member's trailer),
// reading one member at a time and skipping zeros between them; it
// succeeds on what gzip.Reader reads whole; and what it reads whole is
// what gzip.Reader reads whole once the zeros it ignored are cut (and,
// if there were none between members, in one go).
//
//	go test ./decode -run '^$' -fuzz FuzzGzipStream -fuzztime 60s
func FuzzGzipStream(f *testing.F) {
	member := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
		return b.Bytes()
	}
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	text, _ := testRecording()
	one, small := member(text[:5000]), member("ab\n")
	f.Add(one)
	f.Add(cat(one, small))
	f.Add(cat(small, zeros(5)))
	f.Add(cat(one[:len(one)/2], zeros(40)))
	f.Add(cat(one, []byte{0, 0, 1}))
	f.Add(member(""))
	f.Add(cat(one, member(""), zeros(3)))
	// Zeros between members, then a member, an empty one, garbage.
	f.Add(cat(small, zeros(1), small))
	f.Add(cat(one, zeros(40), small, zeros(3)))
	f.Add(cat(small, zeros(7), member(""), zeros(2)))
	f.Add(cat(one, zeros(40), []byte("junk")))
	f.Add(cat(one, zeros(4), one[:len(one)/2], zeros(40)))
	ref := func(data []byte) ([]byte, error) {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
			return // NewReader reads other inputs as something else
		}
		var got []byte
		var err error
		g, err := newGzipStream(bytes.NewReader(data))
		if err == nil {
			got, err = io.ReadAll(g)
		}
		trimmed := bytes.TrimRight(data, "\x00")
		want, _ := gzipMembers(trimmed)
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes out, want the %d gzip.Reader gives of the input without its %d zeros, member by member", len(got), len(want), len(data)-len(trimmed))
		}
		if _, rerr := gzipMembers(data); rerr == nil && err != nil {
			t.Fatalf("gzip.Reader reads it whole, member by member; gzipStream: %v", err)
		}
		if _, rerr := ref(data); rerr == nil && (err != nil || g.zeros != 0 || g.gaps != 0) {
			t.Fatalf("gzip.Reader reads it whole; gzipStream: %v, %d zeros, %d between members", err, g.zeros, g.gaps)
		}
		if err == nil {
			whole := data[:len(data)-int(g.zeros)]
			if _, rerr := gzipMembers(whole); rerr != nil {
				t.Fatalf("read whole with %d zeros ignored, which gzip.Reader fails without: %v", g.zeros, rerr)
			}
			if _, rerr := ref(whole); g.gaps == 0 && rerr != nil {
				t.Fatalf("read whole with %d zeros ignored and none between members, which gzip.Reader fails without: %v", g.zeros, rerr)
			}
		}
	})
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// zstdFramesRef is the reference of FuzzZstdStream: the zstd decoder,
// which reads exactly what it needs, started again after each run of
// zero bytes where it looked for a frame's magic (between frames, or at
// the end of the input; at the end, only a run of 4 or more).
func zstdFramesRef(data []byte) ([]byte, error) {
	zr, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var out []byte
	for {
		cr := &countingReader{r: bytes.NewReader(data)}
		if err := zr.Reset(cr); err != nil {
			return out, err
		}
		b, err := io.ReadAll(zr)
		out = append(out, b...)
		if !errors.Is(err, zstd.ErrMagicMismatch) || cr.n < 4 || data[cr.n-4] != 0 {
			return out, err
		}
		data = bytes.TrimLeft(data[cr.n-4:], "\x00") // the magic read starts a run of zeros
		if len(data) == 0 {
			return out, nil
		}
	}
}

// FuzzZstdStream compares zstdStream with the zstd decoder it wraps, on
// any input, the decoder started again after the zeros it takes for a
// frame's magic: the same text; a success where the decoder succeeds; and
// where it ignores zeros at the end, the decoder succeeds once they are
// cut.
//
//	go test ./decode -run '^$' -fuzz FuzzZstdStream -fuzztime 60s
func FuzzZstdStream(f *testing.F) {
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	text, _ := testRecording()
	one, small, empty := zstdBytes(f, text[:5000]), zstdBytes(f, "ab\n"), zstdBytes(f, "")
	skippable := []byte{0x5a, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 0, 0}
	f.Add(one)
	f.Add(cat(one, zeros(40)))
	f.Add(cat(one[:len(one)/2], zeros(40)))
	f.Add(cat(one, []byte{0, 0, 1}))
	// Fewer zeros than a magic; zeros between frames; skippable frames.
	f.Add(cat(one, zeros(1)))
	f.Add(cat(small, zeros(3)))
	f.Add(cat(small, zeros(2), small))
	f.Add(cat(one, zeros(40), small, zeros(3)))
	f.Add(cat(small, zeros(7), empty, zeros(2)))
	f.Add(cat(small, skippable, zeros(5), small))
	f.Add(cat(one, zeros(40), []byte("junk")))
	f.Add(cat(one, zeros(4), one[:len(one)/2], zeros(40)))
	f.Add(cat(one, zeros(4), one[:3]))
	f.Add(cat(skippable, small, zeros(2)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !isZstdStart(data[:min(len(data), 4)]) {
			return // NewReader reads other inputs as something else
		}
		z, err := newZstdStream(bytes.NewReader(data))
		if err != nil {
			return
		}
		defer z.Close()
		got, err := io.ReadAll(z)
		gaps, tail := z.ignoredZeros()
		want, rerr := zstdFramesRef(data)
		if err != nil && !bytes.Equal(got, want) {
			t.Fatalf("failed (%v), %d bytes out; want the decoder's %d", err, len(got), len(want))
		}
		if rerr == nil && (err != nil || !bytes.Equal(got, want)) {
			t.Fatalf("the decoder reads it whole (%d bytes); zstdStream: %v, %d bytes", len(want), err, len(got))
		}
		if err == nil {
			whole, werr := zstdFramesRef(data[:len(data)-int(tail)])
			if werr != nil || !bytes.Equal(got, whole) {
				t.Fatalf("read whole (%d bytes), %d zeros ignored at the end, %d between frames; the decoder without them: %v, %d bytes", len(got), tail, gaps, werr, len(whole))
			}
		}
	})
}
