package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	neturl "net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/stmotion/stmotion/track"
)

// NATS subjects: stmotion.<live_id>.frames carries every overlay frame
// broadcast while the client is connected (see NATSPublisher)
// (the JSON of AppendFrameJSON, unfiltered) and stmotion.<live_id>.events
// the engine's segments (possessions, passes, shots, markers, DIST
// checks, ...) as JSON objects (see AppendSegmentJSON), between the two
// events Join publishes for each live id (with SessionConfig.NATS):
//
//	{"live_id":"…","event":"session_start","wall_ms":…,"prev_live_id":"…"}
//	{"live_id":"…","event":"session_end","wall_ms":…,"next_live_id":"…","messages":…}
//
// session_start once the live id is subscribed to and its engine is
// ready; session_end once it has ended (its feed closed, the live id is
// no longer active, the join was cancelled or failed). wall_ms is the
// wall clock (epoch ms); prev_live_id the live id Join followed to this
// one ("" for the first); next_live_id the live id a PLAY_NEXT /
// DRILL_NEXT of this one named ("" when none), whose subjects come next
// unless Join does not follow it (NoFollow, MaxFollow); messages, the
// websocket messages received. A subscriber goes from one live id's
// subjects to the next's with next_live_id, here or on the PLAY_NEXT /
// DRILL_NEXT marker event.
func FramesSubject(liveID string) string { return "stmotion." + subjectToken(liveID) + ".frames" }

// EventsSubject is the events subject of a live id.
func EventsSubject(liveID string) string { return "stmotion." + subjectToken(liveID) + ".events" }

// subjectToken makes a live id safe as one NATS subject token (no dots,
// wildcards or whitespace). ShotTracker ids are UUIDs and pass unchanged.
func subjectToken(id string) string {
	if id == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '.', '*', '>', ' ', '\t', '\r', '\n':
			return '_'
		}
		return r
	}, id)
}

// NATSPublisher publishes frames and events to a NATS server. Publishing
// never blocks the caller on the network: the NATS client buffers. While
// it is not connected (the server is down at the start, or went away)
// frames and events part ways:
//
//   - overlay frames are dropped (counted in Dropped, as frames): a frame
//     is worth something only while it is current, and the client's
//     reconnect buffer, which keeps the oldest messages and refuses the
//     newest once full, had delivered minutes-old positions of an ended
//     live id as a burst on reconnect, then jumped to the current ones;
//   - events (session_start, session_end, segments) are kept in the
//     client's reconnect buffer, up to NATSReconnectBuf_B, and sent when
//     it connects, oldest first (counted in Buffered); what does not fit
//     is dropped (counted in Dropped, as events). What the buffer holds
//     when Close comes before the server does is lost.
//
// Sent counts only what was handed to a connected client. The outage is
// logged: a warning when the connection is lost (or not made at the
// start), a warning at the first message dropped and then at most every
// NATSDropLogEvery while drops go on, with counts, and on reconnect a
// line with what the outage cost (a warning when something was dropped).
// It is safe for concurrent use.
type NATSPublisher struct {
	nc       *nats.Conn
	log      *slog.Logger
	met      *Metrics
	mu       sync.Mutex
	buf      []byte
	sent     atomic.Int64
	buffered atomic.Int64
	// droppedFrames and droppedEvents make Dropped.
	droppedFrames, droppedEvents atomic.Int64
	// failing is set while connection attempts fail, so that only the
	// first failure of a run is logged as a warning.
	failing atomic.Bool
	// closing is set by Close: the disconnection that follows is ours,
	// not one to warn about.
	closing atomic.Bool
	// closed is closed by the client's closed handler, the last of its
	// callbacks (they run in order on a goroutine of its own).
	closed chan struct{}

	// out is the current outage, for its log lines.
	omu sync.Mutex
	out natsOutage
}

// natsOutage is what a NATS outage cost so far, for the log.
type natsOutage struct {
	since time.Time // the disconnection (or the first drop); zero while connected
	// frames and events dropped, events buffered, in the whole outage
	framesDropped, eventsDropped, eventsBuffered int64
	// what was dropped since the last drop warning, and when that was
	// (zero: none yet in this outage, so the next drop warns at once)
	logFrames, logEvents int64
	logged               time.Time
}

// NATSReconnectBuf_B is how much the NATS client keeps while it is not
// connected (the client's default, 8 MiB). Only events go there (see
// NATSPublisher): hours of a game's segments.
const NATSReconnectBuf_B = nats.DefaultReconnectBufSize

// NATSReconnectWait is the pause between connection attempts.
const NATSReconnectWait = 500 * time.Millisecond

// NATSDropLogEvery is how often, at most, a NATSPublisher logs the
// messages it keeps dropping during an outage (the first drop of an
// outage is logged at once).
const NATSDropLogEvery = time.Minute

// NATSOptions configures NewNATSPublisher; the zero value works.
type NATSOptions struct {
	Logger *slog.Logger
	// Metrics, when set, counts published, buffered and dropped
	// messages (stmotion_nats_published_messages_total,
	// stmotion_nats_buffered_messages_total,
	// stmotion_nats_dropped_messages_total{kind}) and gets the gauge
	// stmotion_nats_connected.
	Metrics *Metrics
}

// errNATSScheme and errNATSHost are NewNATSPublisher's errors (in a
// NATSServerError) for a server of another scheme, and for one that
// names no host (nats://, nats://:4222, nats:/h: an unset $NATS_HOST),
// which the client would retry for ever.
var (
	errNATSScheme = errors.New("want nats://, tls://, ws:// or wss://")
	errNATSHost   = errors.New("no host: want nats://host[:port]")
)

// NATSServerError is NewNATSPublisher's error for a server of its url
// that cannot be one: Server (its credentials redacted) is which, of a
// comma-separated list.
type NATSServerError struct {
	Server string
	Err    error
}

func (e *NATSServerError) Error() string {
	return fmt.Sprintf("live: nats server %q: %v", e.Server, e.Err)
}
func (e *NATSServerError) Unwrap() error { return e.Err }

// NewNATSPublisher connects to url (e.g. nats://127.0.0.1:4222). A server
// that cannot be reached does not fail it: a live broadcast should start
// and go on while its NATS is down, so the client keeps trying every
// NATSReconnectWait, from the start and after any disconnection, logging
// the first failed attempt and the connection once made. Only a url that
// is not one (it does not parse, its scheme is not nats, tls, ws or
// wss, or it names no host: *NATSServerError) fails. url may list several servers, comma-separated, and a server
// without a scheme is nats://.
func NewNATSPublisher(url string, opt NATSOptions) (*NATSPublisher, error) {
	for _, s := range strings.Split(url, ",") {
		// The client takes any scheme, and would dial an ftp:// as
		// nats:// for ever; and a server without a host (nats:/h reads
		// as the host "nats"), retried for ever too.
		s = strings.TrimSpace(s)
		scheme, _, ok := strings.Cut(s, "://")
		if ok && !slices.Contains([]string{"nats", "tls", "ws", "wss"}, strings.ToLower(scheme)) {
			return nil, &NATSServerError{Server: redactURL(s), Err: errNATSScheme}
		}
		u := s
		if !ok {
			if strings.Contains(s, "/") {
				return nil, &NATSServerError{Server: redactURL(s), Err: errNATSHost}
			}
			u = "nats://" + s // as the client reads a bare host:port
		}
		// One that does not parse is the client's to say.
		if p, err := neturl.Parse(u); err == nil && p.Hostname() == "" {
			return nil, &NATSServerError{Server: redactURL(s), Err: errNATSHost}
		}
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &NATSPublisher{log: log, met: opt.Metrics, closed: make(chan struct{})}
	nc, err := nats.Connect(url,
		nats.Name("stmotion live"),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(NATSReconnectWait),
		nats.ReconnectBufSize(NATSReconnectBuf_B),
		nats.Timeout(5*time.Second),
		nats.ConnectHandler(p.connected),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if p.closing.Load() {
				return // Close (Ctrl-C): nothing to warn about, and no reconnecting
			}
			p.omu.Lock()
			if p.out.since.IsZero() {
				p.out.since = time.Now()
			}
			p.omu.Unlock()
			log.Warn("live: nats disconnected; reconnecting: overlay frames are dropped until it is back, events kept in the reconnect buffer",
				"retry_every", NATSReconnectWait, "buffer_B", NATSReconnectBuf_B, "err", err)
		}),
		nats.ClosedHandler(func(*nats.Conn) { close(p.closed) }),
		nats.ReconnectHandler(p.connected),
		nats.ReconnectErrHandler(func(_ *nats.Conn, err error) {
			if p.closing.Load() {
				return
			}
			if !p.failing.Swap(true) {
				log.Warn("live: nats server not reachable; retrying: overlay frames are dropped until it is, events kept in the reconnect buffer",
					"url", redactURL(url), "retry_every", NATSReconnectWait, "buffer_B", NATSReconnectBuf_B, "err", err)
				return
			}
			log.Debug("live: nats connect failed; retrying", "err", err)
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("live: nats connect %s: %w", url, err)
	}
	p.nc = nc
	if p.met != nil {
		p.met.attachNATS(p)
	}
	return p, nil
}

// connected is the client's connect and reconnect handler: it logs the
// connection, with what the outage before it cost when there was one.
func (p *NATSPublisher) connected(c *nats.Conn) {
	p.failing.Store(false)
	p.omu.Lock()
	o := p.out
	p.out = natsOutage{}
	p.omu.Unlock()
	if o.since.IsZero() {
		p.log.Info("live: nats connected", "url", c.ConnectedUrlRedacted())
		return
	}
	lvl := slog.LevelInfo
	if o.framesDropped > 0 || o.eventsDropped > 0 {
		lvl = slog.LevelWarn
	}
	p.log.Log(context.Background(), lvl, "live: nats connected after an outage", "url", c.ConnectedUrlRedacted(),
		"down_s", math.Round(time.Since(o.since).Seconds()*10)/10, "frames_dropped", o.framesDropped,
		"events_buffered", o.eventsBuffered, "events_dropped", o.eventsDropped)
}

// Connected reports whether the client is connected to a server now.
func (p *NATSPublisher) Connected() bool { return p.nc.IsConnected() }

// Sent is how many messages were handed to the NATS client while it was
// connected.
func (p *NATSPublisher) Sent() int64 { return p.sent.Load() }

// Buffered is how many events the NATS client kept in its reconnect
// buffer while not connected, to send when it connects (lost if Close
// comes first).
func (p *NATSPublisher) Buffered() int64 { return p.buffered.Load() }

// Dropped is how many messages were not published: frames while the
// client was not connected, events its reconnect buffer had no room for
// (and anything after Close).
func (p *NATSPublisher) Dropped() int64 { return p.droppedFrames.Load() + p.droppedEvents.Load() }

// publish publishes data to subject; frame says that it is an overlay
// frame, which is dropped rather than buffered while not connected.
func (p *NATSPublisher) publish(subject string, data []byte, frame bool) {
	up := p.nc.IsConnected()
	if frame && !up {
		p.drop(true)
		return
	}
	if err := p.nc.Publish(subject, data); err != nil {
		p.drop(frame)
		return
	}
	if up {
		p.sent.Add(1)
		if p.met != nil {
			p.met.NATSPublished.Inc()
		}
		return
	}
	p.buffered.Add(1)
	if p.met != nil {
		p.met.NATSBuffered.Inc()
	}
	p.omu.Lock()
	p.outage()
	p.out.eventsBuffered++
	p.omu.Unlock()
}

// outage starts p.out at the first message of an outage not seen by the
// disconnect handler (the server down at the start). omu is held.
func (p *NATSPublisher) outage() {
	if p.out.since.IsZero() {
		p.out.since = time.Now()
	}
}

// drop counts a message not published, and logs the drops: the first of
// an outage at once, then at most every NATSDropLogEvery.
func (p *NATSPublisher) drop(frame bool) {
	kind := "event"
	if frame {
		kind = "frame"
		p.droppedFrames.Add(1)
	} else {
		p.droppedEvents.Add(1)
	}
	if p.met != nil {
		p.met.NATSDropped.WithLabelValues(kind).Inc()
	}
	if p.closing.Load() {
		return // shutting down: nothing to report
	}
	up := p.nc.IsConnected() // a refusal while connected (none expected) is no outage
	p.omu.Lock()
	if !up {
		p.outage()
	}
	if frame {
		p.out.framesDropped++
		p.out.logFrames++
	} else {
		p.out.eventsDropped++
		p.out.logEvents++
	}
	now := time.Now()
	if !p.out.logged.IsZero() && now.Sub(p.out.logged) < NATSDropLogEvery {
		p.omu.Unlock()
		return
	}
	first := p.out.logged.IsZero()
	frames, events := p.out.logFrames, p.out.logEvents
	p.out.logFrames, p.out.logEvents, p.out.logged = 0, 0, now
	down_s := 0.0
	if !p.out.since.IsZero() {
		down_s = math.Round(now.Sub(p.out.since).Seconds()*10) / 10
	}
	p.omu.Unlock()
	msg := "live: nats messages dropped"
	if first {
		msg = "live: nats messages dropped; further drops are logged every minute at most"
	}
	p.log.Warn(msg, "frames", frames, "events", events, "connected", up, "down_s", down_s,
		"frames_total", p.droppedFrames.Load(), "events_total", p.droppedEvents.Load())
}

// PublishFrame publishes an encoded frame to FramesSubject(liveID), only
// while connected (see NATSPublisher). The NATS client copies data
// before returning.
func (p *NATSPublisher) PublishFrame(liveID string, data []byte) {
	p.publish(FramesSubject(liveID), data, true)
}

// PublishSegment publishes an engine segment to EventsSubject(liveID).
func (p *NATSPublisher) PublishSegment(liveID string, g *track.Segment) {
	p.mu.Lock()
	p.buf = AppendSegmentJSON(p.buf[:0], liveID, g)
	p.publish(EventsSubject(liveID), p.buf, false)
	p.mu.Unlock()
}

// PublishEvent publishes a raw JSON event to EventsSubject(liveID). Join
// publishes its session_start and session_end events with it.
func (p *NATSPublisher) PublishEvent(liveID string, data []byte) {
	p.publish(EventsSubject(liveID), data, false)
}

// Flush waits until the server has received everything published.
func (p *NATSPublisher) Flush() error { return p.nc.FlushTimeout(5 * time.Second) }

// Close sends what the client holds, waiting up to 5 s for the server
// to have it when connected, and disconnects. Close returns once that
// is done (the client's Drain would go on in the background, and a
// command that returns after Close would exit before it ends). What the
// reconnect buffer holds when the server is unreachable is lost. The
// disconnection it makes is not logged (no "disconnected; reconnecting"
// warning at a Ctrl-C), and no callback of the client logs after it.
func (p *NATSPublisher) Close() error {
	var err error
	if p.nc.IsConnected() {
		err = p.nc.FlushTimeout(5 * time.Second)
	}
	p.closing.Store(true)
	p.nc.Close()
	// Wait for the client's callbacks to have run, so that none logs
	// after Close returns (a command exits then).
	select {
	case <-p.closed:
	case <-time.After(time.Second):
	}
	return err
}

// AppendSegmentJSON appends one event object for segment g:
//
//	{"live_id":"…","event":"pass","start_ms":…,"end_ms":…,"player_id":101,
//	 "team_id":461,"to_player_id":102,"start_x_m":…,"start_y_m":…,
//	 "end_x_m":…,"end_y_m":…,"length_m":…,"speed_mps":…,"period":1,
//	 "made":false,"is_3point":false,"zone":0,"label":""}
//
// DIST checks add "feed_dist_cm" and "engine_dist_cm"; PLAY_NEXT and
// DRILL_NEXT markers (label) add "next_live_id", the live id the event
// continues under.
func AppendSegmentJSON(dst []byte, liveID string, g *track.Segment) []byte {
	dst = append(dst, `{"live_id":`...)
	dst = appendJSONString(dst, liveID)
	dst = append(dst, `,"event":"`...)
	dst = append(dst, g.Type.String()...)
	dst = append(dst, `","start_ms":`...)
	dst = strconv.AppendInt(dst, g.Start_ms, 10)
	dst = append(dst, `,"end_ms":`...)
	dst = strconv.AppendInt(dst, g.End_ms, 10)
	dst = append(dst, `,"player_id":`...)
	dst = strconv.AppendInt(dst, g.PlayerID, 10)
	dst = append(dst, `,"team_id":`...)
	dst = strconv.AppendInt(dst, g.TeamID, 10)
	dst = append(dst, `,"to_player_id":`...)
	dst = strconv.AppendInt(dst, g.ToPlayerID, 10)
	for _, f := range []struct {
		k string
		v float64
	}{{"start_x_m", g.StartX_m}, {"start_y_m", g.StartY_m}, {"end_x_m", g.EndX_m}, {"end_y_m", g.EndY_m}, {"length_m", g.Length_m}, {"speed_mps", g.Speed_mps}} {
		dst = append(dst, `,"`...)
		dst = append(dst, f.k...)
		dst = append(dst, `":`...)
		dst = appendFloat(dst, f.v, 3)
	}
	dst = append(dst, `,"period":`...)
	dst = strconv.AppendInt(dst, int64(g.Period), 10)
	dst = append(dst, `,"made":`...)
	dst = strconv.AppendBool(dst, g.Made)
	dst = append(dst, `,"is_3point":`...)
	dst = strconv.AppendBool(dst, g.Is3Point)
	dst = append(dst, `,"zone":`...)
	dst = strconv.AppendInt(dst, int64(g.Zone), 10)
	dst = append(dst, `,"label":`...)
	dst = appendJSONString(dst, g.Label)
	if g.Type == track.SegDistCheck {
		dst = append(dst, `,"feed_dist_cm":`...)
		dst = appendFloat(dst, g.FeedDist_cm, 1)
		dst = append(dst, `,"engine_dist_cm":`...)
		dst = appendFloat(dst, g.EngineDist_cm, 1)
	}
	if g.NextLiveID != "" {
		dst = append(dst, `,"next_live_id":`...)
		dst = appendJSONString(dst, g.NextLiveID)
	}
	return append(dst, '}')
}

// appendSessionStartJSON appends the session_start event of liveID (see
// FramesSubject); wall_ms is the wall clock, epoch ms.
func appendSessionStartJSON(dst []byte, liveID string, wall_ms int64, prevLiveID string) []byte {
	dst = append(dst, `{"live_id":`...)
	dst = appendJSONString(dst, liveID)
	dst = append(dst, `,"event":"session_start","wall_ms":`...)
	dst = strconv.AppendInt(dst, wall_ms, 10)
	dst = append(dst, `,"prev_live_id":`...)
	dst = appendJSONString(dst, prevLiveID)
	return append(dst, '}')
}

// appendSessionEndJSON appends the session_end event of liveID (see
// FramesSubject).
func appendSessionEndJSON(dst []byte, liveID string, wall_ms int64, nextLiveID string, messages int64) []byte {
	dst = append(dst, `{"live_id":`...)
	dst = appendJSONString(dst, liveID)
	dst = append(dst, `,"event":"session_end","wall_ms":`...)
	dst = strconv.AppendInt(dst, wall_ms, 10)
	dst = append(dst, `,"next_live_id":`...)
	dst = appendJSONString(dst, nextLiveID)
	dst = append(dst, `,"messages":`...)
	dst = strconv.AppendInt(dst, messages, 10)
	return append(dst, '}')
}

// RedactNATSURL is u, a NATS server URL or a comma-separated list of them
// as NewNATSPublisher takes it, with every password replaced: for a log or
// an error message.
func RedactNATSURL(u string) string { return redactURL(u) }

// redactURL is u, a NATS server URL or a comma-separated list of them as
// the client takes it, with every password replaced, for the logs (a
// --nats URL may carry user:password@). A part that does not parse is
// logged as <unparseable>.
func redactURL(u string) string {
	parts := strings.Split(u, ",")
	for i, s := range parts {
		s = strings.TrimSpace(s)
		if s == "" {
			parts[i] = "" // a list's empty server, not "nats:"
			continue
		}
		scheme := strings.Contains(s, "://")
		if !scheme {
			s = "nats://" + s // as the client reads a bare host:port
		}
		p, err := neturl.Parse(s)
		if err != nil {
			parts[i] = "<unparseable>"
			continue
		}
		parts[i] = p.Redacted()
		if !scheme {
			parts[i] = strings.TrimPrefix(parts[i], "nats://")
		}
	}
	return strings.Join(parts, ",")
}
