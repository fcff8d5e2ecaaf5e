package decode

import (
	"bytes"
	"io"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// FuzzGzipStream compares gzipStream with gzip.Reader, the reference,
// on any input: it gives what gzip.Reader gives of the input without the
// zeros it ends in (which it never reads, but for a member's trailer),
// it succeeds on what gzip.Reader reads whole, and what it reads whole
// is what gzip.Reader reads whole once the zeros it ignored are cut.
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
	text, _ := testRecording()
	one, small := member(text[:5000]), member("ab\n")
	f.Add(one)
	f.Add(append(bytes.Clone(one), small...))
	f.Add(append(bytes.Clone(small), make([]byte, 5)...))
	f.Add(append(bytes.Clone(one[:len(one)/2]), make([]byte, 40)...))
	f.Add(append(bytes.Clone(one), 0, 0, 1))
	f.Add(member(""))
	f.Add(append(append(bytes.Clone(one), member("")...), make([]byte, 3)...))
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
		want, _ := ref(trimmed)
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes out, want the %d gzip.Reader gives of the input without its %d zeros", len(got), len(want), len(data)-len(trimmed))
		}
		if _, rerr := ref(data); rerr == nil && (err != nil || g.zeros != 0) {
			t.Fatalf("gzip.Reader reads it whole; gzipStream: %v, %d zeros", err, g.zeros)
		}
		if err == nil {
			if _, rerr := ref(data[:len(data)-int(g.zeros)]); rerr != nil {
				t.Fatalf("read whole with %d zeros ignored, which gzip.Reader fails without: %v", g.zeros, rerr)
			}
		}
	})
}

// FuzzZstdStream compares zstdStream with the zstd decoder it wraps, on
// any input: the same text; a success where the decoder succeeds; and
// where it ignores zeros, the decoder succeeds once they are cut.
//
//	go test ./decode -run '^$' -fuzz FuzzZstdStream -fuzztime 60s
func FuzzZstdStream(f *testing.F) {
	text, _ := testRecording()
	one := zstdBytes(f, text[:5000])
	f.Add(one)
	f.Add(append(bytes.Clone(one), make([]byte, 40)...))
	f.Add(append(bytes.Clone(one[:len(one)/2]), make([]byte, 40)...))
	f.Add(append(bytes.Clone(one), 0, 0, 1))
	ref := func(data []byte) ([]byte, error) {
		zr, err := zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		return io.ReadAll(zr)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, zstdMagic) {
			return // NewReader reads other inputs as something else
		}
		z, err := newZstdStream(bytes.NewReader(data))
		if err != nil {
			return
		}
		defer z.Close()
		got, err := io.ReadAll(z)
		want, rerr := ref(data)
		if !bytes.Equal(got, want) {
			t.Fatalf("%d bytes out, want the decoder's %d", len(got), len(want))
		}
		if rerr == nil && (err != nil || z.zeros != 0) {
			t.Fatalf("the decoder reads it whole; zstdStream: %v, %d zeros", err, z.zeros)
		}
		if err == nil && rerr != nil {
			if _, rerr := ref(data[:len(data)-int(z.zeros)]); rerr != nil || z.zeros == 0 {
				t.Fatalf("read whole, %d zeros ignored, which the decoder fails without: %v", z.zeros, rerr)
			}
		}
	})
}
