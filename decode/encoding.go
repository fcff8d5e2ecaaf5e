package decode

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// This file tells, from an input's first bytes, the texts and containers
// stmotion does not read that a colleague on Windows may send: UTF-16
// text (Notepad's "Unicode", PowerShell 5's > and Out-File) and zip
// archives (Explorer's "Send to > Compressed folder"). Read as UTF-8
// JSON, each gave a dump of escaped bytes for every line; the error says
// what the file is and how to make it readable instead. Only the first
// bytes of a stream are looked at (a Reader once per stream, a side file
// only once its JSON fails), never a line of a recording.

// ErrNotText is wrapped by the error of an input that is not UTF-8 text:
// UTF-16 text, or a zip archive (or, for a JSON side file, a compressed
// one). A Reader fails at its start with it; a side file's error wraps it
// with ErrSyntax.
var ErrNotText = errors.New("not UTF-8 text")

// textStart is what the first bytes of a text say it is.
type textStart uint8

const (
	startText        textStart = iota // anything else: read as UTF-8 text
	startUTF8BOM                      // a UTF-8 byte order mark, skipped
	startUTF16LE                      // a UTF-16 little-endian byte order mark, FF FE
	startUTF16BE                      // a UTF-16 big-endian byte order mark, FE FF
	startUTF16LEBare                  // UTF-16 LE without a mark: "{\0\"\0"
	startUTF16BEBare                  // UTF-16 BE without a mark: "\0{\0\""
	startZip                          // a zip archive's local file header, PK\x03\x04
	startGzip                         // the gzip magic bytes
	startZstd                         // a zstd frame, or a skippable frame
)

// sniffStart says what the text whose first bytes are b (up to 4 are
// looked at) is. UTF-16 without a byte order mark is told by its zero
// bytes: ASCII text in UTF-16 has one in every other place, which no
// UTF-8 JSON has (a zero byte is no JSON outside a string, and JSON text
// starts with an ASCII character).
func sniffStart(b []byte) textStart {
	switch {
	case bytes.HasPrefix(b, utf8BOM):
		return startUTF8BOM
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return startUTF16LE
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return startUTF16BE
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return startZip
	case bytes.HasPrefix(b, gzipMagic):
		return startGzip
	case len(b) >= 4 && isZstdStart(b[:4]):
		return startZstd
	case len(b) >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return startUTF16LEBare
	case len(b) >= 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		return startUTF16BEBare
	}
	return startText
}

// notTextDetail says, for a file at path (of the kind what: "recording",
// "JSON file") whose text starts as k says and is not readable (UTF-16, a
// zip archive; a compressed JSON side file), what it is and what to do;
// in names the compressions its text was found in, the file's first
// (none: the file's own bytes). The commands it suggests name the file
// (FILE for standard input, path stdinName) and write their result to
// the current directory, never over the file. "" for a start that is
// read.
func notTextDetail(k textStart, path, what string, in ...Compression) string {
	file, base := ShellWord(path), filepath.Base(path)
	if path == stdinName {
		file, base = "FILE", "FILE"
	}
	holds, decompress := "it is ", ""
	for i, c := range in {
		if i == 0 {
			holds, decompress = "its "+c.String()+" stream holds ", c.String()+" -dc "+file
		} else {
			holds += "a " + c.String() + " stream that holds "
			decompress += " | " + c.String() + " -dc"
		}
	}
	switch k {
	case startUTF16LE, startUTF16BE, startUTF16LEBare, startUTF16BEBare:
		var how, from string
		switch k {
		case startUTF16LE:
			how, from = "little-endian, with a byte order mark, as Windows Notepad's \"Unicode\" and PowerShell 5's > and Out-File write it", "UTF-16"
		case startUTF16BE:
			how, from = "big-endian, with a byte order mark", "UTF-16"
		case startUTF16LEBare:
			how, from = "little-endian, without a byte order mark: every other byte is zero", "UTF-16LE"
		default:
			how, from = "big-endian, without a byte order mark: every other byte is zero", "UTF-16BE"
		}
		conv := "iconv -f " + from + " -t UTF-8 " + file
		if decompress != "" { // the text to convert is the decompressed one
			conv = decompress + " | iconv -f " + from + " -t UTF-8"
		}
		return fmt.Sprintf("%sUTF-16 text (%s); stmotion reads UTF-8: convert it, e.g. %s > %s (or save it as UTF-8)",
			holds, how, conv, ShellWord(insertName(base, "-utf8")))
	case startZip:
		if decompress != "" {
			return fmt.Sprintf("%sa zip archive (it starts with PK\\x03\\x04), not a %s: decompress it (%s > %s), unzip that and give the %s in it",
				holds, what, decompress, ShellWord(RecordingBase(trimCompression(base))+".zip"), what)
		}
		return fmt.Sprintf("%sa zip archive (it starts with PK\\x03\\x04), not a %s: unzip it first (unzip %s) and give the %s in it", holds, what, file, what)
	case startGzip, startZstd:
		c := CompressionGzip
		if k == startZstd {
			c = CompressionZstd
		}
		out := trimCompression(base)
		if out == base { // not named so: the copy must not be the file itself
			out = insertName(base, "-decompressed")
		}
		return fmt.Sprintf("%s%s-compressed data, not JSON text: decompress it first (%s -dc %s > %s)", holds, c, c, file, ShellWord(out))
	}
	return ""
}

// stdinName is the name of standard input in a Reader's messages
// (ReaderOptions.Name).
const stdinName = "standard input"

// insertName returns the file name base without its compression
// extensions, with mark put before its other extensions (.jsonl, .json):
// insertName("g.jsonl.gz", "-utf8") is "g-utf8.jsonl", the name of a copy
// made of the decompressed text.
func insertName(base, mark string) string {
	name := trimCompression(base)
	stem := RecordingBase(name)
	return stem + mark + name[len(stem):]
}

// ShellWord is s as one word of a POSIX shell command line: as it is when
// it holds only ASCII letters, digits and ./_-+,:@%=, else in single
// quotes (a path with a space), so that a command a message suggests can
// be pasted.
func ShellWord(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("./_-+,:@%=", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// notUTF8Warning says, for the text data of a side file at path whose
// strings reach the outputs (names: live.json, subscribe.json,
// rounds.json, a roster file), that it is not valid UTF-8, where the
// first byte that is not is, and that each such byte reads as U+FFFD:
// a file saved as Windows-1252 ("ANSI", Excel, an old Notepad) reads
// "José" as "Jos\uFFFD". The file is read all the same. "" when data is
// UTF-8.
func notUTF8Warning(path string, data []byte) string {
	if utf8.Valid(data) {
		return ""
	}
	off := 0
	for off < len(data) {
		r, n := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		off += n
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Sprintf("%s: not UTF-8 text (byte 0x%02X at line %d, column %d: saved as Windows-1252, \"ANSI\", say): "+
		"each byte that is not UTF-8 is read as \uFFFD, so names in it are garbled (\"Jos\uFFFD\" for \"José\"); "+
		"save it as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8 %s > %s",
		path, data[off], line, col, ShellWord(path), ShellWord(insertName(filepath.Base(path), "-utf8")))
}
