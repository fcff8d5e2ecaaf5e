package live

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/stmotion/stmotion/decode"
)

// replay feeds the engine, before the feed starts, what the bundle
// recorded before this join (a re-join of a recorded live id, after a
// crash or a kill): every line of messages.jsonl, in order, as `stmotion
// analyze` reads them (bad lines counted, the earlier joins' rest_join
// and rest_gap lines included). The engine then stands where the earlier
// join's stood when the recording stops, so its figures (distances,
// possession, box scores: what the overlay, NATS and the final summary
// give) are the whole event's, not this join's only.
//
// Nothing of it is recorded again (it is in messages.jsonl), shown on
// the overlay or published to NATS (old frames and events: see
// OverlaySink.replaying), or counted as received (Metrics, Health,
// SessionResult.Messages; SessionResult.Replayed counts it). The rows it
// makes that the earlier joins' closed parts hold are not written again
// (partSink.skip). Every message also goes through the duplicate check,
// as when it was received: what the feed sends again after the re-join
// (markers on connect, a stats version, a shot) is dropped as a
// duplicate, and the REST state the join feeds (applyJoin) is what the
// recording lacks.
//
// A crash during the replay leaves messages.jsonl as it was, and closed
// parts that hold the first rows of each table, as after any crash: the
// next join replays again.
func (s *liveSession) replay() error {
	path := filepath.Join(s.res.Dir, decode.BundleMessages)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("live: replaying the bundle: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Size() == 0 {
		return err
	}
	start := time.Now()
	r, err := decode.NewReader(f, decode.ReaderOptions{
		KeepErrors: -1,
		Name:       path,
		OnBadLine:  func(*decode.Error, []byte) { s.eng.NoteBadLine() },
	})
	if err != nil {
		return fmt.Errorf("live: replaying the bundle: %w", err)
	}
	if s.ovl != nil {
		s.ovl.replaying = true
	}
	var m decode.Message
	var n int64
	for r.Next(&m) {
		line := r.Line()
		s.seen(&m, line)
		if t := m.OccurredAt_ms(); t > 0 {
			s.lastT_ms = max(s.lastT_ms, t)
		}
		if err := s.eng.FeedLine(&m, line); err != nil {
			return fmt.Errorf("live: replaying %s:%d: %w", path, r.LineNumber(), err)
		}
		n++
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("live: replaying the bundle: %w", err)
	}
	if s.ovl != nil {
		s.ovl.replaying, s.ovl.replayed_ms = false, s.lastT_ms
	}
	s.res.Replayed = n
	args := []any{"dir", s.res.Dir, "messages", n, "bad_lines", r.Stats().Bad, "took", time.Since(start).Round(time.Millisecond)}
	if s.parts != nil {
		args = append(args, "parts_before", s.parts.earlier, "part_rows_still_to_skip", s.parts.Skipped())
	}
	s.log.Info("live: re-joining into an existing bundle: replayed it into the engine, so that the figures and the summary cover the whole recording; "+
		"messages.jsonl is appended to and the table parts numbered on", args...)
	return nil
}
