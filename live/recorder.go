package live

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
)

// DefaultFlushInterval is how often a Recorder pushes buffered feed lines
// to the operating system when RecorderOptions.FlushInterval is zero: a
// crash of the process loses at most this much of the feed (a crash of
// the machine also what the OS had not written; Close syncs).
const DefaultFlushInterval = time.Second

// Files a Recorder adds to the standard session bundle.
const (
	// BundleDuplicates holds messages dropped as duplicates (replays after
	// a reconnect), verbatim, so that nothing received is lost while
	// messages.jsonl re-analyses to what the live engine saw: the first
	// of them, up to RecorderOptions.MaxDuplicates_B (see
	// DefaultMaxDuplicates_B).
	BundleDuplicates = "duplicates.jsonl"
	// BundleDuplicatesNotKept counts the duplicates BundleDuplicates did
	// not keep, being full, over every join of the bundle:
	// {"messages": n, "size_B": their lines' bytes, "max_B": the bound}
	// (Recorder.DuplicatesNotKept); there only when some were not kept.
	BundleDuplicatesNotKept = "duplicates_not_kept.json"
	// BundleGapDir holds the REST /stats and /shots responses fetched to
	// cover the gap of each reconnect (gap/0001-stats.json, ...), and
	// the REST state of each re-join (with its /stats/details,
	// gap/0002-stats_details.json): the bundle's stats.json,
	// stats_details.json and shots.json stay the first join's.
	BundleGapDir = "gap"
	// BundleStatsDetails is /stats/details at join time, which says when
	// each stat of the join's box scores changed (decode.BundleStatsDetails).
	BundleStatsDetails = decode.BundleStatsDetails
)

// DefaultMaxDuplicates_B bounds duplicates.jsonl when
// RecorderOptions.MaxDuplicates_B is zero: 256 MiB, a whole 40-minute
// game's feed replayed once more (its messages.jsonl is about 160 MB),
// far more than the replays after reconnects take. A feed that repeats
// itself without end (a server looping its feed verbatim: `stmotion live
// --demo --demo-speed 0` against such a mock wrote 2 GB of it in 5
// minutes) fills it and is counted on (DuplicatesNotKept), rather than
// filling the disk.
const DefaultMaxDuplicates_B = 256 << 20

// RecorderOptions configures a Recorder.
type RecorderOptions struct {
	// FlushInterval: buffered feed lines reach the file at least this
	// often. Zero means DefaultFlushInterval; negative flushes every line.
	FlushInterval time.Duration
	// MaxDuplicates_B bounds the size of duplicates.jsonl, the file as a
	// whole (a re-join's Recorder goes on from the size the file has):
	// it keeps the duplicates up to the first that would take it past
	// the bound, and only counts those after it (DuplicatesNotKept, and
	// BundleDuplicatesNotKept in the bundle). Zero means
	// DefaultMaxDuplicates_B; negative keeps none.
	MaxDuplicates_B int64
}

// notKeptDups is BundleDuplicatesNotKept: the duplicates duplicates.jsonl
// did not keep, of every join of the bundle.
type notKeptDups struct {
	Messages int64 `json:"messages"` // messages not kept
	Size_B   int64 `json:"size_B"`   // the size of their lines (newline included)
	Max_B    int64 `json:"max_B"`    // the bound of duplicates.jsonl then
}

// Recorder writes a session bundle (see decode.OpenBundle) while a live
// session runs: every websocket message verbatim as one line of
// messages.jsonl, in arrival order, and the REST responses as JSON files.
// `stmotion analyze DIR` re-analyses the bundle.
//
// Lines are buffered and flushed every FlushInterval by a background
// goroutine, and on Flush and Close. A message that holds a raw newline
// (legal JSON whitespace, never sent by ShotTracker) is compacted onto one
// line so the file stays JSON Lines. A Recorder is safe for concurrent
// use.
type Recorder struct {
	dir string

	mu       sync.Mutex
	f        *os.File
	w        *bufio.Writer
	dups     *os.File
	dupsW    *bufio.Writer
	maxDups  int64 // bound of duplicates.jsonl (MaxDuplicates_B); < 0: none kept
	dupsSize int64 // size of duplicates.jsonl, as written to dupsW
	// dupsFull: a duplicate did not fit; none is kept from then on.
	dupsFull bool
	// notKept counts the duplicates of every join not kept (earlier ones
	// read from BundleDuplicatesNotKept), this one's since notKept0;
	// notKeptDirty: the file is behind.
	notKept      notKeptDups
	notKept0     int64
	notKeptDirty bool
	gapSeq       int
	eachLine     bool
	lines        int64
	err          error // first write error; later writes return it
	closed       bool
	stop         chan struct{}
	stopped      sync.WaitGroup
}

// NewRecorder creates dir (and its parents) and opens dir/messages.jsonl
// for appending, so a session that is re-joined continues its bundle; its
// gap files are numbered on after the highest already in dir/gap.
func NewRecorder(dir string, opt RecorderOptions) (*Recorder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("live: recorder: %w", err)
	}
	seq, err := lastSeq(filepath.Join(dir, BundleGapDir), "", "-")
	if err != nil {
		return nil, fmt.Errorf("live: recorder: %w", err)
	}
	f, err := openLines(filepath.Join(dir, decode.BundleMessages))
	if err != nil {
		return nil, fmt.Errorf("live: recorder: %w", err)
	}
	r := &Recorder{dir: dir, f: f, w: bufio.NewWriterSize(f, 64<<10), gapSeq: seq, stop: make(chan struct{})}
	r.maxDups = opt.MaxDuplicates_B
	if r.maxDups == 0 {
		r.maxDups = DefaultMaxDuplicates_B
	}
	if err := r.readNotKept(); err != nil {
		f.Close()
		return nil, fmt.Errorf("live: recorder: %w", err)
	}
	every := opt.FlushInterval
	if every == 0 {
		every = DefaultFlushInterval
	}
	if every > 0 {
		r.stopped.Add(1)
		go r.flusher(every)
	} else {
		r.eachLine = true
	}
	return r, nil
}

// Dir is the bundle directory.
func (r *Recorder) Dir() string { return r.dir }

// Lines is how many feed lines were written to messages.jsonl.
func (r *Recorder) Lines() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lines
}

func (r *Recorder) flusher(every time.Duration) {
	defer r.stopped.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.Flush()
		}
	}
}

// Message appends one websocket message to messages.jsonl. msg is not
// kept after the call.
func (r *Recorder) Message(msg []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.writeLine(r.w, msg); err != nil {
		return err
	}
	r.lines++
	if r.eachLine {
		return r.flushLocked()
	}
	return nil
}

// Duplicate appends a message dropped as a duplicate to duplicates.jsonl,
// or counts it once the file is full (RecorderOptions.MaxDuplicates_B).
func (r *Recorder) Duplicate(msg []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	if r.closed {
		return errRecorderClosed
	}
	if r.dupsW == nil && !r.dupsFull {
		if r.maxDups < 0 {
			r.dupsFull = true
		} else {
			f, err := openLines(filepath.Join(r.dir, BundleDuplicates))
			var fi os.FileInfo
			if err == nil {
				if fi, err = f.Stat(); err != nil {
					f.Close()
				}
			}
			if err != nil {
				r.err = fmt.Errorf("live: recorder: %w", err)
				return r.err
			}
			r.dups, r.dupsW, r.dupsSize = f, bufio.NewWriterSize(f, 16<<10), fi.Size()
		}
	}
	line := oneLine(msg)
	n := int64(len(line)) + 1
	if !r.dupsFull && r.dupsSize+n > r.maxDups {
		r.dupsFull = true
	}
	if r.dupsFull {
		r.notKept.Messages++
		r.notKept.Size_B += n
		r.notKept.Max_B = max(r.maxDups, 0)
		r.notKeptDirty = true
		return nil
	}
	r.dupsSize += n
	return r.writeLine(r.dupsW, line)
}

// DuplicatesNotKept returns how many duplicates this Recorder did not
// keep, duplicates.jsonl being full (RecorderOptions.MaxDuplicates_B).
func (r *Recorder) DuplicatesNotKept() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.notKept.Messages - r.notKept0
}

// readNotKept reads what earlier joins of the bundle did not keep of
// their duplicates, to count on from.
func (r *Recorder) readNotKept() error {
	b, err := os.ReadFile(filepath.Join(r.dir, BundleDuplicatesNotKept))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &r.notKept); err != nil {
		// Not ours to keep: counted over from this join's.
		r.notKept = notKeptDups{}
	}
	r.notKept0 = r.notKept.Messages
	return nil
}

// openLines opens a JSON Lines file for appending, creating it. A file
// that does not end with a newline was cut in the middle of a line (the
// process was killed between two writes of its buffer): the line is ended
// first, so that the next one does not merge into it. The partial line is
// garbage either way (not a whole message); ended, it stays as it was
// written, one bad line that `stmotion analyze` and `inspect` count
// (quality.bad_lines) where the recording was cut, and the first line of
// the re-join, the ack, is whole. Truncating it would lose nothing real
// either, but the recorder never rewrites what is on disk: it only
// appends. Before, the re-join's ack was appended to the fragment and
// both were lost as one bad line.
func openLines(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err = f.ReadAt(last, fi.Size()-1); err == nil && last[0] != '\n' {
			_, err = f.Write([]byte{'\n'})
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (r *Recorder) writeLine(w *bufio.Writer, msg []byte) error {
	if r.err != nil {
		return r.err
	}
	if r.closed {
		return errRecorderClosed
	}
	w.Write(oneLine(msg))
	if err := w.WriteByte('\n'); err != nil {
		r.err = fmt.Errorf("live: recorder: %w", err)
	}
	return r.err
}

// oneLine returns msg as one line, without its newline: trimmed, and a
// message holding a raw newline compacted (see Recorder).
func oneLine(msg []byte) []byte {
	msg = bytes.TrimSpace(msg)
	if bytes.ContainsAny(msg, "\r\n") {
		var c bytes.Buffer
		if json.Compact(&c, msg) == nil {
			msg = c.Bytes()
		} else {
			msg = bytes.ReplaceAll(bytes.ReplaceAll(msg, []byte("\r"), []byte(" ")), []byte("\n"), []byte(" "))
		}
	}
	return msg
}

var errRecorderClosed = errors.New("live: recorder closed")

// WriteJSON writes a REST response as dir/name atomically (for
// live.json, subscribe.json, court.json, stats.json, shots.json and
// periods.json).
// Raw JSON ([]byte or json.RawMessage) is written as given.
func (r *Recorder) WriteJSON(name string, v any) error {
	path := filepath.Join(r.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("live: recorder: %w", err)
	}
	if b, ok := v.([]byte); ok {
		v = json.RawMessage(b)
	}
	return export.WriteJSON(path, v, true)
}

// lastSeq returns the highest sequence number n among the names in dir
// of the form prefix + n + sep... (0 when dir does not exist or has
// none): re-joins number their gap files and table parts on after it
// instead of overwriting what an earlier join of the bundle wrote.
func lastSeq(dir, prefix, sep string) (int, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		if sep != "" {
			if rest, _, ok = strings.Cut(rest, sep); !ok {
				continue
			}
		}
		if v, err := strconv.Atoi(rest); err == nil && v > n {
			n = v
		}
	}
	return n, nil
}

// WriteGap writes the REST responses fetched to cover a reconnect's gap
// (or a re-join's) as gap/NNNN-stats.json, gap/NNNN-stats_details.json
// and gap/NNNN-shots.json (nil ones are skipped), NNNN counting on from
// the highest in the bundle.
func (r *Recorder) WriteGap(stats *decode.LiveStats, details *decode.LiveStatsDetails, shots *decode.LiveShots) error {
	r.mu.Lock()
	r.gapSeq++
	n := r.gapSeq
	r.mu.Unlock()
	for _, f := range []struct {
		name string
		v    any
		ok   bool
	}{{decode.BundleStats, stats, stats != nil}, {BundleStatsDetails, details, details != nil}, {decode.BundleShots, shots, shots != nil}} {
		if !f.ok {
			continue
		}
		if err := r.WriteJSON(filepath.Join(BundleGapDir, fmt.Sprintf("%04d-%s", n, f.name)), f.v); err != nil {
			return err
		}
	}
	return nil
}

// Flush pushes buffered lines to the files.
func (r *Recorder) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.flushLocked()
}

func (r *Recorder) flushLocked() error { return r.flush(false) }

// flush pushes the buffered lines to the files, and writes
// BundleDuplicatesNotKept (synced or not) when its counts changed. r.mu
// is held.
func (r *Recorder) flush(sync bool) error {
	if r.err != nil || r.closed {
		return r.err
	}
	if err := r.w.Flush(); err != nil {
		r.err = fmt.Errorf("live: recorder: %w", err)
		return r.err
	}
	if r.dupsW != nil {
		if err := r.dupsW.Flush(); err != nil {
			r.err = fmt.Errorf("live: recorder: %w", err)
			return r.err
		}
	}
	return r.writeNotKept(sync)
}

// writeNotKept writes BundleDuplicatesNotKept when its counts changed.
// r.mu is held.
func (r *Recorder) writeNotKept(sync bool) error {
	if !r.notKeptDirty {
		return nil
	}
	if err := export.WriteJSON(filepath.Join(r.dir, BundleDuplicatesNotKept), r.notKept, sync); err != nil {
		r.err = fmt.Errorf("live: recorder: %w", err)
		return r.err
	}
	r.notKeptDirty = false
	return nil
}

// Close flushes, syncs and closes the files. It is safe to call twice.
func (r *Recorder) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return r.err
	}
	err := r.flush(true) // BundleDuplicatesNotKept synced, as the files below
	r.closed = true
	close(r.stop)
	for _, f := range []*os.File{r.f, r.dups} {
		if f == nil {
			continue
		}
		if e := f.Sync(); e != nil && err == nil {
			err = fmt.Errorf("live: recorder: %w", e)
		}
		if e := f.Close(); e != nil && err == nil {
			err = fmt.Errorf("live: recorder: %w", e)
		}
	}
	r.mu.Unlock()
	r.stopped.Wait()
	return err
}
