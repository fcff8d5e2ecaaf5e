package decode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// loc returns a location line with the given timestamp.
func loc(t int64) string {
	return fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":2942,"x":2314,"y":-8635,"z":69}}`, t)
}

// readAll reads r to the end and describes what it delivered, one entry per
// message ("line:kind:occurred_at") and per bad line ("line:bad:sentinel").
func readAll(r *Reader) (got []string) {
	var m Message
	for r.Next(&m) {
		got = append(got, fmt.Sprintf("%d:%s:%d", r.LineNumber(), m.Kind, m.OccurredAt_ms()))
	}
	return got
}

func sentinel(err error) string {
	for _, s := range []error{ErrSyntax, ErrType, ErrMissing, ErrRange, ErrLineTooLong} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "other"
}

func badLines(r *Reader) (got []string) {
	for _, e := range r.BadLines() {
		got = append(got, fmt.Sprintf("%d:%s", e.Line, sentinel(e)))
	}
	return got
}

func TestReaderPathologies(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		max   int
		want  []string // messages
		bad   []string // bad lines
		stats RecordingStats
	}{
		{name: "empty", in: ""},
		{name: "only newlines", in: "\n\r\n\n", stats: RecordingStats{Lines: 3, Blank: 3}},
		{
			name: "LF", in: loc(1) + "\n" + loc(2) + "\n",
			want:  []string{"1:location:1", "2:location:2"},
			stats: RecordingStats{Lines: 2, Messages: 2},
		},
		{
			name: "CRLF and no final newline", in: loc(1) + "\r\n" + loc(2) + "\r\n" + loc(3),
			want:  []string{"1:location:1", "2:location:2", "3:location:3"},
			stats: RecordingStats{Lines: 3, Messages: 3},
		},
		{
			name: "last line CR without LF", in: loc(1) + "\n" + loc(2) + "\r",
			want:  []string{"1:location:1", "2:location:2"},
			stats: RecordingStats{Lines: 2, Messages: 2},
		},
		{
			name: "blank lines", in: "\n" + loc(1) + "\n  \t\r\n\n" + loc(2) + "\n\n",
			want:  []string{"2:location:1", "5:location:2"},
			stats: RecordingStats{Lines: 6, Blank: 4, Messages: 2},
		},
		{
			name:  "bad lines keep their neighbours",
			in:    loc(1) + "\n{\"type\":\"location\",\n" + loc(3) + "\n[1,2]\n" + `{"type":"location","data":{"occurred_at":5}}` + "\n" + loc(6),
			want:  []string{"1:location:1", "3:location:3", "6:location:6"},
			bad:   []string{"2:" + ErrSyntax.Error(), "4:" + ErrType.Error(), "5:" + ErrMissing.Error()},
			stats: RecordingStats{Lines: 6, Bad: 3, Messages: 3},
		},
		{
			name: "truncated last line is bad", in: loc(1) + "\n" + loc(2)[:40],
			want:  []string{"1:location:1"},
			bad:   []string{"2:" + ErrSyntax.Error()},
			stats: RecordingStats{Lines: 2, Bad: 1, Messages: 1},
		},
		{
			name: "line at the limit", in: loc(1) + "\r\n" + loc(2), max: len(loc(1)),
			want:  []string{"1:location:1", "2:location:2"},
			stats: RecordingStats{Lines: 2, Messages: 2},
		},
		{
			name: "CRLF line at the limit", in: loc(1) + "\r\n" + loc(2) + "\r\n", max: len(loc(1)),
			want:  []string{"1:location:1", "2:location:2"},
			stats: RecordingStats{Lines: 2, Messages: 2},
		},
		{
			name: "one over the limit", in: loc(1) + "\r\n" + loc(2) + "\n" + loc(3), max: len(loc(1)) - 1,
			bad:   []string{"1:" + ErrLineTooLong.Error(), "2:" + ErrLineTooLong.Error(), "3:" + ErrLineTooLong.Error()},
			stats: RecordingStats{Lines: 3, Bad: 3, TooLong: 3},
		},
		{
			name: "whitespace and CR after a location", in: loc(1) + " \n" + loc(2) + "\r\r\n" + loc(3) + "\t\r\n" + loc(4) + "x\n" + loc(5) + "\r",
			want:  []string{"1:location:1", "2:location:2", "3:location:3", "5:location:5"},
			bad:   []string{"4:" + ErrSyntax.Error()},
			stats: RecordingStats{Lines: 5, Bad: 1, Messages: 4},
		},
		{
			name: "line over the limit", in: loc(1) + "\n" + loc(22) + "\n" + loc(3) + "\n" + loc(444), max: len(loc(1)),
			want:  []string{"1:location:1", "3:location:3"},
			bad:   []string{"2:" + ErrLineTooLong.Error(), "4:" + ErrLineTooLong.Error()},
			stats: RecordingStats{Lines: 4, Bad: 2, TooLong: 2, Messages: 2},
		},
		{
			name: "line far over the limit", in: loc(1) + "\n" + strings.Repeat("x", 10000) + "\n" + loc(3) + "\n" + strings.Repeat("y", 5000), max: 150,
			want:  []string{"1:location:1", "3:location:3"},
			bad:   []string{"2:" + ErrLineTooLong.Error(), "4:" + ErrLineTooLong.Error()},
			stats: RecordingStats{Lines: 4, Bad: 2, TooLong: 2, Messages: 2},
		},
		{
			name: "byte order mark", in: "\ufeff" + loc(1) + "\n" + loc(2) + "\n",
			want:  []string{"1:location:1", "2:location:2"},
			stats: RecordingStats{Lines: 2, Messages: 2},
		},
		{name: "byte order mark alone", in: "\ufeff"},
		{
			// Two files that each had one, joined (copy /b a+b).
			name: "byte order mark at a line's start", in: "\ufeff" + loc(1) + "\r\n\ufeff" + loc(2) + "\r\n\ufeff\ufeff" + loc(3) + "\n\ufeff\r\n" + loc(5),
			want:  []string{"1:location:1", "2:location:2", "3:location:3", "5:location:5"},
			stats: RecordingStats{Lines: 5, Blank: 1, Messages: 4},
		},
		{
			name: "byte order mark inside a line is no JSON", in: loc(1) + "\n \ufeff" + loc(2) + "\n\ufeff{\"type\":\ufeff\"pong\"}\n" + loc(4),
			want:  []string{"1:location:1", "4:location:4"},
			bad:   []string{"2:" + ErrSyntax.Error(), "3:" + ErrSyntax.Error()},
			stats: RecordingStats{Lines: 4, Bad: 2, Messages: 2},
		},
		{
			// A DOS end-of-file mark (copy /a appends one).
			name: "Ctrl-Z alone at the end", in: loc(1) + "\r\n" + loc(2) + "\r\n\x1a",
			want:  []string{"1:location:1", "2:location:2"},
			stats: RecordingStats{Lines: 2, Messages: 2},
		},
		{
			name: "Ctrl-Z at the end of the last line", in: loc(1) + "\n" + loc(2) + "\x1a",
			want:  []string{"1:location:1", "2:location:2"},
			stats: RecordingStats{Lines: 2, Messages: 2},
		},
		{
			name: "Ctrl-Z after CR at the end", in: loc(1) + "\n" + loc(2) + "\r\x1a",
			want:  []string{"1:location:1", "2:location:2"},
			stats: RecordingStats{Lines: 2, Messages: 2},
		},
		{name: "Ctrl-Z alone", in: "\x1a"},
		{
			name: "Ctrl-Z not at the end is no JSON", in: loc(1) + "\x1a\n" + loc(2) + "\n\x1a\n" + loc(4) + "\x1a\x1a",
			want:  []string{"2:location:2"},
			bad:   []string{"1:" + ErrSyntax.Error(), "3:" + ErrSyntax.Error(), "4:" + ErrSyntax.Error()},
			stats: RecordingStats{Lines: 4, Bad: 3, Messages: 1},
		},
		{
			name: "other kinds", in: `{"type":"pong"}` + "\n" + `{"type":"whatever","data":{}}` + "\n" + `{"type":"marker","data":{"occurred_at":7,"type":"LIVE"}}`,
			want:  []string{"1:pong:0", "2:unknown:0", "3:marker:7"},
			stats: RecordingStats{Lines: 3, Messages: 3},
		},
	}
	for _, tt := range tests {
		for _, mode := range []string{"whole", "one byte at a time"} {
			var src io.Reader = strings.NewReader(tt.in)
			if mode != "whole" {
				src = iotest.OneByteReader(src)
			}
			r, err := NewReader(src, ReaderOptions{MaxLineBytes: tt.max})
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			got := readAll(r)
			st := r.Stats()
			st.ByKind, st.Bytes = [NumKinds]int64{}, 0
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(badLines(r), tt.bad) || st != tt.stats || r.Err() != nil {
				t.Errorf("%s (%s): input %.300q\n got  %q bad %q stats %+v err %v\n want %q bad %q stats %+v",
					tt.name, mode, tt.in, got, badLines(r), st, r.Err(), tt.want, tt.bad, tt.stats)
			}
			if r.Stats().Bytes != int64(len(tt.in)) {
				t.Errorf("%s (%s): Bytes %d, want %d", tt.name, mode, r.Stats().Bytes, len(tt.in))
			}
		}
	}
}

func TestReaderTooLongError(t *testing.T) {
	in := loc(1) + "\n" + strings.Repeat("z", 3<<20) + "\n" + loc(3) + "\n"
	r, err := NewReader(strings.NewReader(in), ReaderOptions{}) // default 1 MiB limit
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(r)
	if want := []string{"1:location:1", "3:location:3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	if len(r.BadLines()) != 1 {
		t.Fatalf("bad lines: %v", r.BadLines())
	}
	e := r.BadLines()[0]
	msg := e.Error()
	if !errors.Is(e, ErrLineTooLong) || e.Line != 2 || !strings.Contains(msg, "3145728 bytes") || !strings.Contains(msg, "1048576") {
		t.Errorf("error %q (line %d): want ErrLineTooLong on line 2 naming the length and the limit", msg, e.Line)
	}
	// The buffer never held the long line.
	if len(r.buf) > DefaultMaxLineBytes+2 {
		t.Errorf("buffer grew to %d bytes", len(r.buf))
	}
}

func TestReaderStopOnError(t *testing.T) {
	in := loc(1) + "\n\n{oops}\n" + loc(4) + "\n"
	var seen []string
	r, err := NewReader(strings.NewReader(in), ReaderOptions{StopOnError: true, OnBadLine: func(e *Error, line []byte) {
		seen = append(seen, fmt.Sprintf("%d:%s", e.Line, line))
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(r)
	if want := []string{"1:location:1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	var e *Error
	if !errors.As(r.Err(), &e) || e.Line != 3 || !errors.Is(r.Err(), ErrSyntax) {
		t.Errorf("Err() = %v, want a syntax *Error on line 3", r.Err())
	}
	if want := []string{"3:{oops}"}; !reflect.DeepEqual(seen, want) {
		t.Errorf("OnBadLine saw %q want %q", seen, want)
	}
	var m Message
	if r.Next(&m) {
		t.Error("Next after the stop returned true")
	}
}

func TestReaderKeepErrors(t *testing.T) {
	in := "x\n" + loc(2) + "\nx\nx\nx\nx\n" + loc(7)
	for _, tt := range []struct{ keep, want int }{{0, 5}, {2, 2}, {-1, 0}} {
		r, _ := NewReader(strings.NewReader(in), ReaderOptions{KeepErrors: tt.keep})
		got := readAll(r)
		if len(got) != 2 || r.Stats().Bad != 5 || len(r.BadLines()) != tt.want {
			t.Errorf("KeepErrors %d: messages %q, bad %d, kept %d (want 2, 5, %d)", tt.keep, got, r.Stats().Bad, len(r.BadLines()), tt.want)
		}
	}
}

// testRecording is 2000 lines with a bad one and a blank one. Coordinates
// are pseudo-random so that compressed files span several blocks.
func testRecording() (text string, want []string) {
	var b strings.Builder
	seed := uint32(1)
	rnd := func() int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % 20000
	}
	for i := 1; i <= 2000; i++ {
		switch i {
		case 500:
			b.WriteString("{\"type\":\n")
		case 501:
			b.WriteString("\r\n")
		default:
			fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"BALL","id":2147549498,"x":%d,"y":%d,"z":%d}}`+"\r\n",
				i, rnd()-10000, rnd()-10000, rnd()/5)
			want = append(want, fmt.Sprintf("%d:location:%d", i, i))
		}
	}
	return b.String(), want
}

func gzipBytes(t testing.TB, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zstdBytes(t testing.TB, s string) []byte {
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll([]byte(s), nil)
}

func TestOpenRecordingCompressed(t *testing.T) {
	text, want := testRecording()
	dir := t.TempDir()
	files := []struct {
		name string
		data []byte
		comp Compression
	}{
		{"plain.jsonl", []byte(text), CompressionNone},
		{"g.jsonl.gz", gzipBytes(t, text), CompressionGzip},
		{"z.jsonl.zst", zstdBytes(t, text), CompressionZstd},
		{"gzip-without-extension.jsonl", gzipBytes(t, text), CompressionGzip},
		{"zstd-without-extension", zstdBytes(t, text), CompressionZstd},
		{"two-gzip-members.jsonl.gz", append(gzipBytes(t, text[:len(text)/2]), gzipBytes(t, text[len(text)/2:])...), CompressionGzip},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := OpenRecording(p, ReaderOptions{})
		if err != nil {
			t.Errorf("%s: %v", f.name, err)
			continue
		}
		got := readAll(r)
		if r.Compression() != f.comp || !reflect.DeepEqual(got, want) || r.Err() != nil ||
			!reflect.DeepEqual(badLines(r), []string{"500:" + ErrSyntax.Error()}) || r.Stats().Blank != 1 {
			t.Errorf("%s: compression %v (want %v), %d messages (want %d), bad %q, err %v, stats %+v",
				f.name, r.Compression(), f.comp, len(got), len(want), badLines(r), r.Err(), r.Stats())
		}
		if err := r.Close(); err != nil {
			t.Errorf("%s: close: %v", f.name, err)
		}
	}
}

func TestOpenRecordingWrongExtension(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"plain.jsonl.gz", "plain.jsonl.zst", "PLAIN.JSONL.GZ", "plain.Jsonl.Zst"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(loc(1)+"\n"), 0o644)
		if r, err := OpenRecording(p, ReaderOptions{}); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got a reader %v, error %v; want an error naming the file", name, r != nil, err)
			if r != nil {
				r.Close()
			}
		}
	}
	if _, err := OpenRecording(filepath.Join(dir, "missing.jsonl"), ReaderOptions{}); err == nil {
		t.Error("missing file: want an error")
	}
}

func TestReaderTruncated(t *testing.T) {
	text, want := testRecording()
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"gzip", gzipBytes(t, text)},
		{"zstd", zstdBytes(t, text)},
	} {
		cut := tt.data[:len(tt.data)*3/4] // past the first compressed block
		r, err := NewReader(bytes.NewReader(cut), ReaderOptions{Name: "cut." + tt.name})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := readAll(r)
		// Whatever came out is a prefix of the original, except perhaps a
		// last partial line, which is counted as bad.
		if len(got) == 0 || len(got) >= len(want) || !reflect.DeepEqual(got, want[:len(got)]) {
			t.Errorf("%s truncated: %d messages, want a non-empty prefix of the %d", tt.name, len(got), len(want))
		}
		if r.Err() == nil || !strings.Contains(r.Err().Error(), "cut."+tt.name) {
			t.Errorf("%s truncated: Err() = %v, want a read error naming the input", tt.name, r.Err())
		}
		if tt.name == "gzip" && !errors.Is(r.Err(), io.ErrUnexpectedEOF) {
			t.Errorf("gzip truncated: Err() = %v, want io.ErrUnexpectedEOF", r.Err())
		}
		if !errors.Is(r.Err(), ErrTruncated) || !strings.Contains(r.Err().Error(), "(the file is truncated)") {
			t.Errorf("%s truncated: Err() = %v, want ErrTruncated", tt.name, r.Err())
		}
	}
}

// zeros is n zero bytes.
func zeros(n int) []byte { return make([]byte, n) }

// readWays are the two ways the zero-byte tests give a compressed file to
// NewReader: whole reads, and one byte at a time.
var readWays = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{"", func(r io.Reader) io.Reader { return r }},
	{" one byte at a time", iotest.OneByteReader},
}

// A file cut off while being written often ends in zero bytes (its size
// was extended, its last blocks never written). Zeros after a complete
// compressed stream are ignored, as gzip -t ignores them: the recording
// is whole. The trailer of a gzip member may end in zero bytes itself (its
// size modulo 2^32: 0x00030d.. for this one, 0x0000.... below 64 KiB),
// which the zeros after it must not be mistaken for.
func TestReaderZeroTail(t *testing.T) {
	text, want := testRecording()
	small := loc(1) + "\n" + loc(2) + "\n" // under 256 bytes: 3 of the 4 size bytes are 0
	var smallWant []string
	{
		r, _ := NewReader(strings.NewReader(small), ReaderOptions{})
		smallWant = readAll(r)
	}
	gz, zst := gzipBytes(t, text), zstdBytes(t, text)
	twoMembers := append(gzipBytes(t, text[:len(text)/2]), gzipBytes(t, text[len(text)/2:])...)
	for _, tt := range []struct {
		name  string
		data  []byte
		zeros int
		want  []string
	}{
		{"gzip 1", gz, 1, want},
		{"gzip 4096", gz, 4096, want},
		{"gzip 300000", gz, 300000, want}, // more than a read
		{"gzip small 1", gzipBytes(t, small), 1, smallWant},
		{"gzip small 2", gzipBytes(t, small), 2, smallWant},
		{"gzip two members", twoMembers, 4096, want},
		// An empty member (03 00, then a trailer of zeros) ends in 10
		// zero bytes of its own.
		{"gzip, empty member", append(bytes.Clone(gz), gzipBytes(t, "")...), 100, want},
		{"zstd 1", zst, 1, want}, // fewer zeros than a frame's magic
		{"zstd 3", zst, 3, want},
		{"zstd small 2", zstdBytes(t, small), 2, smallWant},
		{"zstd 4", zst, 4, want},
		{"zstd 4096", zst, 4096, want},
		{"zstd 300000", zst, 300000, want},
	} {
		for _, src := range readWays {
			name := tt.name + src.name
			if src.name != "" && tt.zeros > 4096 {
				continue
			}
			in := append(bytes.Clone(tt.data), zeros(tt.zeros)...)
			r, err := NewReader(src.wrap(bytes.NewReader(in)), ReaderOptions{Name: name})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := readAll(r)
			if !reflect.DeepEqual(got, tt.want) || r.Err() != nil || r.ZeroTail() != int64(tt.zeros) {
				t.Errorf("%s: %d messages (want %d), err %v, zero tail %d (want %d)", name, len(got), len(tt.want), r.Err(), r.ZeroTail(), tt.zeros)
			}
			if note := r.ZeroTailNote(); !strings.Contains(note, fmt.Sprintf("ends in %d zero byte", tt.zeros)) {
				t.Errorf("%s: note %q", name, note)
			}
		}
	}
	// Without zeros, nothing is said.
	for _, data := range [][]byte{gz, append(bytes.Clone(gz), gzipBytes(t, "")...)} {
		r, _ := NewReader(bytes.NewReader(data), ReaderOptions{})
		if got := readAll(r); !reflect.DeepEqual(got, want) || r.Err() != nil || r.ZeroTail() != 0 || r.ZeroTailNote() != "" {
			t.Errorf("no zeros: %d messages, err %v, zero tail %d, note %q", len(got), r.Err(), r.ZeroTail(), r.ZeroTailNote())
		}
	}
}

// A compressed stream that breaks where the rest of the file is zero
// bytes is a file cut short: the same lines are delivered as without the
// zeros (not one line of text the decompressor made of them), and Err
// wraps ErrTruncated, saying the file ends in zeros.
// A zstd stream may begin with a skippable frame (RFC 8878 section
// 3.1.2; zstd -t accepts it): it is zstd, and a .zst so made is no file
// misnamed. It was read as text, and OpenRecording refused the .zst.
func TestReaderZstdSkippableFirst(t *testing.T) {
	text, want := testRecording()
	skippable := []byte{0x5e, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'a', 'b', 'c'}
	data := append(bytes.Clone(skippable), zstdBytes(t, text)...)
	r, err := NewReader(bytes.NewReader(data), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(r); r.Compression() != CompressionZstd || r.Err() != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("compression %v, err %v, %d messages (want zstd, none, %d)", r.Compression(), r.Err(), len(got), len(want))
	}
	r.Close()
	path := filepath.Join(t.TempDir(), "skip.jsonl.zst")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = OpenRecording(path, ReaderOptions{})
	if err != nil {
		t.Fatalf("OpenRecording: %v", err)
	}
	defer r.Close()
	if got := readAll(r); r.Err() != nil || len(got) != len(want) {
		t.Errorf("OpenRecording: err %v, %d messages, want %d", r.Err(), len(got), len(want))
	}
}

func TestReaderZeroTailTruncated(t *testing.T) {
	text, _ := testRecording()
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"gzip", gzipBytes(t, text)},
		{"zstd", zstdBytes(t, text)},
	} {
		for _, frac := range []int{2, 3, 4} {
			cut := tt.data[:len(tt.data)*(frac-1)/frac]
			r, _ := NewReader(bytes.NewReader(cut), ReaderOptions{})
			want, wantStats := readAll(r), r.Stats()
			for _, n := range []int{1, 64, 4096, 100000} {
				name := fmt.Sprintf("%s cut at %d/%d, %d zeros", tt.name, frac-1, frac, n)
				in := append(bytes.Clone(cut), zeros(n)...)
				r, err := NewReader(bytes.NewReader(in), ReaderOptions{Name: "x"})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				got := readAll(r)
				if !reflect.DeepEqual(got, want) || r.Stats().Bad != wantStats.Bad || r.Stats().Blank != wantStats.Blank {
					t.Errorf("%s: %d messages, %d bad, %d blank; want %d, %d, %d as without the zeros", name,
						len(got), r.Stats().Bad, r.Stats().Blank, len(want), wantStats.Bad, wantStats.Blank)
				}
				err = r.Err()
				if !errors.Is(err, ErrTruncated) || !strings.Contains(fmt.Sprint(err), fmt.Sprintf("the file is truncated: its %s stream breaks where the file ends in %s", tt.name, zeroBytes(int64(n)))) {
					t.Errorf("%s: Err() = %v, want the truncation, saying the file ends in zeros", name, err)
				}
				if r.ZeroTail() != 0 {
					t.Errorf("%s: ZeroTail %d after a truncation", name, r.ZeroTail())
				}
			}
		}
	}
}

// A file cut inside a stream's checksum (a gzip member's CRC-32 and size,
// a zstd frame's content checksum), the rest of it zeros, is cut short
// there too: the zeros read as the checksum are not a checksum that
// fails. Each cut in the last 12 bytes reads as the same cut without the
// zeros (a prefix of the lines, ErrTruncated), or whole where the bytes
// the zeros stand for were zeros.
func TestReaderZeroTailInChecksum(t *testing.T) {
	text, want := testRecording()
	small := loc(1) + "\n" + loc(2) + "\n"
	var smallWant []string
	{
		r, _ := NewReader(strings.NewReader(small), ReaderOptions{})
		smallWant = readAll(r)
	}
	for _, tt := range []struct {
		name string
		data []byte
		want []string
	}{
		{"gzip", gzipBytes(t, text), want},
		{"gzip small", gzipBytes(t, small), smallWant}, // its size is 3 zero bytes
		{"zstd", zstdBytes(t, text), want},
		{"zstd small", zstdBytes(t, small), smallWant},
	} {
		for back := 1; back <= 12; back++ {
			cut := tt.data[:len(tt.data)-back]
			whole := bytes.Count(tt.data[len(cut):], []byte{0}) == back
			for _, n := range []int{back, 4096} {
				name := fmt.Sprintf("%s cut %d bytes from its end, %d zeros", tt.name, back, n)
				r, err := NewReader(bytes.NewReader(append(bytes.Clone(cut), zeros(n)...)), ReaderOptions{Name: "x"})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				got := readAll(r)
				if whole {
					if !reflect.DeepEqual(got, tt.want) || r.Err() != nil {
						t.Errorf("%s: %d messages (want %d), err %v; want it read whole", name, len(got), len(tt.want), r.Err())
					}
					continue
				}
				if len(got) > len(tt.want) || len(got) > 0 && !reflect.DeepEqual(got, tt.want[:len(got)]) {
					t.Errorf("%s: %d messages, want a prefix of the %d", name, len(got), len(tt.want))
				}
				tail := n + len(cut) - len(bytes.TrimRight(cut, "\x00")) // the cut may end in zeros
				if err := r.Err(); !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "where the file ends in "+zeroBytes(int64(tail))) {
					t.Errorf("%s: Err() = %v, want the truncation, saying the file ends in zeros", name, err)
				}
			}
		}
	}
}

// Zero bytes between the members of a gzip file or the frames of a zstd
// file (a log rotated by a tool that pads with zeros; two files
// concatenated, the first preallocated) are skipped, as gzip -t skips
// those the file ends in: the stream goes on with the member or frame
// after them, and ZeroGaps counts them (ZeroTail the ones at the end).
func TestReaderZeroGaps(t *testing.T) {
	text, want := testRecording()
	half := len(text) / 2
	small := loc(1) + "\n" + loc(2) + "\n" // its gzip size is 3 zero bytes of 4
	var smallWant []string
	{
		r, _ := NewReader(strings.NewReader(small+small), ReaderOptions{})
		smallWant = readAll(r)
	}
	type part struct {
		data  []byte
		zeros int // after data
	}
	cat := func(parts ...part) (in []byte, gaps, tail int) {
		for i, p := range parts {
			in = append(append(in, p.data...), zeros(p.zeros)...)
			if i < len(parts)-1 {
				gaps += p.zeros
			} else {
				tail = p.zeros
			}
		}
		return in, gaps, tail
	}
	for _, tt := range []struct {
		name  string
		parts []part
		want  []string
	}{
		{"gzip 1", []part{{gzipBytes(t, text[:half]), 1}, {gzipBytes(t, text[half:]), 0}}, want},
		{"gzip 3", []part{{gzipBytes(t, text[:half]), 3}, {gzipBytes(t, text[half:]), 0}}, want},
		{"gzip 4096", []part{{gzipBytes(t, text[:half]), 4096}, {gzipBytes(t, text[half:]), 0}}, want},
		{"gzip 100000", []part{{gzipBytes(t, text[:half]), 100000}, {gzipBytes(t, text[half:]), 0}}, want}, // more than a buffer
		{"gzip 4096, zero tail", []part{{gzipBytes(t, text[:half]), 4096}, {gzipBytes(t, text[half:]), 512}}, want},
		{"gzip three members", []part{{gzipBytes(t, text[:100]), 10}, {gzipBytes(t, text[100:half]), 20}, {gzipBytes(t, text[half:]), 0}}, want},
		{"gzip small", []part{{gzipBytes(t, small), 7}, {gzipBytes(t, small), 0}}, smallWant},
		{"gzip small, zero tail", []part{{gzipBytes(t, small), 7}, {gzipBytes(t, small), 2}}, smallWant},
		{"gzip, empty member", []part{{gzipBytes(t, text), 100}, {gzipBytes(t, ""), 0}}, want},
		{"gzip, empty member, zero tail", []part{{gzipBytes(t, text), 100}, {gzipBytes(t, ""), 30}}, want},
		{"zstd 1", []part{{zstdBytes(t, text[:half]), 1}, {zstdBytes(t, text[half:]), 0}}, want},
		{"zstd 3", []part{{zstdBytes(t, text[:half]), 3}, {zstdBytes(t, text[half:]), 0}}, want},
		{"zstd 4096", []part{{zstdBytes(t, text[:half]), 4096}, {zstdBytes(t, text[half:]), 0}}, want},
		{"zstd 100000", []part{{zstdBytes(t, text[:half]), 100000}, {zstdBytes(t, text[half:]), 0}}, want},
		{"zstd 4096, zero tail", []part{{zstdBytes(t, text[:half]), 4096}, {zstdBytes(t, text[half:]), 512}}, want},
		{"zstd small", []part{{zstdBytes(t, small), 7}, {zstdBytes(t, small), 0}}, smallWant},
		{"zstd, empty frame", []part{{zstdBytes(t, text), 100}, {zstdBytes(t, ""), 30}}, want},
	} {
		in, gaps, tail := cat(tt.parts...)
		for _, src := range readWays {
			name := tt.name + src.name
			r, err := NewReader(src.wrap(bytes.NewReader(in)), ReaderOptions{Name: name})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := readAll(r)
			if !reflect.DeepEqual(got, tt.want) || r.Err() != nil || r.ZeroGaps() != int64(gaps) || r.ZeroTail() != int64(tail) {
				t.Errorf("%s: %d messages (want %d), err %v, zero gaps %d (want %d), zero tail %d (want %d)",
					name, len(got), len(tt.want), r.Err(), r.ZeroGaps(), gaps, r.ZeroTail(), tail)
			}
			note := r.ZeroTailNote()
			if !strings.Contains(note, fmt.Sprintf("%s between its", zeroBytes(int64(gaps)))) ||
				(tail > 0) != strings.Contains(note, fmt.Sprintf("ends in %s", zeroBytes(int64(tail)))) {
				t.Errorf("%s: note %q", name, note)
			}
		}
	}
}

// A file whose members or frames have zeros between them, cut short
// after them, counts the zeros skipped before the break: they were
// skipped all the same (inspect reported none).
func TestReaderZeroGapsThenCut(t *testing.T) {
	text, _ := testRecording()
	half := len(text) / 2
	for _, c := range []struct {
		name string
		comp func(testing.TB, string) []byte
	}{{"gzip", gzipBytes}, {"zstd", zstdBytes}} {
		second := c.comp(t, text[half:])
		in := bytes.Join([][]byte{c.comp(t, text[:half]), zeros(64), second[:len(second)/2]}, nil)
		r, err := NewReader(bytes.NewReader(in), ReaderOptions{Name: c.name})
		if err != nil {
			t.Fatal(err)
		}
		readAll(r)
		if !errors.Is(r.Err(), ErrTruncated) || r.ZeroGaps() != 64 || r.ZeroTail() != 0 {
			t.Errorf("%s: err %v, zero gaps %d, zero tail %d; want the truncation, 64 and 0", c.name, r.Err(), r.ZeroGaps(), r.ZeroTail())
		}
	}
}

// Data that is not zero after a complete member or frame, with zeros
// before it or not, is no stream the reader knows: the reading fails
// there, saying at which byte of the file, after what.
func TestReaderDataAfterStream(t *testing.T) {
	text, want := testRecording()
	gz, zst := gzipBytes(t, text), zstdBytes(t, text)
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	for _, tt := range []struct {
		name   string
		data   []byte
		sent   error
		detail string
	}{
		{"gzip, data", cat(gz, []byte("junk")), gzip.ErrHeader, fmt.Sprintf("at byte %d of the file, after a complete gzip member", len(gz))},
		{"gzip, zeros, data", cat(gz, zeros(100), []byte("junk"), zeros(100)), gzip.ErrHeader, fmt.Sprintf("at byte %d of the file, after 100 zero bytes that follow a complete gzip member", len(gz)+100)},
		{"gzip, zeros, data, one byte at a time", cat(gz, zeros(70000), []byte{1}), gzip.ErrHeader, fmt.Sprintf("at byte %d of the file, after 70000 zero bytes", len(gz)+70000)},
		{"zstd, data", cat(zst, []byte("junk")), zstd.ErrMagicMismatch, fmt.Sprintf("at byte %d of the file, after a complete zstd frame", len(zst))},
		{"zstd, zeros, data", cat(zst, zeros(100), []byte("junk"), zeros(100)), zstd.ErrMagicMismatch, fmt.Sprintf("at byte %d of the file, after 100 zero bytes that follow a complete zstd frame", len(zst)+100)},
		{"zstd, zeros, data, one byte at a time", cat(zst, zeros(70000), []byte{1}), zstd.ErrMagicMismatch, fmt.Sprintf("at byte %d of the file, after 70000 zero bytes", len(zst)+70000)},
	} {
		var src io.Reader = bytes.NewReader(tt.data)
		if strings.HasSuffix(tt.name, "one byte at a time") {
			src = iotest.OneByteReader(src)
		}
		r, err := NewReader(src, ReaderOptions{Name: "x"})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := readAll(r)
		err = r.Err()
		if !reflect.DeepEqual(got, want) || !errors.Is(err, tt.sent) || errors.Is(err, ErrTruncated) || !strings.Contains(fmt.Sprint(err), tt.detail) {
			t.Errorf("%s: %d messages (want %d), Err() = %v; want %v, %q", tt.name, len(got), len(want), err, tt.sent, tt.detail)
		}
	}
}

// A zstd frame declaring a window beyond the zstd CLI's default limit
// (--long=29: 512 MiB) made the decoder hold that much per input, for a
// file of a few KB; it fails, saying which limit and how to read it.
// The frames here are headers and an empty last block: nothing of the
// windows they declare is allocated.
func TestReaderZstdWindowLimit(t *testing.T) {
	text, want := testRecording()
	zst := zstdBytes(t, text)
	emptyLast := []byte{1, 0, 0} // the last block, raw, empty
	frame := func(header ...byte) []byte {
		return append(append([]byte{0x28, 0xb5, 0x2f, 0xfd}, header...), emptyLast...)
	}
	windowLog := func(log byte) []byte { return frame(0x00, (log-10)<<3) } // Window_Descriptor, no content size
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	for _, tt := range []struct {
		name  string
		data  []byte
		words []string // "" for no error
	}{
		{"--long=29 after a frame", cat(zst, windowLog(29)), []string{
			fmt.Sprintf("zstd frame at byte %d of the file needs a 512 MiB window", len(zst)),
			"more than stmotion's limit of 128 MiB", "the zstd CLI's default", "--long=29", "--memory=512MB"}},
		{"--long=28 first", windowLog(28), []string{"at byte 0 of the file needs a 256 MiB window", "--long=28"}},
		{"1.125 × 2^27", frame(0x00, 17<<3|1), []string{"needs a 144 MiB window", "--long=28", "--memory=144MB"}},
		{"single segment of 200 MiB", frame(0xa0, 0x00, 0x00, 0x80, 0x0c), []string{"needs a 200 MiB window"}}, // Frame_Content_Size 0x0c800000
		{"--long=27 is fine", cat(zst, windowLog(27)), nil},
	} {
		for _, way := range readWays {
			r, err := NewReader(way.wrap(bytes.NewReader(tt.data)), ReaderOptions{Name: "x.jsonl.zst"})
			if err != nil {
				t.Fatalf("%s%s: %v", tt.name, way.name, err)
			}
			got := readAll(r)
			err = r.Err()
			r.Close()
			if tt.words == nil {
				if err != nil || len(got) != len(want) {
					t.Errorf("%s%s: err %v, %d messages, want none, %d", tt.name, way.name, err, len(got), len(want))
				}
				continue
			}
			if !errors.Is(err, ErrZstdWindow) || errors.Is(err, ErrTruncated) {
				t.Errorf("%s%s: Err() = %v, want ErrZstdWindow", tt.name, way.name, err)
				continue
			}
			if bytes.HasPrefix(tt.data, zst) && !reflect.DeepEqual(got, want) {
				t.Errorf("%s%s: %d messages before the frame, want %d", tt.name, way.name, len(got), len(want))
			}
			for _, w := range tt.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s%s: message %q lacks %q", tt.name, way.name, err, w)
				}
			}
		}
	}
}

// Zeros do not excuse anything else: a corrupt stream, or data that is
// not zero after a complete one, still fails, with zeros after it or not.
func TestReaderZeroTailCorrupt(t *testing.T) {
	text, _ := testRecording()
	gz, zst := gzipBytes(t, text), zstdBytes(t, text)
	corrupt := func(b []byte) []byte {
		b = bytes.Clone(b)
		for i := len(b) / 3; i < len(b)/3+64; i++ {
			b[i] ^= 0x5a
		}
		return b
	}
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	// A checksum that fails in bytes the file has (not zeros of its end).
	wrongSum := func(b []byte, i int) []byte {
		b = bytes.Clone(b)
		b[i] = ^b[i] | 1
		return b
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"gzip corrupt", corrupt(gz)},
		{"gzip corrupt, zeros", cat(corrupt(gz), zeros(4096))},
		{"gzip, zeros, data", cat(gz, zeros(100), []byte("junk"), zeros(100))},
		{"gzip, data", cat(gz, []byte("junk"))},
		{"gzip, CRC-32 wrong, zeros", cat(wrongSum(gz, len(gz)-8), zeros(4096))},
		{"gzip cut in its trailer, CRC-32 wrong, zeros", cat(wrongSum(gz, len(gz)-8)[:len(gz)-3], zeros(4096))},
		{"zstd corrupt", corrupt(zst)},
		{"zstd, checksum wrong, zeros", cat(wrongSum(zst, len(zst)-1), zeros(4096))},
		{"zstd corrupt, zeros", cat(corrupt(zst), zeros(4096))},
		{"zstd, zeros, data", cat(zst, zeros(100), []byte("junk"), zeros(100))},
		{"zstd, data", cat(zst, []byte("junk"))},
	} {
		r, err := NewReader(bytes.NewReader(tt.data), ReaderOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		readAll(r)
		if err := r.Err(); err == nil || errors.Is(err, ErrTruncated) || r.ZeroTail() != 0 {
			t.Errorf("%s: Err() = %v, zero tail %d; want a failure, not a truncation", tt.name, err, r.ZeroTail())
		}
	}
}

// rawInput gives the bytes of its source in order, zeros inside included,
// whatever the reads; with hold, without the zeros it ends in.
func TestRawInput(t *testing.T) {
	in := bytes.Join([][]byte{{0, 0, 1, 2, 0, 3}, zeros(70000), {4, 0, 5, 0, 0}, zeros(10)}, nil)
	for _, hold := range []bool{false, true} {
		for _, wrap := range []func(io.Reader) io.Reader{
			func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.HalfReader, iotest.DataErrReader,
		} {
			z := &rawInput{src: wrap(bytes.NewReader(in)), hold: hold}
			got, err := io.ReadAll(z)
			want := in
			if hold {
				want = in[:len(in)-12]
			}
			if err != nil || !bytes.Equal(got, want) || z.n != int64(len(in)) || z.zeroTail() != 12 || hold && z.held != 12 {
				t.Errorf("hold %v: got %d bytes (want %d), err %v, n %d, zero tail %d, held %d", hold, len(got), len(want), err, z.n, z.zeroTail(), z.held)
			}
		}
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReaderIOError(t *testing.T) {
	boom := errors.New("disk on fire")
	r, _ := NewReader(&failingReader{data: []byte(loc(1) + "\n" + loc(2) + "\n" + loc(3)[:20]), err: boom}, ReaderOptions{})
	got := readAll(r)
	if want := []string{"1:location:1", "2:location:2"}; !reflect.DeepEqual(got, want) || !errors.Is(r.Err(), boom) || r.Stats().Bad != 1 {
		t.Errorf("got %q err %v bad %d; want %q, the I/O error, 1 bad partial line", got, r.Err(), r.Stats().Bad, want)
	}
}

func TestReaderNextLine(t *testing.T) {
	in := "a\n\n" + strings.Repeat("b", 300) + "\r\nc\r\n"
	r, _ := NewReader(strings.NewReader(in), ReaderOptions{MaxLineBytes: 100})
	var got []string
	for r.NextLine() {
		got = append(got, fmt.Sprintf("%d:%s", r.LineNumber(), r.Line()))
	}
	if want := []string{"1:a", "4:c"}; !reflect.DeepEqual(got, want) || r.Stats().TooLong != 1 {
		t.Errorf("got %q (too long %d), want %q and 1 too long", got, r.Stats().TooLong, want)
	}
	// Byte order marks that start lines, and a Ctrl-Z that ends the
	// text, are left out of the lines, as Next leaves them out.
	r, _ = NewReader(strings.NewReader("\ufeffa\r\n\ufeffb\r\n\ufeff\r\nc\x1a"), ReaderOptions{})
	got = nil
	for r.NextLine() {
		got = append(got, fmt.Sprintf("%d:%s", r.LineNumber(), r.Line()))
	}
	if want := []string{"1:a", "2:b", "4:c"}; !reflect.DeepEqual(got, want) || r.Stats().Blank != 1 {
		t.Errorf("with marks: got %q (blank %d), want %q and 1 blank", got, r.Stats().Blank, want)
	}
}

// repeatReader repeats data forever.
type repeatReader struct {
	data []byte
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.data[r.off:])
		n += c
		r.off = (r.off + c) % len(r.data)
	}
	return n, nil
}

func TestReaderZeroAllocs(t *testing.T) {
	var block strings.Builder
	for i := range 1000 {
		block.WriteString(loc(int64(i)) + "\n")
		if i%100 == 0 {
			block.WriteString(`{"type":"stats","data":{"occurred_at":1,"team_id":461,"player_id":123,"stats":{"FGA":4.0,"DIST":12.5},"classification":"TWO_POINT_MAKE","version":3}}` + "\r\n\n")
		}
	}
	text := block.String()
	sources := []struct {
		name string
		src  func() io.Reader
	}{
		{"plain", func() io.Reader { return &repeatReader{data: []byte(text)} }},
		{"gzip", func() io.Reader {
			// Many gzip members back to back: a long stream in little memory.
			return &repeatReader{data: gzipBytes(t, text)}
		}},
		{"zstd", func() io.Reader { return &repeatReader{data: zstdBytes(t, text)} }},
	}
	for _, s := range sources {
		r, err := NewReader(s.src(), ReaderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var m Message
		for range 5000 { // warm up: buffers at their size
			r.Next(&m)
		}
		allocs := testing.AllocsPerRun(20000, func() {
			if !r.Next(&m) {
				t.Fatalf("%s: reader ended: %v", s.name, r.Err())
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per line, want 0", s.name, allocs)
		}
	}
}

func ExampleNewReader() {
	recording := `{"type":"marker","data":{"occurred_at":1478800197300,"type":"PLAY_START"}}
{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":123,"x":123,"y":456,"z":789}}
{"type":"location","data":{"occurred_at":147880019
{"type":"location","data":{"occurred_at":1478800197342,"type":"BALL","id":2147549498,"x":-10,"y":20,"z":3050}}
`
	r, err := NewReader(strings.NewReader(recording), ReaderOptions{})
	if err != nil {
		panic(err)
	}
	defer r.Close()
	var m Message
	for r.Next(&m) {
		switch m.Kind {
		case KindMarker:
			fmt.Printf("line %d: marker %s\n", r.LineNumber(), m.Marker.Type)
		case KindLocation:
			l := &m.Location
			fmt.Printf("line %d: %s %d at (%d, %d, %d) mm\n", r.LineNumber(), l.Sensor, l.ID, l.X_mm, l.Y_mm, l.Z_mm)
		}
	}
	if err := r.Err(); err != nil {
		panic(err)
	}
	for _, e := range r.BadLines() {
		fmt.Printf("bad line %d, syntax error: %v\n", e.Line, errors.Is(e, ErrSyntax))
	}
	st := r.Stats()
	fmt.Printf("%d lines, %d messages, %d bad\n", st.Lines, st.Messages, st.Bad)
	// Output:
	// line 1: marker PLAY_START
	// line 2: PLAYER 123 at (123, 456, 789) mm
	// line 4: BALL 2147549498 at (-10, 20, 3050) mm
	// bad line 3, syntax error: true
	// 4 lines, 3 messages, 1 bad
}

// FuzzReader checks the Reader against a reference that splits the input
// with bytes.Split and decodes each line: same messages, same bad lines.
//
//	go test ./decode -run '^$' -fuzz FuzzReader -fuzztime 30s
func FuzzReader(f *testing.F) {
	f.Add([]byte(loc(1)+"\r\n\n{x\n"+loc(2)), 40)
	f.Add([]byte("\n\n"+loc(1)), 200)
	f.Add([]byte(`{"type":"pong"}`+"\r"), 1)
	// Compressed: zeros between members or frames, and after.
	two := loc(1) + "\n" + loc(2) + "\n"
	f.Add(bytes.Join([][]byte{gzipBytes(f, two), zeros(5), gzipBytes(f, two), zeros(2)}, nil), 200)
	f.Add(bytes.Join([][]byte{zstdBytes(f, two), zeros(2), zstdBytes(f, two), zeros(3)}, nil), 200)
	// UTF-16 text, a zip archive: refused at the start.
	f.Add(utf16Bytes(loc(1)+"\n", false, true), 100)
	f.Add([]byte("{\x00\"\x00"), 1)
	f.Add([]byte("PK\x03\x04"+loc(1)), 200)
	// Byte order marks at lines' starts, a Ctrl-Z at the end.
	f.Add([]byte("\ufeff"+loc(1)+"\r\n\ufeff"+loc(2)+"\r\n\ufeff\r\n\x1a"), 200)
	f.Add([]byte(loc(1)+"\r\x1a"), len(loc(1)))
	f.Fuzz(func(t *testing.T, in []byte, maxLine int) {
		maxLine = 1 + int(uint(maxLine)%300)
		k := sniffStart(in)
		compressed := k == startGzip || k == startZstd
		// The text's start is told from what a buffer of MaxLineBytes+2
		// holds, of the 4 bytes looked at.
		k = sniffStart(in[:min(len(in), maxLine+2)])
		notText := !compressed && k != startText && k != startUTF8BOM
		r, err := NewReader(bytes.NewReader(in), ReaderOptions{MaxLineBytes: maxLine, KeepErrors: -1})
		switch {
		case err != nil && compressed:
			return // not a valid stream header
		case err != nil && notText && errors.Is(err, ErrNotText):
			return // UTF-16 text, a zip archive: said at once
		case err != nil:
			t.Fatalf("input %q: NewReader: %v", in, err)
		}
		if r.Compression() != CompressionNone {
			readAll(r) // must not panic; content is the decompressor's business
			return
		}
		got := readAll(r)
		if notText {
			// Said at the first read when the buffer is too small to
			// hold the first 4 bytes at once (MaxLineBytes under 2).
			if len(got) != 0 || !errors.Is(r.Err(), ErrNotText) || r.Stats().Lines != 0 {
				t.Errorf("input %q max %d: %q, %+v, err %v; want nothing read, ErrNotText", in, maxLine, got, r.Stats(), r.Err())
			}
			return
		}
		var want []string
		var d Decoder
		var m Message
		var bad, blank int64
		lines := bytes.Split(bytes.TrimPrefix(in, utf8BOM), []byte("\n"))
		unended := len(in) > 0 && in[len(in)-1] != '\n' // the last line
		if !unended {
			lines = lines[:len(lines)-1]
		}
		for i, line := range lines {
			if unended && i == len(lines)-1 && len(line) <= maxLine+1 { // else too long whatever it holds
				// A Ctrl-Z that ends the text is no part of it.
				if line = bytes.TrimSuffix(line, []byte{dosEOF}); len(line) == 0 {
					lines = lines[:i]
					break
				}
			}
			line = bytes.TrimSuffix(line, []byte("\r"))
			if len(line) > maxLine {
				bad++
				continue
			}
			if d.Decode(line, &m) != nil {
				line = trimBOMs(line) // (a line that decodes starts with none)
			}
			switch {
			case isBlank(line):
				blank++
			case d.Decode(line, &m) != nil:
				bad++
			default:
				want = append(want, fmt.Sprintf("%d:%s:%d", i+1, m.Kind, m.OccurredAt_ms()))
			}
		}
		st := r.Stats()
		if !reflect.DeepEqual(got, want) || st.Bad != bad || st.Blank != blank || st.Lines != int64(len(lines)) || r.Err() != nil {
			t.Errorf("input %q max %d:\n got  %q bad %d blank %d lines %d err %v\n want %q bad %d blank %d lines %d",
				in, maxLine, got, st.Bad, st.Blank, st.Lines, r.Err(), want, bad, blank, len(lines))
		}
	})
}

// BenchmarkReader measures reading a recording with Next (line splitting,
// decompression and decoding), one op per message, against plain decoding
// of the same lines as the baseline in the same run.
//
//	go test ./decode -run '^$' -bench Reader -cpuprofile /tmp/cpu.out && go tool pprof -top /tmp/cpu.out
func BenchmarkReader(b *testing.B) {
	all, _ := testRecording()
	var lines [][]byte
	var d Decoder
	var m Message
	for _, l := range strings.Split(all, "\r\n") {
		if d.Decode([]byte(l), &m) == nil {
			lines = append(lines, []byte(l))
		}
	}
	text := string(bytes.Join(lines, []byte("\n"))) + "\n"
	avg := int64(len(text) / len(lines))
	b.Run("decode-only", func(b *testing.B) {
		b.SetBytes(avg)
		b.ReportAllocs()
		j := 0
		for b.Loop() {
			d.Decode(lines[j], &m)
			if j++; j == len(lines) {
				j = 0
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	for _, src := range []struct {
		name string
		data []byte
	}{
		{"plain", []byte(text)},
		{"gzip", gzipBytes(b, text)},
		{"zstd", zstdBytes(b, text)},
	} {
		b.Run(src.name, func(b *testing.B) {
			r, err := NewReader(&repeatReader{data: src.data}, ReaderOptions{KeepErrors: -1})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(avg)
			b.ReportAllocs()
			for b.Loop() {
				if !r.Next(&m) {
					b.Fatal(r.Err())
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
	// A file of about 32 MB (in the page cache after the first pass) read
	// with OpenRecording, as analyze reads its inputs: the read system
	// calls and their copies are counted, in CPU time of the process.
	b.Run("file", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "game.jsonl")
		reps := max(1, (32<<20)/len(text))
		if err := os.WriteFile(path, []byte(strings.Repeat(text, reps)), 0o644); err != nil {
			b.Fatal(err)
		}
		var r *Reader
		b.SetBytes(avg)
		b.ReportAllocs()
		cpu0 := cpuTime_ns()
		for b.Loop() {
			if r == nil || !r.Next(&m) {
				if r != nil {
					if err := r.Err(); err != nil {
						b.Fatal(err)
					}
					r.Close()
				}
				var err error
				if r, err = OpenRecording(path, ReaderOptions{KeepErrors: -1}); err != nil {
					b.Fatal(err)
				}
				if !r.Next(&m) {
					b.Fatal(r.Err())
				}
			}
		}
		b.ReportMetric(float64(cpuTime_ns()-cpu0)/float64(b.N), "cpu-ns/msg")
		r.Close()
	})
}

// Unended tells the input's last line without a line end: after a
// truncation, the part of a line the break cut off.
func TestReaderUnended(t *testing.T) {
	text, _ := testRecording()
	gz := gzipBytes(t, text)
	for _, tt := range []struct {
		name string
		in   []byte
		want bool
	}{
		{"plain", []byte(loc(1) + "\n" + loc(2) + "\n"), false},
		{"plain, no line end", []byte(loc(1) + "\n" + loc(2)), true},
		{"plain, too long, no line end", []byte(loc(1) + "\n" + strings.Repeat("x", 200)), true},
		{"gzip", gz, false},
		{"gzip cut short", gz[:len(gz)/2], true},
	} {
		r, err := NewReader(bytes.NewReader(tt.in), ReaderOptions{MaxLineBytes: 150})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for r.NextLine() {
		}
		if r.Unended() != tt.want {
			t.Errorf("%s: Unended() = %v, want %v", tt.name, r.Unended(), tt.want)
		}
	}
}
