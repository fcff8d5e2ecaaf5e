package live

import (
	"fmt"
	"log/slog"
	neturl "net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/stmotion/stmotion/track"
)

// NATS subjects: stmotion.<live_id>.frames carries every overlay frame
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
// never blocks the caller on the network: the NATS client buffers, and
// while it is not connected (the server is down at the start, or went
// away) it keeps up to ReconnectBuf_B of messages for when it connects
// and refuses the rest (counted in Dropped). It is safe for concurrent
// use.
type NATSPublisher struct {
	nc      *nats.Conn
	log     *slog.Logger
	met     *Metrics
	mu      sync.Mutex
	buf     []byte
	sent    atomic.Int64
	dropped atomic.Int64
	// failing is set while connection attempts fail, so that only the
	// first failure of a run is logged as a warning.
	failing atomic.Bool
	// closing is set by Close: the disconnection that follows is ours,
	// not one to warn about.
	closing atomic.Bool
	// closed is closed by the client's closed handler, the last of its
	// callbacks (they run in order on a goroutine of its own).
	closed chan struct{}
}

// NATSReconnectBuf_B is how much the NATS client keeps while it is not
// connected (the client's default, 8 MiB: some minutes of frames at
// DefaultOverlayRate_Hz).
const NATSReconnectBuf_B = nats.DefaultReconnectBufSize

// NATSReconnectWait is the pause between connection attempts.
const NATSReconnectWait = 500 * time.Millisecond

// NATSOptions configures NewNATSPublisher; the zero value works.
type NATSOptions struct {
	Logger *slog.Logger
	// Metrics, when set, counts published and dropped messages
	// (stmotion_nats_published_messages_total,
	// stmotion_nats_dropped_messages_total).
	Metrics *Metrics
}

// NewNATSPublisher connects to url (e.g. nats://127.0.0.1:4222). A server
// that cannot be reached does not fail it: a live broadcast should start
// and go on while its NATS is down, so the client keeps trying every
// NATSReconnectWait, from the start and after any disconnection, logging
// the first failed attempt and the connection once made. Only a url that
// is not one (it does not parse) fails.
func NewNATSPublisher(url string, opt NATSOptions) (*NATSPublisher, error) {
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
		nats.ConnectHandler(func(c *nats.Conn) {
			p.failing.Store(false)
			log.Info("live: nats connected", "url", c.ConnectedUrlRedacted())
		}),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if p.closing.Load() {
				return // Close (Ctrl-C): nothing to warn about, and no reconnecting
			}
			log.Warn("live: nats disconnected; reconnecting", "err", err)
		}),
		nats.ClosedHandler(func(*nats.Conn) { close(p.closed) }),
		nats.ReconnectHandler(func(c *nats.Conn) {
			p.failing.Store(false)
			log.Info("live: nats connected", "url", c.ConnectedUrlRedacted())
		}),
		nats.ReconnectErrHandler(func(_ *nats.Conn, err error) {
			if !p.failing.Swap(true) {
				log.Warn("live: nats server not reachable; publishing into the reconnect buffer and retrying",
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
	return p, nil
}

// Connected reports whether the client is connected to a server now.
func (p *NATSPublisher) Connected() bool { return p.nc.IsConnected() }

// Sent is how many messages were handed to the NATS client (sent, or
// kept in its reconnect buffer while not connected).
func (p *NATSPublisher) Sent() int64 { return p.sent.Load() }

// Dropped is how many publishes the NATS client refused: its reconnect
// buffer was full, or the publisher was closed.
func (p *NATSPublisher) Dropped() int64 { return p.dropped.Load() }

func (p *NATSPublisher) publish(subject string, data []byte) {
	if err := p.nc.Publish(subject, data); err != nil {
		p.dropped.Add(1)
		if p.met != nil {
			p.met.NATSDropped.Inc()
		}
		return
	}
	p.sent.Add(1)
	if p.met != nil {
		p.met.NATSPublished.Inc()
	}
}

// PublishFrame publishes an encoded frame to FramesSubject(liveID). The
// NATS client copies data before returning.
func (p *NATSPublisher) PublishFrame(liveID string, data []byte) {
	p.publish(FramesSubject(liveID), data)
}

// PublishSegment publishes an engine segment to EventsSubject(liveID).
func (p *NATSPublisher) PublishSegment(liveID string, g *track.Segment) {
	p.mu.Lock()
	p.buf = AppendSegmentJSON(p.buf[:0], liveID, g)
	p.publish(EventsSubject(liveID), p.buf)
	p.mu.Unlock()
}

// PublishEvent publishes a raw JSON event to EventsSubject(liveID). Join
// publishes its session_start and session_end events with it.
func (p *NATSPublisher) PublishEvent(liveID string, data []byte) {
	p.publish(EventsSubject(liveID), data)
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

// redactURL is u, a NATS server URL or a comma-separated list of them as
// the client takes it, with every password replaced, for the logs (a
// --nats URL may carry user:password@). A part that does not parse is
// logged as <unparseable>.
func redactURL(u string) string {
	parts := strings.Split(u, ",")
	for i, s := range parts {
		s = strings.TrimSpace(s)
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
