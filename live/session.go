package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// Reconnect backoff defaults: before reconnect attempt n (1-based) the
// session waits a uniform random time in [d/2, d], d = min(MaxBackoff,
// MinBackoff·2^(n-1)). The attempt count restarts once a connection has
// been acknowledged.
const (
	DefaultMinBackoff = 100 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
)

// SessionConfig configures Join. Client and LiveID are required; every
// other zero field has a working default.
type SessionConfig struct {
	Client *Client
	LiveID string
	// WSURL is the websocket base address (the token is appended as
	// ?token=). Empty means the REST base URL's host with ws:// and path
	// "/", which is where `stmotion mock` serves it; the production API
	// serves it elsewhere (ws://live.shottracker.com), so set it there.
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
	// Track is the engine configuration; the zero value means
	// track.DefaultConfig(). Causal is always set: live output cannot wait
	// for the smoother.
	Track track.Config
	// Attach, when set, is called with each live id's engine before its
	// feed starts, to attach the analyzers batch analysis attaches
	// (possession, heatmaps: the same ones, so live and batch agree). The
	// function it returns, if not nil, sees every message just before the
	// engine does (e.g. to pass feed shots to a possession detector).
	Attach func(sess *track.Session, meta track.Meta) (onMessage func(*decode.Message), err error)
	// Overlay, NATS, Metrics and Health are optional outputs.
	Overlay *Overlay
	NATS    *NATSPublisher
	Metrics *Metrics
	Health  *Health
	Logger  *slog.Logger
	// FlushInterval is the recorder's (DefaultFlushInterval when zero).
	FlushInterval time.Duration
	// PartInterval is how often the tables are closed into a new part
	// (DefaultPartInterval when zero; negative: one part at the end).
	PartInterval time.Duration
	// NoTables turns the table output off (the bundle is still written).
	NoTables bool
	// MinBackoff and MaxBackoff bound the reconnect backoff.
	MinBackoff, MaxBackoff time.Duration
	// Feed configures each websocket connection.
	Feed FeedOptions
	// NoFollow stops at PLAY_NEXT / DRILL_NEXT instead of joining the
	// live id they name.
	NoFollow bool
	// MaxFollow bounds how many next live ids are followed (0: 100).
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
	// Court is the /court body to use when GET court fails, e.g. read
	// from a court.json of the venue (decode.ReadCourt); it is recorded in
	// the bundle as the API's would be. Nil: such a session stays in the
	// sensor frame.
	Court []byte
}

// SessionResult is what one live id of a Join gave.
type SessionResult struct {
	LiveID       string
	Dir          string // the bundle directory, "" without Out
	Summary      *track.Summary
	Parts        []string // closed table parts
	Messages     int64    // websocket messages received (duplicates included)
	Duplicates   int64
	DecodeErrors int64
	GapFilled    int64 // stats and shot messages recovered from REST after reconnects
	Reconnects   int64
	// Offline is the total time between losing a connection and the ack
	// of the next one; OfflineMax the longest such gap.
	Offline, OfflineMax time.Duration
	Next                string // the live id a PLAY_NEXT / DRILL_NEXT marker named, "" when none
}

// Join joins a live event and stays joined until the feed ends (the
// server closes it normally or the live id becomes inactive), ctx is
// cancelled (Ctrl-C: everything is flushed and Join returns the results
// with a nil error), or an error that reconnecting cannot fix (the live id
// is unknown, the credentials are refused). It follows PLAY_NEXT /
// DRILL_NEXT markers to the next live id, one SessionResult each (given
// to OnResult as each live id ends, when set, instead of returned).
//
// Per live id: GET the live information, subscribe (one-time token and
// roster), GET the court and, when joining mid-event, the current stats
// and shots; then the websocket: ack, keepalive pings, every message
// recorded verbatim, decoded, de-duplicated and fed to the engine
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
	if cfg.MaxFollow <= 0 {
		cfg.MaxFollow = 100
	}
	if cfg.Track.RingSize == 0 {
		cfg.Track = track.DefaultConfig()
	}
	cfg.Track.Causal = true
	defer cfg.Health.set(func(h *Health) { h.done, h.connected = true, false })
	var results []SessionResult
	visited := map[string]bool{}
	id := cfg.LiveID
	for follows := 0; ; follows++ {
		visited[id] = true
		s := &liveSession{cfg: &cfg, liveID: id, log: cfg.Logger.With("live_id", id)}
		res, err := s.run(ctx)
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
		if follows == cfg.MaxFollow {
			cfg.Logger.Warn("live: followed MaxFollow live ids; stopping", "max_follow", cfg.MaxFollow, "next", res.Next)
			return results, nil
		}
		cfg.Logger.Info("live: following to the next live id", "from", id, "next", res.Next)
		id = res.Next
	}
}

// liveSession is one live id of a Join.
type liveSession struct {
	cfg    *SessionConfig
	liveID string
	log    *slog.Logger

	rec   *Recorder
	eng   *track.Session
	ovl   *OverlaySink
	parts *partSink
	onMsg func(*decode.Message)
	dd    *dedup
	dec   decode.Decoder
	msg   decode.Message
	res   SessionResult
	types []DataType // requested (SessionConfig.DataTypes); nil: all granted
	// tokenTypes are the data types the newest token grants
	// (token_data_types); nil when the server did not say.
	tokenTypes []string

	lastT_ms int64 // newest occurred_at received
	// gap recovery after a reconnect: REST state fetched after the ack,
	// applied once the first timestamped message shows where the feed
	// resumed.
	gapStats *decode.LiveStats
	gapShots *decode.LiveShots
	gapFrom  int64
	gapArmed bool
	synth    []byte
}

func (s *liveSession) run(ctx context.Context) (*SessionResult, error) {
	c := s.cfg.Client
	s.res.LiveID = s.liveID
	s.types = s.cfg.DataTypes
	s.cfg.Health.set(func(h *Health) { h.liveID, h.connected = s.liveID, false })

	info, err := c.LiveInfo(ctx, s.liveID)
	if err != nil {
		return nil, err
	}
	sub, err := c.Subscribe(ctx, s.liveID, s.types...)
	if err != nil {
		return nil, err
	}
	courtBody, err := c.Court(ctx, s.liveID)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		courtBody = s.cfg.Court
		if courtBody != nil {
			s.log.Warn("live: no court from the API: using the one given (--court)", "err", err)
		} else {
			s.log.Warn("live: no court: positions stay in the sensor frame", "err", err)
		}
	}
	s.tokenTypes = sub.TokenDataTypes
	stats, shots := s.fetchState(ctx)

	if s.cfg.Out != "" {
		s.res.Dir = filepath.Join(s.cfg.Out, dirName(s.liveID))
		if s.rec, err = NewRecorder(s.res.Dir, RecorderOptions{FlushInterval: s.cfg.FlushInterval}); err != nil {
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
		if courtBody != nil {
			files = append(files, bundleFile{decode.BundleCourt, courtBody})
		}
		if stats != nil {
			files = append(files, bundleFile{decode.BundleStats, stats})
		}
		if shots != nil {
			files = append(files, bundleFile{decode.BundleShots, shots})
		}
		for _, f := range files {
			if err := s.rec.WriteJSON(f.name, f.v); err != nil {
				return nil, err
			}
		}
	}

	meta := track.Meta{SessionID: s.liveID, Roster: sub.Teams}
	if courtBody != nil {
		var err error
		if meta.Court, err = court.Parse(courtBody, court.Options{AllowMirrored: s.cfg.AllowMirrored}); err != nil {
			s.log.Warn("live: court is not usable: positions stay in the sensor frame", "err", err)
		}
	}
	var sinks []track.Sink
	if s.cfg.Overlay != nil {
		s.ovl = s.cfg.Overlay.Sink(s.liveID, sub.Teams)
		sinks = append(sinks, s.ovl)
	}
	if s.cfg.Out != "" && !s.cfg.NoTables {
		if s.parts, err = newPartSink(filepath.Join(s.res.Dir, "tables"), s.liveID, s.cfg.PartInterval); err != nil {
			return nil, err
		}
		if s.parts.earlier > 0 {
			s.log.Info("live: re-joining into an existing bundle: messages.jsonl is appended to and the table parts numbered on; "+
				"the summary will cover this join (stmotion analyze of the bundle gives the whole recording's)",
				"dir", s.res.Dir, "parts_before", s.parts.earlier)
		}
		sinks = append(sinks, s.parts)
	}
	if s.eng, err = track.NewSession(s.cfg.Track, meta, sinks...); err != nil {
		return nil, err
	}
	if s.cfg.Attach != nil {
		if s.onMsg, err = s.cfg.Attach(s.eng, meta); err != nil {
			s.eng.Close()
			return nil, err
		}
	}
	s.dd = newDedup(s.eng.Window_ms())

	ferr := s.feedLoop(ctx, sub.Token)
	sum, cerr := s.eng.Close()
	if cerr != nil && s.parts != nil {
		s.parts.abort()
	}
	s.res.Summary = sum
	if s.parts != nil {
		s.res.Parts = s.parts.Parts()
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
			if err := export.WriteJSON(filepath.Join(s.res.Dir, export.SummaryFile), export.Summarize(sum), true); err != nil {
				cerr = err
			}
		}
	}
	if ferr == nil {
		ferr = cerr
	}
	return &s.res, ferr
}

// dirName makes a live id safe as a directory name.
func dirName(id string) string {
	if id == "" || id == "." || id == ".." {
		return "_" + id
	}
	return url.PathEscape(id)
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

// fetchState gets /stats and /shots for the data types the session
// receives (subscribed); a refusal is logged and skipped (it only means a
// thinner baseline).
func (s *liveSession) fetchState(ctx context.Context) (*decode.LiveStats, *decode.LiveShots) {
	var stats *decode.LiveStats
	var shots *decode.LiveShots
	var err error
	if s.subscribed(DataStats) {
		if stats, err = s.cfg.Client.Stats(ctx, s.liveID); err != nil {
			s.log.Warn("live: stats not fetched", "err", err)
		}
	}
	if s.subscribed(DataShots) {
		if shots, err = s.cfg.Client.Shots(ctx, s.liveID); err != nil {
			s.log.Warn("live: shots not fetched", "err", err)
		}
	}
	return stats, shots
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
	u, err := url.Parse(s.cfg.Client.cfg.BaseURL)
	if err != nil {
		return ""
	}
	scheme := "ws"
	if u.Scheme == "https" {
		scheme = "wss"
	}
	return scheme + "://" + u.Host + "/"
}

// backoff is the wait before reconnect attempt n (1-based).
func (s *liveSession) backoff(n int) time.Duration {
	return jitteredBackoff(s.cfg.MinBackoff, s.cfg.MaxBackoff, n)
}

// feedLoop connects, reads until the feed ends, and reconnects after
// failures. It returns nil when the feed ended normally, ctx was
// cancelled, or a next live id was announced.
func (s *liveSession) feedLoop(ctx context.Context, token string) error {
	var buf []byte
	attempt := 0
	first := true
	var lost time.Time
	for {
		if ctx.Err() != nil {
			return nil
		}
		if token == "" {
			sub, err := s.cfg.Client.Subscribe(ctx, s.liveID, s.types...)
			switch {
			case ctx.Err() != nil:
				return nil
			case errors.Is(err, ErrInactive), errors.Is(err, ErrNotFound):
				s.log.Info("live: live id no longer active; session finished", "err", err)
				return nil
			case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrForbidden):
				return err
			case err != nil:
				attempt++
				s.log.Warn("live: subscribe failed; retrying", "attempt", attempt, "err", err)
				if !sleepCtx(ctx, s.backoff(attempt)) {
					return nil
				}
				continue
			}
			token, s.tokenTypes = sub.Token, sub.TokenDataTypes
		}
		f, err := DialFeed(ctx, s.wsURL(), token, s.cfg.Feed)
		token = "" // one-time: never offered again
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			attempt++
			s.log.Warn("live: websocket connect failed; retrying with a new token", "attempt", attempt, "err", err)
			if !sleepCtx(ctx, s.backoff(attempt)) {
				return nil
			}
			continue
		}
		attempt = 0
		if !first {
			gap := time.Since(lost)
			s.res.Offline += gap
			s.res.OfflineMax = max(s.res.OfflineMax, gap)
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
		first = false
		s.cfg.Health.set(func(h *Health) { h.connected = true })
		s.log.Info("live: websocket open", "session", f.SessionID(), "ping", f.PingInterval(), "read_limit_B", f.ReadLimit_B())
		if err := s.handle(f.AckRaw(), time.Now()); err != nil {
			f.Close()
			return err
		}
		stop := context.AfterFunc(ctx, func() { f.Close() })
		var next bool
		for {
			buf, err = f.Next(buf)
			if err != nil {
				break
			}
			if err = s.handle(buf, time.Now()); err != nil {
				break
			}
			if s.res.Next != "" && !s.cfg.NoFollow {
				next = true
				break
			}
		}
		stop()
		lost = time.Now()
		f.Close()
		s.cfg.Health.set(func(h *Health) { h.connected = false })
		var fe *FeedError
		switch {
		case next:
			return nil
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrFeedClosed):
			s.log.Info("live: the server closed the feed; session finished", "err", err)
			return nil
		case !errors.As(err, &fe):
			return err // the engine or the recorder failed
		}
		s.log.Warn("live: websocket lost; reconnecting", "err", err)
		attempt++
		if !sleepCtx(ctx, s.backoff(attempt)) {
			return nil
		}
	}
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
	s.res.Messages++
	m := &s.msg
	derr := s.dec.Decode(data, m)
	if mt := s.cfg.Metrics; mt != nil {
		if derr != nil {
			mt.DecodeErrors.Inc()
		} else {
			mt.MessagesIn.WithLabelValues(m.Kind.String()).Inc()
		}
	}
	s.cfg.Health.set(func(h *Health) { h.messages++; h.lastMessage = now })
	if derr != nil {
		s.res.DecodeErrors++
		s.log.Debug("live: message does not decode (recorded and skipped)", "err", derr)
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
			return s.rec.Duplicate(data)
		}
		return nil
	}
	t := m.OccurredAt_ms()
	if t > 0 && s.gapArmed {
		// The first timestamped message after a reconnect: what the
		// REST state has between the last message before the drop and
		// here was missed.
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
	if m.Kind == decode.KindMarker && (m.Marker.Type == decode.MarkerPlayNext || m.Marker.Type == decode.MarkerDrillNext) {
		if next := string(m.Marker.LiveID.Text(data)); next != "" && next != s.liveID {
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
		if mt := s.cfg.Metrics; mt != nil {
			mt.Lag.Set(float64(now.UnixMilli()-t) / 1000)
		}
	}
	if s.ovl != nil {
		s.ovl.NoteInput(now)
	}
	if s.onMsg != nil {
		s.onMsg(m)
	}
	return s.eng.Feed(m)
}

// armGap fetches /stats and /shots after a reconnect, each only when the
// session receives that data type (subscribed); the next timestamped
// message applies them (fillGap).
func (s *liveSession) armGap(ctx context.Context) {
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
		if err := s.rec.WriteGap(stats, shots); err != nil {
			s.log.Warn("live: gap: not recorded", "err", err)
		}
	}
	s.gapStats, s.gapShots, s.gapFrom, s.gapArmed = stats, shots, s.lastT_ms, true
}

// fillGap feeds the shots the REST state has with from < occurred_at ≤ to
// that the feed did not deliver, and for each player whose REST box score
// is newer (by version) than the newest stats message received, a stats
// message with those values at occurred_at to. Nothing is filled when the
// feed resumed at or before where it stopped (it replays; the replay's
// duplicates are dropped instead). Synthesised messages have the wire
// shape plus "stmotion_source":"rest_gap" and are recorded like received
// ones, so the bundle re-analyses to the same result.
func (s *liveSession) fillGap(from, to int64) error {
	s.gapArmed = false
	stats, shots := s.gapStats, s.gapShots
	s.gapStats, s.gapShots = nil, nil
	if to <= from || from == 0 {
		return nil
	}
	now := time.Now()
	if shots != nil {
		for _, t := range shots.Teams {
			for _, p := range t.PlayerShots {
				for _, sh := range p.Shots {
					if sh.OccurredAt_ms <= from || sh.OccurredAt_ms > to {
						continue
					}
					b := s.synth[:0]
					b = append(b, `{"type":"shot","stmotion_source":"rest_gap","data":{"occurred_at":`...)
					b = strconv.AppendInt(b, sh.OccurredAt_ms, 10)
					b = append(b, `,"team_id":`...)
					b = strconv.AppendInt(b, t.ID, 10)
					b = append(b, `,"player_id":`...)
					b = strconv.AppendInt(b, p.ID, 10)
					b = append(b, `,"is_make":`...)
					b = strconv.AppendBool(b, sh.IsMake)
					b = append(b, `,"is_3point":`...)
					b = strconv.AppendBool(b, sh.Is3Point)
					b = append(b, `,"zone":`...)
					b = strconv.AppendInt(b, int64(sh.Zone), 10)
					b = append(b, `,"hoop_player_x":`...)
					b = strconv.AppendInt(b, int64(sh.HoopPlayerX_mm), 10)
					b = append(b, `,"hoop_player_y":`...)
					b = strconv.AppendInt(b, int64(sh.HoopPlayerY_mm), 10)
					b = append(b, `,"status":`...)
					b = appendJSONString(b, orDefault(sh.Status, "RECORDED"))
					b = append(b, "}}"...)
					s.synth = b
					if err := s.inject(b, now, "shot"); err != nil {
						return err
					}
				}
			}
		}
	}
	if stats != nil {
		for _, t := range stats.Teams {
			for _, p := range t.PlayerStats {
				if v, ok := s.dd.statVersion(p.ID); ok && p.Version <= v {
					continue
				}
				if len(p.Stats) == 0 {
					continue
				}
				b := s.synth[:0]
				b = append(b, `{"type":"stats","stmotion_source":"rest_gap","data":{"occurred_at":`...)
				b = strconv.AppendInt(b, to, 10)
				b = append(b, `,"team_id":`...)
				b = strconv.AppendInt(b, t.ID, 10)
				b = append(b, `,"player_id":`...)
				b = strconv.AppendInt(b, p.ID, 10)
				b = append(b, `,"stats":{`...)
				first := true
				for _, k := range sortedKeys(p.Stats) {
					if !first {
						b = append(b, ',')
					}
					first = false
					b = appendJSONString(b, k)
					b = append(b, ':')
					b = strconv.AppendFloat(b, p.Stats[k], 'f', -1, 64)
				}
				b = append(b, `},"version":`...)
				b = strconv.AppendInt(b, p.Version, 10)
				b = append(b, "}}"...)
				s.synth = b
				if err := s.inject(b, now, "stats"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// seen reports whether m (whose bytes are b) was received before, or is a
// location older than the engine's reorder window (see dedup).
func (s *liveSession) seen(m *decode.Message, b []byte) bool {
	s.dd.window_ms = s.eng.Window_ms()
	return s.dd.seen(m, b)
}

// inject feeds a synthesised message unless it is a duplicate.
func (s *liveSession) inject(b []byte, now time.Time, kind string) error {
	m := &s.msg
	if err := s.dec.Decode(b, m); err != nil {
		s.log.Warn("live: gap: synthesised message does not decode", "err", err)
		return nil
	}
	if s.seen(m, b) {
		return nil
	}
	s.res.GapFilled++
	if mt := s.cfg.Metrics; mt != nil {
		mt.GapFilled.WithLabelValues(kind).Inc()
	}
	return s.feed(b, m, now)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func sortedKeys(m map[string]float64) []string {
	return slices.Sorted(maps.Keys(m))
}

// String describes the result in one line (for logs and the CLI).
func (r *SessionResult) String() string {
	return fmt.Sprintf("live %s: %d messages, %d duplicates dropped, %d undecodable, %d gap-filled, %d reconnects",
		r.LiveID, r.Messages, r.Duplicates, r.DecodeErrors, r.GapFilled, r.Reconnects)
}
