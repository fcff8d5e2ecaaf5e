package live

import (
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
)

// Overlay defaults.
const (
	DefaultOverlayRate_Hz = 25
	DefaultOverlayQueue   = 8
	// DefaultStale_ms: a sensor not updated for this long (sensor time) is
	// left out of frames (a player who left the court, a ball put away).
	// Until then a frame holds it over with the values of its last tick
	// and says how old they are (SensorState.Age_ms).
	DefaultStale_ms = 1000
	// InFlightSpeed_mps: an unheld ball faster than this is "in_flight"
	// in a frame's ball_state, otherwise "loose".
	InFlightSpeed_mps = 4.0
	// DefaultMaxAge_ms: a queued frame older than this (wall time since
	// it was broadcast) when its client's writer takes it is dropped if a
	// newer one is queued behind it: an overlay wants the newest state,
	// not a backlog.
	DefaultMaxAge_ms = 250
	// OverlaySendBuffer_B is the kernel send buffer asked for each
	// /overlay connection (SO_SNDBUF; Linux doubles it for its own
	// bookkeeping). A small buffer makes a slow client's writes block
	// after a few dozen frames, so its queue fills and frames are dropped
	// (counted) instead of piling up in the kernel: without it the buffer
	// grows to megabytes, seconds of frames at 3.2 kB each (25 sensors,
	// JSON). 32 KiB still carries 25 such frames a second over a 100 ms
	// round trip.
	OverlaySendBuffer_B = 32 << 10
	// OverlayWriteTimeout_s: a client whose socket accepts nothing for
	// this long (it stopped reading) is disconnected.
	OverlayWriteTimeout_s = 10
)

// OverlayOptions configures an Overlay. The zero value works.
type OverlayOptions struct {
	// Rate_Hz caps the frames broadcast per second of wall time; a frame
	// is sent as soon as the engine completes a tick unless it is early
	// for the cap's schedule (one frame each 1/Rate_Hz, see rateCap), in
	// which case the newest frame goes out when it is due (older ones are
	// skipped). A feed whose ticks come at the cap's rate loses none.
	// Zero (or less, or NaN) means DefaultOverlayRate_Hz.
	Rate_Hz float64
	// Queue is each client's queue length in frames. A client that does
	// not keep up loses its oldest queued frames (counted per client and
	// in Metrics.DroppedFrames); the engine and other clients never wait
	// for it. Zero means DefaultOverlayQueue.
	Queue int
	// MaxAge_ms: see DefaultMaxAge_ms. Zero means the default.
	MaxAge_ms int64
	// Stale_ms: see DefaultStale_ms. Zero means the default.
	Stale_ms int64
	// Metrics, when set, receives the overlay's counters.
	Metrics *Metrics
	// NATS, when set, gets every broadcast frame (full, JSON) and the
	// engine's segments as events.
	NATS *NATSPublisher
	// OnSent, when set, is called by each client's writer after a frame is
	// written, with the time since the message that completed the frame
	// entered the engine (benchmarks use it).
	OnSent func(latency time.Duration)
}

// SensorState is one sensor in a Frame, in the canonical court frame.
type SensorState struct {
	ID        int64
	Kind      track.SensorKind
	TeamID    int64 // 0 for the ball and players not on the roster
	Jersey    string
	X_m       float64
	Y_m       float64
	Z_m       float64
	Speed_mps float64
	// Age_ms is how far the sensor's values lag the frame, in sensor
	// time: the frame's T_ms minus the tick they are from. 0 for a sensor
	// the engine placed at the frame's tick; up to Stale_ms for one held
	// over from an earlier tick (a dropout, a tag that stopped sending),
	// whose position, speed and holder are then those of that tick, not
	// estimates for T_ms.
	Age_ms int64
	Holder bool
	// GameBall marks the ball in play, the one possession follows (see
	// OverlaySink.Samples); false for players.
	GameBall bool
	// Dist_m is a player's distance so far in this live id, as the
	// engine has accumulated it (track.RunningFigures.Distance_m, the
	// figure `stmotion analyze` reports, with its still detector: a
	// player standing gathers none): complete up to the frame's
	// DistT_ms, not its T_ms. It never decreases within a live id, and
	// the end frame's is the live id's final one. 0 for balls, and
	// without an engine (OverlaySink.SetEngine).
	Dist_m float64
	// Moving is the engine's still detector's verdict for a player (the
	// gate of Dist_m) at his newest tick whose figures are in, at most
	// DistT_ms: false for a player standing, whatever the noise in
	// Speed_mps, which is left as the filter gives it. false for balls.
	Moving bool
	t_ms   int64 // last update, for staleness
}

// Frame is what the overlay broadcasts at one engine tick: the state of
// every sensor updated within Stale_ms of it (each with its Age_ms).
type Frame struct {
	LiveID string
	T_ms   int64 // sensor timestamp (epoch ms) of the tick
	// DistT_ms is the tick (epoch ms, sensor time) up to which the
	// players' Dist_m and Moving are in: the engine accumulates them on
	// its smoothed track, which lags T_ms (by 1.04–3 s at 25 Hz, more
	// while a sensor in a dropout holds the engine's grid; see
	// track.Session.AppendRunningFigures). 0 before the engine has
	// started its grid, and without an engine.
	DistT_ms  int64
	Period    int32
	Clock     track.ClockState
	Holder    int64  // player id holding the ball, 0 when none
	BallState string // of the game ball: "dead", "held", "in_flight", "loose", or "" without one
	// Ended marks the last frame of LiveID: its live session ended (the
	// event's end, or a PLAY_NEXT / DRILL_NEXT handover, after which the
	// next live id's frames follow on the same connection). It holds the
	// last positions, period 0 (after the end), clock paused, no holder,
	// ball state "dead" (or "" without a ball). See OverlaySink.End.
	Ended bool
	// Court is the court the positions are on (OverlaySink.SetCourt):
	// the JSON frame's "court", its template and lines for a client to
	// draw (AppendFrameJSON); court.SensorFrame without a court. nil
	// leaves the field out. A *court.Court is immutable: frames share it.
	Court   *court.Court
	Sensors []SensorState
	inputAt time.Time // when the message that completed the frame entered the engine
}

// copyFrom makes f a deep copy of g, reusing f's slice.
func (f *Frame) copyFrom(g *Frame) {
	s := f.Sensors[:0]
	*f = *g
	f.Sensors = append(s, g.Sensors...)
}

// Overlay fans frames out to websocket clients (see ServeHTTP) and NATS.
// Engines feed it through the track.Sink returned by Sink. It is safe for
// concurrent use. Close stops it.
type Overlay struct {
	opt    OverlayOptions
	period time.Duration

	mu      sync.Mutex
	pending Frame
	havePen bool
	ends    []Frame // end frames (OverlaySink.End) not yet broadcast, oldest first
	clients map[*overlayClient]struct{}
	// closeCode and closeReason are the websocket close sent to every
	// client, set by Close or Finish before stop is closed.
	closeCode   int
	closeReason string
	frames      atomic.Int64
	dropped     atomic.Int64
	// shown_ms is the t_ms of the newest frame broadcast (0 before the
	// first), for Metrics.FrameAge.
	shown_ms atomic.Int64
	// shownAt_ns is when (wall time, Unix ns) the newest frame was
	// broadcast (0 before the first), for LastFrame.
	shownAt_ns atomic.Int64

	kick    chan struct{}
	stop    chan struct{} // closed by Close: the broadcaster flushes and ends
	closing chan struct{} // closed once it has: the clients' writers flush and close
	wg      sync.WaitGroup
	cwg     sync.WaitGroup // the clients' handlers
	once    sync.Once

	// broadcaster-only state
	cur   Frame
	json  []byte
	bin   []byte
	cache map[string]*websocket.PreparedMessage
}

// NewOverlay starts an overlay's broadcaster.
func NewOverlay(opt OverlayOptions) *Overlay {
	if !(opt.Rate_Hz > 0) { // NaN too
		opt.Rate_Hz = DefaultOverlayRate_Hz
	}
	if opt.Queue <= 0 {
		opt.Queue = DefaultOverlayQueue
	}
	if opt.Stale_ms <= 0 {
		opt.Stale_ms = DefaultStale_ms
	}
	if opt.MaxAge_ms <= 0 {
		opt.MaxAge_ms = DefaultMaxAge_ms
	}
	o := &Overlay{
		opt:     opt,
		period:  time.Duration(float64(time.Second) / opt.Rate_Hz),
		clients: map[*overlayClient]struct{}{},
		kick:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		closing: make(chan struct{}),
		cache:   map[string]*websocket.PreparedMessage{},
	}
	o.wg.Add(1)
	go o.broadcaster()
	return o
}

// Frames is how many frames were broadcast.
func (o *Overlay) Frames() int64 { return o.frames.Load() }

// LastFrame is when (wall time) the newest frame was broadcast; the zero
// time before the first. No frame comes while the engine completes no
// tick: the whole feed stalled, or only messages dropped as duplicates
// (a server replaying its feed) or with no location arrive; /healthz
// reports the time since (HealthReport.SinceFrame_s).
func (o *Overlay) LastFrame() time.Time {
	if ns := o.shownAt_ns.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

// Dropped is how many frames slow clients lost in total.
func (o *Overlay) Dropped() int64 { return o.dropped.Load() }

// Clients is the number of connected clients.
func (o *Overlay) Clients() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.clients)
}

// Close is for a server going away (a shutdown, Ctrl-C): it broadcasts
// the frames not yet sent, ends every client's connection with a
// websocket close 1001 (going away) once its queue is written, and stops
// the broadcaster. It waits for the clients, all at once, for at most
// CloseTimeout_s (and a quarter second's grace, after which it closes
// the connections left), and answers new connections with 503.
func (o *Overlay) Close() error {
	return o.closeWith(websocket.CloseGoingAway, "stmotion shutting down")
}

// Finish is Close at the end of the event (after the last live id's end
// frame, see OverlaySink.End): the close code is 1000 (normal closure).
func (o *Overlay) Finish() error {
	return o.closeWith(websocket.CloseNormalClosure, "live event ended")
}

// CloseTimeout_s bounds how long Close and Finish wait for a client to
// take its last frames and answer the close.
const CloseTimeout_s = 1

func (o *Overlay) closeWith(code int, reason string) error {
	var cut *time.Timer
	o.once.Do(func() {
		o.mu.Lock()
		o.closeCode, o.closeReason = code, reason
		close(o.stop) // under mu: no client registers after it
		o.mu.Unlock()
		o.wg.Wait() // the broadcaster has queued its last frames
		close(o.closing)
		// A writer blocked on a client that stopped reading would wait
		// out OverlayWriteTimeout_s: cut its write short at the same
		// bound as the others' close. gorilla sets its own deadline again
		// at each write, so a writer about to write keeps its 10 s: the
		// connections still open a little after the bound are closed.
		deadline := time.Now().Add(CloseTimeout_s * time.Second)
		o.mu.Lock()
		for c := range o.clients {
			c.c.NetConn().SetWriteDeadline(deadline)
		}
		o.mu.Unlock()
		cut = time.AfterFunc(CloseTimeout_s*time.Second+closeGrace, func() {
			o.mu.Lock()
			defer o.mu.Unlock()
			for c := range o.clients {
				c.close()
			}
		})
	})
	o.wg.Wait()
	o.cwg.Wait()
	if cut != nil {
		cut.Stop()
	}
	return nil
}

// closeGrace is how long after CloseTimeout_s Close closes the
// connections still open: a client's own close handshake started a
// moment after Close did.
const closeGrace = 250 * time.Millisecond

// offer hands a finished frame to the broadcaster without waiting: a
// frame not yet sent is replaced by the newer one.
func (o *Overlay) offer(f *Frame) {
	o.mu.Lock()
	o.pending.copyFrom(f)
	o.havePen = true
	o.mu.Unlock()
	o.wake()
}

// offerEnd hands an end frame (Frame.Ended) to the broadcaster: unlike
// other frames it is never replaced by a newer one. It supersedes a
// pending frame of its live id (it holds the same state).
func (o *Overlay) offerEnd(f *Frame) {
	o.mu.Lock()
	if o.havePen && o.pending.LiveID == f.LiveID {
		o.havePen = false
	}
	var e Frame
	e.copyFrom(f)
	o.ends = append(o.ends, e)
	o.mu.Unlock()
	o.wake()
}

func (o *Overlay) wake() {
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// next moves the next frame to broadcast into o.cur, end frames first,
// and returns the clients to send it to; ok is false when there is none.
func (o *Overlay) next() (clients []*overlayClient, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case len(o.ends) > 0:
		o.cur.copyFrom(&o.ends[0])
		o.ends = slices.Delete(o.ends, 0, 1)
	case o.havePen:
		o.cur.copyFrom(&o.pending)
		o.havePen = false
	default:
		return nil, false
	}
	clients = make([]*overlayClient, 0, len(o.clients))
	for c := range o.clients {
		clients = append(clients, c)
	}
	return clients, true
}

func (o *Overlay) broadcaster() {
	defer o.wg.Done()
	// On Close, what is left goes out at once: the end frames, and the
	// newest frame.
	defer func() {
		for {
			clients, ok := o.next()
			if !ok {
				return
			}
			o.broadcast(&o.cur, clients)
		}
	}()
	rc := rateCap{period: o.period}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-o.stop:
			return
		case <-o.kick:
		}
		if wait := rc.wait(time.Now()); wait > 0 {
			timer.Reset(wait)
			select {
			case <-o.stop:
				return
			case <-timer.C:
			}
		}
		clients, ok := o.next()
		if !ok {
			continue
		}
		rc.sent(time.Now())
		o.broadcast(&o.cur, clients)
		o.mu.Lock()
		more := o.havePen || len(o.ends) > 0
		o.mu.Unlock()
		if more {
			o.wake()
		}
	}
}

// rateCap is the broadcaster's rate cap: frames go out at most one per
// period on average, and a feed that completes ticks at the cap's own rate
// loses none of them.
//
// The next frame is due one period after the previous one was due, not
// one period after it went out: counted from when it went out (as it once
// was), the timer's lateness and the ticks' jitter added up frame after
// frame, until a tick arrived while the frame before it still waited and
// replaced it (3 % of the ticks of a 25 Hz feed under the default 25 Hz
// cap, 10 % at times, each an 80 ms or longer step in t_ms). A frame that
// goes out more than a period late (the engine had nothing: a lull, a
// late tick) moves the schedule to when it went out, so the next may
// follow at once: a late tick and the one that completes right behind it
// both go out, and no lull is made up with more than that one extra
// frame (at most two frames within any period).
type rateCap struct {
	period time.Duration
	due    time.Time // the earliest the next frame may go out
}

// wait is how long a frame ready at now waits (≤ 0: none).
func (r *rateCap) wait(now time.Time) time.Duration { return r.due.Sub(now) }

// sent records a frame that went out at now.
func (r *rateCap) sent(now time.Time) {
	r.due = r.due.Add(r.period)
	if now.After(r.due) {
		r.due = now
	}
}

// broadcast encodes f once per distinct (format, filter) and queues it to
// every client.
func (o *Overlay) broadcast(f *Frame, clients []*overlayClient) {
	clear(o.cache)
	now := time.Now()
	o.shownAt_ns.Store(now.UnixNano()) // before Frames counts it
	o.frames.Add(1)
	o.shown_ms.Store(f.T_ms)
	if m := o.opt.Metrics; m != nil {
		m.Frames.Inc()
	}
	if o.opt.NATS != nil {
		o.json = AppendFrameJSON(o.json[:0], f, nil)
		o.opt.NATS.PublishFrame(f.LiveID, o.json)
	}
	for _, c := range clients {
		key := c.key
		pm := o.cache[key]
		if pm == nil {
			var err error
			if c.binary {
				o.bin = AppendFrameBinary(o.bin[:0], f, c.filter)
				pm, err = websocket.NewPreparedMessage(websocket.BinaryMessage, o.bin)
			} else {
				o.json = AppendFrameJSON(o.json[:0], f, c.filter)
				pm, err = websocket.NewPreparedMessage(websocket.TextMessage, o.json)
			}
			if err != nil {
				continue
			}
			o.cache[key] = pm
		}
		if c.enqueue(outFrame{pm: pm, inputAt: f.inputAt, at: now, end: f.Ended}) {
			o.drop()
		}
	}
}

// drop counts a frame a client lost.
func (o *Overlay) drop() {
	o.dropped.Add(1)
	if m := o.opt.Metrics; m != nil {
		m.DroppedFrames.Inc()
	}
}

// outFrame is one encoded frame in a client's queue.
type outFrame struct {
	pm      *websocket.PreparedMessage
	inputAt time.Time
	at      time.Time // broadcast
	end     bool      // a live id's end frame (Frame.Ended): never dropped for a newer one
}

// overlayClient is one /overlay websocket connection.
type overlayClient struct {
	o       *Overlay
	c       *websocket.Conn
	qmu     sync.Mutex
	q       []outFrame    // oldest first; at most the overlay's Queue frames
	ready   chan struct{} // signalled (capacity 1) when a frame is queued
	binary  bool
	filter  *FrameFilter
	key     string
	dropped atomic.Int64
	done    chan struct{}
	once    sync.Once
}

// enqueue adds f, dropping the oldest queued frame that is not an end
// frame when the queue is full (end frames are few: one per live id; with
// only end frames queued, none is dropped).
// Only the broadcaster calls it. It reports whether a frame was dropped.
func (c *overlayClient) enqueue(f outFrame) (dropped bool) {
	c.qmu.Lock()
	if len(c.q) >= c.o.opt.Queue {
		// Only end frames queued (a queue of one, say): the queue grows
		// past its length by them, one per live id, rather than lose one.
		if i := slices.IndexFunc(c.q, func(g outFrame) bool { return !g.end }); i >= 0 {
			c.q = slices.Delete(c.q, i, i+1)
			c.dropped.Add(1)
			dropped = true
		}
	}
	c.q = append(c.q, f)
	c.qmu.Unlock()
	select {
	case c.ready <- struct{}{}:
	default:
	}
	return dropped
}

// queued is how many frames wait in the queue.
func (c *overlayClient) queued() int {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return len(c.q)
}

// pop takes the oldest queued frame; ok is false when none is queued.
func (c *overlayClient) pop() (f outFrame, ok bool) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if len(c.q) == 0 {
		return f, false
	}
	f = c.q[0]
	c.q = slices.Delete(c.q, 0, 1)
	return f, true
}

// fresh reports whether f may be written at now: it is an end frame, it
// is not older than MaxAge_ms, or no newer frame is queued behind it (the
// newest state always goes out). A frame that may not is dropped and
// counted.
func (c *overlayClient) fresh(f *outFrame, now time.Time) bool {
	if f.end || now.Sub(f.at) <= time.Duration(c.o.opt.MaxAge_ms)*time.Millisecond {
		return true
	}
	if c.queued() == 0 {
		return true
	}
	c.dropped.Add(1)
	c.o.drop()
	return false
}

func (c *overlayClient) close() { c.once.Do(func() { close(c.done); c.c.Close() }) }

func (c *overlayClient) writer() {
	defer c.close()
	var deadline time.Time
	const timeout = OverlayWriteTimeout_s * time.Second
	for {
		select {
		case <-c.done:
			return
		case <-c.o.closing:
			c.goAway()
			return
		case <-c.ready:
		}
		for {
			select {
			case <-c.o.closing: // write the rest within CloseTimeout_s
				c.goAway()
				return
			default:
			}
			f, ok := c.pop()
			if !ok {
				break
			}
			now := time.Now()
			if !c.fresh(&f, now) {
				continue
			}
			// A write blocked for 9-10 s ends the client. The deadline is
			// moved once a second, not per frame (each move re-arms a
			// runtime timer, which 100 clients at 25 Hz feel).
			if deadline.Sub(now) < timeout-time.Second {
				deadline = now.Add(timeout)
				c.c.SetWriteDeadline(deadline)
			}
			if err := c.c.WritePreparedMessage(f.pm); err != nil {
				return
			}
			if !f.inputAt.IsZero() {
				lat := time.Since(f.inputAt)
				if m := c.o.opt.Metrics; m != nil {
					m.Latency.Observe(lat.Seconds())
				}
				if c.o.opt.OnSent != nil {
					c.o.opt.OnSent(lat)
				}
			}
		}
	}
}

// goAway writes what is queued and the websocket close the overlay's
// Close or Finish chose, then waits for the client's answering close (the
// reader ends), all within CloseTimeout_s.
func (c *overlayClient) goAway() {
	deadline := time.Now().Add(CloseTimeout_s * time.Second)
	c.c.SetWriteDeadline(deadline)
	for {
		f, ok := c.pop()
		if !ok {
			break
		}
		if err := c.c.WritePreparedMessage(f.pm); err != nil {
			return
		}
	}
	msg := websocket.FormatCloseMessage(c.o.closeCode, c.o.closeReason)
	if err := c.c.WriteControl(websocket.CloseMessage, msg, deadline); err != nil {
		return
	}
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case <-c.done:
	case <-t.C:
	}
}

func (c *overlayClient) reader() {
	defer c.close()
	c.c.SetReadLimit(4096)
	for {
		if _, _, err := c.c.NextReader(); err != nil {
			return
		}
	}
}

var overlayUpgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 16 << 10,
	// The overlay is read-only and binds to localhost by default; any
	// page (an AR tool, a broadcast graphics page) may read it.
	CheckOrigin: func(*http.Request) bool { return true },
}

// ServeHTTP upgrades a request to an /overlay websocket client. Query
// parameters:
//
//	format=json|binary   frame encoding (default json; binary is documented at AppendFrameBinary)
//	ids=101,102          only these sensor ids (players or ball)
//	teams=461            only players of these teams (the ball is kept unless kinds excludes it)
//	kinds=player,ball    only these sensor kinds
func (o *Overlay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter, err := ParseFrameFilter(q.Get("ids"), q.Get("teams"), q.Get("kinds"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	binary := false
	switch q.Get("format") {
	case "", "json":
	case "binary":
		binary = true
	default:
		http.Error(w, "live: overlay: format must be json or binary", http.StatusBadRequest)
		return
	}
	select {
	case <-o.stop:
		http.Error(w, "live: overlay closed", http.StatusServiceUnavailable)
		return
	default:
	}
	conn, err := overlayUpgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	if tc, ok := conn.NetConn().(*net.TCPConn); ok {
		tc.SetWriteBuffer(OverlaySendBuffer_B) // see OverlaySendBuffer_B
	}
	c := &overlayClient{o: o, c: conn, q: make([]outFrame, 0, o.opt.Queue), ready: make(chan struct{}, 1), binary: binary, filter: filter, done: make(chan struct{})}
	c.key = strconv.FormatBool(binary) + "|" + filter.String()
	o.mu.Lock()
	select {
	case <-o.stop: // closed since the check above: Close did not see this client
		o.mu.Unlock()
		conn.Close()
		return
	default:
	}
	o.clients[c] = struct{}{}
	o.cwg.Add(1)
	o.mu.Unlock()
	defer o.cwg.Done()
	if m := o.opt.Metrics; m != nil {
		m.Clients.Inc()
	}
	go c.reader()
	c.writer()
	o.mu.Lock()
	delete(o.clients, c)
	o.mu.Unlock()
	if m := o.opt.Metrics; m != nil {
		m.Clients.Dec()
	}
}

// FrameFilter selects the sensors a client receives. A nil filter keeps
// everything.
type FrameFilter struct {
	IDs    []int64 // sorted; empty: any id
	Teams  []int64 // sorted; empty: any team (players of other teams are dropped, the ball is kept)
	Player bool    // kinds: players kept
	Ball   bool    // kinds: the ball kept
}

// ParseFrameFilter parses the comma-separated ids, teams and kinds query
// values; all empty gives nil. Empty fields are skipped: a value that
// names nothing (",") filters nothing.
func ParseFrameFilter(ids, teams, kinds string) (*FrameFilter, error) {
	if ids == "" && teams == "" && kinds == "" {
		return nil, nil
	}
	f := &FrameFilter{Player: true, Ball: true}
	parse := func(name, s string) ([]int64, error) {
		var out []int64
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			v, err := strconv.ParseInt(p, 10, 64)
			if err != nil {
				return nil, &FilterError{Param: name, Value: p}
			}
			out = append(out, v)
		}
		slices.Sort(out)
		return out, nil
	}
	var err error
	if f.IDs, err = parse("ids", ids); err != nil {
		return nil, err
	}
	if f.Teams, err = parse("teams", teams); err != nil {
		return nil, err
	}
	// Empty fields are skipped, as in ids and teams: kinds that names
	// no kind (",") keeps every kind, as ids that names no id keeps
	// every id, rather than every sensor being dropped.
	var player, ball bool
	for _, k := range strings.Split(kinds, ",") {
		switch strings.TrimSpace(strings.ToLower(k)) {
		case "player", "players":
			player = true
		case "ball":
			ball = true
		case "":
		default:
			return nil, &FilterError{Param: "kinds", Value: k}
		}
	}
	if player || ball {
		f.Player, f.Ball = player, ball
	}
	return f, nil
}

// FilterError is a bad /overlay query parameter.
type FilterError struct{ Param, Value string }

func (e *FilterError) Error() string {
	want := "comma-separated sensor ids"
	switch e.Param {
	case "kinds":
		want = "player, ball or player,ball"
	case "teams":
		want = "comma-separated team ids"
	}
	return "live: overlay: bad " + e.Param + " value " + strconv.Quote(e.Value) + " (want " + want + ")"
}

// String is a canonical form of the filter (clients with equal strings
// share one encoding of each frame).
func (f *FrameFilter) String() string {
	if f == nil {
		return ""
	}
	var b []byte
	for _, v := range f.IDs {
		b = strconv.AppendInt(append(b, ','), v, 10)
	}
	b = append(b, '|')
	for _, v := range f.Teams {
		b = strconv.AppendInt(append(b, ','), v, 10)
	}
	b = append(b, '|')
	b = strconv.AppendBool(b, f.Player)
	b = strconv.AppendBool(append(b, '|'), f.Ball)
	return string(b)
}

// Keep reports whether the filter keeps sensor s.
func (f *FrameFilter) Keep(s *SensorState) bool {
	if f == nil {
		return true
	}
	switch s.Kind {
	case track.KindBall:
		if !f.Ball {
			return false
		}
	default:
		if !f.Player {
			return false
		}
		if len(f.Teams) > 0 {
			if _, ok := slices.BinarySearch(f.Teams, s.TeamID); !ok {
				return false
			}
		}
	}
	if len(f.IDs) > 0 {
		_, ok := slices.BinarySearch(f.IDs, s.ID)
		return ok
	}
	return true
}

// AppendFrameJSON appends the JSON encoding of f (sensors kept by filter)
// to dst:
//
//	{"live_id":"…","t_ms":1700000000100,"dist_t_ms":1699999998140,
//	 "period":1,"clock":"live","holder":101,"ball_state":"held","sensors":[
//	  {"id":101,"kind":"player","team":461,"jersey":"1","x_m":-4.512,
//	   "y_m":2.003,"z_m":1.100,"speed_mps":3.41,"age_ms":0,"holder":true,
//	   "dist_m":812.47,"moving":true}, …,
//	  {"id":2147549498,"kind":"ball","team":0,"jersey":"","x_m":-4.200,
//	   "y_m":2.100,"z_m":1.300,"speed_mps":3.40,"age_ms":0,"holder":false,
//	   "game_ball":true}]}
//
// Positions are metres in the canonical court frame (mm precision),
// speed is horizontal m/s (cm/s precision). age_ms is SensorState.Age_ms:
// 0 for a sensor at the frame's tick, more for one held over from an
// earlier tick. holder is 0 when nobody holds the ball. docs/overlay.md
// describes every field for client authors. The last frame of a live id has "ended":true after
// "ball_state" (see Frame.Ended); other frames leave it out. Balls, and
// only balls, have "game_ball": true for the ball in play (the one
// ball_state describes), false for any other (a spare ball at the
// scorer's table, a practice's other balls). Players, and only players,
// have "dist_m" (SensorState.Dist_m, cm precision) and "moving"
// (SensorState.Moving), in as of the frame's "dist_t_ms" (Frame.DistT_ms).
// A frame with a Court has "court" before "sensors": appendCourtJSON.
func AppendFrameJSON(dst []byte, f *Frame, filter *FrameFilter) []byte {
	dst = append(dst, `{"live_id":`...)
	dst = appendJSONString(dst, f.LiveID)
	dst = append(dst, `,"t_ms":`...)
	dst = strconv.AppendInt(dst, f.T_ms, 10)
	dst = append(dst, `,"dist_t_ms":`...)
	dst = strconv.AppendInt(dst, f.DistT_ms, 10)
	dst = append(dst, `,"period":`...)
	dst = strconv.AppendInt(dst, int64(f.Period), 10)
	dst = append(dst, `,"clock":"`...)
	dst = append(dst, f.Clock.String()...)
	dst = append(dst, `","holder":`...)
	dst = strconv.AppendInt(dst, f.Holder, 10)
	dst = append(dst, `,"ball_state":"`...)
	dst = append(dst, f.BallState...)
	dst = append(dst, '"')
	if f.Ended {
		dst = append(dst, `,"ended":true`...)
	}
	if f.Court != nil {
		dst = append(dst, `,"court":`...)
		dst = appendCourtJSON(dst, f.Court)
	}
	dst = append(dst, `,"sensors":[`...)
	first := true
	for i := range f.Sensors {
		s := &f.Sensors[i]
		if !filter.Keep(s) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, `{"id":`...)
		dst = strconv.AppendInt(dst, s.ID, 10)
		dst = append(dst, `,"kind":"`...)
		dst = append(dst, s.Kind.String()...)
		dst = append(dst, `","team":`...)
		dst = strconv.AppendInt(dst, s.TeamID, 10)
		dst = append(dst, `,"jersey":`...)
		dst = appendJSONString(dst, s.Jersey)
		dst = append(dst, `,"x_m":`...)
		dst = appendFloat(dst, s.X_m, 3)
		dst = append(dst, `,"y_m":`...)
		dst = appendFloat(dst, s.Y_m, 3)
		dst = append(dst, `,"z_m":`...)
		dst = appendFloat(dst, s.Z_m, 3)
		dst = append(dst, `,"speed_mps":`...)
		dst = appendFloat(dst, s.Speed_mps, 2)
		dst = append(dst, `,"age_ms":`...)
		dst = strconv.AppendInt(dst, s.Age_ms, 10)
		dst = append(dst, `,"holder":`...)
		dst = strconv.AppendBool(dst, s.Holder)
		if s.Kind == track.KindBall {
			dst = append(dst, `,"game_ball":`...)
			dst = strconv.AppendBool(dst, s.GameBall)
		} else {
			dst = append(dst, `,"dist_m":`...)
			dst = appendFloat(dst, s.Dist_m, 2)
			dst = append(dst, `,"moving":`...)
			dst = strconv.AppendBool(dst, s.Moving)
		}
		dst = append(dst, '}')
	}
	return append(dst, "]}"...)
}

// appendCourtJSON appends c as a frame's "court" object: the template
// whose lines a client draws (court.Court.Markings: its own, NBA's in the
// sensor frame, "for drawing only") with the court's size, in metres
// (mm precision). docs/overlay.md, "The court", describes each field. It
// does not allocate.
func appendCourtJSON(dst []byte, c *court.Court) []byte {
	t := c.Markings()
	name := t.Name
	if c.IsSensorFrame() {
		name = "sensor"
	}
	dst = append(dst, `{"template":`...)
	dst = appendJSONString(dst, name)
	dst = append(dst, `,"title":`...)
	dst = appendJSONString(dst, c.Template.Title)
	dst = append(dst, `,"sensor_frame":`...)
	dst = strconv.AppendBool(dst, c.IsSensorFrame())
	dst = append(dst, `,"custom":`...)
	dst = strconv.AppendBool(dst, c.Custom)
	for _, v := range [...]struct {
		key string
		m   float64
	}{
		{`,"length_m":`, t.Length_m}, {`,"width_m":`, t.Width_m},
		{`,"hoop_from_baseline_m":`, t.HoopFromBaseline_m}, {`,"rim_radius_m":`, t.RimRadius_m},
		{`,"three_point_radius_m":`, t.ThreePointRadius_m}, {`,"three_point_corner_m":`, t.ThreePointCorner_m},
		{`,"key_width_m":`, t.KeyWidth_m}, {`,"free_throw_line_m":`, t.FreeThrowLine_m},
		{`,"free_throw_radius_m":`, t.FreeThrowRadius_m}, {`,"restricted_radius_m":`, t.RestrictedRadius_m},
		{`,"center_circle_radius_m":`, t.CenterCircleRadius_m},
	} {
		dst = append(dst, v.key...)
		dst = appendFloat(dst, v.m, 3)
	}
	return append(dst, '}')
}

// appendFloat writes v with prec decimals; NaN and ±Inf (never valid
// JSON) become 0.
func appendFloat(dst []byte, v float64, prec int) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return strconv.AppendFloat(dst, v, 'f', prec, 64)
}

// Binary frame layout (format=binary), all little-endian:
//
//	header, 40 bytes:
//	  0  4  magic "STMF"
//	  4  1  version (3; version 2 had no dist_t_ms, dist_m nor moving:
//	        a 32-byte header and 37 bytes per sensor; version 1 had no
//	        age_ms either, and 35 bytes per sensor)
//	  5  1  clock: 0 unknown, 1 live, 2 paused, 3 foul
//	  6  1  ball state: 0 none, 1 dead, 2 held, 3 in_flight, 4 loose
//	  7  1  flags: bit 0 the last frame of the live id (Frame.Ended);
//	        other bits 0 (this byte was reserved, always 0, before)
//	  8  8  t_ms int64 (epoch ms, sensor time)
//	 16  8  holder player id int64 (0: none)
//	 24  4  period int32
//	 28  2  sensor count uint16
//	 30  2  live id length L uint16; the L bytes of the live id follow
//	        the header (at 40)
//	 32  8  dist_t_ms int64 (Frame.DistT_ms: the players' dist_m and
//	        moving are in up to this tick; 0: none yet)
//	per sensor, 41 bytes + jersey:
//	  0  8  id int64
//	  8  8  team id int64
//	 16  4  x_m float32      (canonical court frame)
//	 20  4  y_m float32
//	 24  4  z_m float32
//	 28  4  speed_mps float32
//	 32  1  kind: 1 player, 2 ball
//	 33  1  flags: bit 0 holds the ball (players), bit 1 the game ball
//	        (balls: the ball in play, which the ball state describes),
//	        bit 2 moving (players: SensorState.Moving); other bits 0
//	        (bit 1 was 0 before it was given that meaning: readers of
//	        version 1 that ignore it are unaffected)
//	 34  2  age_ms uint16 (SensorState.Age_ms; 65535 for 65535 or more)
//	 36  4  dist_m float32 (SensorState.Dist_m; 0 for balls)
//	 40  1  jersey length n, followed by n bytes (UTF-8)
//
// A reader checks the magic and the version: a layout change bumps the
// version (2 added age_ms; 3 added dist_t_ms, dist_m and moving).
const (
	FrameMagic       = "STMF"
	FrameVersion     = 3
	FrameHeader_B    = 40
	FrameSensorMin_B = 41
	// Bits of the header's flags byte.
	FrameFlagEnded = 1 << 0
	// Bits of a sensor's flags byte.
	FlagHolder   = 1 << 0
	FlagGameBall = 1 << 1
	FlagMoving   = 1 << 2
)

// BallStateCode is the binary code of a frame's ball_state.
func BallStateCode(s string) uint8 {
	switch s {
	case "dead":
		return 1
	case "held":
		return 2
	case "in_flight":
		return 3
	case "loose":
		return 4
	}
	return 0
}

// AppendFrameBinary appends the binary encoding of f (see the layout
// above) to dst.
func AppendFrameBinary(dst []byte, f *Frame, filter *FrameFilter) []byte {
	dst = append(dst, FrameMagic...)
	var flags uint8
	if f.Ended {
		flags |= FrameFlagEnded
	}
	dst = append(dst, FrameVersion, uint8(f.Clock), BallStateCode(f.BallState), flags)
	dst = le64(dst, uint64(f.T_ms))
	dst = le64(dst, uint64(f.Holder))
	dst = le32(dst, uint32(f.Period))
	countAt := len(dst)
	dst = append(dst, 0, 0)
	id := f.LiveID
	if len(id) > math.MaxUint16 {
		id = id[:math.MaxUint16]
	}
	dst = le16(dst, uint16(len(id)))
	dst = le64(dst, uint64(f.DistT_ms))
	dst = append(dst, id...)
	n := 0
	for i := range f.Sensors {
		s := &f.Sensors[i]
		if !filter.Keep(s) || n == math.MaxUint16 {
			continue
		}
		n++
		dst = le64(dst, uint64(s.ID))
		dst = le64(dst, uint64(s.TeamID))
		dst = le32(dst, math.Float32bits(float32(s.X_m)))
		dst = le32(dst, math.Float32bits(float32(s.Y_m)))
		dst = le32(dst, math.Float32bits(float32(s.Z_m)))
		dst = le32(dst, math.Float32bits(float32(s.Speed_mps)))
		var flags uint8
		if s.Holder {
			flags |= FlagHolder
		}
		if s.GameBall {
			flags |= FlagGameBall
		}
		if s.Moving {
			flags |= FlagMoving
		}
		j := s.Jersey
		if len(j) > 255 {
			j = j[:255]
		}
		dst = append(dst, uint8(s.Kind), flags)
		dst = le16(dst, uint16(min(max(s.Age_ms, 0), math.MaxUint16)))
		dst = le32(dst, math.Float32bits(float32(s.Dist_m)))
		dst = append(dst, uint8(len(j)))
		dst = append(dst, j...)
	}
	dst[countAt], dst[countAt+1] = uint8(n), uint8(n>>8)
	return dst
}

func le16(b []byte, v uint16) []byte { return append(b, byte(v), byte(v>>8)) }
func le32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}
func le64(b []byte, v uint64) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

// OverlaySink is the track.Sink that turns the engine's samples into
// overlay frames. Create it with Overlay.Sink; like every sink it is
// called from the goroutine that feeds the engine.
type OverlaySink struct {
	o       *Overlay
	liveID  string
	jersey  map[int64]string
	idx     map[sensorKey]int // index in state
	state   []SensorState
	frame   Frame
	lastT   int64
	inputAt time.Time
	// newestLoc_ms is the newest sensor time of a location noted
	// (NoteLocation).
	newestLoc_ms int64
	// game is the game ball as the engine last marked it
	// (track.Sample.GameBall), once haveGame.
	game     int64
	haveGame bool
	// replaying: the engine is being fed the bundle again at a re-join
	// (liveSession.replay); its rows and segments are not shown or
	// published, and neither are, after it, the rows up to replayed_ms
	// (the recording's newest time): old positions, not live ones.
	replaying   bool
	replayed_ms int64
	// eng gives the players' running figures (SetEngine); figs is
	// its buffer and distT_ms the tick they are in up to.
	eng      *track.Session
	figs     []track.RunningFigures
	distT_ms int64
	// court is the frames' Court (SetCourt); nil: none given.
	court *court.Court
}

var _ track.Sink = (*OverlaySink)(nil)

// sensorKey names a sensor: ids are unique per kind only (a ball may have
// a player's id).
type sensorKey struct {
	kind track.SensorKind
	id   int64
}

// Sink returns a sink that feeds this overlay with the engine output of
// live session liveID; the roster gives jersey numbers.
func (o *Overlay) Sink(liveID string, roster []decode.RosterTeam) *OverlaySink {
	s := &OverlaySink{o: o, liveID: liveID, jersey: map[int64]string{}, idx: map[sensorKey]int{}}
	for _, t := range roster {
		for _, p := range t.Players {
			s.jersey[p.ID] = string(p.JerseyNumber)
		}
	}
	return s
}

// SetEngine names the engine this sink is a sink of: its frames then
// carry each player's running distance and still verdict
// (SensorState.Dist_m, Moving, as of Frame.DistT_ms), read from it at
// each batch of rows and at End (after the engine's Close: its final
// figures).
func (s *OverlaySink) SetEngine(e *track.Session) { s.eng = e }

// SetCourt names the court the engine's positions are on (track.Meta
// .Court; nil: the sensor frame, court.SensorFrame): the sink's frames
// carry it (Frame.Court), so that a client draws the court it is given,
// not an NBA one. Without SetCourt frames have no court.
func (s *OverlaySink) SetCourt(c *court.Court) {
	if c == nil {
		c = court.SensorFrame()
	}
	s.court = c
}

// readFigures copies the engine's running figures into the players'
// states (a player the sink has not seen yet gets his at his first row).
func (s *OverlaySink) readFigures() {
	if s.eng == nil {
		return
	}
	s.figs, s.distT_ms = s.eng.AppendRunningFigures(s.figs[:0])
	for i := range s.figs {
		r := &s.figs[i]
		if k, ok := s.idx[sensorKey{track.KindPlayer, r.PlayerID}]; ok {
			s.state[k].Dist_m, s.state[k].Moving = r.Distance_m, r.Moving
		}
	}
}

// NoteInput records when the message about to be fed entered the engine;
// the frame it completes carries that time for latency measurement.
func (s *OverlaySink) NoteInput(t time.Time) { s.inputAt = t }

// NoteLocation records the sensor time (occurred_at, epoch ms) of a
// location message about to be fed: with Metrics, it observes
// Metrics.FrameAge, the newest location's time so far minus the t_ms of
// the newest frame broadcast (nothing before the first frame).
func (s *OverlaySink) NoteLocation(t_ms int64) {
	s.newestLoc_ms = max(s.newestLoc_ms, t_ms)
	m := s.o.opt.Metrics
	if m == nil {
		return
	}
	if shown := s.o.shown_ms.Load(); shown > 0 {
		m.FrameAge.Observe(float64(max(s.newestLoc_ms-shown, 0)) / 1000)
	}
}

// Samples updates each sensor's state and offers a frame for the newest
// tick of the batch. The frame's ball state is the game ball's: the ball
// the engine last marked as the one possession follows
// (track.Sample.GameBall, set by track.PossessionAnalyzer, which live mode
// attaches), marked "game_ball" in the frame; while it is stale it is
// left out and the ball state is "". Before any ball is marked (an engine
// without that analyzer), the first ball seen stands for it.
func (s *OverlaySink) Samples(batch []track.Sample) error {
	if len(batch) == 0 || s.replaying || batch[len(batch)-1].T_ms <= s.replayed_ms {
		return nil
	}
	maxT := s.lastT
	for i := range batch {
		r := &batch[i]
		key := sensorKey{r.Kind, r.SensorID}
		k, ok := s.idx[key]
		if !ok {
			k = len(s.state)
			s.idx[key] = k
			jersey := ""
			if r.Kind == track.KindPlayer {
				jersey = s.jersey[r.SensorID]
			}
			s.state = append(s.state, SensorState{ID: r.SensorID, Kind: r.Kind, Jersey: jersey})
		}
		st := &s.state[k]
		if r.T_ms < st.t_ms || r.T_ms <= s.replayed_ms {
			continue
		}
		st.Kind, st.TeamID = r.Kind, r.TeamID
		st.X_m, st.Y_m, st.Z_m, st.Speed_mps = r.X_m, r.Y_m, r.Z_m, r.Speed_mps
		st.Holder = r.BallHolder
		st.t_ms = r.T_ms
		if r.GameBall {
			s.game, s.haveGame = r.SensorID, true
		}
		if r.T_ms >= maxT {
			maxT = r.T_ms
			s.frame.Period, s.frame.Clock = r.Period, r.Clock
		}
	}
	if maxT <= s.lastT {
		return nil
	}
	s.lastT = maxT
	s.readFigures()
	f := &s.frame
	f.LiveID, f.T_ms, f.inputAt = s.liveID, maxT, s.inputAt
	f.DistT_ms, f.Court = s.distT_ms, s.court
	f.Holder, f.BallState = 0, ""
	f.Sensors = f.Sensors[:0]
	gb := -1 // the game ball's index in f.Sensors
	for i := range s.state {
		st := &s.state[i]
		if maxT-st.t_ms > s.o.opt.Stale_ms {
			continue
		}
		f.Sensors = append(f.Sensors, *st)
		f.Sensors[len(f.Sensors)-1].Age_ms = maxT - st.t_ms
		if st.Holder && st.t_ms == maxT {
			f.Holder = st.ID
		}
		if st.Kind == track.KindBall && gb < 0 && (st.ID == s.game || !s.haveGame) {
			gb = len(f.Sensors) - 1
		}
	}
	if gb >= 0 {
		ball := &f.Sensors[gb]
		ball.GameBall = true
		switch {
		case f.Clock == track.ClockPaused || f.Clock == track.ClockFoul:
			f.BallState = "dead"
		case f.Holder != 0:
			f.BallState = "held"
		case ball.Speed_mps >= InFlightSpeed_mps:
			f.BallState = "in_flight"
		default:
			f.BallState = "loose"
		}
	}
	s.o.offer(f)
	return nil
}

// Segment forwards the engine's segments to NATS as events.
func (s *OverlaySink) Segment(g *track.Segment) error {
	if n := s.o.opt.NATS; n != nil && !s.replaying {
		n.PublishSegment(s.liveID, g)
	}
	return nil
}

// Close does nothing: the overlay outlives one live session, and the
// engine closes on a shutdown too, which is not the end of the live id
// (see End).
func (s *OverlaySink) Close(*track.Summary) error { return nil }

// End broadcasts the last frame of this live id (Frame.Ended): the last
// positions, period 0, clock paused, no holder, a dead ball, and, with an
// engine (SetEngine), the players' final distances. Join calls
// it once the engine has flushed, when the live id has ended (its feed
// closed, the API said it is no longer active, or a PLAY_NEXT /
// DRILL_NEXT moved on to the next live id), not when it is cancelled.
// End frames are never skipped by the rate cap.
func (s *OverlaySink) End() {
	s.readFigures()
	f := &s.frame
	f.LiveID, f.T_ms, f.inputAt = s.liveID, s.lastT, time.Time{}
	f.DistT_ms, f.Court = s.distT_ms, s.court
	f.Period, f.Clock, f.Holder, f.Ended = 0, track.ClockPaused, 0, true
	for i := range f.Sensors {
		g := &f.Sensors[i]
		g.Holder = false
		if k, ok := s.idx[sensorKey{g.Kind, g.ID}]; ok && g.Kind == track.KindPlayer {
			g.Dist_m, g.Moving = s.state[k].Dist_m, s.state[k].Moving
		}
	}
	if f.BallState != "" {
		f.BallState = "dead"
	}
	s.o.offerEnd(f)
	f.Ended = false
}
