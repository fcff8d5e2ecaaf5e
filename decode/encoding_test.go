package decode

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16Bytes encodes s as UTF-16, little- or big-endian, with or without
// a byte order mark.
func utf16Bytes(s string, bigEndian, mark bool) []byte {
	u := utf16.Encode([]rune(s))
	if mark {
		u = append([]uint16{0xFEFF}, u...)
	}
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		if bigEndian {
			b = append(b, byte(c>>8), byte(c))
		} else {
			b = append(b, byte(c), byte(c>>8))
		}
	}
	return b
}

// zipBytes is a zip archive holding one file, name, with text.
func zipBytes(t testing.TB, name, text string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A recording in UTF-16 (Notepad's "Unicode", PowerShell 5's >) or in a
// zip archive is refused at its start with an error that says what it is
// and how to make it readable, whether the file is plain or compressed,
// rather than read as lines of escaped bytes, every one bad.
func TestReaderNotText(t *testing.T) {
	t.Chdir(t.TempDir()) // the files by their names, as the commands the errors suggest name them
	text, _ := testRecording()
	for _, c := range []struct {
		name string
		in   []byte
		want []string // in the error
	}{
		{"utf16le.jsonl", utf16Bytes(text, false, true), []string{"UTF-16 text (little-endian, with a byte order mark", "iconv -f UTF-16 -t UTF-8 utf16le.jsonl > utf16le-utf8.jsonl"}},
		{"utf16be.jsonl", utf16Bytes(text, true, true), []string{"UTF-16 text (big-endian, with a byte order mark", "iconv -f UTF-16 -t UTF-8"}},
		{"bare le.jsonl", utf16Bytes(text, false, false), []string{"little-endian, without a byte order mark", "iconv -f UTF-16LE -t UTF-8 'bare le.jsonl' > 'bare le-utf8.jsonl'"}},
		{"bare-be.jsonl", utf16Bytes(text, true, false), []string{"big-endian, without a byte order mark", "iconv -f UTF-16BE"}},
		{"game.zip", zipBytes(t, "messages.jsonl", text), []string{"it is a zip archive", "unzip game.zip"}},
		{"u.jsonl.gz", gzipBytes(t, string(utf16Bytes(text, false, true))), []string{"its gzip stream holds UTF-16 text", "gzip -dc u.jsonl.gz | iconv -f UTF-16 -t UTF-8 > u-utf8.jsonl"}},
		{"u.jsonl.zst", zstdBytes(t, string(utf16Bytes(text, false, false))), []string{"its zstd stream holds UTF-16 text", "zstd -dc u.jsonl.zst | iconv -f UTF-16LE"}},
		{"z.jsonl.gz", gzipBytes(t, string(zipBytes(t, "m.jsonl", text))), []string{"its gzip stream holds a zip archive", "gzip -dc z.jsonl.gz > z.zip"}},
		{"u.jsonl.gz.zst", zstdBytes(t, string(gzipBytes(t, string(utf16Bytes(text, false, true))))),
			[]string{"its zstd stream holds a gzip stream that holds UTF-16 text", "zstd -dc u.jsonl.gz.zst | gzip -dc | iconv -f UTF-16 -t UTF-8 > u-utf8.jsonl"}},
		{"three.jsonl.gz.zst.gz", gzipBytes(t, string(zstdBytes(t, string(gzipBytes(t, text))))), []string{"its gzip stream holds a zstd stream that holds another (gzip) stream", "gzip -dc three.jsonl.gz.zst.gz > three.jsonl.gz.zst"}},
	} {
		p := c.name
		if err := os.WriteFile(p, c.in, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := OpenRecording(p, ReaderOptions{})
		var got []string
		if err == nil {
			got = readAll(r)
			err = r.Err()
			if st := r.Stats(); st.Lines != 0 || st.Bad != 0 {
				t.Errorf("%s: %d lines, %d bad; want none read", c.name, st.Lines, st.Bad)
			}
			r.Close()
		}
		if err == nil || !errors.Is(err, ErrNotText) || errors.Is(err, ErrTruncated) || len(got) != 0 {
			t.Errorf("%s: %d messages, error %v; want none, and an error wrapping ErrNotText", c.name, len(got), err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q\n lacks %q", c.name, err, w)
			}
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the file", c.name, err)
		}
	}
	// Standard input has no name to put in a command.
	r, err := NewReader(bytes.NewReader(utf16Bytes(text, false, true)), ReaderOptions{Name: stdinName})
	if err == nil || !strings.Contains(err.Error(), "iconv -f UTF-16 -t UTF-8 FILE > FILE-utf8") {
		t.Errorf("standard input: %v, %v; want the command with FILE", r, err)
	}
}

// A recording compressed twice (a .jsonl.gz compressed again with zstd,
// a .jsonl.gz.zst) is read through both, as zstd -dc | gzip -dc reads
// it: the same messages and bad lines as the plain text. One cut short
// ends in ErrTruncated after the lines before the break, as a file
// compressed once does.
func TestReaderCompressedTwice(t *testing.T) {
	text, want := testRecording()
	bom := "\ufeff" + text
	for _, c := range []struct {
		name  string
		in    []byte
		comp  Compression
		plain string // the text inside
	}{
		{"gzip in zstd", zstdBytes(t, string(gzipBytes(t, text))), CompressionZstd, text},
		{"zstd in gzip", gzipBytes(t, string(zstdBytes(t, text))), CompressionGzip, text},
		{"gzip in gzip, with a byte order mark", gzipBytes(t, string(gzipBytes(t, bom))), CompressionGzip, bom},
		{"two gzip members in zstd", zstdBytes(t, string(append(gzipBytes(t, text[:len(text)/2]), gzipBytes(t, text[len(text)/2:])...))), CompressionZstd, text},
	} {
		r, err := NewReader(bytes.NewReader(c.in), ReaderOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := readAll(r)
		if !reflect.DeepEqual(got, want) || r.Err() != nil || r.Compression() != c.comp ||
			!reflect.DeepEqual(badLines(r), []string{"500:" + ErrSyntax.Error()}) || r.Stats().Bytes != int64(len(c.plain)) {
			t.Errorf("%s: %d messages (want %d), bad %q, err %v, compression %v, stats %+v", c.name, len(got), len(want), badLines(r), r.Err(), r.Compression(), r.Stats())
		}
		r.Close()
	}

	// Cut short: the outer stream's break is the file's truncation.
	in := gzipBytes(t, string(zstdBytes(t, text)))
	r, err := NewReader(bytes.NewReader(in[:len(in)*3/4]), ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(r)
	if err := r.Err(); !errors.Is(err, ErrTruncated) || len(got) == 0 || !reflect.DeepEqual(got, want[:len(got)]) {
		t.Errorf("cut short: %d messages, err %v; want those before the break, and ErrTruncated", len(got), err)
	}
	r.Close()
	// Data after the inner stream is the inner stream's error, said so.
	in = zstdBytes(t, string(gzipBytes(t, text))+"trailing")
	r, _ = NewReader(bytes.NewReader(in), ReaderOptions{})
	readAll(r)
	if err := r.Err(); err == nil || errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "the gzip stream inside its zstd stream") {
		t.Errorf("data after the inner stream: %v; want an error of the inner stream", err)
	}
	r.Close()
}

// A JSON side file in UTF-16, in a zip archive or compressed is refused
// with an error that says so (at offset 0, wrapping ErrSyntax and
// ErrNotText), rather than a dump of its first bytes; one that is not
// UTF-8 (a roster saved as Windows-1252) is read, with a warning naming
// the file, the first byte that is not and how to convert it.
func TestSideFilesNotText(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	cp1252 := strings.Replace(testSubscribeJSON, `"display_name":"A B"`, "\"display_name\":\"Jos\xe9 M\xfcller\"", 1)
	writeFiles(t, dir, map[string]string{
		"r16.json":                    string(utf16Bytes(testSubscribeJSON, false, true)),
		"r16be.json":                  string(utf16Bytes(testSubscribeJSON, true, false)),
		"rzip.json":                   string(zipBytes(t, "players.json", testSubscribeJSON)),
		"rgz.json":                    string(gzipBytes(t, testSubscribeJSON)),
		"c16.json":                    string(utf16Bytes(testCourtJSON, false, true)),
		"cp1252.json":                 cp1252,
		"b16/" + BundleMessages:       testLine,
		"b16/" + BundleLive:           string(utf16Bytes(testLiveJSON, false, true)),
		"b1252/" + BundleMessages:     testLine,
		"b1252/" + BundleSubscribe:    cp1252,
		"b1252/" + BundleLive:         testLiveJSON,
		"b1252/" + BundleRounds:       "[" + strings.Replace(testLiveJSON, `"Home"`, "\"H\xf6me\"", 1) + "]",
		"b1252/" + BundleStats:        strings.Replace(testStatsJSON, `"A"`, "\"\xc1\"", 1), // no text the outputs show
		"bzip/" + BundleMessages:      testLine,
		"bzip/" + BundleSubscribe:     string(zipBytes(t, "subscribe.json", testSubscribeJSON)),
		"bcourt16/" + BundleMessages:  testLine,
		"bcourt16/" + BundleCourt:     string(utf16Bytes(testCourtJSON, false, false)),
		"bcourtgz/" + BundleMessages:  testLine,
		"bcourtgz/" + BundleCourt:     string(zstdBytes(t, testCourtJSON)),
		"bcourtgz2/" + BundleMessages: testLine,
	})
	for _, c := range []struct {
		name string
		read func(string) error
		want string
	}{
		{"r16.json", func(p string) error { _, _, err := ReadRoster(p); return err }, "decode: roster file " + p("r16.json") + ": offset 0 (line 1, column 1): not UTF-8 text: it is UTF-16 text (little-endian, with a byte order mark"},
		{"r16be.json", func(p string) error { _, _, err := ReadRoster(p); return err }, "it is UTF-16 text (big-endian, without a byte order mark: every other byte is zero); stmotion reads UTF-8: convert it, e.g. iconv -f UTF-16BE -t UTF-8 " + p("r16be.json") + " > r16be-utf8.json"},
		{"rzip.json", func(p string) error { _, _, err := ReadRoster(p); return err }, "it is a zip archive (it starts with PK\\x03\\x04), not a JSON file: unzip it first (unzip " + p("rzip.json") + ") and give the JSON file in it"},
		{"rgz.json", func(p string) error { _, _, err := ReadRoster(p); return err }, "it is gzip-compressed data, not JSON text: decompress it first (gzip -dc " + p("rgz.json") + " > rgz-decompressed.json)"},
		{"c16.json", func(p string) error { _, err := ReadCourt(p); return err }, "decode: court file " + p("c16.json") + ": offset 0 (line 1, column 1): not UTF-8 text: it is UTF-16 text"},
		{"b16", func(p string) error { _, err := OpenBundle(p); return err }, filepath.Join(p("b16"), BundleLive) + ": decode: offset 0 (line 1, column 1): not UTF-8 text: it is UTF-16 text"},
		{"bzip", func(p string) error { _, err := OpenBundle(p); return err }, filepath.Join(p("bzip"), BundleSubscribe) + ": decode: offset 0 (line 1, column 1): not UTF-8 text: it is a zip archive"},
		{"bcourt16", func(p string) error { _, err := OpenBundle(p); return err }, filepath.Join(p("bcourt16"), BundleCourt) + ": decode: offset 0 (line 1, column 1): not UTF-8 text: it is UTF-16 text (little-endian, without"},
		{"bcourtgz", func(p string) error { _, err := OpenBundle(p); return err }, "it is zstd-compressed data, not JSON text: decompress it first (zstd -dc " + filepath.Join(p("bcourtgz"), BundleCourt) + " > court-decompressed.json)"},
	} {
		err := c.read(p(c.name))
		if err == nil || !errors.Is(err, ErrNotText) || !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\n want an error wrapping ErrNotText and ErrSyntax, with %q", c.name, err, c.want)
		}
	}

	sub, warning, err := ReadRoster(p("cp1252.json"))
	if err != nil || sub.Teams[0].Players[0].DisplayName != "Jos\uFFFD M\uFFFDller" ||
		!strings.HasPrefix(warning, p("cp1252.json")+": not UTF-8 text (byte 0xE9 at line 1, column ") ||
		!strings.Contains(warning, "names in it are garbled") || !strings.Contains(warning, "iconv -f WINDOWS-1252 -t UTF-8 "+p("cp1252.json")+" > cp1252-utf8.json") {
		t.Errorf("ReadRoster(cp1252.json): %+v, %q, %v\n want it read, and a warning naming the file and the byte", sub, warning, err)
	}
	if _, warning, err := ReadRoster(p("b1252/" + BundleLive)); err == nil || warning != "" {
		t.Errorf("ReadRoster(live.json): warning %q, %v", warning, err)
	}
	b, err := OpenBundle(p("b1252"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Warnings) != 2 || !strings.HasPrefix(b.Warnings[0], filepath.Join(p("b1252"), BundleSubscribe)+": not UTF-8 text") ||
		!strings.HasPrefix(b.Warnings[1], filepath.Join(p("b1252"), BundleRounds)+": not UTF-8 text") ||
		b.Subscribe.Teams[0].Players[0].DisplayName != "Jos\uFFFD M\uFFFDller" || b.Rounds[0].Teams[0].Name != "H\uFFFDme" {
		t.Errorf("OpenBundle(b1252): warnings %q, subscribe %+v, rounds %+v\n want one each for subscribe.json and rounds.json, their names read", b.Warnings, b.Subscribe, b.Rounds)
	}
	if b, err := OpenBundle(p("bcourtgz2")); err != nil || b.Warnings != nil {
		t.Errorf("OpenBundle of a bundle in UTF-8: warnings %q, %v", b.Warnings, err)
	}
}

func TestSniffStart(t *testing.T) {
	for in, want := range map[string]textStart{
		"":                  startText,
		"{":                 startText,
		"{\"ty":             startText,
		"\xef\xbb\xbf{":     startUTF8BOM,
		"\xff\xfe":          startUTF16LE,
		"\xfe\xff\x00{":     startUTF16BE,
		"{\x00\"\x00":       startUTF16LEBare,
		"\x00{\x00\"":       startUTF16BEBare,
		"\x00\x00\x00\x00":  startText, // zeros: a file cut off, not UTF-16
		"{\x00\x00\x00":     startText,
		"PK\x03\x04":        startZip,
		"PK\x05\x06":        startText, // an empty archive's end record: no JSON either, left to the parser
		"\x1f\x8b\x08\x00":  startGzip,
		"\x28\xb5\x2f\xfd":  startZstd,
		"\x5b\x2a\x4d\x18":  startZstd, // a skippable frame, though it starts with [
		"[{\"id\":":         startText,
		" \x00{\x00":        startUTF16LEBare,
		"\r\x00\n\x00":      startUTF16LEBare,
		"\xef\xbb":          startText,
		"\xef\xbb\xbf\x00a": startUTF8BOM,
	} {
		if got := sniffStart([]byte(in)); got != want {
			t.Errorf("sniffStart(%q) = %d, want %d", in, got, want)
		}
	}
}
