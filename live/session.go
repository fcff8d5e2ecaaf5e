package live

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stmotion/stmotion/backfill"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// Reconnect backoff defaults: before reconnect attempt n (1-based) the
// session waits a uniform random time in [d/2, d], d = min(MaxBackoff,
// MinBackoff·2^(n-1)). The attempt count restarts once a connection has
// stayed up for MaxBackoff (5 s by default) after its ack, not at the
// ack: a server that drops every connection right after opening it gets
// ever longer waits, up to MaxBackoff, not a reconnect (a subscribe, a
// dial, /stats and /shots) every MinBackoff.
const (
	DefaultMinBackoff = 100 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
)

// DefaultEndCheck is how long the feed must be quiet after an end marker
// before Join asks whether the live id is still active, when
// SessionConfig.EndCheck is zero.
const DefaultEndCheck = 15 * time.Second

// DefaultStartupRetry is how long a live id's first requests (its live
// information and subscription) are retried after server errors (5xx),
// 429s and network errors when SessionConfig.StartupRetry is zero.
const DefaultStartupRetry = 2 * time.Minute

// DefaultMaxFollow is how many next live ids one Join follows when
// SessionConfig.MaxFollow is zero: far more than a tournament day or a
// long practice has (a game is 2 to 4 live ids, a drill one), yet a
// bound on a feed that names new live ids without end (see
// MaxFollowError).
const DefaultMaxFollow = 1000

// MaxShotDelay_ms bounds how long after its occurred_at the feed
// delivers a shot (epoch ms of sensor time): the feed sends a shot once it
// is decided, 1.2–2.6 s after it happened in the sample game, so a feed
// cut at time t may still owe shots that happened before t. The REST
// shots fed after a reconnect (fillGap) and at a re-join (applyJoin) are
// therefore those after t − MaxShotDelay_ms, t being the newest data
// message received before the drop (or recorded before the re-join),
// that the session has not seen: the duplicate check drops the ones it
// received (for a re-join, those the bundle holds: see replay). A shot delivered
// later than that after an outage is lost.
const MaxShotDelay_ms = 10_000

// SessionConfig configures Join. Client and LiveID are required; every
// other zero field has a working default.
type SessionConfig struct {
	Client *Client
	LiveID string
	// WSURL is the websocket base address (the token is appended as
	// ?token=). Empty means DefaultWSURL of the REST base URL. One that
	// is not a ws:// or wss:// address with a host (CheckFeedAddress)
	// fails Join at once.
	WSURL string
	// WSURLFor, when set, overrides WSURL per live id (followed sessions
	// may live on other hosts).
	WSURLFor func(liveID string) string
	// DataTypes are the data types to subscribe to; nil means every type
	// the credentials are granted.
	DataTypes []DataType
	// Out is the root directory: each live id gets Out/<live_id>/ with the
	// bundle (messages.jsonl, live.json, ...), the tables under tables/
	// and summary.json. A live id joined again continues its directory
	// (see the package doc). Empty records nothing.
	Out string
	// Track is the engine configuration; the zero value (Causal aside)
	// means track.DefaultConfig(). Any other value is used as given, so
	// start from DefaultConfig to change a field: Join fails at once with
	// the engine's *track.ConfigError for one it would reject (a field
	// left at 0). Causal is always set: live output cannot wait for the
	// smoother.
	Track track.Config
	// Attach, when set, is called with each live id's engine before its
	// feed starts, to attach the analyzers batch analysis attaches
	// (possession, heatmaps: the same ones, so live and batch agree:
	// pipeline.Attach).
	Attach func(sess *track.Session, meta track.Meta) error
	// Overlay, NATS, Metrics and Health are optional outputs. NATS is
	// the publisher the Overlay publishes frames and events to (give it
	// as OverlayOptions.NATS too): Join publishes each live id's
	// session_start and session_end events to it (see FramesSubject), and
	// its counts go into each SessionResult.
	Overlay *Overlay
	NATS    *NATSPublisher
	Metrics *Metrics
	Health  *Health
	Logger  *slog.Logger
	// FlushInterval is the recorder's (DefaultFlushInterval when zero).
	FlushInterval time.Duration
	// MaxDuplicates_B bounds each live id's duplicates.jsonl (the
	// recorder's RecorderOptions.MaxDuplicates_B: DefaultMaxDuplicates_B
	// when zero, none kept when negative); the duplicates beyond are
	// counted (SessionResult.DuplicatesNotKept), not kept.
	MaxDuplicates_B int64
	// PartInterval is how often the tables are closed into a new part
	// (DefaultPartInterval when zero; negative: one part at the end).
	PartInterval time.Duration
	// NoTables turns the table output off (the bundle is still written).
	NoTables bool
	// MinBackoff and MaxBackoff bound the reconnect backoff, and the
	// backoff between a live id's first requests (see StartupRetry). A
	// connection that stays up for MaxBackoff starts the backoff over
	// (see DefaultMaxBackoff).
	MinBackoff, MaxBackoff time.Duration
	// StartupRetry is how long a live id's first requests (GET its live
	// information, subscribe) are retried, on top of the client's own
	// retries, after a 5xx, a 429 (waiting its Retry-After) or a network
	// error: an API having a bad minute should not end a join that a
	// restart by hand would make. 400, 401, 403 and 404 end it at once,
	// but for a live id followed from a PLAY_NEXT / DRILL_NEXT, which may
	// not be known to the API for a moment: its 404s are retried too,
	// while the previous live id's feed is read on (see handoff). It also
	// bounds how long the Join's first live id's feed may fail to come up
	// (any dial or ack failure, from the first: an unreachable websocket
	// fails the Join then, as an unreachable API does), and how long a
	// live id may answer 404 mid-game (see feedLoop). Zero means
	// DefaultStartupRetry; negative, no retry beyond the client's.
	StartupRetry time.Duration
	// Feed configures each websocket connection.
	Feed FeedOptions
	// NoFollow stops at PLAY_NEXT / DRILL_NEXT instead of joining the
	// live id they name.
	NoFollow bool
	// NoResume joins LiveID itself even when its bundle in Out records a
	// PLAY_NEXT / DRILL_NEXT a run before had followed (see resume): for
	// a caller whose later live ids are new to each run (`stmotion live
	// --demo`, whose mock names new ones).
	NoResume bool
	// EndCheck detects an event that ends while its socket stays open:
	// once the feed has been quiet (no location, stats or shot) for
	// EndCheck after a PLAY_END or PRACTICE_END marker, or for 8·EndCheck
	// without one, the live information is asked whether the live id is
	// still active, and again after each such quiet interval; a 400 "no
	// longer active" ends the session (a 404 is asked again after the
	// next interval).
	// Zero means DefaultEndCheck; negative, never ask.
	EndCheck time.Duration
	// MaxFollow bounds how many next live ids this Join follows (0:
	// DefaultMaxFollow; negative: no bound). At a PLAY_NEXT / DRILL_NEXT
	// beyond it Join stops, with a *MaxFollowError (ErrMaxFollow) after
	// that live id's result: the event may go on. A Join that continues
	// where a run before it was (see resume) counts only its own follows,
	// so that running it again goes on from where it stopped.
	MaxFollow int
	// OnResult, when set, is given each live id's result as that live id
	// ends, and Join keeps none of them (it returns none): for a Join
	// that follows without end, whose results (summaries with their
	// heatmaps) would otherwise pile up until it returns.
	OnResult func(SessionResult)
	// AllowMirrored accepts a court whose corners run counterclockwise,
	// taking the sensor frame as left-handed (court.Options); without it
	// such a court is not used and positions stay in the sensor frame.
	AllowMirrored bool
	// AllowMirroredName names AllowMirrored as the user sets it, in the
	// warning about a mirrored court from the API ("--allow-mirrored" for
	// stmotion live); "" leaves court's own name (Options.AllowMirrored).
	AllowMirroredName string
	// CourtTemplate names the court's markings template
	// (court.Options.Template: "ncaa", "hs94", ...; stmotion live
	// --court-template) over the one the court's body names and the one
	// its size gives (NBA for the 28.65 × 15.24 m courts NCAA, WNBA and
	// 94-ft high-school gyms share, warned of once per Join). It is
	// recorded in the bundle's court.json ("template", court.WithTemplate)
	// so that `stmotion analyze` of the bundle runs on the same court. A
	// court it does not fit fails the live id with a *CourtTemplateError,
	// as does a re-join on another template than the bundle's table parts
	// were made on.
	CourtTemplate string
	// Court is the /court body to use when GET court fails, or serves a
	// body that is not JSON or not a valid court (court.Parse), e.g. read
	// from a court.json of the venue (decode.ReadCourt); it is recorded in
	// the bundle as its court.json, what the session used (the API's body
	// it replaced as court_api.json, decode.BundleCourtAPI). A valid court
	// from the API is used, not this one. Nil: such a session stays in the
	// sensor frame (the API's court that is not valid is recorded as
	// court.json all the same: analyze of the bundle does the same).
	Court []byte

	// templateWarned: the warning that a court's template was chosen
	// by size among several was logged (once per Join).
	templateWarned bool

	// sleep, when set, replaces the backoff's waits (tests: it records
	// them and returns at once, so that no test waits on the clock).
	sleep func(ctx context.Context, d time.Duration) bool
	// now, when set, is the clock that says how long a connection stayed
	// up (tests).
	now func() time.Time
}

// SessionResult is what one live id of a Join gave.
type SessionResult struct {
	LiveID  string
	Dir     string // the bundle directory, "" without Out
	Summary *track.Summary
	Parts   []string // closed table parts of this join
	// EarlierParts is how many table parts earlier joins of the live id
	// left in the bundle (a re-join numbers its own on after them).
	EarlierParts int
	Messages     int64 // websocket messages received (duplicates included)
	Duplicates   int64
	// DuplicatesNotKept counts the duplicates not recorded in
	// duplicates.jsonl, full (SessionConfig.MaxDuplicates_B); the
	// bundle's duplicates_not_kept.json has the count over every join
	// (BundleDuplicatesNotKept).
	DuplicatesNotKept int64
	DecodeErrors      int64
	GapFilled         int64 // stats and shot messages recovered from REST after reconnects (and for a span lost at a handover: HandoverGap)
	// JoinFilled counts the stats and shot messages fed from the REST
	// state fetched at the join: what the event had before the feed
	// started (see applyJoin).
	JoinFilled int64
	// HandoverLost counts the messages the previous live id's feed
	// delivered at a PLAY_NEXT handover beyond its buffer (64 MB) before
	// this live id's feed was up: lost, not recorded.
	HandoverLost int64
	// HandoverGap is the feed time (occurred_at) at the PLAY_NEXT /
	// DRILL_NEXT handover to this live id that neither feed delivered:
	// from the previous live id's feed's newest data message, where it
	// stopped short (it ended, or the session stopped waiting for it to
	// catch up: see handoff), to this feed's first. Its stats and shots
	// are filled from this live id's REST state (in GapFilled), its
	// locations are lost; it is logged as a warning.
	HandoverGap time.Duration
	// Unanalysed counts the messages recorded in the bundle (and counted
	// in Messages) but not analysed: what the previous live id's feed
	// delivered for this one when this one's session ended before its
	// feed was up (Ctrl-C during the handover, or the live id never
	// answered: see StartupRetry), less the replays among it (dropped
	// to duplicates.jsonl, in Duplicates). Joining the live id again
	// continues the bundle.
	Unanalysed int64
	// Replayed counts the messages of the bundle fed to the engine before
	// the feed, at a re-join of a recorded live id (see
	// liveSession.replay): the summary covers them too. Not in Messages.
	Replayed int64
	// DedupForgotten counts the stats, shot and marker messages the
	// duplicate check forgot to stay within its bounds (a feed sending
	// more distinct ones than a game has: see dedup); a replay of one is
	// recorded and fed again, and the engine finds it stale or a repeat.
	DedupForgotten int64
	Reconnects     int64
	// ConnectFailures counts the attempts to connect that failed, each
	// retried after the backoff: a reconnect's subscribe or dial, and a
	// retried first request of the live id (its live information or
	// subscribe: see SessionConfig.StartupRetry), as for a next live id
	// that is not known to the API yet.
	ConnectFailures int64
	// Offline is the total time between losing a connection and the ack
	// of the next one (or the end of the session, when it ended while
	// reconnecting); OfflineMax the longest such gap. The previous live
	// id's feed ending during the handover, before this one's is up, is
	// such a loss.
	Offline, OfflineMax time.Duration
	// End says in words how the live id ended: the API said it is no
	// longer active, the server closed the feed (and what confirmed it),
	// a next live id was followed, Join was cancelled ("interrupted",
	// with the context's cause: stmotion live names the signal), or
	// "failed: " and the error Join returns (a disk full).
	End  string
	Next string // the live id a PLAY_NEXT / DRILL_NEXT marker named, "" when none
	// NATSPublished, NATSBuffered and NATSDropped are SessionConfig.NATS's
	// Sent, Buffered and Dropped as this live id ended: totals of the
	// publisher (over every live id of the Join so far), 0 without NATS.
	NATSPublished, NATSBuffered, NATSDropped int64
	nats                                     bool // SessionConfig.NATS was set: String reports the counts
}

// Join joins a live event and stays joined until the live id ends (the
// API says it is no longer active, or a normal close of the feed is
// confirmed: see feedLoop and SessionConfig.EndCheck), ctx is cancelled
// (Ctrl-C: everything is flushed and Join returns the results with a nil
// error, or the context's while a followed live id's first requests were
// being made), or an error that reconnecting cannot fix: at the join (the
// live id is unknown, the credentials are refused) an *APIError, later a
// *GaveUpError (ErrGaveUp), with the result of what was recorded. It follows PLAY_NEXT /
// DRILL_NEXT markers to the next live id, one SessionResult each (given
// to OnResult as each live id ends, when set, instead of returned), up
// to SessionConfig.MaxFollow of them (beyond, a *MaxFollowError).
//
// Joining into an Out where a run before it had followed LiveID's
// PLAY_NEXT / DRILL_NEXT (its bundle records the marker), Join goes on
// at the live id that run was at, as if it had not stopped: it continues
// that live id's bundle, and leaves the bundles before it as they are
// (see resume; not with NoFollow or NoResume).
//
// A live id whose bundle directory another process records into (it
// holds the bundle's lock) is refused with a *BundleHeldError
// (ErrBundleHeld) before anything is written there: see bundleLocks.
//
// Per live id: GET the live information, subscribe (one-time token and
// roster), GET the court; then the websocket: ack, the current stats and
// shots (GET after the first ack, fed before the first data message:
// applyJoin), keepalive pings, every message recorded verbatim,
// decoded, de-duplicated and fed to the engine
// (track.Session in causal mode) whose sinks are the overlay and the
// table parts. On a dropped connection it subscribes again for a new
// token and reconnects with exponential backoff and jitter, then fetches
// /stats and /shots to recover what the gap missed.
func Join(ctx context.Context, cfg SessionConfig) ([]SessionResult, error) {
	if cfg.Client == nil || cfg.LiveID == "" {
		return nil, errors.New("live: SessionConfig needs a Client and a LiveID")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	if cfg.MaxFollow == 0 {
		cfg.MaxFollow = DefaultMaxFollow
	}
	if cfg.StartupRetry == 0 {
		cfg.StartupRetry = DefaultStartupRetry
	}
	if cfg.EndCheck == 0 {
		cfg.EndCheck = DefaultEndCheck
	}
	zero := cfg.Track
	zero.Causal = false
	if reflect.ValueOf(zero).IsZero() {
		cfg.Track = track.DefaultConfig()
	}
	cfg.Track.Causal = true
	// Any other config is the caller's, whole: one the engine would
	// reject fails here, before anything is fetched.
	if err := cfg.Track.Validate(); err != nil {
		return nil, fmt.Errorf("live: SessionConfig.Track (start from track.DefaultConfig): %w", err)
	}
	if cfg.WSURL != "" {
		// A mistyped address fails the join at once, not every
		// connection attempt for ever.
		if err := CheckFeedAddress(cfg.WSURL); err != nil {
			return nil, fmt.Errorf("live: SessionConfig.WSURL: %w", err)
		}
	}
	if cfg.WSURL == "" && cfg.WSURLFor == nil {
		if u, err := url.Parse(cfg.Client.cfg.BaseURL); err == nil && strings.HasSuffix(u.Hostname(), ".shottracker.com") {
			if _, ok := knownFeeds[canonicalHost(u)]; !ok {
				cfg.Logger.Warn("live: no known websocket host for this ShotTracker API host: trying the API host itself; set SessionConfig.WSURL (--ws) if that fails",
					"api", u.Host, "ws", DefaultWSURL(cfg.Client.cfg.BaseURL))
			}
		}
	}
	defer cfg.Health.set(func(h *Health) { h.done, h.connected = true, false })
	var results []SessionResult
	visited := map[string]bool{}
	// One process at a time records into a bundle (see bundleLocks):
	// another recording the live id's is refused here, before anything
	// is fetched, read or written.
	var locks *bundleLocks
	if cfg.Out != "" {
		locks = newBundleLocks(cfg.bundleDir(cfg.LiveID))
		defer locks.releaseAll()
		if err := locks.take(locks.keep, cfg.LiveID, false); err != nil {
			return nil, err
		}
	}
	// A run before this one may have followed the live id's PLAY_NEXT /
	// DRILL_NEXT: its bundle says so, and the Join goes on where that run
	// was (see resume). The bundle it goes on in is locked before it is
	// read again: if the process that held it had recorded a marker
	// meanwhile and moved on, the chain is read again.
	var rp resumePoint
	for {
		var err error
		if rp, err = resume(&cfg); err != nil {
			return nil, err
		}
		if rp.stopped || rp.id == cfg.LiveID {
			break
		}
		dir := cfg.bundleDir(rp.id)
		if err := locks.take(dir, rp.id, false); err != nil {
			return nil, err
		}
		if next, err := recordedNext(dir, rp.id); err != nil || next == "" {
			break
		}
		locks.release(dir)
	}
	for _, id := range rp.passed {
		visited[id] = true
	}
	if rp.stopped {
		cfg.Logger.Warn("live: the run before stopped at "+PrintableID(rp.id)+": its PLAY_NEXT / DRILL_NEXT names a live id that run had joined; nothing to continue",
			"chain", chainText(rp.passed, rp.id))
		return nil, nil
	}
	if rp.from != "" {
		cfg.Logger.Info("live: continuing at "+PrintableID(rp.id)+": the run before followed "+chainText(rp.passed, rp.id)+
			" (recorded in the bundles under the output directory); the bundles before are left as they are",
			"live_id", rp.id, "from", rp.from, "period", rp.periods.Period)
	}
	id, from := rp.id, rp.from
	followFrom_ms := rp.followFrom_ms // the newest time the live id followed from had
	// periods is where the live id followed from left the event's period
	// count: the next one numbers its periods on from there (a drill keeps
	// its number, as in a recording of the whole practice).
	periods := rp.periods
	// prev is the feed of the live id just left, still read until the
	// next one's feed is up (see handoff).
	var prev *handoff
	defer func() {
		if prev != nil {
			prev.stop()
		}
	}()
	for follows := 0; ; follows++ {
		visited[id] = true
		s := &liveSession{cfg: &cfg, liveID: id, log: cfg.Logger.With("live_id", id), prev: prev, from: from, followFrom_ms: followFrom_ms, periods: periods, first: follows == 0, locks: locks}
		res, err := s.run(ctx)
		prev = s.handover
		periods = track.Periods{}
		if s.eng != nil {
			periods = s.eng.NextPeriods()
		}
		// The live id's marker names the next, but this run has followed
		// MaxFollow live ids: it stops there, and says so.
		limit := err == nil && res != nil && ctx.Err() == nil && res.Next != "" && !cfg.NoFollow && !visited[res.Next] &&
			cfg.MaxFollow >= 0 && follows >= cfg.MaxFollow
		if limit {
			res.End += fmt.Sprintf(", not followed: this run has followed MaxFollow (%d) live ids", cfg.MaxFollow)
		}
		if res != nil {
			if cfg.OnResult != nil {
				cfg.OnResult(*res)
			} else {
				results = append(results, *res)
			}
		}
		if err != nil {
			return results, err
		}
		if ctx.Err() != nil || res == nil || res.Next == "" || cfg.NoFollow {
			return results, nil
		}
		if visited[res.Next] {
			cfg.Logger.Warn("live: next live id already joined; stopping", "next", res.Next)
			return results, nil
		}
		if limit {
			e := &MaxFollowError{MaxFollow: cfg.MaxFollow, LiveID: id, Next: res.Next}
			cfg.Logger.Error("live: followed MaxFollow live ids: stopping before the next, though the event may go on", "max_follow", cfg.MaxFollow, "live_id", id, "next", res.Next)
			return results, e
		}
		cfg.Logger.Info("live: following to the next live id", "from", id, "next", res.Next)
		from, id = id, res.Next
		if res.Summary != nil {
			followFrom_ms = res.Summary.End_ms
		}
	}
}

// ErrGaveUp is what a *GaveUpError unwraps to: Join stopped a live id it
// had joined before its event was over.
var ErrGaveUp = errors.New("live: gave up before the event ended")

// GaveUpError is a live id Join joined but stopped before its event
// ended: the credentials were refused when subscribing again, the API
// answered 404 for it for SessionConfig.StartupRetry, or, followed from
// a PLAY_NEXT / DRILL_NEXT, it never answered or its bundle directory
// cannot be named (an id longer, escaped, than a file name may be). What
// was received is recorded (where it can be) and its SessionResult
// given; `stmotion live` exits with status 3 (not 0, as for an event
// that is over, nor 1, as for a join that failed).
type GaveUpError struct {
	LiveID string
	Err    error
}

func (e *GaveUpError) Error() string {
	return fmt.Sprintf("live: gave up live id %s before its event ended: %v", PrintableID(e.LiveID), e.Err)
}

func (e *GaveUpError) Unwrap() []error { return []error{ErrGaveUp, e.Err} }

// ErrMaxFollow is what a *MaxFollowError unwraps to: Join stopped at a
// PLAY_NEXT / DRILL_NEXT it would have followed, as it had followed
// SessionConfig.MaxFollow live ids.
var ErrMaxFollow = errors.New("live: stopped following at MaxFollow")

// MaxFollowError is a Join that followed SessionConfig.MaxFollow next
// live ids and stopped at the next one's PLAY_NEXT / DRILL_NEXT: LiveID
// ended, its marker naming Next, which was not joined. The event may go
// on under Next: not the end of the event, nor a failure of the join;
// `stmotion live` exits with status 4. Joining LiveID (or the live id
// the Join started with) again into the same Out goes on at Next (see
// resume).
type MaxFollowError struct {
	MaxFollow    int
	LiveID, Next string
}

func (e *MaxFollowError) Error() string {
	return fmt.Sprintf("live: followed %d next live ids (the bound): stopped after %s, whose PLAY_NEXT / DRILL_NEXT names %s, not joined (the event may go on)",
		e.MaxFollow, PrintableID(e.LiveID), PrintableID(e.Next))
}

func (e *MaxFollowError) Unwrap() error { return ErrMaxFollow }

// liveSession is one live id of a Join.
type liveSession struct {
	cfg    *SessionConfig
	liveID string
	from   string // the live id Join followed to this one, "" for the first
	log    *slog.Logger
	// first is the Join's first live id (the one it started with, or
	// went on at: see resume): its feed must come up within
	// StartupRetry, as its first requests must answer (see feedLoop).
	first bool
	locks *bundleLocks // the Join's: this live id's bundle is locked before it is read or written

	rec   *Recorder
	court sessionCourt // the court the session runs on (courtOf)
	eng   *track.Session
	ovl   *OverlaySink
	parts *partSink
	dd    *dedup
	dec   decode.Decoder
	msg   decode.Message
	res   SessionResult
	bad   undecodableLog
	types []DataType // requested (SessionConfig.DataTypes); nil: all granted
	// tokenTypes are the data types the newest token grants
	// (token_data_types); nil when the server did not say.
	tokenTypes []string

	lastT_ms int64 // newest occurred_at fed to the engine (received, or synthesised from REST)
	// prev is the previous live id's feed, read on until this one's is
	// acknowledged; handover is this one's, once a PLAY_NEXT / DRILL_NEXT
	// is followed (see handoff).
	prev, handover *handoff
	// join is the REST state fetched at the join, until the first data
	// message shows where the feed starts (applyJoin); nil once applied.
	join *restState
	// joinFrom_ms is the newest occurred_at of the bundle before this
	// join (a re-join of a recorded live id); 0 for a new bundle.
	joinFrom_ms int64
	// recordedShots are the shot lines at the bundle's end before this
	// join (see recordedTail): marked seen, so that the REST shots the
	// join feeds (from shotFloor_ms) are those the earlier join missed.
	recordedShots [][]byte
	// followFrom_ms is, for a live id Join followed to (from), the newest
	// occurred_at the previous live id's session had: what the REST state
	// holds up to it predates this live id or was fed there (applyJoin).
	followFrom_ms int64
	// periods is, for a live id Join followed to, where the previous live
	// id's session left the event's period count (track.Meta.Periods;
	// see recordPeriods).
	periods track.Periods

	// fresh counts the messages of the current connection that were new
	// (not duplicates, acks or pongs): see closedNormally.
	fresh int
	// endMarkerT_ms is the occurred_at of the newest PLAY_END /
	// PRACTICE_END received.
	endMarkerT_ms int64

	// End detection (watchEnd), shared with the feed's reader: when the
	// last location, stats or shot arrived (unix ns), whether an end
	// marker was received, and whether the API said the live id ended.
	lastData_ns atomic.Int64
	endSeen     atomic.Bool
	ended       atomic.Bool
	// gap recovery after a reconnect: REST state fetched after the ack,
	// applied once the first timestamped message shows where the feed
	// resumed.
	gapStats *decode.LiveStats
	gapShots *decode.LiveShots
	gapFrom  int64
	gapArmed bool
	// lastDataT_ms is the newest occurred_at of a location, stats or
	// shot message received (markers excluded): where the feed stood.
	lastDataT_ms int64
	// feedUp: this live id's feed is acknowledged and read.
	feedUp bool
	// The previous live id's feed read on after this one's ack (s.prev,
	// see handoff; watchOverlap): overlapFrom_ms is the occurred_at of
	// this feed's first data message meanwhile (0: none yet), feedNewest_ms
	// the newest since; prevNewest_ms is the newest data message the
	// previous feed had delivered when last looked at, and idleFrom_ms
	// this feed's newest when that one last grew.
	overlapFrom_ms, feedNewest_ms, prevNewest_ms, idleFrom_ms int64
	// held are this feed's messages received while the previous live
	// id's is still read (held_B bytes of them): handled once that one has
	// caught up with this one's start or stopped, after what it delivered
	// (see relay). pending are those of them after a PLAY_NEXT /
	// DRILL_NEXT that this feed delivered among them: the next live id's,
	// passed on to its handoff.
	held, pending [][]byte
	held_B        int
	// joinState is the REST state fetched at this live id's first ack
	// (armJoin), kept while the previous live id's feed is read: the
	// stretch that feed stops short of is filled from it (armHandoverGap).
	joinState *restState
}

func (s *liveSession) run(ctx context.Context) (*SessionResult, error) {
	defer func() {
		if s.prev != nil { // this session never got its feed up
			s.prev.stop()
			s.prev = nil
		}
	}()
	c := s.cfg.Client
	s.res.LiveID = s.liveID
	s.types = s.cfg.DataTypes
	s.cfg.Health.set(func(h *Health) { h.liveID = s.liveID })
	if s.cfg.Out != "" {
		// A live id the file system cannot name (escaped, longer than a
		// file name may be: a PLAY_NEXT naming 400 bytes) fails its own
		// session, before anything is fetched, not the whole Join.
		if err := bundleDirUsable(s.cfg.bundleDir(s.liveID)); err != nil {
			if s.prev == nil {
				return nil, fmt.Errorf("live: bundle directory: %w", err)
			}
			return s.startupFailed(ctx, "bundle directory", err, nil)
		}
		// A bundle another process records into is refused at once
		// (one there; a new one when it is made, below).
		if err := s.locks.take(s.cfg.bundleDir(s.liveID), s.liveID, false); err != nil {
			return nil, err
		}
	}
	if s.cfg.Out != "" && !s.cfg.NoTables {
		// A re-join matches the rows of the earlier parts by count: with
		// other engine settings they would not be the same rows. Checked
		// before anything is fetched or written.
		unrecorded, err := checkTrackConfig(filepath.Join(s.cfg.bundleDir(s.liveID), "tables"), s.cfg.Track)
		if err != nil {
			return nil, err
		}
		if unrecorded {
			s.log.Warn("live: the bundle's table parts were written by an stmotion that did not record its engine settings ("+TrackConfigFile+"): "+
				"their rows are matched by count, which holds only if this join runs with the same settings (stmotion live --hz, --reorder-window) as the joins that wrote them; "+
				"otherwise the tables miss and repeat rows (the figures and summary.json are not affected; stmotion analyze of the bundle writes whole tables)",
				"dir", filepath.Join(s.cfg.bundleDir(s.liveID), "tables"))
		}
	}
	if s.prev == nil {
		s.setConnected(false)
	} // else the previous live id's feed is read for this one (startHandoff)

	info, err := startup(ctx, s, "live information", func() (*decode.LiveInfo, error) { return c.LiveInfo(ctx, s.liveID) })
	if err != nil {
		return s.startupFailed(ctx, "live information", err, nil)
	}
	sub, err := startup(ctx, s, "subscribe", func() (*decode.Subscribe, error) { return c.Subscribe(ctx, s.liveID, s.types...) })
	if err != nil {
		return s.startupFailed(ctx, "subscribe", err, info)
	}
	courtBody, err := c.Court(ctx, s.liveID)
	if err == nil {
		err = checkCourtBody(courtBody)
	}
	courtSource := export.CourtFromAPI
	if err != nil {
		if ctx.Err() != nil {
			return s.startupFailed(ctx, "court", err, info)
		}
		courtBody, courtSource = s.cfg.Court, export.CourtFromFlag
		if courtBody != nil {
			s.log.Warn("live: no court from the API: using the one given (--court)", "err", err)
		} else {
			s.log.Warn("live: no court: positions stay in the sensor frame", "err", err)
		}
	}
	// The court is checked before the bundle records it: a given one
	// replaces the API's that is not valid, and court.json holds what
	// the session used (the API's body it replaced: court_api.json).
	if s.court, err = s.courtOf(courtBody, courtSource); err != nil {
		return s.startupFailed(ctx, "court", err, info)
	}
	s.tokenTypes = sub.TokenDataTypes

	if s.cfg.Out != "" {
		s.res.Dir = s.cfg.bundleDir(s.liveID)
		if err := s.locks.take(s.res.Dir, s.liveID, true); err != nil {
			return nil, err
		}
		// A re-join on another court template than the parts were made
		// on is refused before the bundle's court.json is written over.
		if err := s.checkRejoinTemplate(s.res.Dir, s.court.court); err != nil {
			return s.startupFailed(ctx, "court", err, info)
		}
		// A re-join: the bundle has the feed up to its newest message,
		// and only what came after it is the join's to recover.
		if s.joinFrom_ms, s.recordedShots, err = recordedTail(filepath.Join(s.res.Dir, decode.BundleMessages), 2*MaxShotDelay_ms); err != nil {
			return nil, err
		}
		if s.rec, err = NewRecorder(s.res.Dir, RecorderOptions{FlushInterval: s.cfg.FlushInterval, MaxDuplicates_B: s.cfg.MaxDuplicates_B}); err != nil {
			return nil, err
		}
		defer s.rec.Close()
		redacted := *sub
		redacted.Token = ""
		type bundleFile struct {
			name string
			v    any
		}
		files := []bundleFile{{decode.BundleLive, info}, {decode.BundleSubscribe, &redacted}}
		if s.court.body != nil {
			files = append(files, bundleFile{decode.BundleCourt, s.court.body})
		}
		if s.court.api != nil {
			files = append(files, bundleFile{decode.BundleCourtAPI, s.court.api})
		} else if err := os.Remove(filepath.Join(s.res.Dir, decode.BundleCourtAPI)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			// An earlier join's, whose court this join did not replace.
			return nil, fmt.Errorf("live: %w", err)
		}
		for _, f := range files {
			if err := s.rec.WriteJSON(f.name, f.v); err != nil {
				return nil, err
			}
		}
		if err := s.recordPeriods(s.rec); err != nil {
			return nil, err
		}
	}

	meta := track.Meta{SessionID: s.liveID, Roster: sub.Teams, EventStart_ms: info.EventStart_ms(), Periods: s.periods, Event: track.EventKindOf(info), Round: track.RoundOf(info)}
	for _, c := range track.RosterConflicts(sub.Teams) {
		s.log.Warn("live: the roster lists a player on more than one team: he is taken as the last one's", "player", c.PlayerID, "teams", c.Teams, "kept", c.Kept())
	}
	meta.Court = s.court.court
	var sinks []track.Sink
	if s.cfg.Overlay != nil {
		s.ovl = s.cfg.Overlay.Sink(s.liveID, sub.Teams)
		s.ovl.SetCourt(meta.Court)
		sinks = append(sinks, s.ovl)
	}
	if s.cfg.Out != "" && !s.cfg.NoTables {
		if s.parts, err = newPartSink(filepath.Join(s.res.Dir, "tables"), s.liveID, s.cfg.PartInterval); err != nil {
			return nil, err
		}
		s.parts.beforeClose = s.rec.Flush
		if s.parts.config, err = trackConfigJSON(s.cfg.Track); err != nil {
			return nil, err
		}
		sinks = append(sinks, s.parts)
	}
	if s.eng, err = track.NewSession(s.cfg.Track, meta, sinks...); err != nil {
		return nil, err
	}
	if s.ovl != nil {
		s.ovl.SetEngine(s.eng)
	}
	if s.cfg.Attach != nil {
		if err = s.cfg.Attach(s.eng, meta); err != nil {
			s.eng.Close()
			return nil, err
		}
	}
	s.dd = newDedup(s.eng.Window_ms(), s.cfg.Track.MaxSensors, meta.Roster)
	s.markRecorded()
	if s.rec != nil {
		if err := s.replay(); err != nil {
			// The engine is left unclosed: closing it would write a
			// summary of part of the recording.
			if s.parts != nil {
				s.parts.Abort()
			}
			return nil, err
		}
	}

	if p := s.cfg.NATS; p != nil {
		p.PublishEvent(s.liveID, appendSessionStartJSON(nil, s.liveID, time.Now().UnixMilli(), s.from))
	}
	ferr := s.feedLoop(ctx, sub.Token)
	if s.prev != nil && ferr == nil {
		// This live id's feed never came up (Ctrl-C, or it failed): what
		// the previous one delivered for it is still to be kept.
		for _, m := range s.takeHandoff() {
			if ferr = s.handleHanded(m, time.Now()); ferr != nil {
				break
			}
		}
	}
	if s.join != nil && ferr == nil {
		// The feed gave no data message to place the join's state
		// before (it ended, or was cancelled, first): feed it now.
		ferr = s.applyJoin(math.MaxInt64)
	}
	if s.gapArmed && ferr == nil {
		// Likewise for the REST state of the last reconnect.
		ferr = s.fillGap(s.gapFrom, math.MaxInt64)
	}
	if s.res.End == "" && ferr == nil {
		switch {
		case ctx.Err() != nil:
			s.res.End = interrupted(ctx)
		case s.res.Next != "":
			s.res.End = "its feed named the next live id " + PrintableID(s.res.Next)
		}
	}
	sum, cerr := s.eng.Close()
	if s.ovl != nil && ferr == nil && ctx.Err() == nil {
		// The live id ended (not a shutdown): its last frame says so.
		s.ovl.End()
	}
	if cerr != nil && s.parts != nil {
		s.parts.Abort()
	}
	s.res.Summary = sum
	s.res.DedupForgotten = s.dd.forgotten()
	if s.parts != nil {
		s.res.Parts, s.res.EarlierParts = s.parts.Parts(), s.parts.earlier
		if sum != nil && cerr == nil {
			// This join's summary is in its last part now: an earlier
			// join's must not be read beside it.
			if err := s.parts.clearEarlierSummaries(); err != nil {
				s.log.Warn("live: the summary tables of an earlier join are left in its parts", "err", err)
			}
		}
	}
	if s.rec != nil {
		if err := s.rec.Close(); err != nil && cerr == nil {
			cerr = err
		}
		if sum != nil && cerr == nil {
			es := export.Summarize(sum)
			es.Court = export.CourtOf(s.court.court, s.court.source, "")
			if err := export.WriteJSON(filepath.Join(s.res.Dir, export.SummaryFile), es, true); err != nil {
				cerr = err
			}
		}
	}
	if ferr == nil && cerr != nil {
		ferr = cerr
		if s.res.End != "" {
			// The feed had ended, but what it delivered could not all
			// be written (a disk full at the last flush): the result line
			// says the live id failed, and how its feed had ended.
			s.res.End = "failed: " + ferr.Error() + " (after " + s.res.End + ")"
		}
	}
	if p := s.cfg.NATS; p != nil {
		// After the engine's Close: its last segments are out, and
		// session_end is the live id's last event.
		p.PublishEvent(s.liveID, appendSessionEndJSON(nil, s.liveID, time.Now().UnixMilli(), s.res.Next, s.res.Messages))
		s.res.nats, s.res.NATSPublished, s.res.NATSBuffered, s.res.NATSDropped = true, p.Sent(), p.Buffered(), p.Dropped()
	}
	if s.res.End == "" && ferr != nil {
		// The result line says why the live id stopped (a disk full, say).
		s.res.End = "failed: " + ferr.Error()
	}
	return &s.res, ferr
}

// interrupted is SessionResult.End for a session whose ctx ended: with
// the cause its canceller gave (stmotion's names the signal: "interrupted
// (SIGTERM)"), else "interrupted (cancelled)".
func interrupted(ctx context.Context) string {
	if c := context.Cause(ctx); c != nil && c != ctx.Err() {
		return "interrupted (" + c.Error() + ")"
	}
	return "interrupted (cancelled)"
}

// startupFailed ends a live id whose first request what failed with
// err, or was cancelled, before its bundle was opened. A live id followed
// from a PLAY_NEXT / DRILL_NEXT has what the previous feed delivered for
// it meanwhile: that is recorded in its bundle (keepHandoff) and its
// result returned; its failure is a *GaveUpError, as the event goes on
// without the session.
func (s *liveSession) startupFailed(ctx context.Context, what string, err error, info *decode.LiveInfo) (*SessionResult, error) {
	if s.prev == nil {
		return nil, err
	}
	if kerr := s.keepHandoff(info); kerr != nil {
		s.log.Error("live: what the previous feed delivered for this live id is not recorded", "err", kerr)
	}
	if ctx.Err() != nil {
		s.res.End = interrupted(ctx) + " before its feed was up"
		return &s.res, err
	}
	s.res.End = fmt.Sprintf("gave up before its feed was up: its %s failed (%v)", what, err)
	return &s.res, &GaveUpError{LiveID: s.liveID, Err: fmt.Errorf("followed from %s's PLAY_NEXT / DRILL_NEXT, its %s failed: %w", s.from, what, err)}
}

// keepHandoff records what the previous live id's feed delivered for
// this one (see handoff) in this live id's bundle when its session ends
// before its own feed is up: verbatim in messages.jsonl, the replays
// among them dropped to duplicates.jsonl as a session drops them (see
// dedup), with its live information when it answered, but not analysed
// (there is no subscription to run the engine with). What the API did
// not give for this live id but the previous one's bundle has, its court
// and roster (the PLAY_NEXT / DRILL_NEXT names the next round of the same
// event: the same venue and teams), is copied from there, marked
// "stmotion_source":"previous_live_id" with
// "stmotion_previous_live_id", so that `stmotion analyze` of the bundle
// gets the court frame and the names. Joining the live id again
// continues that bundle, its join writes the API's answers over the
// copies, and its REST state takes over from where those messages stop.
// Without Out they are lost (HandoverLost).
func (s *liveSession) keepHandoff(info *decode.LiveInfo) error {
	msgs := s.takeHandoff()
	if len(msgs) == 0 {
		return nil
	}
	if s.cfg.Out == "" {
		s.res.HandoverLost += int64(len(msgs))
		return nil
	}
	s.res.Dir = s.cfg.bundleDir(s.liveID)
	err := s.locks.take(s.res.Dir, s.liveID, true)
	var rec *Recorder
	if err == nil {
		rec, err = NewRecorder(s.res.Dir, RecorderOptions{FlushInterval: -1, MaxDuplicates_B: s.cfg.MaxDuplicates_B})
	}
	if err != nil {
		s.res.HandoverLost += int64(len(msgs))
		s.res.Dir = "" // no bundle to name
		return err
	}
	defer rec.Close()
	if info != nil {
		if err := rec.WriteJSON(decode.BundleLive, info); err != nil {
			return err
		}
	}
	if s.from != "" {
		for _, name := range []string{decode.BundleCourt, decode.BundleSubscribe} {
			if err := s.copyFromPrevious(rec, name); err != nil {
				s.log.Warn("live: the previous live id's "+name+" is not copied", "err", err)
			}
		}
	}
	if err := s.recordPeriods(rec); err != nil {
		s.log.Warn("live: where the period count stood is not recorded: analyze of the bundle numbers its periods from 1", "err", err)
	}
	dd := newDedup(s.cfg.Track.ReorderWindow_ms, s.cfg.Track.MaxSensors, nil)
	var dec decode.Decoder
	var msg decode.Message
	for i, m := range msgs {
		s.res.Messages++
		var err error
		if dec.Decode(m, &msg) == nil && dd.seen(&msg, m) {
			s.res.Duplicates++
			if mt := s.cfg.Metrics; mt != nil {
				mt.Duplicates.Inc()
			}
			if err = rec.Duplicate(m); err == nil {
				s.noteDuplicatesFull(rec)
			}
		} else {
			s.res.Unanalysed++
			err = rec.Message(m)
		}
		if err != nil {
			s.res.HandoverLost += int64(len(msgs) - i)
			return err
		}
	}
	s.res.DedupForgotten = dd.forgotten()
	s.log.Warn("live: the live id's feed never came up: what the previous feed delivered for it is recorded, not analysed",
		"dir", s.res.Dir, "messages", len(msgs))
	return rec.Close()
}

// recordPeriods settles where this live id's period count and clock
// start (s.periods, track.Meta.Periods) and records them in the bundle's
// periods.json (decode.Continuation), for `stmotion analyze` of the
// bundle to number the periods as this session does: the bundle's own
// periods.json when it has one (an earlier join of the live id, which
// followed it from the previous live id, numbered its parts so), else
// what Join carried from the previous live id's session, written when
// it is not zero. A live id joined straight (not followed) has no
// history: its count starts from 0 (its first drill is period 1).
func (s *liveSession) recordPeriods(rec *Recorder) error {
	c, err := decode.ReadContinuation(rec.Dir())
	if err != nil {
		s.log.Warn("live: the bundle's "+decode.BundlePeriods+" is not usable: written again", "err", err)
	}
	if c != nil {
		s.periods = track.ContinuedPeriods(c)
		return nil
	}
	if s.periods == (track.Periods{}) && err == nil {
		return nil
	}
	return rec.WriteJSON(decode.BundlePeriods, s.periods.Continuation(s.from))
}

// copyFromPrevious copies bundle file name (a JSON object) from the
// previous live id's bundle into this one's (see keepHandoff), marked
// with where it came from, unless this one has it already or the
// previous one has none.
func (s *liveSession) copyFromPrevious(rec *Recorder, name string) error {
	if _, err := os.Stat(filepath.Join(s.res.Dir, name)); err == nil {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(s.cfg.bundleDir(s.from), name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[0] != '{' {
		return fmt.Errorf("live: %s of %s is not a JSON object", name, s.from)
	}
	b := []byte(`{"stmotion_source":"previous_live_id","stmotion_previous_live_id":`)
	b = appendJSONString(b, s.from)
	if rest := bytes.TrimSpace(data[1:]); len(rest) > 0 && rest[0] != '}' {
		b = append(b, ',')
	}
	b = append(b, data[1:]...)
	return rec.WriteJSON(name, b)
}

// startup makes one of a live id's first requests with f, and tries
// again while it fails in a way that may pass (transient) and
// StartupRetry allows, waiting the reconnect backoff or a 429's
// Retry-After, whichever is longer. what names the request in logs. A
// live id followed from a PLAY_NEXT / DRILL_NEXT may not be known to
// the API for a moment after the marker: its 404s are retried too.
func startup[T any](ctx context.Context, s *liveSession, what string, f func() (T, error)) (T, error) {
	budget := s.cfg.StartupRetry
	giveUp := time.Now().Add(budget)
	for n := 1; ; n++ {
		v, err := f()
		retry := transient(err) || s.from != "" && errors.Is(err, ErrNotFound)
		if err == nil || budget < 0 || ctx.Err() != nil || !retry {
			return v, err
		}
		wait := s.backoff(n)
		var ae *APIError
		if errors.As(err, &ae) {
			wait = max(wait, ae.RetryAfter)
		}
		// A failed attempt to connect, as those of feedLoop's reconnects.
		s.res.ConnectFailures++
		if m := s.cfg.Metrics; m != nil {
			m.ConnectFails.Inc()
		}
		if time.Now().Add(wait).After(giveUp) {
			return v, fmt.Errorf("%w (still failing after retrying %s for %s)", err, what, budget)
		}
		s.log.Warn("live: "+what+" failed; retrying", "attempt", n, "wait", wait, "err", err)
		if !s.sleep(ctx, wait) {
			return v, fmt.Errorf("%w (gave up waiting to retry: %w)", err, ctx.Err())
		}
	}
}

// transient reports whether a failed request may pass when made again:
// a 5xx, a 429, or an error with no response (the network, a timeout);
// not a 4xx that says what is wrong (the live id, the credentials, the
// grant), a malformed body or missing credentials, nor a host name that
// does not resolve or a certificate that does not verify (a mistyped
// --api: retrying it for the startup budget only delays the error).
func transient(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status >= 500 || ae.Status == http.StatusTooManyRequests
	}
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound, errors.As(err, &cert):
		return false
	}
	return !errors.Is(err, ErrBadResponse) && !errors.Is(err, ErrNoCredentials) && !errors.Is(err, ErrInvalidRange)
}

// nextLiveID is the live id a PLAY_NEXT / DRILL_NEXT marker names, with
// its JSON escapes decoded ("next\u002dhalf" is the id next-half), as the
// engine reads it for next_live_id (track's markers): the session follows,
// names the bundle after and asks the API for the id itself, not its
// spelling on the wire. "" when the marker names none.
func nextLiveID(m *decode.Marker, src []byte) string {
	if m.LiveID.Len() == 0 {
		return ""
	}
	return string(m.LiveID.AppendUnescaped(nil, src)) // a few per game
}

// PrintableID is a live id as printed for people (the result line,
// errors, warnings): itself, or quoted as strconv.Quote does when it holds
// a character that decode.Printable would escape (decode.IsPrintable: a
// control character, a bidirectional override, invalid UTF-8), so that an
// id a feed names (a PLAY_NEXT's, JSON-unescaped) cannot move the cursor
// or retitle the terminal it is printed to. Quoted whole, an id is told
// apart from the text around it; the quoting escapes what strconv.IsPrint
// refuses, so a quoted id's no-break spaces show too.
func PrintableID(id string) string {
	if decode.IsPrintable(id) {
		return id
	}
	return strconv.Quote(id)
}

// bundleDirUsable returns why dir cannot be a bundle's directory (a name
// the file system refuses: too long, ENAMETOOLONG), or nil when it is
// there or may be made. It creates nothing.
func bundleDirUsable(dir string) error {
	if _, err := os.Lstat(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// dirName makes a live id safe as a directory name on every system,
// Windows included: escaped as the Hive partitions' session ids are
// (export.EscapeName: ':' as %3A, ...; shortened when too long), and,
// as the name stands alone, not one Windows reserves for a device (CON,
// NUL, COM1, ... with any extension: its first letter escaped, "%4EUL"),
// nor ending in '.' (which Windows drops: "%2E"). A UUID is kept as it
// is. The name unescapes to the live id (url.PathUnescape), but for the
// id "", named "_"; "." and ".." are "%2E" and ".%2E".
func dirName(id string) string {
	if id == "" {
		return "_"
	}
	name := export.EscapeName(id)
	if base, _, _ := strings.Cut(name, "."); windowsDevice(base) {
		name = fmt.Sprintf("%%%02X", name[0]) + name[1:]
	}
	if strings.HasSuffix(name, ".") {
		name = name[:len(name)-1] + "%2E"
	}
	return name
}

// windowsDevice reports whether Windows reserves name for a device, in
// any case: CON, PRN, AUX, NUL, COM0-9 and LPT0-9.
func windowsDevice(name string) bool {
	switch u := strings.ToUpper(name); {
	case u == "CON" || u == "PRN" || u == "AUX" || u == "NUL":
		return true
	case len(u) == 4 && (u[:3] == "COM" || u[:3] == "LPT") && '0' <= u[3] && u[3] <= '9':
		return true
	}
	return false
}

// legacyDirName is dirName of the versions before it escaped ':', '=',
// device names and a final '.': url.PathEscape only. A bundle an earlier
// version recorded under it is continued there (SessionConfig.bundleDir).
func legacyDirName(id string) string {
	if id == "" || id == "." || id == ".." {
		return "_" + id
	}
	return export.FitName(url.PathEscape(id), id)
}

// subscribed reports whether the session receives data type t: it was
// requested (SessionConfig.DataTypes, all when empty) and the token
// grants it (token_data_types, all when the server does not say). The
// REST state of a type the session does not receive is neither fetched
// (credentials without it get a 403) nor fed (it would put stats into a
// session subscribed to locations only).
func (s *liveSession) subscribed(t DataType) bool {
	if len(s.types) > 0 && !slices.Contains(s.types, t) {
		return false
	}
	return len(s.tokenTypes) == 0 || slices.Contains(s.tokenTypes, string(t))
}

// restState is the REST state of the event at the join (the current box
// scores, /stats; when each stat changed, /stats/details; the shots so
// far, /shots; nil when not fetched) and where the session stood then
// (see backfill.State: From_ms is the newest occurred_at the bundle had
// before this join, a re-join of a recorded live id, or the previous live
// id's session had, a followed live id; ShotsFrom_ms is shotFloor_ms).
type restState struct {
	backfill.State
	// gap: the state fills the span the previous live id's feed left
	// when it stopped short of this one's start (armHandoverGap), from
	// From_ms; fed as "rest_gap", not "rest_join".
	gap bool
	// handover, when not "", says why the previous live id's feed
	// stopped short: the span from From_ms to where the state is fed
	// (this feed's first data message) is counted as lost at the
	// handover (SessionResult.HandoverGap) when it is.
	handover string
}

// fetchState gets /stats with /stats/details, and /shots, for the data
// types the session receives (subscribed); a refusal is logged and
// skipped (it only means a thinner baseline).
func (s *liveSession) fetchState(ctx context.Context) *restState {
	st := &restState{}
	var err error
	if s.subscribed(DataStats) {
		if st.Stats, err = s.cfg.Client.Stats(ctx, s.liveID); err != nil {
			s.log.Warn("live: stats not fetched", "err", err)
			st.Stats = nil
		}
		if st.Stats != nil {
			if st.Details, err = s.cfg.Client.StatsDetails(ctx, s.liveID); err != nil {
				s.log.Warn("live: stats details not fetched: the join's box scores are taken as they are now", "err", err)
				st.Details = nil
			}
		}
	}
	if s.subscribed(DataShots) {
		if st.Shots, err = s.cfg.Client.Shots(ctx, s.liveID); err != nil {
			s.log.Warn("live: shots not fetched", "err", err)
			st.Shots = nil
		}
	}
	return st
}

// recordedTail reads the end of a bundle's messages.jsonl: the newest
// occurred_at among its lines (0 when there is none), where the feed an
// earlier join recorded stops, and the shot lines recorded over the last
// span_ms or more of it (copies). Only the file's end is read, growing
// from 64 KiB until a data message of span_ms before the newest is in it:
// the feed is recorded in arrival order, and a message arrives after it
// happened, so every shot that happened later was recorded after that one.
func recordedTail(path string, span_ms int64) (newest int64, shots [][]byte, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("live: reading the bundle's end: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, nil, fmt.Errorf("live: reading the bundle's end: %w", err)
	}
	var dec decode.Decoder
	var m decode.Message
	for tail_B := int64(64 << 10); ; tail_B *= 4 {
		off := max(fi.Size()-tail_B, 0)
		buf := make([]byte, fi.Size()-off)
		if _, err := f.ReadAt(buf, off); err != nil && err != io.EOF {
			return 0, nil, fmt.Errorf("live: reading the bundle's end: %w", err)
		}
		newest, shots = 0, shots[:0]
		oldest := int64(math.MaxInt64) // of the data messages
		for line := range bytes.Lines(buf) {
			// The first line may be cut by the window and the last by a
			// crash: they do not decode and are skipped.
			if dec.Decode(line, &m) != nil {
				continue
			}
			t := m.OccurredAt_ms()
			newest = max(newest, t)
			if isData(m.Kind) && t > 0 {
				oldest = min(oldest, t)
			}
			if m.Kind == decode.KindShot {
				shots = append(shots, bytes.Clone(bytes.TrimRight(line, "\r\n")))
			}
		}
		if off == 0 || oldest <= newest-span_ms {
			return newest, shots, nil
		}
	}
}

// markRecorded marks the shots at the end of the bundle this join
// continues (recordedShots) as seen: the join's REST shots that are fed
// (applyJoin) are those the earlier join missed. (The replay that
// follows marks every recorded message; this needs only the bundle's
// end.)
func (s *liveSession) markRecorded() {
	for _, b := range s.recordedShots {
		if s.dec.Decode(b, &s.msg) == nil {
			s.dd.seen(&s.msg, b)
		}
	}
	s.recordedShots = nil
}

// shotFloor_ms is the oldest time a REST shot fed to this live id may
// have (exclusive): for a live id Join followed to, the previous live
// id's newest time (older shots are the previous live id's, and its feed
// was read through the handover); for a re-join, MaxShotDelay_ms before
// where the bundle stops (older shots were delivered before it, and the
// bundle's end is marked seen); 0 otherwise.
func (s *liveSession) shotFloor_ms() int64 {
	floor := s.followFrom_ms
	if s.joinFrom_ms > 0 {
		floor = max(floor, s.joinFrom_ms-MaxShotDelay_ms)
	}
	return floor
}

func (s *liveSession) wsURL() string {
	if s.cfg.WSURLFor != nil {
		if u := s.cfg.WSURLFor(s.liveID); u != "" {
			return u
		}
	}
	if s.cfg.WSURL != "" {
		return s.cfg.WSURL
	}
	return DefaultWSURL(s.cfg.Client.cfg.BaseURL)
}

// canonicalHost is u's host in lower case, without the scheme's default port.
func canonicalHost(u *url.URL) string {
	if p := u.Port(); p == "443" && u.Scheme == "https" || p == "80" && u.Scheme == "http" {
		return strings.ToLower(u.Hostname())
	}
	return strings.ToLower(u.Host)
}

// knownFeeds are the websocket addresses the API description gives for
// ShotTracker's REST hosts: the live feed is served from a host of its
// own ("All live data is delivered over a websocket
// (ws://live.shottracker.com)"; the mock service's quickstart connects to
// ws://mocklive.shottracker.com:8081/).
var knownFeeds = map[string]string{
	"api.shottracker.com":          "ws://live.shottracker.com/",
	"mockapi.shottracker.com:8080": "ws://mocklive.shottracker.com:8081/",
}

// DefaultWSURL is the websocket base address Join uses for the REST base
// URL apiURL when SessionConfig.WSURL is empty: the feed host the API
// description gives for ShotTracker's production API
// (ws://live.shottracker.com/) and mock service
// (ws://mocklive.shottracker.com:8081/); for any other host, that host
// with ws:// (wss:// for https) and path "/", where `stmotion mock`
// serves it. Another ShotTracker environment (devapi...) has no known
// feed host: give it explicitly.
func DefaultWSURL(apiURL string) string {
	u, err := url.Parse(apiURL)
	if err != nil {
		return ""
	}
	if ws, ok := knownFeeds[canonicalHost(u)]; ok {
		return ws
	}
	scheme := "ws"
	if u.Scheme == "https" {
		scheme = "wss"
	}
	return scheme + "://" + u.Host + "/"
}

// sleep waits d, or until ctx is done (false).
func (s *liveSession) sleep(ctx context.Context, d time.Duration) bool {
	if s.cfg.sleep != nil {
		return s.cfg.sleep(ctx, d)
	}
	return sleepCtx(ctx, d)
}

func (s *liveSession) now() time.Time {
	if s.cfg.now != nil {
		return s.cfg.now()
	}
	return time.Now()
}

// backoff is the wait before reconnect attempt n (1-based).
func (s *liveSession) backoff(n int) time.Duration {
	return jitteredBackoff(s.cfg.MinBackoff, s.cfg.MaxBackoff, n)
}

// feedLoop connects, reads until the feed ends, and reconnects after
// failures. It returns nil when the feed ended (see closedNormally), ctx
// was cancelled, or a next live id was announced, with s.res.End saying
// which; a *GaveUpError when the live id went unknown to the API (404)
// or the credentials were refused mid-game; the recorder's or the
// engine's error.
func (s *liveSession) feedLoop(ctx context.Context, token string) error {
	var buf []byte
	attempt := 0
	first := true
	// The outage: since when the session is offline (reconnecting), and
	// since when the API answers 404 for the live id (zero: it does not).
	var lost, unknownSince time.Time
	offline := false
	closedActive := false // the last connection was closed normally while the live id was active
	// upBy is when the Join's first live id gives up getting its feed up
	// (see SessionConfig.StartupRetry), from its first failed dial.
	var upBy time.Time
	defer func() {
		if offline { // still reconnecting as the session ends
			s.noteOffline(time.Since(lost))
		}
	}()
	retry := func(what string, err error) bool {
		attempt++
		s.res.ConnectFailures++
		if m := s.cfg.Metrics; m != nil {
			m.ConnectFails.Inc()
		}
		s.log.Warn("live: "+what+" failed; retrying", "attempt", attempt, "err", err)
		return s.sleep(ctx, s.backoff(attempt))
	}
	for {
		if ctx.Err() != nil {
			return nil
		}
		if token == "" {
			sub, err := s.cfg.Client.Subscribe(ctx, s.liveID, s.types...)
			switch {
			case ctx.Err() != nil:
				return nil
			case errors.Is(err, ErrInactive):
				s.log.Info("live: live id no longer active; session finished", "err", err)
				s.res.End = "the API says the live id is no longer active"
				return nil
			case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrForbidden):
				s.res.End = fmt.Sprintf("gave up: the API refused the subscription when reconnecting (%v)", err)
				return &GaveUpError{LiveID: s.liveID, Err: err}
			case errors.Is(err, ErrNotFound):
				// A 404 for a live id that served its feed: a glitch, or
				// the live id gone. The live information says which.
				if unknownSince.IsZero() {
					unknownSince = s.now()
				}
				inactive, aerr := s.askActive(ctx)
				switch {
				case ctx.Err() != nil:
					return nil
				case inactive:
					s.log.Info("live: subscribe answered 404 and the live information says the live id is no longer active; session finished", "err", err)
					s.res.End = "the API says the live id is no longer active"
					return nil
				case s.cfg.StartupRetry >= 0 && s.now().Sub(unknownSince) >= s.cfg.StartupRetry:
					if aerr == nil {
						aerr = errors.New("the live information still calls it active")
					}
					s.res.End = fmt.Sprintf("gave up: the API answered 404 for the live id for %s (live information: %v)", s.cfg.StartupRetry, aerr)
					return &GaveUpError{LiveID: s.liveID, Err: fmt.Errorf("%w: subscribe answered 404 for %s (live information: %w)", err, s.cfg.StartupRetry, aerr)}
				}
				if !retry("subscribe (404)", err) {
					return nil
				}
				continue
			case err != nil:
				if !retry("subscribe", err) {
					return nil
				}
				continue
			}
			unknownSince = time.Time{}
			token, s.tokenTypes = sub.Token, sub.TokenDataTypes
		}
		base := s.wsURL()
		f, err := DialFeed(ctx, base, token, s.cfg.Feed)
		token = "" // one-time: never offered again
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			// A status no retry changes is fatal only before this address
			// has served the feed once: later (a deploy's load balancer,
			// an event that just ended) the loop retries, and a live id
			// that ended finishes the session at the next subscribe.
			if fe := (*FeedError)(nil); first && errors.As(err, &fe) && fe.Permanent() {
				return fmt.Errorf("live: websocket %s refused the connection with a status reconnecting cannot change "+
					"(is it the live feed's address? ShotTracker serves the feed apart from the REST API: see SessionConfig.WSURL, stmotion live --ws): %w", base, err)
			}
			if fae := (*FeedAddressError)(nil); errors.As(err, &fae) {
				return err // SessionConfig.WSURLFor's: no retry changes it
			}
			// At the start, a feed that does not come up (a mistyped
			// host, a firewall, a server down) fails the join once it
			// has failed for StartupRetry, as the first requests do:
			// retried without end, a job with a wrong --ws hung until
			// its timeout, then ended 0. Mid-event, and for a live id
			// followed to, it is retried without end.
			if first && s.first {
				if upBy.IsZero() {
					upBy = s.now().Add(max(s.cfg.StartupRetry, 0))
				}
				if !s.now().Before(upBy) {
					s.res.ConnectFailures++
					if m := s.cfg.Metrics; m != nil {
						m.ConnectFails.Inc()
					}
					return fmt.Errorf("live: websocket %s still failing after retrying the connection for %s (is it the live feed's address? "+
						"ShotTracker serves the feed apart from the REST API: see SessionConfig.WSURL, stmotion live --ws): %w", base, max(s.cfg.StartupRetry, 0), err)
				}
			}
			if !retry("websocket connect (with a new token)", err) {
				return nil
			}
			continue
		}
		upSince := s.now()
		if offline {
			gap := time.Since(lost)
			offline = false
			s.noteOffline(gap)
			if m := s.cfg.Metrics; m != nil {
				m.ReconnectTime.Observe(gap.Seconds())
			}
			s.res.Reconnects++
			if m := s.cfg.Metrics; m != nil {
				m.Reconnects.Inc()
			}
			s.cfg.Health.set(func(h *Health) { h.reconnects++ })
			s.armGap(ctx)
		}
		if first {
			// This feed is up: what the previous live id's delivered
			// meanwhile is this live id's, and it is read on until it has
			// caught up with this one's start (see handoff and relay; the
			// messages both deliver are dropped as duplicates).
			if err := s.armJoin(ctx); err != nil {
				f.Close()
				return err
			}
			// Up before what the previous feed delivered is handled: a
			// feed replayed faster than real time (a mock at speed 0)
			// has delivered a whole round there, most of a second of
			// work, during which /healthz said "connecting" (503) with
			// the feed up.
			s.setConnected(true)
			if s.prev != nil {
				s.overlapFrom_ms = 0
				if lost := s.prev.up(); !lost.IsZero() {
					if err := s.handOverLost(); err != nil {
						f.Close()
						return err
					}
				}
			}
			if err := s.handleHandoff(); err != nil {
				f.Close()
				return err
			}
		}
		first = false
		s.setConnected(true)
		s.log.Info("live: websocket open", "session", f.SessionID(), "ping", f.PingInterval(), "read_limit_B", f.ReadLimit_B())
		if err := s.handle(f.AckRaw(), time.Now()); err != nil {
			f.Close()
			return err
		}
		s.fresh = 0
		stop := context.AfterFunc(ctx, func() { f.Close() })
		s.lastData_ns.Store(time.Now().UnixNano())
		watchCtx, stopWatch := context.WithCancel(ctx)
		var watching sync.WaitGroup
		if s.cfg.EndCheck > 0 {
			watching.Add(1)
			go func() {
				defer watching.Done()
				s.watchEnd(watchCtx, f)
			}()
		}
		next := s.res.Next != "" && !s.cfg.NoFollow // the previous feed's messages named one
		for !next {
			buf, err = f.Next(buf)
			if err != nil {
				break
			}
			if s.prev != nil {
				// The previous live id's feed is still read: what it
				// delivered goes first, and this message waits until it
				// has caught up (or stopped).
				err = s.relay(ctx, buf)
			} else {
				err = s.handle(buf, time.Now())
			}
			if err != nil {
				break
			}
			next = s.res.Next != "" && !s.cfg.NoFollow
		}
		stop()
		stopWatch()
		watching.Wait()
		s.setConnected(false)
		if s.prev != nil {
			// This feed ended (or Join was cancelled) while the previous
			// one was still read: that one stops now, and what both
			// delivered is kept, the previous one's first.
			if herr := s.endHandover(ctx, stopNewEnded); herr != nil {
				f.Close()
				return herr
			}
			next = s.res.Next != "" && !s.cfg.NoFollow
		}
		if next && ctx.Err() == nil {
			// Read on until the next live id's feed is up and has
			// caught up with this one (Join passes it on), starting with
			// what this one delivered after the marker while it held
			// them (relay).
			s.handover = startHandoff(ctx, f, s.liveID, s.res.Next, s.pending, s.cfg.Metrics, s.cfg.Health, s.log)
			s.pending = nil
			return nil
		}
		lost = time.Now()
		f.Close()
		var fe *FeedError
		switch {
		case next:
			return nil
		case ctx.Err() != nil:
			return nil
		case s.ended.Load():
			s.res.End = "the feed was quiet and the API says the live id is no longer active"
			return nil // watchEnd closed the feed
		case errors.Is(err, ErrFeedClosed):
			end, active := s.closedNormally(ctx, closedActive)
			if end != "" {
				s.log.Info("live: the server closed the feed; session finished", "err", err, "why", end)
				s.res.End = end
				return nil
			}
			if ctx.Err() != nil {
				return nil
			}
			closedActive = active
			s.log.Warn("live: the server closed the feed normally, but the live id is still active (or the API did not say): reconnecting", "err", err)
		case !errors.As(err, &fe):
			return err // the engine or the recorder failed
		default:
			closedActive = false
			s.log.Warn("live: websocket lost; reconnecting", "err", err)
		}
		offline = true
		if s.now().Sub(upSince) >= s.cfg.MaxBackoff {
			attempt = 0 // it stayed up a while: start the backoff over
		}
		attempt++
		if !s.sleep(ctx, s.backoff(attempt)) {
			return nil
		}
	}
}

// closedNormally decides what a normal close of the feed (1000) means;
// before the close that ended the previous connection was one too, with
// the live id active. A server closes the feed normally when the event
// is over, but a proxy or a server restarting may too: the live
// information is asked. The live id ended (end says how) when the API
// says it is no longer active (400); or, while the API still calls it
// active (active), when the feed's last word was an end marker
// (PLAY_END / PRACTICE_END, no data after it) or the connection was the
// reconnection after such a close and delivered nothing new (a server,
// such as `stmotion mock`, whose feed is over). Otherwise (end "") Join
// reconnects; a 404 is confirmed by the subscribe that follows.
func (s *liveSession) closedNormally(ctx context.Context, before bool) (end string, active bool) {
	inactive, err := s.askActive(ctx)
	switch {
	case inactive:
		return "the server closed the feed, and the API says the live id is no longer active", false
	case err != nil:
		s.log.Warn("live: the server closed the feed normally; could not ask whether the live id is still active", "err", err)
		return "", false
	case s.endMarkerT_ms > 0 && s.endMarkerT_ms >= s.lastDataT_ms:
		return "the server closed the feed after its end marker (the API still calls the live id active)", true
	case before && s.fresh == 0:
		return "the server closed the feed again with nothing new since the last close (the API still calls the live id active)", true
	}
	return "", true
}

// askActive asks the live information whether the live id is still
// active: inactive when the API says it is no longer active (400); err
// when the request failed otherwise (a 404, a 5xx, the network).
func (s *liveSession) askActive(ctx context.Context) (inactive bool, err error) {
	_, err = s.cfg.Client.LiveInfo(ctx, s.liveID)
	if errors.Is(err, ErrInactive) {
		return true, nil
	}
	return false, err
}

// noteOffline adds an outage (from losing a connection to the next
// ack, or to the session's end) to the result.
func (s *liveSession) noteOffline(d time.Duration) {
	s.res.Offline += d
	s.res.OfflineMax = max(s.res.OfflineMax, d)
}

// setConnected says in Health and Metrics whether this live id's feed
// is up.
func (s *liveSession) setConnected(up bool) {
	s.feedUp = up
	s.cfg.Health.set(func(h *Health) {
		h.connected = up
		if up {
			h.handover = "" // this live id's own feed now
		}
	})
	if m := s.cfg.Metrics; m != nil {
		m.Connected.Set(map[bool]float64{true: 1}[up])
	}
}

// takeHandoff stops the previous live id's feed (this one's is up, or
// the session ends before it) and returns what it delivered since the
// marker, counting what did not fit as lost.
func (s *liveSession) takeHandoff() [][]byte {
	if s.prev == nil {
		return nil
	}
	handed, dropped := s.prev.stop()
	if lost := s.prev.lostAt(); !lost.IsZero() {
		// It ended on its own before this live id's feed came up: the
		// session was offline since.
		s.noteOffline(time.Since(lost))
	}
	s.prev = nil
	s.cfg.Health.set(func(h *Health) { h.handover = "" })
	if !s.feedUp {
		s.setConnected(false)
	}
	if dropped > 0 {
		s.res.HandoverLost += int64(dropped)
		s.log.Warn("live: messages of the previous feed lost at the handover (buffer full)", "dropped", dropped)
	}
	return handed
}

// handOverLost handles what the previous live id's feed delivered when
// that feed ended on its own before this one came up (a proxy cutting
// it, the network): the span from its newest data message to this
// feed's first was received by neither, so it is a gap like a
// reconnect's, and lost at the handover (see armHandoverGap).
func (s *liveSession) handOverLost() error {
	for _, m := range s.takeHandoff() {
		if err := s.handleHanded(m, time.Now()); err != nil {
			return err
		}
	}
	s.armHandoverGap("it ended before this live id's feed was up")
	return nil
}

// armHandoverGap leaves the span from the previous live id's feed's
// newest data message (where it stopped short) to this feed's first for
// applyJoin to fill, as a reconnect's gap: its stats and shots from the
// join's REST state (fetched after this feed's ack: it holds them), as
// applyJoin places the join's, but from where the old feed stopped and
// marked "rest_gap" (a stat last changed before it was received, or is
// the previous live id's); its locations are lost, REST has none. The
// span is counted and logged as lost at the handover there, why saying
// why the old feed stopped short. When none of the old feed's data
// messages placed the join's state, that state is still to be fed at
// this feed's first data message, from the previous live id's end: it
// covers the span already, which is counted as lost all the same.
func (s *liveSession) armHandoverGap(why string) {
	st := s.joinState
	s.joinState = nil
	switch {
	case s.join != nil:
		s.join.handover = why
	case st != nil && s.lastDataT_ms > 0:
		s.join = &restState{State: backfill.State{Stats: st.Stats, Details: st.Details, Shots: st.Shots,
			From_ms: s.lastDataT_ms, Followed: true,
			ShotsFrom_ms: max(s.shotFloor_ms(), s.lastDataT_ms-MaxShotDelay_ms)}, gap: true, handover: why}
	}
}

// noteHandoverGap counts and logs the span from_ms to to_ms (feed time)
// that neither the previous live id's feed nor this one's delivered:
// the previous one stopped short of this one's start (why).
func (s *liveSession) noteHandoverGap(from_ms, to_ms int64, why string) {
	d := time.Duration(to_ms-from_ms) * time.Millisecond
	s.res.HandoverGap += d
	if m := s.cfg.Metrics; m != nil {
		m.HandoverGap.Add(d.Seconds())
	}
	s.log.Warn(fmt.Sprintf("live: %.1f s of the feed lost at the handover: the previous live id's feed stopped short of this one's start (%s), and neither delivered it; "+
		"its stats and shots are filled from the REST state (gap-filled), its locations are lost", d.Seconds(), why),
		"from", s.from, "from_ms", from_ms, "to_ms", to_ms)
}

// handleHandoff handles what the previous live id's feed (s.prev)
// delivered since the last call, and reads it on (endHandover stops it).
func (s *liveSession) handleHandoff() error {
	if s.prev == nil {
		return nil
	}
	for _, m := range s.prev.take() {
		if err := s.handleHanded(m, time.Now()); err != nil {
			return err
		}
	}
	return nil
}

// relay takes data, a message of this live id's feed received while the
// previous live id's is still read (see handoff): that one's messages
// go first, so this one is held (held) until that one has caught up
// with this feed's start (its first data message) or stopped, and what
// it delivered meanwhile is handled as it comes. A new connection starts
// where the server is, and after a stall the old one may still be
// delivering minutes of backlog: handling this feed's messages first had
// the engine drop the old one's as late, and closing the old one then
// lost them. The hold is bounded: the old feed is stopped once this one
// has gone handoverIdle_ms of feed time on while it delivered nothing
// newer (watchOverlap), handoverCatchUp after this one's ack, or once
// the held messages pass maxHandoff_B; the span it then stops short of
// is lost at the handover (endHandover).
func (s *liveSession) relay(ctx context.Context, data []byte) error {
	s.held = append(s.held, bytes.Clone(data))
	s.held_B += len(data)
	s.watchOverlap(data)
	if s.held_B > maxHandoff_B {
		s.prev.stopWith(stopHeldFull)
	}
	if s.prev.stopping() || s.prev.finished() {
		return s.endHandover(ctx, stopSession)
	}
	return s.handleHandoff()
}

// watchOverlap takes data, a message of this live id's feed held while
// the previous live id's is read (relay), for where this feed starts:
// its first data message (its first location, when the session receives
// locations: a shot or stats message is seconds older than the feed) is
// where the previous one may stop (overlapAt). From there, the previous
// feed is stopped once this one has gone handoverIdle_ms of feed time on
// while it delivered no newer data message: a server that ends the old
// live id's data at the marker, or an old connection that stalled alone,
// is not waited for without end.
func (s *liveSession) watchOverlap(data []byte) {
	m := &s.msg
	if s.dec.Decode(data, m) != nil || !isData(m.Kind) || m.Kind != decode.KindLocation && s.subscribed(DataLocations) {
		return
	}
	t := m.OccurredAt_ms()
	if t <= 0 {
		return
	}
	if s.overlapFrom_ms == 0 {
		s.overlapFrom_ms, s.feedNewest_ms, s.idleFrom_ms = t, t, t
		s.prevNewest_ms = s.prev.newest()
		s.prev.overlapAt(t)
		return
	}
	s.feedNewest_ms = max(s.feedNewest_ms, t)
	if n := s.prev.newest(); n > s.prevNewest_ms {
		s.prevNewest_ms, s.idleFrom_ms = n, s.feedNewest_ms
	} else if s.feedNewest_ms-s.idleFrom_ms > handoverIdle_ms {
		s.prev.stopWith(stopIdle)
	}
}

// endHandover stops the previous live id's feed (s.prev; for reason,
// unless it stopped already), handles what it delivered, and then the
// messages of this feed held meanwhile (relay). When it stopped short of
// this feed's first data message, or was cut or ended before this feed
// delivered one (not when it went quiet then, nor at the round after
// this one's), the span between was delivered by neither: it is lost at
// the handover, and filled from the REST state (armHandoverGap).
func (s *liveSession) endHandover(ctx context.Context, reason handoffStop) error {
	h := s.prev
	h.stopWith(reason)
	msgs := s.takeHandoff() // once it has stopped: outcome is final
	why, newest, until := h.outcome()
	for _, m := range msgs {
		if err := s.handleHanded(m, time.Now()); err != nil {
			return err
		}
	}
	var short bool
	switch {
	case ctx.Err() != nil, why == stopSession:
	case until > 0:
		short = newest < until
	default:
		short = why != stopQuiet && why != stopNextRound && why != stopNewEnded
	}
	if short {
		s.armHandoverGap(why.String())
	}
	s.joinState = nil
	return s.release()
}

// release handles the messages of this feed held while the previous live
// id's was read (relay), in order; those after a PLAY_NEXT / DRILL_NEXT
// among them that the session follows are the next live id's (pending).
func (s *liveSession) release() error {
	held := s.held
	s.held, s.held_B = nil, 0
	for i, m := range held {
		if s.res.Next != "" && !s.cfg.NoFollow {
			s.pending = held[i:]
			return nil
		}
		if err := s.handle(m, time.Now()); err != nil {
			return err
		}
	}
	return nil
}

// watchEnd runs beside the reader of feed f until ctx ends. Once the
// feed has been quiet for SessionConfig.EndCheck after an end marker (8
// times as long without one), and again after each such interval, it
// asks the live information whether the live id is still active: a
// server may keep the socket open after PLAY_END, and Join must not ping
// it forever. When the API says the live id is no longer active (400),
// it marks the session ended and closes f, which ends the reader's loop.
// A 404 is not taken for an end (the API may answer one for a moment):
// it is asked again after the next quiet interval.
func (s *liveSession) watchEnd(ctx context.Context, f *Feed) {
	t := time.NewTicker(max(min(s.cfg.EndCheck/4, time.Second), time.Millisecond))
	defer t.Stop()
	var asked time.Time
	for {
		var now time.Time
		select {
		case <-ctx.Done():
			return
		case now = <-t.C:
		}
		quiet := s.cfg.EndCheck
		if !s.endSeen.Load() {
			quiet *= 8
		}
		since := time.Unix(0, s.lastData_ns.Load())
		if asked.After(since) {
			since = asked
		}
		if now.Sub(since) < quiet {
			continue
		}
		asked = now
		_, err := s.cfg.Client.LiveInfo(ctx, s.liveID)
		switch {
		case err == nil:
			s.log.Debug("live: the feed is quiet, and the live id still active", "end_marker", s.endSeen.Load())
		case errors.Is(err, ErrInactive):
			s.log.Info("live: the feed is quiet and the live id no longer active; session finished", "err", err)
			s.ended.Store(true)
			f.Close()
			return
		case ctx.Err() != nil:
			return
		default:
			s.log.Warn("live: could not ask whether the live id is still active", "err", err)
		}
	}
}

// handoff reads a live id's feed on after the PLAY_NEXT / DRILL_NEXT
// that Join follows, until it has caught up with the next live id's
// feed: the next live id's setup (live information, subscription, court,
// dial) takes a while, and the old feed goes on delivering the event (a
// mock serves the next round on it). What it delivers is kept, up to
// maxHandoff_B, and handled by the next live id's session (take) before
// its own feed's messages, the ones both delivered being dropped there as
// duplicates.
//
// The old feed is not closed at the new one's ack: a new connection
// starts where the server is when it opens it, and what the old one has
// still to deliver (a batch of locations on the wire; after a stall, up
// to minutes of backlog) would be lost with it. It is read on until it
// delivers a data message as new as the new feed's first (overlapAt: it
// has caught up, and from there the new feed has everything), while the
// next live id's session holds its own feed's messages (relay), or until
// it ends. It is stopped sooner (stopWith) when it goes quiet before the
// new feed's first data message (nothing for handoverQuiet: nothing
// to wait for), when the new feed has gone handoverIdle_ms on while it
// delivered nothing newer, handoverCatchUp after the new feed's ack, or
// once the held messages pass maxHandoff_B; the span it then stopped
// short of is lost at the handover (liveSession.endHandover).
type handoff struct {
	f      *Feed
	from   string // the live id whose feed it is
	done   chan struct{}
	unhook func() bool
	// quiet stops f when it delivers no data message for
	// handoverQuiet before the new feed's first; slow stops it
	// handoverCatchUp after the new feed's ack (up).
	quiet, slow *time.Timer

	mu        sync.Mutex
	msgs      [][]byte
	size_B    int
	dropped   int
	newest_ms int64       // newest occurred_at of a data message delivered
	until_ms  int64       // stop at a data message this new (0: not known yet)
	why       handoffStop // why f is no longer read; stopNone while it is
	nextUp    bool        // the next live id's feed is acknowledged (up)
	// lost is when f ended on its own (the server or the network) before
	// the next live id's feed was up; zero when it did not.
	lost time.Time
}

// handoffStop says why a handoff's feed is no longer read.
type handoffStop int

const (
	stopNone      handoffStop = iota
	stopCaughtUp              // it delivered a data message as new as the next feed's first
	stopQuiet                 // nothing for handoverQuiet before the next feed's first data message
	stopIdle                  // nothing newer while the next feed went handoverIdle_ms on
	stopSlow                  // not caught up handoverCatchUp after the next feed's ack
	stopHeldFull              // the next feed's messages held meanwhile passed maxHandoff_B
	stopEnded                 // it ended on its own (the server, the network)
	stopNextRound             // it reached a PLAY_NEXT / DRILL_NEXT naming the round after the next
	stopNewEnded              // the next live id's feed ended first
	stopSession               // the session stopped it (it ended, or was cancelled)
)

// String says why, for the log.
func (w handoffStop) String() string {
	switch w {
	case stopCaughtUp:
		return "it caught up"
	case stopQuiet:
		return fmt.Sprintf("it delivered nothing for %s", handoverQuiet)
	case stopIdle:
		return fmt.Sprintf("it delivered nothing newer while this live id's feed went %.0f s of feed time on", float64(handoverIdle_ms)/1000)
	case stopSlow:
		return fmt.Sprintf("it had not caught up %s after this live id's feed was up", handoverCatchUp)
	case stopHeldFull:
		return fmt.Sprintf("this live id's feed delivered more than %d MiB meanwhile", maxHandoff_B>>20)
	case stopEnded:
		return "it ended"
	case stopNextRound:
		return "it reached the next round"
	case stopNewEnded:
		return "this live id's feed ended first"
	case stopSession:
		return "the session stopped it"
	}
	return "it is read"
}

// maxHandoff_B bounds what a handoff keeps, and what the next live id's
// session holds of its own feed meanwhile (relay): seconds of a full feed
// take a few MB.
const maxHandoff_B = 64 << 20

// handoverQuiet is how long the old feed may deliver no data message,
// after the next live id's feed is acknowledged and before that one's
// first data message, before it is stopped as done (see handoff).
const handoverQuiet = 5 * time.Second

// handoverIdle_ms is how far (feed time) the next live id's feed may go
// on past its first data message, or past where it was when the old feed
// last delivered a newer one, while the old feed is waited for (see
// relay): an old feed that delivers nothing newer meanwhile is stopped.
// It is what a server that ends the old live id's data at the marker
// delays the next one's frames by.
const handoverIdle_ms = 2000

// handoverCatchUp bounds how long, after the next live id's feed is
// acknowledged, the old feed is read while it catches up (see handoff):
// the next feed's messages wait meanwhile.
const handoverCatchUp = 30 * time.Second

// startHandoff reads f (the feed of live id from) on in the background,
// after the messages pending (f's, received after the marker but not
// handled). The messages are counted in m and h as they arrive (the next
// live id's session does not count them again: see handleHanded), and h
// says the old feed is read for the next live id. When f ends on its own
// before the next live id's feed is up, it is logged to log, and h and m
// say the session is not connected: the next feed is a reconnection, and
// what happened in between a gap (see lostAt).
//
// It stops at a PLAY_NEXT / DRILL_NEXT naming another live id than to (the
// live id the handoff is for), which it does not keep: what follows is
// the round after to's, which to's session would otherwise take for its
// own and end at that marker (a feed replayed faster than real time, as
// a mock at --speed 0 serves it, runs whole rounds ahead meanwhile).
func startHandoff(ctx context.Context, f *Feed, from, to string, pending [][]byte, m *Metrics, h *Health, log *slog.Logger) *handoff {
	ho := &handoff{f: f, from: from, done: make(chan struct{})}
	ho.unhook = context.AfterFunc(ctx, func() { ho.stopWith(stopSession) })
	h.set(func(h *Health) { h.connected, h.handover = true, from })
	if m != nil {
		m.Connected.Set(1)
	}
	go func() {
		defer close(ho.done)
		var dec decode.Decoder
		var msg decode.Message
		for _, b := range pending {
			if !ho.add(b, &dec, &msg, to, m, h) {
				return
			}
		}
		var buf []byte
		for {
			var err error
			if buf, err = f.Next(buf); err != nil {
				ho.mu.Lock()
				defer ho.mu.Unlock()
				if ho.why == stopNone {
					ho.why = stopEnded
					if !ho.nextUp {
						ho.lost = time.Now()
						h.set(func(h *Health) { h.connected = false })
						if m != nil {
							m.Connected.Set(0)
						}
						log.Warn("live: the feed ended during the handover, before the next live id's was up: offline until it is; "+
							"its stats and shots meanwhile are then filled from the REST state, its locations are lost",
							"err", err, "newest_ms", ho.newest_ms)
					}
				}
				return
			}
			if !ho.add(buf, &dec, &msg, to, m, h) {
				return
			}
		}
	}()
	return ho
}

// add keeps b, a message of the old feed (decoded with dec into msg),
// counting it in m and h; false when the feed is no longer to be read:
// b is a PLAY_NEXT / DRILL_NEXT naming another live id than to (not
// kept), or the feed has caught up.
func (ho *handoff) add(b []byte, dec *decode.Decoder, msg *decode.Message, to string, m *Metrics, h *Health) bool {
	derr := dec.Decode(b, msg)
	if derr == nil && msg.Kind == decode.KindMarker && (msg.Marker.Type == decode.MarkerPlayNext || msg.Marker.Type == decode.MarkerDrillNext) {
		if next := nextLiveID(&msg.Marker, b); next != "" && next != to {
			ho.stopWith(stopNextRound) // the round after to's: its own session's
			return false
		}
	}
	countReceived(m, h, msg, derr, time.Now())
	t := msg.OccurredAt_ms()
	data := derr == nil && isData(msg.Kind) && t > 0
	if m != nil && data {
		m.NoteNewest(t) // the lag: the session handles it later
	}
	ho.mu.Lock()
	if ho.size_B+len(b) > maxHandoff_B {
		ho.dropped++
	} else {
		ho.msgs = append(ho.msgs, bytes.Clone(b))
		ho.size_B += len(b)
	}
	if data {
		ho.newest_ms = max(ho.newest_ms, t)
		if ho.quiet != nil {
			ho.quiet.Reset(handoverQuiet)
		}
	}
	overlapped := ho.until_ms > 0 && ho.newest_ms >= ho.until_ms
	ho.mu.Unlock()
	if overlapped {
		ho.stopWith(stopCaughtUp)
		return false
	}
	return true
}

// take returns what the old feed delivered since the last take, and
// keeps reading it.
func (h *handoff) take() [][]byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	msgs := h.msgs
	h.msgs, h.size_B = nil, 0
	return msgs
}

// overlapAt says where the new feed starts: the occurred_at of its first
// data message. The old feed is read until it delivers a data message as
// new (at once when it has).
func (h *handoff) overlapAt(t_ms int64) {
	h.mu.Lock()
	h.until_ms = t_ms
	overlapped := h.newest_ms >= t_ms
	h.mu.Unlock()
	if overlapped {
		h.stopWith(stopCaughtUp)
	}
}

// newest returns the occurred_at of the newest data message the old feed
// has delivered (0: none).
func (h *handoff) newest() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.newest_ms
}

// up says the next live id's feed is acknowledged: from now on the old
// feed's end is no loss of connection, and the old feed is stopped when
// it stays quiet, or does not catch up in time (see handoff). It returns
// when the old feed ended on its own before (lost), zero when it did not.
func (h *handoff) up() (lost time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nextUp = true
	if h.lost.IsZero() && h.why == stopNone {
		h.quiet = time.AfterFunc(handoverQuiet, func() {
			h.mu.Lock()
			before := h.until_ms == 0 // the new feed's first data message: the wait is relay's
			h.mu.Unlock()
			if before {
				h.stopWith(stopQuiet)
			}
		})
		h.slow = time.AfterFunc(handoverCatchUp, func() { h.stopWith(stopSlow) })
	}
	return h.lost
}

// lostAt returns when the old feed ended on its own before the next live
// id's feed was up (zero: it did not).
func (h *handoff) lostAt() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lost
}

// stopWith closes the old feed on the session's side, why saying why
// (unless it had stopped already): its end is then no loss of
// connection.
func (h *handoff) stopWith(why handoffStop) {
	h.mu.Lock()
	if h.why == stopNone {
		h.why = why
	}
	h.mu.Unlock()
	h.f.Close()
}

// stopping reports whether the old feed is stopped, or being stopped:
// it delivers nothing more.
func (h *handoff) stopping() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.why != stopNone
}

// outcome returns why the old feed is no longer read, the occurred_at of
// the newest data message it delivered, and the new feed's first
// (0: not known). Call it after stop.
func (h *handoff) outcome() (why handoffStop, newest_ms, until_ms int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.why, h.newest_ms, h.until_ms
}

// finished reports whether the old feed is no longer read (it caught up
// with the new one, ended, or was stopped).
func (h *handoff) finished() bool {
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// stop closes the old feed and returns what it delivered since the last
// take, and how many messages did not fit.
func (h *handoff) stop() (msgs [][]byte, dropped int) {
	h.stopWith(stopSession)
	<-h.done
	h.unhook()
	h.mu.Lock()
	for _, t := range []*time.Timer{h.quiet, h.slow} {
		if t != nil {
			t.Stop()
		}
	}
	h.mu.Unlock()
	return h.take(), h.dropped
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// handle takes one received message: record it, decode it, drop it if it
// is a duplicate, feed the engine. Errors are the recorder's or the
// engine's (bad messages are counted, never errors).
func (s *liveSession) handle(data []byte, now time.Time) error {
	return s.take(data, now, true)
}

// handleHanded is handle for a message the previous live id's feed
// delivered for this one (see handoff), which startHandoff counted in
// Metrics and Health as it arrived.
func (s *liveSession) handleHanded(data []byte, now time.Time) error {
	return s.take(data, now, false)
}

// countReceived counts a message received (decoded into m, or not: derr)
// in the metrics and the health report, either of which may be nil.
func countReceived(mt *Metrics, h *Health, m *decode.Message, derr error, now time.Time) {
	if mt != nil {
		if derr != nil {
			mt.DecodeErrors.Inc()
		} else {
			mt.MessagesIn.WithLabelValues(m.Kind.String()).Inc()
		}
	}
	h.set(func(h *Health) { h.messages++; h.lastMessage = now })
}

// take is handle; count says whether the message is still to be counted
// as received in Metrics and Health.
func (s *liveSession) take(data []byte, now time.Time, count bool) error {
	s.res.Messages++
	m := &s.msg
	derr := s.dec.Decode(data, m)
	if count {
		countReceived(s.cfg.Metrics, s.cfg.Health, m, derr, now)
	}
	if derr != nil {
		s.res.DecodeErrors++
		s.bad.note(s.log, derr, s.res.DecodeErrors, now)
		if s.rec != nil {
			if err := s.rec.Message(data); err != nil {
				return err
			}
		}
		s.eng.NoteBadLine()
		return nil
	}
	if s.seen(m, data) {
		s.res.Duplicates++
		if mt := s.cfg.Metrics; mt != nil {
			mt.Duplicates.Inc()
		}
		if s.rec != nil {
			if err := s.rec.Duplicate(data); err != nil {
				return err
			}
			s.noteDuplicatesFull(s.rec)
		}
		return nil
	}
	t := m.OccurredAt_ms()
	if t > 0 && s.join != nil && isData(m.Kind) {
		// The first data message: the feed starts here, and the REST
		// state of the join holds what came before. (Markers do not
		// say: a server may resend the period's markers on connect.)
		if err := s.applyJoin(t); err != nil {
			return err
		}
		m = &s.msg
		if err := s.dec.Decode(data, m); err != nil { // applyJoin reused s.msg
			return err
		}
	}
	if t > 0 && s.gapArmed && isData(m.Kind) {
		// The first new data message after a reconnect: the feed
		// resumed here, and what the REST state has between the last
		// data message before the drop and here was missed. Not a
		// marker: a server resends the period's markers on connect,
		// and one that is new to the session (the clock paused during
		// the outage) tells when that happened, not where the feed
		// resumed; a marker that is new on the wire says no more, as
		// the data after it follows at once.
		if err := s.fillGap(s.gapFrom, t); err != nil {
			return err
		}
		m = &s.msg
		if err := s.dec.Decode(data, m); err != nil { // fillGap reused s.msg
			return err
		}
	}
	if err := s.feed(data, m, now); err != nil {
		return err
	}
	if t > 0 {
		// The lag is of the newest message received, not of this one:
		// an out-of-order or replayed stats, shot or marker message is
		// old by nature and says nothing about how far behind the feed
		// is. Synthesised REST messages (inject) do not count.
		if mt := s.cfg.Metrics; mt != nil {
			mt.NoteNewest(t)
		}
	}
	switch m.Kind {
	case decode.KindLocation, decode.KindStats, decode.KindShot:
		s.lastData_ns.Store(now.UnixNano())
		s.lastDataT_ms = max(s.lastDataT_ms, t)
	case decode.KindMarker:
		if m.Marker.Type == decode.MarkerPlayEnd || m.Marker.Type == decode.MarkerPracticeEnd {
			s.endSeen.Store(true)
			s.endMarkerT_ms = max(s.endMarkerT_ms, t)
		}
	}
	if m.Kind != decode.KindAck && m.Kind != decode.KindPong {
		s.fresh++
	}
	if m.Kind == decode.KindMarker && (m.Marker.Type == decode.MarkerPlayNext || m.Marker.Type == decode.MarkerDrillNext) {
		if next := nextLiveID(&m.Marker, data); next != "" && next != s.liveID {
			s.res.Next = next
		}
	}
	return nil
}

// feed records one accepted message and feeds it to the engine.
func (s *liveSession) feed(data []byte, m *decode.Message, now time.Time) error {
	if s.rec != nil {
		if err := s.rec.Message(data); err != nil {
			return err
		}
	}
	if t := m.OccurredAt_ms(); t > 0 {
		s.lastT_ms = max(s.lastT_ms, t)
	}
	if s.ovl != nil {
		s.ovl.NoteInput(now)
		if m.Kind == decode.KindLocation {
			s.ovl.NoteLocation(m.OccurredAt_ms())
		}
	}
	return s.eng.FeedLine(m, data)
}

// isData reports whether messages of kind k are the event's data
// (location, stats, shot), whose occurred_at says where the feed stands,
// unlike a marker's.
func isData(k decode.Kind) bool {
	return k == decode.KindLocation || k == decode.KindStats || k == decode.KindShot
}

// armJoin fetches the event's REST state once the first connection is
// acknowledged, records it (stats.json, stats_details.json, shots.json;
// a re-join's under gap/) and leaves it for applyJoin. Fetched after the
// ack rather than before the dial, it leaves no window in which a stat
// or shot is neither in the REST state nor in the feed; what is in both
// is sorted out by applyJoin and the duplicate check.
func (s *liveSession) armJoin(ctx context.Context) error {
	st := s.fetchState(ctx)
	st.From_ms = max(s.joinFrom_ms, s.followFrom_ms)
	st.Followed = s.followFrom_ms > 0
	st.ShotsFrom_ms = s.shotFloor_ms()
	s.join = st
	if s.prev != nil {
		s.joinState = st
	}
	if s.rec == nil {
		return nil
	}
	if s.joinFrom_ms > 0 {
		// A re-join: the bundle's stats.json, stats_details.json and
		// shots.json stay the REST state at its recording's start (the
		// first join's), as analyze (which feeds them there when the
		// recording holds no line made of REST state) and `stmotion
		// mock` (its baseline) read them. This later state (the game's
		// end, say: fed at the start, its DISTs made the feed's own
		// stale) goes where a reconnect's does; the lines made of it
		// are in messages.jsonl.
		if st.Stats == nil && st.Details == nil && st.Shots == nil {
			return nil
		}
		return s.rec.WriteGap(st.Stats, st.Details, st.Shots)
	}
	for _, f := range []struct {
		name string
		v    any
		ok   bool
	}{{decode.BundleStats, st.Stats, st.Stats != nil}, {BundleStatsDetails, st.Details, st.Details != nil}, {decode.BundleShots, st.Shots, st.Shots != nil}} {
		if f.ok {
			if err := s.rec.WriteJSON(f.name, f.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// armGap fetches /stats and /shots after a reconnect, each only when the
// session receives that data type (subscribed); the next timestamped
// message applies them (fillGap).
func (s *liveSession) armGap(ctx context.Context) {
	if s.join != nil {
		// Dropped before any data message: the join's state is still to
		// be applied; what it lacks is what happened since it was
		// fetched, so fetch it again.
		from, followed, shotsFrom, gap, handover := s.join.From_ms, s.join.Followed, s.join.ShotsFrom_ms, s.join.gap, s.join.handover
		s.join = s.fetchState(ctx)
		s.join.From_ms, s.join.Followed, s.join.ShotsFrom_ms, s.join.gap, s.join.handover = from, followed, shotsFrom, gap, handover
		if s.rec != nil && (s.join.Stats != nil || s.join.Shots != nil) {
			if err := s.rec.WriteGap(s.join.Stats, s.join.Details, s.join.Shots); err != nil {
				s.log.Warn("live: gap: not recorded", "err", err)
			}
		}
		return
	}
	var stats *decode.LiveStats
	var shots *decode.LiveShots
	var err error
	if s.subscribed(DataStats) {
		if stats, err = s.cfg.Client.Stats(ctx, s.liveID); err != nil {
			s.log.Warn("live: gap: stats not fetched", "err", err)
			stats = nil
		}
	}
	if s.subscribed(DataShots) {
		if shots, err = s.cfg.Client.Shots(ctx, s.liveID); err != nil {
			s.log.Warn("live: gap: shots not fetched", "err", err)
			shots = nil
		}
	}
	if s.rec != nil && (stats != nil || shots != nil) {
		if err := s.rec.WriteGap(stats, nil, shots); err != nil {
			s.log.Warn("live: gap: not recorded", "err", err)
		}
	}
	s.setGap(stats, shots)
}

// setGap leaves the REST state fetched after a reconnect for fillGap.
// The gap starts at the newest data message received (not at a marker,
// which may be one resent on connect, or one of the outage); when the
// previous reconnect's gap is still open (the connection dropped again
// before any new data message), it starts where that one did, and the
// newer REST state replaces the older.
func (s *liveSession) setGap(stats *decode.LiveStats, shots *decode.LiveShots) {
	if !s.gapArmed {
		s.gapFrom = s.lastDataT_ms
	}
	s.gapStats, s.gapShots, s.gapArmed = stats, shots, true
}

// fillGap feeds the shots the REST state has with from − MaxShotDelay_ms
// < occurred_at ≤ to (and after shotFloor_ms) that the session has not
// seen: a shot that happened before the drop may have been due after it,
// as the feed delivers shots seconds late. And for each player whose REST box score
// is newer (by version) than the newest stats message received, a stats
// message with those values at occurred_at to. Nothing is filled when the
// feed resumed at or before where it stopped (it replays; the replay's
// duplicates are dropped instead). to is math.MaxInt64 when the feed
// ended (or moved on to the next live id) before a new data message:
// then every later shot is fed, and the box scores at the newest time
// received. Synthesised messages have the wire shape plus
// "stmotion_source":"rest_gap" and are recorded like received ones, so
// the bundle re-analyses to the same result.
func (s *liveSession) fillGap(from, to int64) error {
	s.gapArmed = false
	stats, shots := s.gapStats, s.gapShots
	s.gapStats, s.gapShots = nil, nil
	if to <= from || from == 0 {
		return nil
	}
	f := s.filler(time.Now())
	if err := f.Shots(shots, max(from-MaxShotDelay_ms, s.shotFloor_ms()), to, backfill.SourceGap); err != nil {
		return err
	}
	if to == math.MaxInt64 {
		to = s.lastT_ms
	}
	return f.NewerStats(stats, to, backfill.SourceGap)
}

// applyJoin feeds the REST state fetched at the join (s.join) before the
// first data message, at occurred_at to: each stats message names only
// the stats it changes, so without it every value set before the join
// would be missing from the box score, and every shot before it from the
// shots table. It does for the join what fillGap does after a reconnect,
// by the rules of backfill.Filler.Join (which `stmotion analyze` applies
// to a bundle's stats.json and shots.json too):
//
//   - the shots with ShotsFrom_ms < occurred_at ≤ to not seen (see
//     shotFloor_ms): for a re-join, from MaxShotDelay_ms before where
//     the earlier join's recording stopped, less the shots it recorded
//     there (one that happened just before a crash was delivered after
//     it); for a live id Join followed to by PLAY_NEXT / DRILL_NEXT, from
//     the newest time the previous live id's session had; otherwise
//     every shot up to to. The feed delivers the later ones. A followed
//     live id thus gets none of the previous one's shots, even from an
//     API whose REST state spans the whole event, and its start_ms is not
//     before the previous one's end;
//   - each player's box score, at occurred_at to with the REST version,
//     unless a stats message as new was received. When /stats/details
//     says some of its stats changed after to, the feed is behind the
//     REST state (a replay, as a mock at speed 0 serves it, whose REST
//     state is the end's) and will deliver those changes itself: only
//     the stats last changed at or before to are fed, with version 0 so
//     that any version the feed delivers replaces them. Without details
//     of a player (not fetched), or with details that do not date every
//     stat of his (a server that lists no change of 0), his box score
//     goes with version 0 too, unless the session has stats of his (a
//     re-join's recording): the REST state may then be ahead of the
//     feed unseen. For a followed
//     live id, the stats last changed at or before from (the previous
//     live id's) are not fed either. The engine keeps the box scores'
//     DIST out of the DIST check (it dates from before to: track.Session
//     tells the lines by backfill.Made).
//
// Nothing is fed when the feed starts at or before where an earlier join
// stopped (it replays what the bundle has). The messages have the wire
// shape plus "stmotion_source":"rest_join" ("rest_gap" for the state
// armHandoverGap leaves, from where the previous live id's feed stopped
// short, whose span to to is counted as lost at the handover), and are
// recorded like received ones before the first data message, so that
// `stmotion analyze` of the bundle agrees. Duplicates are dropped as for
// received messages (a shot the feed then delivers too, a box score
// version it sends again). to is math.MaxInt64 when the feed ended
// before any data message: then everything is fed, at the newest time
// known.
func (s *liveSession) applyJoin(to int64) error {
	j := s.join
	s.join = nil
	source := backfill.SourceJoin
	if j.gap {
		source = backfill.SourceGap
	}
	if j.handover != "" && j.From_ms > 0 && to != math.MaxInt64 && to > j.From_ms {
		s.noteHandoverGap(j.From_ms, to, j.handover)
	}
	err := s.filler(time.Now()).Join(&j.State, to, s.lastT_ms, source)
	if errors.Is(err, backfill.ErrNoTime) {
		s.log.Warn("live: the join's box scores are not fed: no time to give them (no message and no stats details)")
		return nil
	}
	return err
}

// filler makes the messages of REST state (see fillGap and applyJoin):
// each is fed unless a duplicate, as a received one, and counted.
func (s *liveSession) filler(now time.Time) *backfill.Filler {
	return &backfill.Filler{Seen: s.dd, Emit: func(kind decode.Kind, source string, b []byte) error {
		return s.inject(b, now, kind, source)
	}}
}

// seen reports whether m (whose bytes are b) was received before, or is a
// location older than the engine's reorder window (see dedup).
func (s *liveSession) seen(m *decode.Message, b []byte) bool {
	s.dd.window_ms = s.eng.Window_ms()
	return s.dd.seen(m, b)
}

// inject feeds a synthesised message of the given kind and source unless
// it is a duplicate.
func (s *liveSession) inject(b []byte, now time.Time, kind decode.Kind, source string) error {
	m := &s.msg
	if err := s.dec.Decode(b, m); err != nil {
		s.log.Warn("live: synthesised message does not decode", "source", source, "err", err)
		return nil
	}
	if s.seen(m, b) {
		return nil
	}
	if source == backfill.SourceJoin {
		s.res.JoinFilled++
	} else {
		s.res.GapFilled++
		if mt := s.cfg.Metrics; mt != nil {
			mt.GapFilled.WithLabelValues(kindLabel(kind)).Inc()
		}
	}
	return s.feed(b, m, now)
}

// undecodableLogEvery is how often, at most, a session logs the messages
// that do not decode (the first of a live id is logged at once).
const undecodableLogEvery = time.Minute

// undecodableLog logs the messages that do not decode, rate-limited: a
// review's feed with every third message corrupt (40 967 in 20 s) logged
// nothing about them, and one line a message would flood the log.
type undecodableLog struct {
	logged time.Time // the last line; zero before the first
	n      int64     // not decoded since that line
	first  error     // the first of them
}

// note counts a message that did not decode with err (total, the live
// id's count so far, included) and logs: the first at once, then at most
// every undecodableLogEvery, with the count since the last line and the
// first error among them.
func (u *undecodableLog) note(log *slog.Logger, err error, total int64, now time.Time) {
	u.n++
	if u.first == nil {
		u.first = err
	}
	if !u.logged.IsZero() && now.Sub(u.logged) < undecodableLogEvery {
		return
	}
	msg := "live: messages do not decode (recorded verbatim, counted, skipped)"
	if u.logged.IsZero() {
		msg = "live: a message does not decode (recorded verbatim, counted, skipped); further ones are logged every minute at most"
	}
	log.Warn(msg, "count", u.n, "total", total, "first_err", u.first)
	u.logged, u.n, u.first = now, 0, nil
}

// noteDuplicatesFull counts in the result the duplicates rec did not keep
// (its duplicates.jsonl full), and logs the first of them: a feed that
// repeats itself far more than replays after reconnects do.
func (s *liveSession) noteDuplicatesFull(rec *Recorder) {
	n := rec.DuplicatesNotKept()
	if n > 0 && s.res.DuplicatesNotKept == 0 {
		max_B := s.cfg.MaxDuplicates_B
		if max_B == 0 {
			max_B = DefaultMaxDuplicates_B
		}
		s.log.Warn("live: "+BundleDuplicates+" is full: further duplicates are counted (in the result line and "+BundleDuplicatesNotKept+"), not kept; "+
			"the feed repeats itself far more than replays after reconnects do",
			"dir", rec.Dir(), "max_B", max(max_B, 0))
	}
	s.res.DuplicatesNotKept = n
}

// kindLabel is the metrics label of a message kind made from REST state.
func kindLabel(k decode.Kind) string {
	if k == decode.KindShot {
		return "shot"
	}
	return "stats"
}

// String describes the result in one line (for logs and the CLI).
func (r *SessionResult) String() string {
	line := fmt.Sprintf("live %s: %d messages, %d duplicates dropped, %d undecodable, %d gap-filled, %d reconnects, %d from the join's REST state",
		PrintableID(r.LiveID), r.Messages, r.Duplicates, r.DecodeErrors, r.GapFilled, r.Reconnects, r.JoinFilled)
	if r.Replayed > 0 {
		line += fmt.Sprintf(", %d replayed from the bundle first (a re-join)", r.Replayed)
	}
	if r.ConnectFailures > 0 {
		line += fmt.Sprintf(", %d failed connection attempts", r.ConnectFailures)
	}
	if r.DuplicatesNotKept > 0 {
		line += fmt.Sprintf(", %d duplicates not kept (%s full)", r.DuplicatesNotKept, BundleDuplicates)
	}
	if r.DedupForgotten > 0 {
		line += fmt.Sprintf(", %d stats, shot and marker keys forgotten by the duplicate check (its bound)", r.DedupForgotten)
	}
	if r.Offline > 0 {
		line += fmt.Sprintf(", offline %.1f s (longest %.1f s)", r.Offline.Seconds(), r.OfflineMax.Seconds())
	}
	if r.HandoverLost > 0 {
		line += fmt.Sprintf(", %d lost at the handover", r.HandoverLost)
	}
	if r.HandoverGap > 0 {
		line += fmt.Sprintf(", %.1f s of the feed lost at the handover (delivered by neither feed: its stats and shots gap-filled, its locations lost)", r.HandoverGap.Seconds())
	}
	if r.Unanalysed > 0 {
		line += fmt.Sprintf(", %d recorded but not analysed (delivered by the previous live id's feed before this one's came up, which it never did)", r.Unanalysed)
	}
	if r.nats {
		line += fmt.Sprintf("; NATS so far: %d published", r.NATSPublished)
		if r.NATSBuffered > 0 {
			line += fmt.Sprintf(", %d events buffered while not connected", r.NATSBuffered)
		}
		line += fmt.Sprintf(", %d dropped", r.NATSDropped)
	}
	if r.End != "" {
		line += "; ended: " + r.End
	}
	return line
}
