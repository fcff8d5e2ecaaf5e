package decode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// DefaultMaxLineBytes is the default longest line a Reader accepts, 1 MiB.
// Real messages are 50-300 bytes; a longer line is a corrupt file (a lost
// newline), not a message, and is skipped without being held in memory.
const DefaultMaxLineBytes = 1 << 20

// DefaultKeepErrors is how many bad-line errors a Reader keeps by default.
const DefaultKeepErrors = 10

// ErrLineTooLong means a recording line is longer than
// ReaderOptions.MaxLineBytes. The Reader reports it as an *Error with the
// line number, skips the line and goes on.
var ErrLineTooLong = errors.New("line too long")

// Compression is how a recording file is compressed.
type Compression uint8

const (
	CompressionNone Compression = iota
	CompressionGzip
	CompressionZstd
)

func (c Compression) String() string {
	switch c {
	case CompressionGzip:
		return "gzip"
	case CompressionZstd:
		return "zstd"
	}
	return "none"
}

// Magic numbers at the start of compressed streams.
var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// isZstdStart reports whether start, a file's first 4 bytes, begins a
// zstd stream: a frame, or a skippable frame (magic 0x184D2A50 to
// 0x184D2A5F, RFC 8878 section 3.1.2), which may come first too (zstd -t
// accepts such a file). No text begins so: its fourth byte is a control
// character.
func isZstdStart(start []byte) bool {
	if bytes.HasPrefix(start, zstdMagic) {
		return true
	}
	return len(start) == 4 && start[0]&0xf0 == 0x50 && start[1] == 0x2a && start[2] == 0x4d && start[3] == 0x18
}

// ReaderOptions configures a recording Reader. The zero value is ready to
// use: 1 MiB lines, bad lines skipped and counted, the first 10 errors kept.
type ReaderOptions struct {
	// MaxLineBytes is the longest line accepted, without its line ending
	// (0 or less: DefaultMaxLineBytes). The Reader's memory is about this much
	// plus the decompressor's window, whatever the size of the file.
	MaxLineBytes int
	// StopOnError makes Next stop at the first bad line, which Err then
	// returns. By default bad lines are counted and skipped.
	StopOnError bool
	// KeepErrors is how many bad-line errors BadLines keeps, the first ones
	// (0 means DefaultKeepErrors, negative keeps none). All are counted.
	KeepErrors int
	// OnBadLine, if set, is called for every bad line with its error (Line
	// set) and the line's bytes, which are valid only during the call (nil
	// for a line too long to hold).
	OnBadLine func(err *Error, line []byte)
	// Name names the input in I/O errors; OpenRecording sets it to the path.
	Name string
}

// RecordingStats counts what a Reader has read so far.
type RecordingStats struct {
	Lines    int64 // lines read, including blank and bad ones
	Blank    int64 // lines holding only whitespace
	Bad      int64 // lines that did not decode, including too-long ones
	TooLong  int64 // lines longer than MaxLineBytes
	Messages int64 // lines decoded by Next
	ByKind   [NumKinds]int64
	Bytes    int64 // bytes of (decompressed) text read
}

// Reader reads a recording: JSONL, one ShotTracker message per line, as
// received, plain or compressed with gzip or zstd (detected from the first
// bytes, not the file name). It accepts LF and CRLF line endings, blank
// lines, a last line without a newline, a UTF-8 byte order mark at the
// start and at the start of a line (files that each had one, joined),
// and a DOS end-of-file mark (Ctrl-Z) at the end, in constant memory.
//
// A line that fails to decode is counted, reported (OnBadLine, BadLines)
// with its 1-based line number in Error.Line, and skipped: the messages
// around it are all delivered. With StopOnError the Reader stops there.
//
// In steady state Next allocates nothing. A Reader is not safe for
// concurrent use.
type Reader struct {
	opt         ReaderOptions
	compression Compression
	src         io.Reader
	stream      compressedStream // the decompressor of src; nil for plain text
	closers     []func() error

	buf        []byte // the text is buf[r:w]; buf is reused, grown up to MaxLineBytes+2
	r, w       int
	scanned    int   // buf[r:r+scanned] holds no newline
	eof        bool  // src is exhausted (or failed: see readErr)
	readErr    error // the error that ended src, other than io.EOF
	emptyReads int
	startDone  bool        // the start of the text was checked (checkStart)
	inner      Compression // a second compression, inside the first (checkStart)
	zeroTail   int64       // at the end: zero bytes after the complete compressed stream, ignored
	zeroGaps   int64       // at the end: zero bytes between its members or frames, skipped
	unended    bool        // the input's last line, read, had no line end

	line   []byte
	lineNo int64
	dec    Decoder
	stats  RecordingStats
	bad    []*Error
	err    error
	done   bool
}

// OpenRecording opens a recording file, or standard input for Stdin ("-").
// Close it when done.
func OpenRecording(path string, opt ReaderOptions) (*Reader, error) {
	if path == Stdin {
		if opt.Name == "" {
			opt.Name = stdinName
		}
		return NewReader(os.Stdin, opt) // Close leaves standard input open
	}
	f, err := OpenRecordingFile(path)
	if err != nil {
		return nil, err
	}
	if opt.Name == "" {
		opt.Name = path
	}
	r, err := NewReader(f, opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	// A compressed stream is checked against the name (its extension in
	// any case: a Windows tool may write .GZ), so that a .gz that is not
	// gzip is not read as text without a word.
	switch {
	case hasSuffixFold(path, ".gz") && r.compression != CompressionGzip:
		r.Close()
		f.Close()
		return nil, fmt.Errorf("decode: recording %s: named .gz but does not start with the gzip magic bytes", path)
	case hasSuffixFold(path, ".zst") && r.compression != CompressionZstd:
		r.Close()
		f.Close()
		return nil, fmt.Errorf("decode: recording %s: named .zst but does not start with a zstd frame's magic bytes", path)
	}
	r.closers = append(r.closers, f.Close)
	return r, nil
}

// ErrNotRecordingFile means a recording's path names something that is
// neither a regular file nor a named pipe: a device (a messages.jsonl
// linked to /dev/zero would be read forever, an endless line with no
// newline) or a directory.
var ErrNotRecordingFile = errors.New("not a regular file or a named pipe")

// OpenRecordingFile opens the file of a recording at path for reading
// (symbolic links followed). It refuses with ErrNotRecordingFile what is
// neither a regular file nor a named pipe, before opening it (opening a
// device may act on it); a named pipe is opened, which waits for its
// writer. Standard input ("-") is the caller's to handle.
func OpenRecordingFile(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("decode: open recording: %w", err)
	}
	if err := recordingMode(path, fi.Mode()); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("decode: open recording: %w", err)
	}
	// The path may have been replaced between the two looks.
	if fi, err = f.Stat(); err == nil {
		err = recordingMode(path, fi.Mode())
	}
	if err != nil {
		f.Close()
		if !errors.Is(err, ErrNotRecordingFile) {
			err = fmt.Errorf("decode: open recording: %w", err)
		}
		return nil, err
	}
	return f, nil
}

// recordingMode returns an error wrapping ErrNotRecordingFile unless mode
// is a regular file's or a named pipe's.
func recordingMode(path string, mode os.FileMode) error {
	if t := mode.Type(); t == 0 || t == os.ModeNamedPipe {
		return nil
	}
	return fmt.Errorf("decode: recording %s is %s, %w: a recording is read from a file, a named pipe or standard input (-)", path, modeText(mode), ErrNotRecordingFile)
}

// modeText says what a file of mode is: "a regular file", "a named
// pipe", "a character device", ...
func modeText(mode os.FileMode) string {
	switch t := mode.Type(); {
	case t == 0:
		return "a regular file"
	case t == os.ModeNamedPipe:
		return "a named pipe"
	case t&os.ModeCharDevice != 0:
		return "a character device"
	case t&os.ModeDevice != 0:
		return "a device"
	case t&os.ModeDir != 0:
		return "a directory"
	case t&os.ModeSocket != 0:
		return "a socket"
	default:
		return "a special file (" + t.String() + ")"
	}
}

// NewReader reads a recording from src, decompressing it if it starts with
// the gzip or zstd magic bytes. Close releases the decompressor (it does
// not close src).
func NewReader(src io.Reader, opt ReaderOptions) (*Reader, error) {
	if opt.MaxLineBytes <= 0 {
		opt.MaxLineBytes = DefaultMaxLineBytes
	}
	if opt.KeepErrors == 0 {
		opt.KeepErrors = DefaultKeepErrors
	}
	if opt.Name == "" {
		opt.Name = "recording"
	}
	r := &Reader{opt: opt}
	// The magic bytes are read straight from src: the gzip reader must
	// see every byte of the file through its rawInput (compressed.go).
	var magic [4]byte
	k, err := io.ReadFull(src, magic[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("decode: read %s: %w", opt.Name, err)
	}
	start := magic[:k]
	whole := func() io.Reader { return io.MultiReader(bytes.NewReader(start), src) }
	switch {
	case bytes.HasPrefix(start, gzipMagic):
		g, err := newGzipStream(whole())
		if err != nil {
			return nil, fmt.Errorf("decode: read %s: gzip: %w", opt.Name, err)
		}
		r.compression, r.src, r.stream = CompressionGzip, g, g
		r.closers = append(r.closers, g.Close)
	case isZstdStart(start):
		z, err := newZstdStream(whole())
		if err != nil {
			return nil, fmt.Errorf("decode: read %s: zstd: %w", opt.Name, err)
		}
		r.compression, r.src, r.stream = CompressionZstd, z, z
		r.closers = append(r.closers, z.Close)
	}
	r.buf = make([]byte, min(readBufBytes, opt.MaxLineBytes+2))
	if r.src == nil {
		// Plain text: the magic bytes read are the start of the text,
		// and the rest is read straight into buf (unless a tiny
		// MaxLineBytes makes buf smaller than what was read).
		if len(start) <= len(r.buf) {
			r.w = copy(r.buf, start)
			r.stats.Bytes = int64(r.w)
			r.src = src
			r.checkStart()
		} else {
			r.src = whole()
		}
	}
	if r.err != nil { // UTF-16 text, a zip archive: say so now
		r.Close()
		return nil, r.err
	}
	return r, nil
}

// readBufBytes is the size of a Reader's text buffer (unless MaxLineBytes
// is smaller): large reads, so that the read system calls and the
// compaction of a partial line at the end of the buffer cost little per
// line (about 2,400 lines of 110 bytes per read).
//
// Mapping the file instead (mmap) saves read's copy: 77-81 instead of
// 86-91 CPU ns per message of a 49 MB game file (minimum of 20 alternating
// passes). But a file truncated while mapped raises SIGBUS, which crashes
// the process unless every Next runs under debug.SetPanicOnFault with a
// deferred recover, and that cost 89-91 ns: no gain, so files are read.
const readBufBytes = 256 << 10

// Compression says how the input was compressed.
func (r *Reader) Compression() Compression { return r.compression }

// Next decodes the next message into m and reports whether there was one.
// Blank lines are skipped; bad lines are counted and skipped (or, with
// StopOnError, end the reading). After Next returns false, Err says why.
func (r *Reader) Next(m *Message) bool {
	for !r.done {
		if r.fastLine(m) {
			return true
		}
		line, ok := r.nextLine()
		if !ok {
			continue
		}
		if err := r.dec.Decode(line, m); err != nil {
			// A byte order mark that starts a line (two files that each
			// had one, joined by copy /b a+b) is no part of the message:
			// looked for only once the line has failed.
			if !bytes.HasPrefix(line, utf8BOM) {
				r.badLine(err, line)
				continue
			}
			if line = trimBOMs(line); isBlank(line) {
				r.stats.Blank++
				continue
			}
			if err := r.dec.Decode(line, m); err != nil {
				r.badLine(err, line)
				continue
			}
		}
		r.stats.Messages++
		r.stats.ByKind[m.Kind]++
		r.line = line
		return true
	}
	r.line = nil
	return false
}

// NextLine advances to the next non-blank line without decoding it, for
// tools that pass lines on verbatim (Line returns it). Too-long lines are
// counted and skipped as in Next; Messages and ByKind are not counted.
func (r *Reader) NextLine() bool {
	for !r.done {
		line, ok := r.nextLine()
		if !ok {
			continue
		}
		if bytes.HasPrefix(line, utf8BOM) { // as Next takes it
			if line = trimBOMs(line); isBlank(line) {
				r.stats.Blank++
				continue
			}
		}
		r.line = line
		return true
	}
	r.line = nil
	return false
}

// trimBOMs returns line without the UTF-8 byte order marks it starts
// with.
func trimBOMs(line []byte) []byte {
	for bytes.HasPrefix(line, utf8BOM) {
		line = line[len(utf8BOM):]
	}
	return line
}

// fastLine decodes the next line where it lies in the buffer if it is a
// canonical location message (the fast path of Decode) ending in "\n" or
// "\r\n": most lines of a recording, read without first searching for
// their end. Anything else, including a line not yet wholly in the
// buffer, is left to nextLine and Decode, which give the same message.
func (r *Reader) fastLine(m *Message) bool {
	src := r.buf[r.r:r.w]
	if lim := min(r.opt.MaxLineBytes+2, 1<<20); len(src) > lim {
		src = src[:lim] // the line and its ending, within what fastLocationEnd takes
	}
	nl, ok := fastLocationEnd(src, m, true)
	if !ok {
		return false
	}
	line := src[:nl]
	if line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if len(line) > r.opt.MaxLineBytes {
		return false // nextLine counts it as too long; m is scratch until Next returns true
	}
	r.r += nl + 1
	r.scanned = 0
	r.lineNo++
	r.stats.Lines++
	r.stats.Messages++
	r.stats.ByKind[KindLocation]++
	r.line = line
	return true
}

// nextLine reads one line and does the line-level bookkeeping. It returns
// ok=false for a blank or too-long line (and at the end, with r.done set).
func (r *Reader) nextLine() (line []byte, ok bool) {
	line, n, more := r.readLine()
	if !more {
		r.done = true
		if r.stream != nil {
			// The gaps skipped before an error were skipped all the
			// same; a tail is known only once the stream ended whole.
			gaps, tail := r.stream.ignoredZeros()
			r.zeroGaps = gaps
			if r.readErr == nil {
				r.zeroTail = tail
			}
		}
		if r.readErr != nil && r.err == nil {
			var sb *streamBreak
			switch {
			case errors.As(r.readErr, &sb):
				r.err = fmt.Errorf("decode: read %s after line %d (%w%s): %w", r.opt.Name, r.lineNo, ErrTruncated, sb.detail(), r.readErr)
			case errors.Is(r.readErr, io.ErrUnexpectedEOF):
				r.err = fmt.Errorf("decode: read %s after line %d (%w): %w", r.opt.Name, r.lineNo, ErrTruncated, r.readErr)
			default:
				r.err = fmt.Errorf("decode: read %s after line %d: %w", r.opt.Name, r.lineNo, r.readErr)
			}
		}
		return nil, false
	}
	r.lineNo++
	r.stats.Lines++
	if n > r.opt.MaxLineBytes {
		r.stats.TooLong++
		r.badLine(&Error{Offset: r.opt.MaxLineBytes, Err: ErrLineTooLong,
			Detail: "the line has " + strconv.Itoa(n) + " bytes, more than the limit of " +
				strconv.Itoa(r.opt.MaxLineBytes) + "; it was skipped"}, nil)
		return nil, false
	}
	if isBlank(line) {
		r.stats.Blank++
		return nil, false
	}
	return line, true
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// badLine counts and reports a line that did not decode.
func (r *Reader) badLine(err error, line []byte) {
	r.stats.Bad++
	e, ok := err.(*Error)
	if !ok {
		e = &Error{Err: err}
	}
	e.Line = r.lineNo
	if r.opt.OnBadLine != nil {
		r.opt.OnBadLine(e, line)
	}
	if len(r.bad) < r.opt.KeepErrors {
		c := *e // Decode's error is ours, but keep a copy the caller cannot change
		r.bad = append(r.bad, &c)
	}
	if r.opt.StopOnError {
		r.done = true
		r.err = e
	}
}

// readLine returns the next line without its line ending, and its length
// (which is more than MaxLineBytes for a too-long line, whose bytes are not
// kept: line is then nil). more is false at the end of the input.
func (r *Reader) readLine() (line []byte, n int, more bool) {
	maxLen := r.opt.MaxLineBytes
	for {
		if i := bytes.IndexByte(r.buf[r.r+r.scanned:r.w], '\n'); i >= 0 {
			end := r.r + r.scanned + i
			line = r.buf[r.r:end]
			r.r, r.scanned = end+1, 0
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			if len(line) > maxLen {
				return nil, len(line), true
			}
			return line, len(line), true
		}
		r.scanned = r.w - r.r
		if r.scanned > maxLen+1 {
			// No newline within more than max+1 bytes: too long whatever
			// ends it. Drop it without holding it.
			return nil, r.skipLine(), true
		}
		if r.eof {
			if r.r == r.w {
				return nil, 0, false
			}
			line = r.buf[r.r:r.w]
			r.r, r.scanned = r.w, 0
			// A Ctrl-Z (0x1A) that ends the text is a DOS end-of-file
			// mark (copy /a appends one), no part of a line: alone on
			// the last line, that is no line.
			if line[len(line)-1] == dosEOF {
				if line = line[:len(line)-1]; len(line) == 0 {
					return nil, 0, false
				}
			}
			r.unended = true
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			if len(line) > maxLen {
				return nil, len(line), true
			}
			return line, len(line), true
		}
		r.fill()
	}
}

// skipLine discards the rest of the current line and returns its length.
func (r *Reader) skipLine() int {
	n := 0
	for {
		if i := bytes.IndexByte(r.buf[r.r:r.w], '\n'); i >= 0 {
			n += i
			r.r += i + 1
			r.scanned = 0
			return n
		}
		n += r.w - r.r
		r.r, r.w, r.scanned = 0, 0, 0
		if r.eof {
			r.unended = true
			return n
		}
		r.fill()
	}
}

// fill reads more input into buf, compacting it first when less than a
// quarter is free, and growing it when it is full of one partial line.
func (r *Reader) fill() {
	// Compact before the free space at the end gets small (a read of a
	// few bytes is a whole system call), not only when none is left (a
	// buffer under 4 bytes, for a MaxLineBytes of 1, has no quarter).
	if free := len(r.buf) - r.w; free == 0 || free < len(r.buf)/4 {
		if r.r > 0 {
			copy(r.buf, r.buf[r.r:r.w])
			r.w -= r.r
			r.r = 0
		}
		if r.w == len(r.buf) {
			nb := make([]byte, min(2*len(r.buf), r.opt.MaxLineBytes+2))
			copy(nb, r.buf[:r.w])
			r.buf = nb
		}
	}
	n, err := r.src.Read(r.buf[r.w:])
	r.w += n
	r.stats.Bytes += int64(n)
	switch {
	case err == io.EOF:
		r.eof = true
	case err != nil:
		r.eof, r.readErr = true, err
	case n == 0:
		if r.emptyReads++; r.emptyReads > 100 {
			r.eof, r.readErr = true, io.ErrNoProgress
		}
	default:
		r.emptyReads = 0
	}
	if !r.startDone {
		r.checkStart()
	}
}

// checkStart looks at the start of the text once its first 4 bytes are
// in buf (or all of it, when shorter), before any line was read: once
// per stream, off the per-line path. What a file from Windows may start
// with, and what it does about it:
//   - a UTF-8 byte order mark (a text editor's), which is no JSON: the
//     first line would be a bad line; it is skipped;
//   - UTF-16 text, or a zip archive: every line would be a bad line of
//     escaped bytes; the reading ends with an error wrapping ErrNotText
//     that says what the file is and how to make it readable;
//   - a second gzip or zstd stream in the first one (a .jsonl.gz
//     compressed again into a .jsonl.gz.zst): it is read through (nest),
//     once; a third is an error wrapping ErrNotText.
func (r *Reader) checkStart() {
	// (A buffer under 4 bytes, for a MaxLineBytes under 2, never holds 4.)
	if r.w-r.r < min(4, len(r.buf)) && !r.eof {
		return
	}
	r.startDone = true
	if r.lineNo != 0 {
		return // a short first line was read before 4 bytes came in
	}
	var in []Compression // the streams the text is in
	for _, c := range []Compression{r.compression, r.inner} {
		if c != CompressionNone {
			in = append(in, c)
		}
	}
	switch k := sniffStart(r.buf[r.r:min(r.w, r.r+4)]); k {
	case startText:
	case startUTF8BOM:
		r.r += len(utf8BOM)
		r.scanned = max(r.scanned-len(utf8BOM), 0)
	case startGzip, startZstd:
		c := CompressionGzip
		if k == startZstd {
			c = CompressionZstd
		}
		if r.compression != CompressionNone && r.inner == CompressionNone {
			r.nest(c)
			return
		}
		// Plain text cannot start so (NewReader would have read it as
		// compressed): a third stream, in the second.
		// The outer one decompressed, into the current directory: its
		// name without its last extension (or with ".1").
		file, base := ShellWord(r.opt.Name), filepath.Base(r.opt.Name)
		if r.opt.Name == stdinName {
			file, base = "FILE", "FILE"
		}
		once, ext := base+".1", ".gz"
		if r.compression == CompressionZstd {
			ext = ".zst"
		}
		if hasSuffixFold(base, ext) {
			once = base[:len(base)-len(ext)]
		}
		r.fail(fmt.Errorf("decode: read %s: %w: its %s stream holds a %s stream that holds another (%s) stream: "+
			"stmotion reads through two; decompress the outer one first (%s -dc %s > %s) and give stmotion the result",
			r.opt.Name, ErrNotText, r.compression, r.inner, c, r.compression, file, ShellWord(once)))
		return
	default:
		r.fail(fmt.Errorf("decode: read %s: %w: %s", r.opt.Name, ErrNotText, notTextDetail(k, r.opt.Name, "recording", in...)))
	}
}

// fail ends the reading with err (Err returns it), before any line: the
// text read is dropped, and no more is read.
func (r *Reader) fail(err error) {
	r.err, r.done, r.eof = err, true, true
	r.r, r.w, r.scanned = 0, 0, 0
}

// nest reads the rest of the text, which starts with the magic bytes of
// compression c, through a decompressor of its own: a recording
// compressed twice (a .jsonl.gz given to zstd: a .jsonl.gz.zst), as
// gzip -dc | zstd -dc would. It costs the inner decompressor's memory
// (for zstd, bounded by MaxZstdWindow_B, as for the outer one), once.
// The text read so far (the inner stream's start) is given to the inner
// decompressor first; the file's zeros and its truncation are still the
// outer stream's (ZeroTail, ErrTruncated), and the inner stream's own
// errors say that they are its.
func (r *Reader) nest(c Compression) {
	head := bytes.Clone(r.buf[r.r:r.w])
	r.r, r.w, r.scanned = 0, 0, 0
	r.stats.Bytes = 0 // the text is the inner stream's
	outer := &errRecorder{src: r.src}
	// What the outer stream gave, and the error it ended with, are read
	// again through the inner stream.
	if r.readErr != nil {
		outer.err = r.readErr
	}
	r.eof, r.readErr, r.emptyReads = false, nil, 0
	raw := io.MultiReader(bytes.NewReader(head), outer)
	var (
		s   compressedStream
		err error
	)
	if c == CompressionGzip {
		var g *gzipStream
		if g, err = newGzipStream(raw); err == nil {
			s, r.closers = g, append(r.closers, g.Close)
		}
	} else {
		var z *zstdStream
		if z, err = newZstdStream(raw); err == nil {
			s, r.closers = z, append(r.closers, z.Close)
		}
	}
	r.inner, r.startDone = c, false // the inner text's start is checked too
	what := fmt.Sprintf("the %s stream inside its %s stream (byte offsets count in the %s stream's text)", c, r.compression, r.compression)
	if err != nil {
		// A header cut short is the outer stream's break, when it broke.
		if outer.failed() {
			err = outer.err
		} else {
			err = fmt.Errorf("%s: %w", what, err)
		}
		r.eof, r.readErr = true, err
		return
	}
	r.src = &nestedStream{inner: s, outer: outer, what: what}
}

// errRecorder reads src and keeps the error that ended it.
type errRecorder struct {
	src io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.src.Read(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

// failed reports whether the stream ended in an error other than io.EOF.
func (e *errRecorder) failed() bool { return e.err != nil && e.err != io.EOF }

// nestedStream is the text of a recording compressed twice (nest): the
// inner stream, read from the outer. An error of the outer stream (the
// file cut short, a corrupt block) is returned as it is, for Reader.Err
// to tell a truncation; the inner stream's own errors say they are its.
type nestedStream struct {
	inner io.Reader
	outer *errRecorder
	what  string
}

func (n *nestedStream) Read(p []byte) (int, error) {
	k, err := n.inner.Read(p)
	if err != nil && err != io.EOF {
		if n.outer.failed() {
			return k, n.outer.err
		}
		err = fmt.Errorf("%s: %w", n.what, err)
	}
	return k, err
}

// utf8BOM is the UTF-8 byte order mark, skipped at the start of a
// recording, and at the start of a line that does not decode with it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// dosEOF is Ctrl-Z, which DOS tools (copy /a) append to a text file as
// its end: dropped where it ends a recording.
const dosEOF = 0x1A

// Line returns the line of the last message Next (or NextLine) returned,
// without its line ending. It is valid until the next call to Next; Spans
// in that message refer to it.
func (r *Reader) Line() []byte { return r.line }

// LineNumber is the 1-based number of the last line read (blank and bad
// lines count).
func (r *Reader) LineNumber() int64 { return r.lineNo }

// Err returns the error that ended the reading: an I/O or decompression
// error, or, with StopOnError, the first bad line's *Error. A compressed
// stream cut short gives one wrapping ErrTruncated (and io.ErrUnexpectedEOF
// when the file simply stops), after every complete line before the break
// was delivered (for zstd, every line before the block the break falls
// in: see ErrTruncated): the file ends in the middle of the stream, or
// the stream breaks where the rest of the file is zero bytes
// (compressed.go). Bad
// lines skipped in the default mode are not errors here: see Stats and
// BadLines.
func (r *Reader) Err() error { return r.err }

// Unended reports whether the input's last line had no line end, once
// it was read (LineNumber counts it). After a reading that ended in
// ErrTruncated, that line is what the break left of a line: a part cut
// off, which reads as a bad line (or, cut just before its line end, as
// the whole line). A plain file's last line may lack its line end too.
func (r *Reader) Unended() bool { return r.unended }

// ZeroTail is, once the reading has ended without error, how many zero
// bytes followed the complete compressed stream at the end of the file:
// they were ignored, as gzip -t ignores them (a file cut off while being
// written often ends so). 0 for plain text, and while reading.
func (r *Reader) ZeroTail() int64 { return r.zeroTail }

// ZeroGaps is, once the reading has ended, how many zero bytes lay
// between the gzip members or zstd frames of the file (padding left by a
// tool that rotated it, or by a preallocated file another was appended
// to): they were skipped, and the stream read on with the member or frame
// after them. A reading that ended in an error (a file cut short after
// them) counts those skipped before it. 0 for plain text, and while
// reading.
func (r *Reader) ZeroGaps() int64 { return r.zeroGaps }

// ZeroTailNote says what ZeroGaps and ZeroTail ignored, for a warning
// after the recording's name: "the file ends in 4096 zero bytes after its
// complete gzip stream ..."; "" when both are 0.
func (r *Reader) ZeroTailNote() string {
	var what string
	switch {
	case r.zeroGaps == 0 && r.zeroTail == 0:
		return ""
	case r.zeroGaps == 0:
		what = fmt.Sprintf("the file ends in %s after its complete %s stream (what a write cut off may leave)", zeroBytes(r.zeroTail), r.compression)
	default:
		unit := "members"
		if r.compression == CompressionZstd {
			unit = "frames"
		}
		what = fmt.Sprintf("the file has %s between its %s %s (padding)", zeroBytes(r.zeroGaps), r.compression, unit)
		if r.zeroTail > 0 {
			what += fmt.Sprintf(" and ends in %s after them", zeroBytes(r.zeroTail))
		}
	}
	return what + "; they were ignored: the recording was read whole"
}

// Stats returns the counts so far.
func (r *Reader) Stats() RecordingStats { return r.stats }

// BadLines returns the first KeepErrors bad-line errors, each an *Error with
// Line set, wrapping ErrSyntax, ErrType, ErrMissing, ErrRange or
// ErrLineTooLong. Stats().Bad counts them all.
func (r *Reader) BadLines() []*Error { return r.bad }

// Close releases the decompressor and, for OpenRecording, the file.
func (r *Reader) Close() error {
	var first error
	for _, c := range r.closers {
		if err := c(); err != nil && first == nil {
			first = err
		}
	}
	r.closers = nil
	r.done = true
	return first
}

// OpenMessages opens the bundle's recording: b.Stream when set, otherwise
// the file at MessagesPath (OpenRecording).
func (b *Bundle) OpenMessages(opt ReaderOptions) (*Reader, error) {
	if b.Stream == nil {
		return OpenRecording(b.MessagesPath, opt)
	}
	if opt.Name == "" {
		opt.Name = b.MessagesPath
		if b.MessagesPath == Stdin {
			opt.Name = stdinName
		}
	}
	r, err := NewReader(b.Stream, opt)
	if err != nil {
		// The stream is the reader's to close: a Reader that is not
		// made closes it now (a stream read on a goroutine of its own
		// would otherwise hold its pipe and its writer).
		if c, ok := b.Stream.(io.Closer); ok {
			c.Close()
		}
		return nil, err
	}
	if c, ok := b.Stream.(io.Closer); ok {
		r.closers = append(r.closers, c.Close)
	}
	return r, nil
}
