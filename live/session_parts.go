package live

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// DefaultPartInterval is how often the live tables are closed into a new
// part when SessionConfig.PartInterval is zero.
const DefaultPartInterval = time.Minute

// partSink writes the engine's tables incrementally: every interval of
// wall time it closes the current export.Writer (its files get their
// final names and are complete, readable Parquet files) and the next
// rows go to a new part directory:
//
//	<dir>/part-00001/samples.parquet, possessions.parquet, ...
//	<dir>/part-00002/...
//
// Rows of the samples and segment tables (samples, possessions, events,
// shots, dist_check) are in the part during which the engine emitted
// them. The summary tables (players, boxscore, heatmaps, quality) exist
// only once the engine is closed, so they are filled in the last part
// and empty in the others. A reader takes the union of the parts
// (DuckDB: read_parquet('<dir>/part-*/samples.parquet')).
//
// A live id re-joined into the same directory (messages.jsonl is
// appended) numbers its parts on after the highest one there, so the
// earlier joins' parts stay. The new join's engine is first fed the
// whole recording again (liveSession.replay), so that its figures and
// its summary are the whole recording's; it emits the rows of the
// recording once more, in the same order (the engine is deterministic,
// and is fed what the earlier engines were fed: a part is closed only
// once the recorder has flushed the messages it was made from, see
// beforeClose). So each row table of the earlier parts holds the first
// rows the engine emits for it, and the sink drops that many (skip,
// counted from the parts' Parquet footers per table) before it writes
// any: the union of the parts holds each row once. Counting per table
// also covers a join killed while it closed a part (some of its tables
// renamed, others not). The rows of the part that was open at the crash
// (its temporary files are removed here) are not dropped, so they are
// written again: nothing the recording holds is missing. After a join
// that ended cleanly (Ctrl-C), its last part, the one its close wrote,
// holds rows a running engine would not have emitted then: the engine's
// close flushed the segments open at that end (a possession, cut short
// there), which the re-join's engine, running on, emits later, whole,
// after other rows. Counting them would keep the cut segment beside the
// whole one and drop another row in its place, so the row tables of
// that part are emptied first (emptyClosingRows: it is the newest part,
// and the only one whose quality table has a row) and its rows made
// again. The engine settings (track.Config) that make the rows are
// recorded beside the parts (TrackConfigFile) and a re-join with others
// refused (checkTrackConfig). What this assumes: the analyzers make
// the same rows (stmotion live attaches them with --cell and --fold,
// which only shape the summary's heatmaps); and earlier parts written
// by a join before this (stmotion releases that started each re-join
// afresh) do not hold a prefix of the recording's rows.
//
// Once this join's summary is written, clearEarlierSummaries empties
// the summary tables of the earlier parts, so that the union has one
// summary (the newest, the one summary.json holds: the whole
// recording's) and a reader of part-*/players.parquet counts no player
// twice.
//
// package export has no rotation of its own; this sink builds it from
// one Writer per part.
type partSink struct {
	dir     string
	session string
	every   time.Duration
	opts    []export.Option
	n       int
	earlier int // the highest part number an earlier join left in dir
	w       *export.Writer
	opened  time.Time
	parts   []string
	// skip is, per row table, how many rows the engine is still to emit
	// that the earlier joins' parts hold (see above).
	skip [export.NumTables]int64
	// beforeClose, when set, runs before a part is closed: the session
	// flushes its recorder there, so that every row of a closed part is
	// derived from messages that are in messages.jsonl.
	beforeClose func() error
	// config, when set, is written to TrackConfigFile in dir as a part is
	// opened, if it is not there yet: the engine settings the rows are
	// made with (see checkTrackConfig).
	config []byte
}

// rowTables are the tables the engine fills as it goes (see partSink).
var rowTables = []export.Table{export.TableSamples, export.TablePossessions, export.TableEvents, export.TableShots, export.TableDistCheck}

var _ track.Sink = (*partSink)(nil)

func newPartSink(dir, session string, every time.Duration, opts ...export.Option) (*partSink, error) {
	if every == 0 {
		every = DefaultPartInterval
	}
	n, err := lastSeq(dir, "part-", "")
	if err != nil {
		return nil, fmt.Errorf("live: table parts: %w", err)
	}
	// An earlier join killed mid-part left the temporary files of the
	// tables it was writing there (hidden, so no reader takes them for
	// tables): remove them. The part itself stays; the new join numbers
	// on after it.
	p := &partSink{dir: dir, session: session, every: every, opts: opts, n: n, earlier: n}
	for k := 1; k <= n; k++ {
		if _, err := export.RemoveStaleTempsIn(p.partName(k), time.Now()); err != nil {
			return nil, fmt.Errorf("live: table parts: %w", err)
		}
	}
	if n > 0 {
		if err := p.emptyClosingRows(p.partName(n)); err != nil {
			return nil, err
		}
	}
	for k := 1; k <= n; k++ {
		part := p.partName(k)
		for _, t := range rowTables {
			rows, err := export.ParquetRows(export.TablePath(part, t, session, export.FormatParquet, false))
			if errors.Is(err, fs.ErrNotExist) {
				continue // not closed (the join was killed first)
			}
			if err != nil {
				return nil, fmt.Errorf("live: table parts: %w", err)
			}
			p.skip[t] += rows
		}
	}
	return p, nil
}

// emptyClosingRows empties the row tables of part, the newest an
// earlier join left, if that join's engine close wrote it: its quality
// table has the summary's row (export.Writer renames it right after the
// samples and before the segment tables: a kill between those two
// renames is the one case left, where the samples of the last ticks the
// close flushed are counted). The
// close flushed the engine: besides the rows a running engine emits, the
// part holds those of the segments still open then, cut short at that
// end, which a running engine emits later, whole. Emptied, the part's
// rows are all made again by the replay (none is skipped), as a running
// engine makes them: the same rows, and each cut segment whole, once.
// Its summary tables stay until this join's summary replaces them
// (clearEarlierSummaries). Each file is replaced by rename and an
// emptied part is recognised again, so a join killed here or later
// leaves parts the next one counts right.
func (p *partSink) emptyClosingRows(part string) error {
	rows, err := export.ParquetRows(export.TablePath(part, export.TableQuality, p.session, export.FormatParquet, false))
	if errors.Is(err, fs.ErrNotExist) || (err == nil && rows == 0) {
		return nil // closed by rotation, or its join was killed or failed at the close
	}
	if err != nil {
		return fmt.Errorf("live: table parts: %w", err)
	}
	empty, err := p.emptyFiles(rowTables)
	if err != nil {
		return err
	}
	return replaceFiles(part, empty)
}

// Skipped is how many rows of the earlier parts the engine is still to
// emit, over the row tables.
func (p *partSink) Skipped() (rows int64) {
	for _, n := range p.skip {
		rows += n
	}
	return rows
}

// partName is the directory of part n.
func (p *partSink) partName(n int) string { return filepath.Join(p.dir, fmt.Sprintf("part-%05d", n)) }

// Parts is the directory of every closed part.
func (p *partSink) Parts() []string { return p.parts }

func (p *partSink) writer() (*export.Writer, error) {
	if p.w != nil {
		return p.w, nil
	}
	if p.config != nil {
		if err := writeTrackConfig(p.dir, p.config); err != nil {
			return nil, err
		}
		p.config = nil
	}
	p.n++
	w, err := export.NewWriter(p.partName(p.n), p.session, p.opts...)
	if err != nil {
		return nil, err
	}
	p.w, p.opened = w, time.Now()
	return w, nil
}

// rotate closes the current part when it is older than the interval.
func (p *partSink) rotate(final *track.Summary, force bool) error {
	if p.w == nil {
		return nil
	}
	if !force && (p.every < 0 || time.Since(p.opened) < p.every) {
		return nil
	}
	if p.beforeClose != nil {
		if err := p.beforeClose(); err != nil {
			return err
		}
	}
	w := p.w
	p.w = nil
	if err := w.Close(final); err != nil {
		return err
	}
	p.parts = append(p.parts, p.partName(p.n))
	return nil
}

func (p *partSink) Samples(batch []track.Sample) error {
	if n := p.skip[export.TableSamples]; n > 0 {
		k := min(n, int64(len(batch)))
		p.skip[export.TableSamples] -= k
		if batch = batch[k:]; len(batch) == 0 {
			return nil
		}
	}
	w, err := p.writer()
	if err != nil {
		return err
	}
	if err := w.Samples(batch); err != nil {
		return err
	}
	return p.rotate(nil, false)
}

func (p *partSink) Segment(s *track.Segment) error {
	if t := export.SegmentTable(s.Type); p.skip[t] > 0 {
		p.skip[t]--
		return nil
	}
	w, err := p.writer()
	if err != nil {
		return err
	}
	return w.Segment(s)
}

func (p *partSink) Close(sum *track.Summary) error {
	if _, err := p.writer(); err != nil {
		return err
	}
	return p.rotate(sum, true)
}

// Abort removes the open part (closed parts stay: each is valid alone).
// It makes partSink a track.Aborter: a failed engine aborts it.
func (p *partSink) Abort() {
	if p.w != nil {
		p.w.Abort()
		p.w = nil
	}
}

// summaryTables are the tables only a closed engine fills (see partSink).
var summaryTables = []export.Table{export.TablePlayers, export.TableBoxScore, export.TableHeatmaps, export.TableQuality}

// clearEarlierSummaries replaces the summary tables of the parts an
// earlier join of the bundle left (1 to earlier) by empty ones, unless
// they are empty already; call it once this join's last part holds its
// summary. Files are replaced by rename, so a reader never sees half of
// one.
func (p *partSink) clearEarlierSummaries() error {
	if p.earlier == 0 {
		return nil
	}
	empty, err := p.emptyFiles(summaryTables)
	if err != nil {
		return err
	}
	for n := 1; n <= p.earlier; n++ {
		if err := replaceFiles(p.partName(n), empty); err != nil {
			return err
		}
	}
	return nil
}

// emptyFiles is the content of each of tables, by file name, as this
// sink writes it empty: that of a Writer closed without a summary.
func (p *partSink) emptyFiles(tables []export.Table) (map[string][]byte, error) {
	tmp, err := os.MkdirTemp(p.dir, ".empty-")
	if err != nil {
		return nil, fmt.Errorf("live: table parts: %w", err)
	}
	defer os.RemoveAll(tmp)
	w, err := export.NewWriter(tmp, p.session, p.opts...)
	if err != nil {
		return nil, err
	}
	if err := w.Close(nil); err != nil {
		return nil, err
	}
	empty := map[string][]byte{}
	for _, path := range w.Paths() {
		name := filepath.Base(path)
		for _, t := range tables {
			if strings.HasPrefix(name, t.String()+".") {
				if empty[name], err = os.ReadFile(path); err != nil {
					return nil, fmt.Errorf("live: table parts: %w", err)
				}
			}
		}
	}
	return empty, nil
}

// replaceFiles replaces each file of dir named in files by its content
// there, unless it is missing or holds that already. Files are replaced
// by rename, so a reader never sees half of one.
func replaceFiles(dir string, files map[string][]byte) error {
	for name, want := range files {
		path := filepath.Join(dir, name)
		got, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) || bytes.Equal(got, want) {
			continue
		}
		if err != nil {
			return fmt.Errorf("live: table parts: %w", err)
		}
		if err := export.WriteFileAtomic(path, want, false); err != nil {
			return fmt.Errorf("live: table parts: %w", err)
		}
	}
	return nil
}
