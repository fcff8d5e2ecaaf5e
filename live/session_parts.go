package live

import (
	"fmt"
	"path/filepath"
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
// package export has no rotation of its own; this sink builds it from
// one Writer per part.
type partSink struct {
	dir     string
	session string
	every   time.Duration
	opts    []export.Option
	n       int
	w       *export.Writer
	opened  time.Time
	parts   []string
}

var _ track.Sink = (*partSink)(nil)

func newPartSink(dir, session string, every time.Duration, opts ...export.Option) *partSink {
	if every == 0 {
		every = DefaultPartInterval
	}
	return &partSink{dir: dir, session: session, every: every, opts: opts}
}

// Parts is the directory of every closed part.
func (p *partSink) Parts() []string { return p.parts }

func (p *partSink) writer() (*export.Writer, error) {
	if p.w != nil {
		return p.w, nil
	}
	p.n++
	dir := filepath.Join(p.dir, fmt.Sprintf("part-%05d", p.n))
	w, err := export.NewWriter(dir, p.session, p.opts...)
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
	w := p.w
	p.w = nil
	if err := w.Close(final); err != nil {
		return err
	}
	p.parts = append(p.parts, filepath.Join(p.dir, fmt.Sprintf("part-%05d", p.n)))
	return nil
}

func (p *partSink) Samples(batch []track.Sample) error {
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

// abort removes the open part (closed parts stay: each is valid alone).
func (p *partSink) abort() {
	if p.w != nil {
		p.w.Abort()
		p.w = nil
	}
}
