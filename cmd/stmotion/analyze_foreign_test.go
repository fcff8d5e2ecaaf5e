package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
)

// Files from colleagues on Windows and macOS: extensions in upper or
// mixed case are found by the search and left out of the session id; a
// recording compressed twice is read through; UTF-16 text and a zip
// archive fail with a message saying what they are; a roster saved as
// Windows-1252 is used, with a warning.
func TestAnalyzeWindowsFiles(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "g")
	text, err := os.ReadFile(filepath.Join(b, decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	gz := func(p []byte) []byte {
		var out bytes.Buffer
		w := gzip.NewWriter(&out)
		w.Write(p)
		w.Close()
		return out.Bytes()
	}
	zst := func(p []byte) []byte {
		w, _ := zstd.NewWriter(nil)
		defer w.Close()
		return w.EncodeAll(p, nil)
	}
	write := func(name string, data []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("d1/game1.jsonl.gz", gz(text))
	write("d1/GAME2.JSONL.GZ", gz(text))
	write("d1/Game3.JSONL", text)
	write("d1/D.Jsonl.Gz.Zst", zst(gz(text)))
	var u16 []byte
	for _, c := range utf16.Encode([]rune("\ufeff" + string(text))) {
		u16 = append(u16, byte(c), byte(c>>8))
	}
	write("d2/notepad.jsonl", u16)
	var zipped bytes.Buffer
	zipped.WriteString("PK\x03\x04") // a zip's start is enough to tell
	zipped.Write(text)
	emailed := write("emailed.zip", zipped.Bytes()) // named: the search takes recordings' names only

	out := filepath.Join(dir, "o1")
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", filepath.Join(dir, "d1"))
	if err != nil || !strings.Contains(stdout, "4 of 4 inputs analysed") {
		t.Fatalf("analyze d1: %v\n%s%s", err, stdout, stderr)
	}
	var sum export.MultiSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	var ids []string
	for _, s := range sum.Sessions {
		ids = append(ids, s.SessionID)
		if s.Quality.Messages != sum.Sessions[0].Quality.Messages || s.Quality.BadLines != 0 {
			t.Errorf("session %s: %d messages, %d bad lines; want all of the game's", s.SessionID, s.Quality.Messages, s.Quality.BadLines)
		}
	}
	slices.Sort(ids)
	if want := []string{"D", "GAME2", "Game3", "game1"}; !slices.Equal(ids, want) {
		t.Errorf("session ids %q, want %q", ids, want)
	}

	stdout, stderr, err = runAnalyzeArgs(t, "--out", filepath.Join(dir, "o2"), "--quiet", "--images=false", filepath.Join(dir, "d2"), emailed)
	if exitCode(err) != 1 || !strings.Contains(stdout, "0 of 2 inputs analysed") {
		t.Errorf("analyze d2: %v; want both inputs failed\n%s%s", err, stdout, stderr)
	}
	for _, want := range []string{
		"notepad.jsonl: not UTF-8 text: it is UTF-16 text (little-endian, with a byte order mark",
		"emailed.zip: not UTF-8 text: it is a zip archive (it starts with PK\\x03\\x04), not a recording: unzip it first",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("analyze d2: stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, `\x00`) {
		t.Errorf("analyze d2: stderr dumps bytes:\n%s", stderr)
	}

	// A roster saved as Windows-1252: used, and warned of once.
	sub, err := os.ReadFile(filepath.Join(b, decode.BundleSubscribe))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(sub, []byte(`"display_name": "`)) + len(`"display_name": "`)
	if i < len(`"display_name": "`) {
		t.Fatalf("no display_name in %s", sub)
	}
	roster := write("players.json", slices.Concat(sub[:i], []byte("Jos\xe9 M\xfcller"), sub[i+bytes.IndexByte(sub[i:], '"'):]))
	_, stderr, err = runAnalyzeArgs(t, "--out", filepath.Join(dir, "o3"), "--quiet", "--images=false", "--roster", roster, filepath.Join(dir, "d1", "Game3.JSONL"))
	want := "stmotion analyze: warning: --roster " + roster + ": not UTF-8 text (byte 0xE9 at line "
	if err != nil || strings.Count(stderr, want) != 1 || strings.Contains(stderr, "no_roster") {
		t.Errorf("analyze --roster in Windows-1252: %v; want it used, and one warning %q:\n%s", err, want, stderr)
	}
}

// Windows line-ending artefacts cost no data: a Ctrl-Z that ends a
// recording (copy /a) is no bad line, even with --strict; a byte order
// mark at a line's start (two files that had one, joined by copy /b a+b)
// keeps that line's message; a summary.json re-saved with a byte order
// mark is read by --add as every other JSON input is.
func TestAnalyzeWindowsArtefacts(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "g")
	text, err := os.ReadFile(filepath.Join(b, decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	crlf := bytes.ReplaceAll(text, []byte("\n"), []byte("\r\n"))
	half := bytes.Index(crlf[len(crlf)/2:], []byte("\r\n")) + len(crlf)/2 + 2
	write := func(name string, parts ...[]byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, slices.Concat(parts...), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bom := []byte("\ufeff")
	ctrlZ := write("ctrlz.jsonl", crlf, []byte{0x1a})
	joined := write("joined.jsonl", bom, crlf[:half], bom, crlf[half:])
	out := filepath.Join(dir, "o")
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", "--strict", ctrlZ, joined)
	if err != nil || !strings.Contains(stdout, "2 of 2 inputs analysed") || strings.Contains(stderr, "decode:") {
		t.Fatalf("analyze --strict: %v; want both analysed, no bad line\n%s%s", err, stdout, stderr)
	}
	var sum export.MultiSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	want := int64(bytes.Count(text, []byte("\n")))
	for _, s := range sum.Sessions {
		if s.Quality.Messages != want || s.Quality.BadLines != 0 {
			t.Errorf("%s: %d messages, %d bad lines; want %d, none", s.SessionID, s.Quality.Messages, s.Quality.BadLines, want)
		}
	}

	path := filepath.Join(out, "summary.json")
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	write("o/summary.json", bom, saved)
	stdout, stderr, err = runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", "--add", filepath.Join(b, decode.BundleMessages))
	if err != nil || !strings.Contains(stdout, "1 of 1 inputs analysed") {
		t.Fatalf("analyze --add to a summary.json with a byte order mark: %v\n%s%s", err, stdout, stderr)
	}
	sum = export.MultiSummary{}
	readJSON(t, path, &sum)
	if len(sum.Sessions) != 3 {
		t.Errorf("after --add: %d sessions, want the 2 kept and the one added", len(sum.Sessions))
	}
}
