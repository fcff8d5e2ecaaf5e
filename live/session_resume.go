package live

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
)

// resumePoint is where a Join starts: the live id it joins first, and
// what a Join that had followed to it would carry into its session (see
// resume). For a live id joined straight, only id is set.
type resumePoint struct {
	id   string
	from string // the live id the run before followed to id; "" when none
	// followFrom_ms and periods are, as Join carries them on a follow,
	// the newest time the session of from had (its Summary.End_ms) and
	// where it left the period count and the clock (NextPeriods).
	followFrom_ms int64
	periods       track.Periods
	// passed are the live ids of the chain before id, in order (the
	// first is SessionConfig.LiveID): joined by the run before, not
	// joined again.
	passed []string
	// stopped: the run before had stopped where the chain ends, at a
	// PLAY_NEXT / DRILL_NEXT naming a live id it had already joined (see
	// Join): there is nothing to continue.
	stopped bool
}

// resume finds where a Join of cfg.LiveID into cfg.Out continues when a
// run before it (stopped by a crash, a kill, a reboot) had followed the
// live id's PLAY_NEXT / DRILL_NEXT: the live id's bundle records the
// marker, and a Join that follows (not NoFollow) takes up the live id it
// names, as the run before did, instead of reading the first live id's
// feed again (which goes on past the marker, into the next round: the
// marker itself, a duplicate of the recorded one, would not be followed
// again, and the next round would be recorded into the first live id's
// bundle). The marker a run follows is the first one of the recording
// naming another live id (the session moves on at it); that live id's
// bundle, when --out has one, is followed the same way, link by link,
// to the first bundle without such a marker, or to a live id with no
// bundle yet: the live id the run before was at. Its session is joined
// as after a follow (from, its REST state from where the previous live
// id stopped: followFrom_ms), continuing its bundle as a re-join does;
// the bundles passed are only read. The period count and clock it
// starts from are its bundle's periods.json, else what the previous
// live id's session passed on, made again by replaying that one's
// recording into an engine (from its own periods.json, or, recursively,
// its predecessor's), as the run before made it. Without Out, with
// NoFollow or with NoResume, the Join starts at cfg.LiveID as ever.
func resume(cfg *SessionConfig) (resumePoint, error) {
	rp := resumePoint{id: cfg.LiveID}
	if cfg.Out == "" || cfg.NoFollow || cfg.NoResume {
		return rp, nil
	}
	chain := []string{cfg.LiveID}
	joined := map[string]bool{cfg.LiveID: true}
	for {
		id := chain[len(chain)-1]
		next, err := recordedNext(cfg.bundleDir(id), id)
		if err != nil {
			return rp, err
		}
		if next == "" {
			break
		}
		if joined[next] {
			// As Join does at such a marker: the run before stopped there.
			rp.stopped = true
			break
		}
		chain = append(chain, next)
		joined[next] = true
	}
	n := len(chain) - 1
	rp.id, rp.passed = chain[n], chain[:n]
	if n == 0 {
		return rp, nil
	}
	rp.from = chain[n-1]
	// startPeriods is where link k's session started its period count:
	// its bundle's periods.json (recordPeriods reads it first), else what
	// link k-1's session passed on; the first live id was joined straight.
	var startPeriods func(k int) (track.Periods, error)
	startPeriods = func(k int) (track.Periods, error) {
		dir := cfg.bundleDir(chain[k])
		c, err := decode.ReadContinuation(dir)
		if c != nil && err == nil {
			return track.ContinuedPeriods(c), nil
		}
		if k == 0 {
			return track.Periods{}, nil
		}
		p, err := startPeriods(k - 1)
		if err != nil {
			return p, err
		}
		_, next, err := replayedEnd(cfg.bundleDir(chain[k-1]), cfg.Track, p)
		return next, err
	}
	p, err := startPeriods(n - 1)
	if err != nil {
		return rp, err
	}
	if rp.followFrom_ms, rp.periods, err = replayedEnd(cfg.bundleDir(rp.from), cfg.Track, p); err != nil {
		return rp, err
	}
	return rp, nil
}

// bundleDir is live id's bundle directory under Out: dirName, or, when
// there is none of that name, the one an earlier stmotion named
// otherwise (legacyDirName: a live id with ':' in it) if it is there, so
// that a re-join after an upgrade continues the bundle.
func (cfg *SessionConfig) bundleDir(id string) string {
	dir := filepath.Join(cfg.Out, dirName(id))
	if old := filepath.Join(cfg.Out, legacyDirName(id)); old != dir {
		if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
			if _, err := os.Lstat(old); err == nil {
				return old
			}
		}
	}
	return dir
}

// chainText is the live ids a run followed, passed then last, as the
// log says them: "a → b → c".
func chainText(passed []string, last string) string {
	p := make([]string, 0, len(passed)+1)
	for _, id := range passed {
		p = append(p, PrintableID(id))
	}
	return strings.Join(append(p, PrintableID(last)), " → ")
}

// recordedNext returns the live id the first PLAY_NEXT / DRILL_NEXT of
// the bundle dir's messages.jsonl names other than id itself (as a
// session takes it: nextLiveID, the JSON escapes decoded): the one a run
// that follows moved on at. "" when the recording has none, or there is
// no recording (none, an empty one, or one without a size, such as a
// device, which the re-join's replay skips too). Lines that do not decode are skipped, as a session skips
// them.
func recordedNext(dir, id string) (string, error) {
	path := filepath.Join(dir, decode.BundleMessages)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("live: reading where the run before went on: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Size() == 0 {
		// Empty, or no file of a size (a device, a pipe: read without
		// end), as the re-join's replay takes it: nothing recorded.
		return "", err
	}
	r, err := decode.NewReader(f, decode.ReaderOptions{KeepErrors: -1, Name: path})
	if err != nil {
		return "", fmt.Errorf("live: reading where the run before went on: %w", err)
	}
	defer r.Close()
	var m decode.Message
	for r.Next(&m) {
		if m.Kind != decode.KindMarker || m.Marker.Type != decode.MarkerPlayNext && m.Marker.Type != decode.MarkerDrillNext {
			continue
		}
		if next := nextLiveID(&m.Marker, r.Line()); next != "" && next != id {
			return next, nil
		}
	}
	if err := r.Err(); err != nil {
		return "", fmt.Errorf("live: reading where the run before went on: %w", err)
	}
	return "", nil
}

// replayedEnd replays the bundle dir's messages.jsonl into an engine
// (tcfg, no sinks) whose period count starts at start, as the session
// that recorded it was fed (see liveSession.replay), and returns what
// that session passed on to the live id it followed to: its newest time
// (Summary.End_ms) and NextPeriods.
func replayedEnd(dir string, tcfg track.Config, start track.Periods) (end_ms int64, next track.Periods, err error) {
	path := filepath.Join(dir, decode.BundleMessages)
	eng, err := track.NewSession(tcfg, track.Meta{SessionID: filepath.Base(dir), Periods: start})
	if err != nil {
		return 0, next, fmt.Errorf("live: replaying %s: %w", path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		eng.Close()
		return 0, next, fmt.Errorf("live: replaying where the run before went on: %w", err)
	}
	defer f.Close()
	r, err := decode.NewReader(f, decode.ReaderOptions{KeepErrors: -1, Name: path, OnBadLine: func(*decode.Error, []byte) { eng.NoteBadLine() }})
	if err != nil {
		eng.Close()
		return 0, next, fmt.Errorf("live: replaying where the run before went on: %w", err)
	}
	defer r.Close()
	var m decode.Message
	for r.Next(&m) {
		if err := eng.FeedLine(&m, r.Line()); err != nil {
			eng.Close()
			return 0, next, fmt.Errorf("live: replaying %s:%d: %w", path, r.LineNumber(), err)
		}
	}
	if err := r.Err(); err != nil {
		eng.Close()
		return 0, next, fmt.Errorf("live: replaying where the run before went on: %w", err)
	}
	sum, err := eng.Close()
	if err != nil {
		return 0, next, fmt.Errorf("live: replaying %s: %w", path, err)
	}
	return sum.End_ms, eng.NextPeriods(), nil
}
