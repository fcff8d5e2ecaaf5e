package track

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/stmotion/stmotion/backfill"
	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
)

// Meta is what the engine knows about a session before its feed starts.
type Meta struct {
	SessionID string
	Roster    []decode.RosterTeam
	// Court maps the sensor frame into the canonical court frame. nil: the
	// session runs in the sensor frame (mm → m only), every sample counts as
	// on court, and Quality.NoCourt says so.
	Court *court.Court
	// EventStart_ms is when the session's event (the game or practice)
	// started, epoch ms; 0 when unknown (decode.LiveInfo.EventStart_ms).
	// A session whose first location sample comes more than MidEventSlack_ms
	// later starts mid-event (a live join, the second half of a followed
	// game): the feed's cumulative DIST counts movement from before it, and
	// the DIST cross-check compares increments (see Session.MidEvent).
	EventStart_ms int64
	// Periods is where the period count and the clock stand when the
	// session starts; zero (the default) counts from period 1, the clock
	// unknown until the first state marker, as for a recording of the
	// whole event. A live id that continues an event under the live id
	// the previous one's PLAY_NEXT / DRILL_NEXT named (the next drill)
	// starts from where that one's session left it (Session.NextPeriods),
	// so that its periods keep the numbers they have in a recording of the
	// whole event: `stmotion live` carries it over and records it in the
	// bundle (decode.Continuation) for `stmotion analyze`. Period is at
	// most MaxPeriods; Open needs a Period; Clock is one of the
	// ClockStates.
	Periods Periods
	// Event is the kind of event the session is a round of, from
	// live.json (EventKindOf; EventUnknown without it). With a one-team
	// roster it tells a practice, whose scrimmage sides are both that
	// team, from a game whose roster lists one team (see
	// Summary.OneTeam).
	Event EventKind
	// Round is the session's own round of the event, as its live.json
	// names it (RoundOf: a drill's name and type, "Shooting drill (drill
	// 2)", SHOOTING; zero without live.json), and Rounds are the later
	// rounds a recording of several live ids holds, as its rounds.json
	// names them. The engine passes them on to Summary.Round and
	// Summary.Rounds with the periods they start in; their Period is not
	// read.
	Round  Round
	Rounds []Round
}

// MidEventSlack_ms is how much later than its event's start a session's
// first location sample may come and the session still count as starting
// with the event (see Meta.EventStart_ms). A recording of the whole game
// starts with it (the simulator's and the mock's to the millisecond); a
// join or a later half comes minutes later. A session taken for mid-event
// by mistake loses nothing but its first DIST interval from the
// cross-check.
const MidEventSlack_ms = 10_000

// MidEvent reports whether the session started mid-event: its first
// location sample came more than MidEventSlack_ms after Meta.EventStart_ms.
// Then each player's DIST cross-check counts from a baseline, the player's
// first DIST of the feed's own (not one made of REST state) at or after
// that sample: the feed's DIST since it against the engine's distance
// since its time. (False until the first location.)
func (s *Session) MidEvent() bool { return s.midEvent }

// ErrClosed is returned by Feed and Close after Close.
var ErrClosed = errors.New("track: session closed")

// ErrNotBuilt is returned by Feed and Close of a Session that NewSession
// did not make (a zero Session): it has no configuration, and would take
// a whole game and summarise nothing.
var ErrNotBuilt = errors.New("track: session not made by NewSession")

// ErrStarted is returned by Attach once the session has been fed.
var ErrStarted = errors.New("track: attach after the feed started")

// SinkError is an error returned by a sink or an analyzer, with which one.
type SinkError struct {
	Index int    // position in the sinks (or analyzers) given to the session
	Op    string // "samples", "segment", "close", "frame", "finish"
	Err   error
}

func (e *SinkError) Error() string { return fmt.Sprintf("track: %s #%d: %v", e.Op, e.Index, e.Err) }
func (e *SinkError) Unwrap() error { return e.Err }

type rosterEntry struct {
	team   int64
	name   string
	jersey string
}

// Session is the streaming engine of one session. Feed it every decoded
// message in arrival order, then Close it. A Session is not safe for
// concurrent use; sinks and analyzers are called from the goroutine that
// calls Feed and Close.
//
// Output latency: in live mode (Config.Causal) the rows of tick t leave
// once the feed has reached t + Window_ms (one grid period more at
// most), also while a sensor is in a dropout: the rows leave without it
// (see framesAhead). In batch mode they leave Lag_s to 3·Lag_s plus
// Config.MarkerHold_s later (so that a marker delivered that late still
// takes effect at its own time), and
// a sensor in a dropout holds the grid back by up to its kind's MaxGap_ms
// more, until it can bridge the gap or the gap is too long. The
// per-player figures and DIST checks always follow the smoothed track
// (Lag_s to 3·Lag_s behind, and held as the grid), the same in both
// modes. The very first rows also wait until the feed's rate and noise
// are learnt (sample intervals over 40 frames, see rateLearnt, and 512
// second differences, or one sensor's ring half full: 1.6 s of a 25 Hz
// game's feed, 5 s of a lone sensor).
//
// A sink or analyzer error fails the session for good: the output now
// misses what that call (and the rest of its emission) would have
// produced, so the session stops. The Feed that met the error returns it
// (a *SinkError), every later Feed returns the same error and processes
// nothing, and Close returns it too, aborting the sinks instead of
// closing them (see Close): no table is committed with a hole in it. The
// batch or segment that failed was still handed to every sink. A caller
// that wants to go on after a transient failure (a broker briefly down)
// retries inside its sink, or drops the session and analyses the
// recording again.
type Session struct {
	cfg       Config
	meta      Meta
	sinks     []Sink
	analyzers []Analyzer
	clockObs  []ClockObserver // the analyzers that are ClockObservers
	shotObs   []ShotObserver  // the analyzers that are ShotObservers
	court     *court.Court
	noCourt   bool
	halfL     float64 // half the court length + InBoundsMargin_m
	halfW     float64
	started   bool // Feed was called
	closed    bool
	failed    error // the first error of Feed or Close (a *SinkError): sticky, see Session

	roster  map[int64]rosterEntry
	ids     idTable // player sensors by id
	ballIDs idTable // ball sensors by id: ids are unique per sensor type only
	sensors []*sensor
	players []int32 // dense indices of player sensors, in order of appearance
	balls   []int32
	unknown map[int64]struct{} // player ids not on the roster
	// evictFrom: the sensors before it are no victims (see victim).
	evictFrom int

	q        Quality
	inCounts InBoundsCounts // Summary.InBounds
	firstT   int64
	lastT    int64
	maxT     int64 // newest location timestamp
	haveT    bool
	haveLocT bool
	// Location times not yet trusted (vet): the samples held back, and
	// the session's first accepted location time (trusted).
	held    [maxHeld]heldSample
	nHeld   int
	groups  [2]heldGroup
	locT0   int64 // math.MaxInt64 until trusted
	trusted bool
	msgT    msgTimes // stats, marker and shot times not yet in the span
	// firstBadMsg is the first message time counted bad
	// (Summary.FirstBadMessage_ms).
	firstBadMsg int64
	// location's test for samples that need vet, kept up to date by
	// setVetBounds: vet every sample below vetBelow_ms, or more than
	// jump_ms (TimeJump_ms) ahead of maxT.
	vetBelow_ms int64
	jump_ms     int64
	midEvent    bool       // see MidEvent
	intervals   []interval // for the rate estimate
	rateFrames  int        // frame instants the intervals span (rateLearnt)
	noiseVals   []float64  // for the noise estimate
	moveOn      float64    // still detector thresholds for the session's noise
	moveOff     float64
	period_ms   int64 // grid period; 0 until known
	window_ms   int64 // the reorder window in force (see startGrid)
	dt_s        float64
	models      [3]*Model // by SensorKind
	tickCap     int
	tickMask    int64
	lagTicks    int64
	blockTicks  int64
	minLast     int64 // ≤ the newest sample of every non-empty raw ring (see blocked)
	halfWin     int64 // still window half width, ticks
	topWin      int64 // top speed window half width, ticks
	topEdge     int64 // top speed: ticks from a track's ends not taken (≥ topWin)
	accelTicks  int64 // live rows' acceleration window, ticks (liveAccel_s)
	nextTick    int64 // tick number to process next
	emitNext    int64 // tick number to emit next
	frameNext   int64 // live: the next tick whose rows have not left (see framesAhead)
	lastBack    int64 // newest tick at the last backward pass
	// holdTicks is Config.MarkerHold_s in grid periods (batch; 0 live):
	// the backward passes run that many ticks behind the grid (see
	// processTick). horizon is one past the newest tick of the backward
	// pass being emitted: the ticks a figure's window may read.
	holdTicks int64
	horizon   int64
	idle      bool    // the last processed tick had no estimate at all
	sprintT   float64 // SprintMin_s in grid periods
	accelT    float64 // AccelMin_s in grid periods
	gapT      float64 // EffortGap_s in grid periods

	// feedPeriod_ms is the feed's typical sample interval (detectRate)
	// when Config.Rate_Hz sets the grid, else 0 (see upsample).
	feedPeriod_ms float64
	// sample_ms is the time between two samples of a sensor that the
	// outlier test, the reorder window and the held samples' span count
	// in: the grid period, or the feed's interval when a grid finer than
	// the feed is set (startGrid).
	sample_ms int64

	// Period and clock of the ticks, by tick & clockMask (set when a
	// tick's rows are emitted or planned, planClock; read when its
	// figures are accumulated, and for the ticks of a bridged gap).
	tickPeriod []int32
	tickClock  []ClockState
	clockMask  int64
	tickRows   []int32 // rows (sensors with an estimate) by tick slot

	bridgeTicks int64     // BridgeGap_ms in grid periods (rounded down)
	bridgeW     []float64 // bridge's scratch: the length credited to each tick of a gap,
	bridgeIn    []uint8   // and where: bridgeLive, bridgeCourt

	// The block smoothAndEmit is emitting (batch mode), by tick offset
	// from its first tick (a slice of blockBuf), and the DIST checks it
	// resolves.
	block     []blockTick
	blockBuf  []blockTick
	snaps     []checkSnap
	snapNext  int
	blockFrom int64 // the first tick of the block smoothAndEmit emits
	// DIST checks that fell inside a player's dropout which a bridge
	// may still cover (heldCheck), in queue order; the first heldOld
	// are from earlier blocks.
	heldChecks []heldCheck
	heldOld    int

	timeline timeline
	rounds   roundLog // which period each round of the feed starts in (Summary.Round, Rounds)
	box      boxScore
	repeats  repeats // the shots and markers fed, to drop repeats
	checks   distQueue

	rows   []Sample
	frame  Frame
	emitFn func(*Segment) error
	seg    Segment
}

// NewSession validates cfg and prepares a session. Sinks receive the
// output; analyzers are added with Attach.
func NewSession(cfg Config, meta Meta, sinks ...Sink) (*Session, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	for i, k := range sinks {
		if k == nil {
			return nil, fmt.Errorf("track: sink %d is nil", i)
		}
	}
	if p := meta.Periods; p.Period < 0 || p.Period > MaxPeriods || (p.Open && p.Period == 0) || p.Clock > ClockFoul {
		return nil, fmt.Errorf("track: Meta.Periods %+v: want a period of 0 to %d, open only when not 0, and a ClockState", p, MaxPeriods)
	}
	cfg.SpeedBands_mps = slices.Clone(cfg.SpeedBands_mps)
	// The caller's; more than Summary.Rounds holds are not kept.
	meta.Rounds = slices.Clone(meta.Rounds[:min(len(meta.Rounds), MaxRounds)])
	for _, k := range []*KinConfig{&cfg.Player, &cfg.Ball} {
		if k.MaxGap_ms == 0 {
			k.MaxGap_ms = cfg.MaxGap_ms
		}
	}
	s := &Session{
		cfg:     cfg,
		meta:    meta,
		sinks:   sinks,
		court:   meta.Court,
		roster:  make(map[int64]rosterEntry),
		unknown: make(map[int64]struct{}),
		rows:    make([]Sample, 0, cfg.BatchRows+64),
		locT0:   math.MaxInt64,
	}
	s.setVetBounds()
	if s.court == nil {
		s.court = court.SensorFrame()
	}
	s.noCourt = s.court.IsSensorFrame()
	s.halfL = s.court.Template.Length_m/2 + cfg.InBoundsMargin_m
	s.halfW = s.court.Template.Width_m/2 + cfg.InBoundsMargin_m
	s.q.NoCourt = s.noCourt
	for _, t := range meta.Roster {
		for _, p := range t.Players {
			name := p.DisplayName
			if name == "" {
				name = p.FirstName
				if p.LastName != "" {
					if name != "" {
						name += " "
					}
					name += p.LastName
				}
			}
			s.roster[p.ID] = rosterEntry{team: t.ID, name: name, jersey: string(p.JerseyNumber)}
		}
	}
	if cfg.Rate_Hz > 0 {
		s.setPeriod(int64(math.Round(1000 / cfg.Rate_Hz)))
		if s.period_ms < 1 {
			s.period_ms = 1
		}
	}
	if cfg.Rate_Hz == 0 || cfg.RateSamples >= 2 {
		// With the grid set, the feed's rate is still learnt, and the
		// grid waits for it as without: a finer grid weighs its
		// interpolated measurements by it (upsample), and its outlier
		// test counts the feed's periods (sample_ms).
		s.intervals = make([]interval, 0, cfg.RateSamples)
	}
	if s.autoNoise() {
		s.noiseVals = make([]float64, 0, min(noiseValues, 2*cfg.RateSamples))
	}
	s.timeline.init(meta.Periods)
	s.rounds.init(meta.Periods)
	s.box.init()
	s.repeats.init()
	s.emitFn = s.emitSegment
	return s, nil
}

// Attach adds an analyzer. It must be called before the first Feed:
// later it fails with ErrStarted (ErrClosed after Close).
func (s *Session) Attach(a Analyzer) error {
	switch {
	case s.closed:
		return ErrClosed
	case s.started:
		return ErrStarted
	case a == nil:
		return errors.New("track: attach a nil analyzer")
	}
	s.analyzers = append(s.analyzers, a)
	if o, ok := a.(ClockObserver); ok {
		s.clockObs = append(s.clockObs, o)
	}
	if o, ok := a.(ShotObserver); ok {
		s.shotObs = append(s.shotObs, o)
	}
	return nil
}

// NoteBadLine counts an input line the caller could not decode, so that it
// shows in Quality.BadLines.
func (s *Session) NoteBadLine() { s.q.BadLines++ }

// NoteTruncated records that the caller's input ended early (a compressed
// recording cut short), so that it shows in Quality.Truncated.
func (s *Session) NoteTruncated() { s.q.Truncated = true }

// Period_ms returns the grid period (0 until the feed's rate is known).
func (s *Session) Period_ms() int64 { return s.period_ms }

// Window_ms returns the reorder window in force: Config.ReorderWindow_ms,
// or 3.5 sample periods once the period is known when that is longer (the
// outlier test looks two samples past a tick; 350 ms at 10 Hz, also on a
// finer grid set by Config.Rate_Hz). A sample
// older than the newest timestamp by more than this is late.
func (s *Session) Window_ms() int64 {
	if s.window_ms > 0 {
		return s.window_ms
	}
	return s.cfg.ReorderWindow_ms
}

// Feed consumes one message. Messages must come in arrival order; the
// message and its input bytes may be reused after Feed returns. Bad or
// unknown content is counted in Quality, never an error: Feed fails only
// when a sink or analyzer does (a *SinkError; from then on every Feed
// returns it, see Session), or after Close.
func (s *Session) Feed(m *decode.Message) error { return s.FeedLine(m, nil) }

// FeedLine is Feed for a message decoded from line (the input its spans
// refer to): the one text the engine keeps from a message, the next live
// id a PLAY_NEXT / DRILL_NEXT marker names (Segment.NextLiveID), is read
// from it, and a stats or shot message made of REST state (backfill.Made:
// the key "stmotion_source") is told from one received, to keep its DIST
// out of the DIST check and to drop the feed's own copy of its shot (see
// Session.shot). Feed leaves that id empty, and takes every message for
// received.
func (s *Session) FeedLine(m *decode.Message, line []byte) error {
	if s.closed {
		return ErrClosed
	}
	if s.failed != nil {
		return s.failed
	}
	// feed's errors are all made where fail records them (a sink's or an
	// analyzer's; ErrNotBuilt): nothing to catch here, on every message.
	return s.feed(m, line, false)
}

// FeedRestState is FeedLine for a stats or shot message made of REST
// state that is not part of the recording being read: one made from a
// bundle's stats.json and shots.json (the state at a client's join, fed
// before the feed's first data message). It is taken as made of REST
// state (see FeedLine) whatever its line holds, and counted in
// Quality.RestMessages, not in Messages, which counts what the recording
// holds. Messages made of REST state that a recording holds (stmotion
// live's, marked "stmotion_source") are read from it: FeedLine.
func (s *Session) FeedRestState(m *decode.Message, line []byte) error {
	if s.closed {
		return ErrClosed
	}
	if s.failed != nil {
		return s.failed
	}
	return s.feed(m, line, true)
}

// fail records err (a *SinkError, ErrNotBuilt) as the session's failure,
// unless it has one already, and returns it: every later Feed and Close
// return the first (see Session).
func (s *Session) fail(err error) error {
	if s.failed == nil {
		s.failed = err
	}
	return err
}

// feed is FeedLine (rest: FeedRestState) on a session that is neither
// closed nor failed.
func (s *Session) feed(m *decode.Message, line []byte, rest bool) error {
	if !s.started {
		if s.unknown == nil { // NewSession makes it
			return s.fail(ErrNotBuilt)
		}
		s.started = true
	}
	if rest {
		s.q.RestMessages++
	} else {
		s.q.Messages++
	}
	if m.Kind == decode.KindLocation {
		return s.location(&m.Location) // nearly every message
	}
	switch m.Kind {
	case decode.KindStats:
		// Made of REST state: only the line says so (stats lines are
		// few; a location's is never searched).
		made := rest || backfill.Made(line)
		dated := s.messageTime(m.Stats.OccurredAt_ms, made)
		return s.stats(&m.Stats, made, dated)
	case decode.KindMarker:
		t := m.Marker.OccurredAt_ms
		if !s.messageTime(t, false) {
			t = s.arrival()
		}
		return s.marker(&m.Marker, line, t)
	case decode.KindShot:
		made := rest || backfill.Made(line)
		t := m.Shot.OccurredAt_ms
		if !s.messageTime(t, made) && s.haveLocT {
			t = s.arrival()
		}
		return s.shot(&m.Shot, made, t)
	case decode.KindAck, decode.KindPong, decode.KindError:
	default:
		s.q.Unknown++
	}
	return nil
}

// seen widens the session's time span.
func (s *Session) seen(t int64) {
	if t <= 0 {
		return
	}
	if !s.haveT || t < s.firstT {
		s.firstT = t
	}
	if !s.haveT || t > s.lastT {
		s.lastT = t
	}
	s.haveT = true
}

// maxEpoch_ms bounds plausible timestamps (year 5138): beyond it grid
// arithmetic could overflow.
const maxEpoch_ms = 100_000_000_000_000

// PlausibleTime reports whether t_ms (epoch milliseconds) is a timestamp
// the engine keeps: after 0 and no later than year 5138. A location sample
// with another timestamp is dropped and counted in Quality.BadTimes (and
// so is one far from the others' times, see Session.vet).
func PlausibleTime(t_ms int64) bool { return t_ms > 0 && t_ms <= maxEpoch_ms }

func (s *Session) location(l *decode.Location) error {
	s.q.Locations++
	t := l.OccurredAt_ms
	if !PlausibleTime(t) {
		s.q.BadTimes++
		return nil
	}
	if l.Sensor != decode.SensorPlayer && l.Sensor != decode.SensorBall {
		s.q.Unknown++
		return nil
	}
	x, y, z := s.court.ToCourt(float64(l.X_mm), float64(l.Y_mm), float64(l.Z_mm))
	ball := l.Sensor == decode.SensorBall
	if t < s.vetBelow_ms || t-s.maxT > s.jump_ms {
		return s.vet(ball, l.ID, t, x, y, z)
	}
	return s.accept(ball, l.ID, t, x, y, z)
}

// setVetBounds sets location's test for the samples that need vet: all
// of them while one is held or before the first is trusted; otherwise
// those more than TimeJump_ms before the first location time or ahead of
// the newest.
func (s *Session) setVetBounds() {
	s.jump_ms = s.TimeJump_ms()
	s.vetBelow_ms = math.MaxInt64
	if s.nHeld == 0 && s.msgT.nAhead == 0 && s.trusted {
		s.vetBelow_ms = s.locT0 - s.jump_ms
	}
}

// trust records t, a location time accept takes that is before every
// other (the first, at the latest): the session's first location time.
func (s *Session) trust(t int64) {
	first := !s.trusted
	if first {
		s.midEvent = s.meta.EventStart_ms > 0 && t-s.meta.EventStart_ms > MidEventSlack_ms
	}
	s.locT0, s.trusted = t, true
	s.setVetBounds()
	if first {
		s.trustEarly()
		s.redateEarly()
	}
}

// accept takes a location sample (court frame) whose time is trusted (see
// vet) into its sensor's raw ring.
func (s *Session) accept(ball bool, id, t int64, x, y, z float64) error {
	if t < s.locT0 && (!s.gridStarted() || t > (s.nextTick-1)*s.period_ms) {
		// Not for a sample too late to place (place drops it): a feed
		// whose clock jumped back before the session's start, confirmed
		// (vet) and then late, had moved the session's first location
		// time an hour back, and with it what the messages on the new
		// clock are judged by (messageTime): their DIST checks, shots and
		// markers went an hour before the session's first row.
		s.trust(t)
	}
	ids := &s.ids
	if ball {
		ids = &s.ballIDs
	}
	sn := ids.get(id)
	if sn == nil {
		if sn = s.admit(ball, id); sn == nil {
			return nil
		}
	}
	if s.gridStarted() {
		// The steady state, nearly every sample: the grid runs and the
		// sample is newer than every one its sensor's ring holds. place
		// does the same checks in full for every other case.
		nextT := s.nextTick * s.period_ms
		if t > nextT-s.period_ms && sn.raw.push(t, x, y, z) {
			// The grid runs, so an earlier sample set maxT (haveLocT).
			s.maxT = max(s.maxT, t)
			if t > s.lastT || t < s.firstT {
				s.seen(t)
			}
			if nextT > s.maxT-s.window_ms {
				return nil // advance would find no complete tick: spare the call
			}
			return s.advance(false)
		}
	}
	return s.place(sn, t, x, y, z)
}

// TimeJumpSlack_ms is how far beyond the reorder window ahead of the
// newest location time (or before the first) a sample may lie before its
// time needs confirming (TimeJump_ms). A second is longer than any step of
// a running feed (the jitter of one sensor against the others is tens of
// ms) and short enough that a bad time just under the bound costs little:
// the others' samples of at most that second arrive late.
// live's duplicate filter uses it too, for the same reason.
const TimeJumpSlack_ms = 1000

// TimeJump_ms returns how far a location sample may lie ahead of the
// newest location time, or before the first, and still be taken on its
// own: Window_ms plus a second (1.25 s by default). A sample further out
// is held back (vet) until the feed goes on at its time.
func (s *Session) TimeJump_ms() int64 { return s.Window_ms() + TimeJumpSlack_ms }

// heldSample is a location sample (court frame) whose time waits for
// confirmation (vet), in the group g of samples close in time.
type heldSample struct {
	ball    bool
	g       uint8
	id, t   int64
	x, y, z float64
}

// heldGroup is a range of location times that waits for confirmation
// (vet): lo..hi the times of its samples, n how many it holds, ref the
// newest location time when it began (a trusted session's: the others
// going on past it refute it), and elsewhere how many samples the feed
// gave at other times since it began (taken as they came, or held in
// the other group): the feed as a whole confirms a group only when it
// outnumbers them.
type heldGroup struct {
	lo, hi, ref  int64
	n, elsewhere int
}

// maxHeld bounds the samples held for confirmation: a confirmation span
// of a feed of up to 30 sensors (players, bench and ball) at 25 Hz. A
// group that fills it is taken, unless the rest of the feed outnumbers
// it (then it is dropped).
const maxHeld = 128

// confirmSpan_ms is how long a span of times a group of held samples
// must cover to be taken: three sample periods (three frames after the
// first; the grid's before the feed's rate is known, 40 ms before the
// grid's is). A frame of samples with a wrong clock shares one time (or
// a few ms of jitter); a feed that resumes goes on, frame after frame.
func (s *Session) confirmSpan_ms() int64 {
	switch {
	case s.sample_ms > 0:
		return 3 * s.sample_ms
	case s.period_ms > 0:
		return 3 * s.period_ms
	}
	return 3 * 40
}

// vet decides about a location sample that is not plainly within the
// session's times: the session's first samples, a sample more than
// TimeJump_ms ahead of the newest location time or before the first, and
// every sample while one is held.
//
// Samples with a wrong clock must not move the session: taken as they
// came, a sample a day ahead moved the watermark a day on, every later
// sample was late, and the session's end and possession went a day
// further; a sample at occurred_at 1 set the session's start to 1970; and
// confirming a time by any second sample let two such samples (or a whole
// frame of them, which share a time) do it all the same. So such samples
// (and the session's first, with nothing to compare them with) are held,
// in groups of samples within TimeJump_ms of each other (two groups at
// most), until one group's times span confirmSpan_ms while it holds more
// samples than the feed gave at other times since it began (taken as
// they came, or held in the other group): the feed as a whole went on at
// those times, frame after frame, as one that resumes after a silence of
// any length (a dead ball with the feed off, half time) does within a
// tenth of a second. Its samples are then taken in their arrival order,
// and the other group's are bad times. A group is dropped as bad times
// once the others go on without it (the newest location time moves more
// than the reorder window past where it stood when the group began),
// when a third range of times needs its place (the group with fewer
// samples goes), when the held samples fill their buffer while the rest
// of the feed outnumbers it, or at Close, unless it covers at least a
// grid period and outnumbers the rest (a feed that resumed just before
// the end) or the session has no other location time. A feed whose clock
// jumped back for good is confirmed too, and late; so is one whose
// sensors mostly jumped, and the few that did not are late.
//
// The count matters: a group's own span alone had let one 25 Hz tag
// whose clock was an hour ahead for four samples (three grid periods)
// confirm the jump, while the 24 other sensors went on at the true time:
// every sensor's later samples were late, half a game's figures lost. One
// sensor whose clock is off, for a few samples or for good, is now
// outnumbered by the others, and its samples are bad times.
//
// What this cannot tell: a group of sensors with a wrong clock that
// outnumbers the rest of the feed confirms its times, as a feed that
// moved on would; and at the session's start, before any time is
// trusted, the group with more samples is the feed.
func (s *Session) vet(ball bool, id, t int64, x, y, z float64) error {
	defer s.setVetBounds()
	jump := s.jump_ms
	if s.trusted && t >= s.locT0-jump && t <= s.maxT+jump {
		// A plain sample: the others go on.
		for g := range s.groups {
			s.groups[g].elsewhere++ // (nothing when no group is held)
		}
		if err := s.accept(ball, id, t, x, y, z); err != nil {
			return err
		}
		s.refute()
		return nil
	}
	for _, h := range s.held[:s.nHeld] {
		if h.ball == ball && h.id == id && h.t == t {
			s.q.Duplicates++ // the held sample again
			return nil
		}
	}
	g := -1
	for i := range s.groups {
		if gr := &s.groups[i]; gr.n > 0 && t <= gr.hi+jump && t >= gr.lo-jump {
			g = i
			break
		}
	}
	if g < 0 {
		// A new range of times: in a free group, or in place of the
		// group with fewer samples.
		g = 0
		if s.groups[0].n > 0 {
			g = 1
			if s.groups[1].n > 0 {
				if s.groups[0].n < s.groups[1].n {
					g = 0
				}
				s.dropGroup(g)
			}
		}
		s.groups[g] = heldGroup{lo: t, hi: t, ref: s.maxT}
	}
	gr := &s.groups[g]
	gr.lo, gr.hi = min(gr.lo, t), max(gr.hi, t)
	gr.n++
	if o := &s.groups[1-g]; o.n > 0 {
		o.elsewhere++
	}
	s.held[s.nHeld] = heldSample{ball: ball, g: uint8(g), id: id, t: t, x: x, y: y, z: z}
	s.nHeld++
	full := s.nHeld == len(s.held)
	switch {
	case gr.n <= gr.elsewhere:
		// The rest of the feed outnumbers it: a sensor (or a few) with
		// a wrong clock, however long its times span.
		if full {
			s.dropGroup(g)
		}
	case gr.hi-gr.lo >= s.confirmSpan_ms() || full:
		return s.takeGroup(g)
	}
	return nil
}

// takeGroup takes the samples of held group g in their arrival order and
// drops the other group's as bad times.
func (s *Session) takeGroup(g int) error {
	s.dropGroup(1 - g)
	n := s.nHeld
	s.nHeld, s.groups[g] = 0, heldGroup{}
	for _, h := range s.held[:n] {
		if err := s.accept(h.ball, h.id, h.t, h.x, h.y, h.z); err != nil {
			return err
		}
	}
	return nil
}

// dropGroup drops the samples of held group g as bad times.
func (s *Session) dropGroup(g int) {
	if s.groups[g].n == 0 {
		return
	}
	k := 0
	for _, h := range s.held[:s.nHeld] {
		if int(h.g) == g {
			s.q.BadTimes++
			continue
		}
		s.held[k] = h
		k++
	}
	s.nHeld, s.groups[g] = k, heldGroup{}
}

// refute drops the held groups the session went on without: the newest
// location time has moved more than the reorder window past where it
// stood when they began.
func (s *Session) refute() {
	for g := range s.groups {
		if gr := &s.groups[g]; gr.n > 0 && s.maxT-gr.ref > s.Window_ms() {
			s.dropGroup(g)
		}
	}
	s.refuteMessages()
}

// settleHeld decides about the samples still held at Close: the group
// with more samples is taken when the session has no other location time
// to contradict it, or when it covers a grid period and outnumbers the
// samples the feed gave elsewhere meanwhile (a feed that resumed just
// before the end); the others are bad times.
func (s *Session) settleHeld() error {
	defer s.setVetBounds()
	if s.nHeld == 0 {
		return nil
	}
	g := 0
	if s.groups[1].n > s.groups[0].n {
		g = 1
	}
	if gr := s.groups[g]; !s.trusted || gr.hi-gr.lo >= max(s.sample_ms, s.period_ms, 1) && gr.n > gr.elsewhere {
		return s.takeGroup(g)
	}
	s.dropGroup(0)
	s.dropGroup(1)
	return nil
}

// place puts a sample (court frame) into its sensor's raw ring: it is
// location's general path, for samples too late to place, duplicates,
// reordered samples, full rings and the samples before the grid starts
// (which the rate and noise estimates learn from).
func (s *Session) place(sn *sensor, t int64, x, y, z float64) error {
	if s.gridStarted() && t <= (s.nextTick-1)*s.period_ms {
		// Its tick is already processed: too late to place. A repeat of
		// a sample placed (a feed replayed after a reconnect) is a
		// duplicate, not a loss, as far back as the ring remembers.
		if sn.raw.has(t) {
			s.q.Duplicates++
		} else {
			s.q.Late++
		}
		return nil
	}
	var prevLast int64 = -1 // for learn, before the grid starts
	if sn.raw.n > 0 && !s.gridStarted() {
		prevLast = sn.raw.lastT()
	}
	res := inserted
	if !sn.raw.push(t, x, y, z) {
		if sn.raw.n == 0 {
			// A ring that was empty gets a newest sample: keep blocked's
			// bound a lower bound (whatever insert does with it).
			s.minLast = min(s.minLast, t)
		}
		res = sn.raw.insert(t, x, y, z)
	}
	if res == ringFull {
		// The grid is held back (a long dropout of another sensor, or the
		// rate estimate still running): move it on, then retry once.
		if err := s.forceProgress(); err != nil {
			return err
		}
		res = sn.raw.insert(t, x, y, z)
	}
	switch res {
	case duplicate:
		s.q.Duplicates++
		return nil
	case ringFull:
		s.q.Late++
		return nil
	case insertedOutOfOrder:
		s.q.Reordered++
	case inserted:
		if !s.gridStarted() {
			s.learn(sn, prevLast)
		}
	}
	// Only a sample placed widens the span: one dropped as late (a feed
	// whose clock jumped back an hour, confirmed and then too late to
	// place) had set the session's start an hour before its first row.
	if t > s.lastT || t < s.firstT || !s.haveT {
		s.seen(t)
	}
	if !s.haveLocT || t > s.maxT {
		s.maxT = t
		s.haveLocT = true
	}
	if !s.gridStarted() {
		rateDone := cap(s.intervals) == 0 || s.rateLearnt()
		noiseDone := !s.autoNoise() || len(s.noiseVals) == cap(s.noiseVals)
		if !(rateDone && noiseDone) && sn.raw.n < len(sn.raw.s)/2 {
			return nil
		}
		if err := s.startGrid(); err != nil {
			return err
		}
	}
	if s.nextTick*s.period_ms > s.maxT-s.window_ms {
		return nil // advance would find no complete tick: spare the call
	}
	return s.advance(false)
}

// admit returns the sensor of a sensor id seen for the first time, or nil
// when its sample is dropped. Below Config.MaxSensors every id gets one.
// Beyond it, a roster player, a player the feed's stats name or a ball
// sensor takes the place of a sensor that looks like a corrupt id (see
// victim), so that a burst of bogus ids at the start of a feed cannot
// keep the game's players and ball out for the rest of the session; any
// other new id is dropped and counted (Quality.DroppedSensors, and
// DroppedBallSamples or DroppedRosterSamples). This runs once per new id
// while there is room, and for each sample of a dropped id: never for a
// known sensor's sample.
func (s *Session) admit(ball bool, id int64) *sensor {
	kind := KindPlayer
	if ball {
		kind = KindBall
	}
	if len(s.sensors) < s.cfg.MaxSensors {
		return s.newSensor(id, kind)
	}
	_, rostered := s.roster[id]
	rostered = rostered && !ball
	// A player the feed's stats name is as real as a roster player (a
	// bare recording has no roster).
	if ball || rostered || s.box.players[id] != nil {
		if v := s.victim(); v != nil {
			s.evict(v, id, kind)
			return v
		}
	}
	s.q.DroppedSensors++
	switch {
	case ball:
		s.q.DroppedBallSamples++
	case rostered:
		s.q.DroppedRosterSamples++
	}
	return nil
}

// victim returns a sensor whose place a roster player, a player the
// feed's stats name or a ball sensor may take (admit), or nil: a ball
// sensor, or a player sensor not on the roster and without stats, that
// has sent a sample or two (its raw ring never gave one up, and holds two
// at most). A feed's real sensors send 25 samples a second; one id with
// a sample or two is a corrupt id, or a sensor that has just appeared
// and loses little. Its estimates on ticks not emitted yet go with it
// (evict): a victim had to wait for the emission to pass them, up to
// 3·Lag_s and, in batch, Config.MarkerHold_s, while the samples of the
// roster player that needed its place were dropped.
//
// The scan goes on from where the last one stopped (Session.evictFrom),
// past the sensors that can never be victims: those that are not victims
// now never become ones (a ring gives samples up, an estimate or stats
// come, never the other way), and a place taken is behind the scan's
// start. So the scans of a whole session look at each sensor about
// once, however many samples of dropped ids come.
func (s *Session) victim() *sensor {
	for i := s.evictFrom; i < len(s.sensors); i++ {
		sn := s.sensors[i]
		if sn.onRoster || sn.raw.popped || sn.raw.n > 2 || sn.kind == KindPlayer && s.box.players[sn.id] != nil {
			if i == s.evictFrom {
				s.evictFrom++
			}
			continue
		}
		if i == s.evictFrom {
			s.evictFrom++
		}
		return sn
	}
	return nil
}

// evict gives the place of sensor sn (a victim) to a new sensor id of
// the given kind: sn's samples are dropped and it leaves the summary
// (Quality.EvictedSensors counts it; its id no longer counts in
// UnknownIDs), and the sensor, its index and its memory are the new id's.
// The rows of sn already emitted stay; its estimates on the ticks not
// emitted yet are dropped, and with them its rows there (tickRows).
func (s *Session) evict(sn *sensor, id int64, kind SensorKind) {
	if s.tickCap > 0 {
		for n := max(s.emitNext, s.nextTick-int64(s.tickCap)); n < s.nextTick; n++ {
			if sn.ticks[n&s.tickMask].seg != noSeg {
				s.tickRows[n&s.tickMask]--
			}
		}
	}
	if sn.kind == KindBall {
		s.ballIDs.remove(sn.id)
		if i := slices.Index(s.balls, sn.index); i >= 0 {
			s.balls = slices.Delete(s.balls, i, i+1)
		}
	} else {
		s.ids.remove(sn.id)
		if _, ok := s.unknown[sn.id]; ok {
			delete(s.unknown, sn.id)
			s.q.UnknownIDs--
		}
		if i := slices.Index(s.players, sn.index); i >= 0 {
			s.players = slices.Delete(s.players, i, i+1)
		}
	}
	s.q.EvictedSensors++
	raw, ticks, sz, bands, sp := sn.raw, sn.ticks, sn.sz, sn.acc.bands, sn.pre.sp
	raw.n, raw.popped, raw.lastPopped = 0, false, 0 // an empty ring: blocked's bound stays a lower bound
	clear(raw.s)                                    // and no memory of sn's samples (ring.has)
	*sn = sensor{id: id, index: sn.index, kind: kind, raw: raw, lastN: noSeg, ticks: ticks, sz: sz}
	// Live, the scratch speeds of the frames ahead of the grid
	// (forwardAhead) stay too: without them the first frame ahead with
	// the new id's estimate panicked (index out of range).
	sn.pre.sp = sp
	s.enlist(sn, bands)
}

func (s *Session) newSensor(id int64, kind SensorKind) *sensor {
	sn := &sensor{id: id, index: int32(len(s.sensors)), kind: kind, raw: newRing(s.cfg.RingSize, 2*len(s.sensors)), lastN: noSeg}
	s.sensors = append(s.sensors, sn)
	s.enlist(sn, nil)
	return sn
}

// enlist sets up sensor sn, whose id, index, kind and empty raw ring are
// set (a new sensor, or one evict gives a new id, with its tick ring and
// speed bands to reuse), and adds it to its kind's table and list.
func (s *Session) enlist(sn *sensor, bands []float64) {
	if sn.kind == KindPlayer {
		sn.kin = &s.cfg.Player
		if r, ok := s.roster[sn.id]; ok {
			sn.team, sn.onRoster = r.team, true
		} else if _, seen := s.unknown[sn.id]; !seen {
			s.unknown[sn.id] = struct{}{}
			s.q.UnknownIDs++
		}
		if nb := len(s.cfg.SpeedBands_mps) + 1; cap(bands) >= nb {
			sn.acc.bands = bands[:nb]
			clear(sn.acc.bands)
		} else {
			sn.acc.bands = make([]float64, nb)
		}
	} else {
		sn.kin = &s.cfg.Ball
	}
	if s.tickCap > 0 {
		if sn.ticks == nil {
			sn.allocTicks(s.tickCap, s.preSpeeds())
		} else {
			sn.resetTicks()
		}
		sn.model = s.models[sn.kind]
	}
	if sn.kind == KindPlayer {
		s.ids.put(sn.id, sn)
		s.players = append(s.players, sn.index)
	} else {
		s.ballIDs.put(sn.id, sn)
		s.balls = append(s.balls, sn.index)
	}
}

func (s *Session) flushRows() error {
	err := s.flushBatch(s.rows)
	s.rows = s.rows[:0]
	return err
}

// flushBatch hands a batch of rows to every sink, even after one of
// them failed on it (the others' output stays whole up to the failure),
// and returns the first error.
func (s *Session) flushBatch(b []Sample) error {
	if len(b) == 0 {
		return nil
	}
	var first error
	for i, k := range s.sinks {
		if err := k.Samples(b); err != nil && first == nil {
			first = s.fail(&SinkError{Index: i, Op: "samples", Err: err})
		}
	}
	return first
}

// emitSegment hands a segment to every sink, as flushBatch does rows.
func (s *Session) emitSegment(g *Segment) error {
	var first error
	for i, k := range s.sinks {
		if err := k.Segment(g); err != nil && first == nil {
			first = s.fail(&SinkError{Index: i, Op: "segment", Err: err})
		}
	}
	return first
}

// shot emits a feed shot, placed on the court from its hoop_player_x/y
// (when it has them) on the half court whose hoop is east: the feed does
// not say which end was attacked, so every shot lands at the same hoop,
// as shot charts draw them. Without a court, on an NBA court's template.
// Its period is the one at t (timeline.periodAt), wherever the emission
// stands: t is its time, or the time it came at when its own is bad
// (messageTime, arrival: a shot in seconds had landed in 1970, period 0). A repeat of a shot fed before (ShotKey) is dropped
// and counted. made: the shot was made of REST state (backfill.Made);
// the feed's copy of such a shot (the same player and time: delivered
// late, after a join or a reconnect fed the REST state, perhaps
// corrected since) is dropped, not counted, so that it counts once in
// analyze and live alike.
func (s *Session) shot(sh *decode.Shot, made bool, t int64) error {
	if s.repeats.restShot(sh, made) {
		return nil
	}
	if s.repeats.shot(sh) {
		s.q.RepeatedShots++
		return nil
	}
	if t != sh.OccurredAt_ms {
		// Its own time is bad: the analyzers take it at t too.
		c := *sh
		c.OccurredAt_ms = t
		sh = &c
	}
	for _, o := range s.shotObs {
		o.FeedShot(sh)
	}
	g := &s.seg
	*g = Segment{
		Type: SegFeedShot, Start_ms: t, End_ms: t,
		PlayerID: sh.PlayerID, TeamID: sh.TeamID, Made: sh.IsMake, Is3Point: sh.Is3Point,
		Zone: sh.Zone, Period: s.timeline.periodAt(t),
	}
	if sh.Present&decode.HasHoopPlayerXY != 0 {
		x, y := s.court.Markings().ShotToCourt(court.East, float64(sh.HoopPlayerX_mm), float64(sh.HoopPlayerY_mm))
		g.StartX_m, g.StartY_m, g.EndX_m, g.EndY_m = x, y, x, y
	}
	return s.emitSegment(g)
}

// Close flushes everything: the remaining ticks are processed and smoothed
// as if the feed's last sample were followed by a long gap, pending DIST
// checks and markers are resolved, analyzers finish, and every sink's
// Close receives the summary. The summary stays valid after Close.
//
// On a failed session (see Session), or when a sink or analyzer fails
// during Close, Close returns that error and calls no sink's Close: every
// sink that implements Aborter is aborted (an export.Writer removes its
// files), the others are left to their owner. The summary then covers
// the input up to the failure, without what the analyzers add at the
// end. A sink whose own Close fails is reported (the first such error),
// and the later sinks are still closed: their output is complete.
func (s *Session) Close() (*Summary, error) {
	if s.closed {
		return nil, ErrClosed
	}
	if s.unknown == nil {
		return nil, ErrNotBuilt
	}
	s.closed = true
	err := s.failed
	if err == nil {
		err = s.settleHeld()
	}
	s.settleMessages()
	if err == nil && s.haveLocT {
		if !s.gridStarted() {
			err = s.startGrid()
		}
		if err == nil {
			err = s.advance(true)
		}
		if err == nil {
			err = s.catchUp()
		}
		if err == nil && s.nextTick-1 >= s.emitNext {
			err = s.smoothAndEmit(s.nextTick-1, s.nextTick-1)
		}
		// Samples after the last tick still count in the raw path length.
		for _, sn := range s.sensors {
			s.consume(sn, math.MaxInt64)
		}
	}
	if err == nil {
		err = s.applyMarkers(math.MaxInt64)
	}
	if err == nil {
		// The dropouts still open at the end were never bridged.
		err = s.resolveHeld(math.MaxInt64)
	}
	if err == nil {
		err = s.resolveChecks(math.MaxInt64)
	}
	if err == nil {
		err = s.flushRows()
	}
	sum := s.summary()
	for i, a := range s.analyzers {
		if err != nil {
			break
		}
		if e := a.Finish(sum, s.emitFn); e != nil {
			err = &SinkError{Index: i, Op: "finish", Err: e}
		}
	}
	if err != nil {
		// The output misses what the failure cost: no sink is told it
		// is complete (Sink.Close); the ones that can discard theirs do.
		s.failed = err
		for _, k := range s.sinks {
			if a, ok := k.(Aborter); ok {
				a.Abort()
			}
		}
		return sum, err
	}
	for i, k := range s.sinks {
		if e := k.Close(sum); e != nil && err == nil {
			err = &SinkError{Index: i, Op: "close", Err: e}
		}
	}
	return sum, err
}
