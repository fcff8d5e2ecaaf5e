package track

import (
	"math"

	"github.com/stmotion/stmotion/decode"
)

// timeline follows the game / practice / state markers. Markers arrive
// ahead of the (lagged) sample emission, so they wait in a small queue
// ordered by time and are applied when the emission reaches their time.
//
// Periods: PLAY_START, START_SECOND_HALF and DRILL_START open the next
// period (START_SECOND_HALF at least period 2, so that a session holding
// only the second half, a live id of its own, numbers it 2);
// END_FIRST_HALF, PLAY_END, DRILL_END and PRACTICE_END close it and
// stop the clock; PLAY_NEXT and DRILL_NEXT (the session continues under a
// new live id) inside a period close it and open the next (a quarter or
// drill change), and a start marker right after them does not open yet
// another one; after an end marker they change nothing (the start marker
// that follows opens the next period).
// Clock: LIVE, PAUSED and FOUL set it.
// A session may start from where another live id of the event left the
// count (Meta.Periods, Session.NextPeriods): a drill followed from the
// previous drill's DRILL_NEXT keeps its number.
type timeline struct {
	pending []pendingMarker // sorted by time; bounded by maxPendingMarkers
	period  int32
	open    bool
	viaNext bool // the open period was opened by a *_NEXT marker
	ended   bool // PLAY_END or PRACTICE_END came after the last start marker
	clock   ClockState
	markers int64
	drills  bool // a drill marker was applied (DRILL_*, PRACTICE_END): a practice
	// refused counts the start and *_NEXT markers that would have opened
	// a period beyond MaxPeriods (Quality.PeriodsRefused).
	refused int64
	// changes are the last maxPeriodChanges changes of samplePeriod the
	// applied markers made, in the order applied (periodAt), each at the
	// time it took effect.
	changes []periodChange
	// at is the time of the latest tick the markers were applied up to
	// (applyMarkers): the samples up to it have their period. prevAt is
	// what at was before the latest applyMarkers: a marker applied there
	// at or before it came late, and took effect at at, not at its time.
	// Both math.MinInt64 before the first.
	at, prevAt int64
	// clockT and periodT are the times of the latest markers applied
	// that set the clock, and that opened, closed or numbered a period
	// (math.MinInt64 before any): a marker applied late that is older
	// than such a one changes that part of the state no more
	// (superseded: a LIVE delivered after the PAUSED that followed it
	// had left the clock live through the pause).
	clockT, periodT int64
	// late counts the markers applied late whose effect could not be
	// given to every tick from their time on (Quality.LateMarkers), and
	// lateMax_ms is the longest delay among them between their time and
	// the newest location time when they came (LateMarkerMax_ms).
	late, lateMax_ms int64
}

// periodChange is a change of samplePeriod from before, made by a marker
// at time t.
type periodChange struct {
	t      int64
	before int32
}

// maxPeriodChanges bounds timeline.changes: a game makes a few changes
// (two per half, quarter or drill), and a shot is delivered seconds
// after its time, not periods.
const maxPeriodChanges = 64

// Periods is where a session's period count stands: the last period
// opened (0: none yet) and whether it is still open, and the clock state
// the markers left. Open is only ever carried over from a PLAY_NEXT /
// DRILL_NEXT inside a period (a quarter or drill change without end
// marker): the period it opened is open, and a start marker right after
// it does not open another. Clock is the state the session starts in,
// until its first state marker: a drill followed after the previous
// one's DRILL_END starts paused, as it is in a recording of the whole
// practice.
type Periods struct {
	Period int32
	Open   bool
	Clock  ClockState
}

// MaxPeriods bounds Meta.Periods.Period and the periods a session opens:
// no event has more periods (a game has four quarters and overtimes, a
// practice a few dozen drills), a count read from a file
// (decode.Continuation) stays far from overflowing, and what grows with
// the period count (each player's PlayerSummary.DistancePeriod_m and
// the other per-period figures, the
// heatmap analyzer's attack votes per team and period) stays bounded
// whatever a feed sends (each player's per-period figures, about 100
// bytes a period, and their entries in summary.json: 100 KB a player at
// most): a marker that would open a period beyond it
// opens none and is counted (Quality.PeriodsRefused). NextPeriods stays
// within it too, so the periods.json of a live id that follows is read
// back.
const MaxPeriods = decode.MaxContinuationPeriod

// ContinuedPeriods is the count and clock a bundle's periods.json
// records (zero for nil: the bundle has none), for Meta.Periods. A
// periods.json without a clock (written before it was recorded) starts
// the clock unknown, as it did then.
func ContinuedPeriods(c *decode.Continuation) Periods {
	if c == nil {
		return Periods{}
	}
	return Periods{Period: c.Period, Open: c.PeriodOpen, Clock: clockOf(c.Clock)}
}

// Continuation is p as the periods.json of the live id it continues into
// records it, after the live id previous (decode.Continuation).
func (p Periods) Continuation(previous string) decode.Continuation {
	c := decode.Continuation{PreviousLiveID: previous, Period: p.Period, PeriodOpen: p.Open}
	if p.Clock != ClockUnknown {
		c.Clock = p.Clock.String()
	}
	return c
}

// clockOf is the ClockState named s (ClockState.String); ClockUnknown for
// any other text.
func clockOf(s string) ClockState {
	for _, c := range []ClockState{ClockLive, ClockPaused, ClockFoul} {
		if s == c.String() {
			return c
		}
	}
	return ClockUnknown
}

func (tl *timeline) init(p Periods) {
	tl.pending = make([]pendingMarker, 0, 16)
	tl.at, tl.prevAt = math.MinInt64, math.MinInt64
	tl.clockT, tl.periodT = math.MinInt64, math.MinInt64
	tl.period, tl.open, tl.viaNext = p.Period, p.Open, p.Open
	tl.clock = p.Clock
}

type pendingMarker struct {
	t    int64
	typ  decode.MarkerType
	next string // PLAY_NEXT / DRILL_NEXT: the live id named
	// delay_ms is how far the location feed was past t when the marker
	// came (0: not past it, or no location yet).
	delay_ms int64
}

// maxPendingMarkers bounds the queue; beyond it the oldest marker is
// applied at once (its timing is then approximate).
const maxPendingMarkers = 256

// samplePeriod is the period samples are attributed to: 0 outside any
// period (before the first, at half time, after the end).
func (tl *timeline) samplePeriod() int32 {
	if tl.open {
		return tl.period
	}
	return 0
}

// periodAt is the period a sample at time t is attributed to, as far as
// the markers fed so far tell: for t after the ticks the markers were
// applied up to (timeline.at), the period with the queued markers at or
// before t applied (on a copy: a late one among them takes effect at the
// next tick, before t); for t at or before them, the period those ticks'
// samples had, from before the changes that took effect after t. A feed
// shot takes it (Session.shot): samplePeriod is the period where the
// emission stands, which a shot may be ahead of (one of the REST state,
// fed before the feed's first location: period 0 before the emission
// applies the PLAY_START before it) or behind (delivered after the end
// marker that followed it, with or after a late marker of its own).
func (tl *timeline) periodAt(t int64) int32 {
	if t > tl.at {
		c := *tl
		for _, p := range tl.pending {
			if p.t > t {
				break
			}
			c.apply(p.typ)
		}
		return c.samplePeriod()
	}
	p := tl.samplePeriod()
	for i := len(tl.changes) - 1; i >= 0 && tl.changes[i].t > t; i-- {
		p = tl.changes[i].before
	}
	return p
}

// note records a change of samplePeriod made by the marker at t applied
// last (periodAt), forgetting the oldest beyond maxPeriodChanges. A
// marker applied late, at or before the ticks the previous applyMarkers
// reached, took effect at the tick it was applied at.
func (tl *timeline) note(t int64, before int32) {
	if tl.samplePeriod() == before {
		return
	}
	if t <= tl.prevAt {
		t = tl.at
	}
	if len(tl.changes) == maxPeriodChanges {
		tl.changes = append(tl.changes[:0], tl.changes[1:]...)
	}
	tl.changes = append(tl.changes, periodChange{t: t, before: before})
}

func (tl *timeline) apply(typ decode.MarkerType) {
	switch typ {
	case decode.MarkerDrillStart, decode.MarkerDrillEnd, decode.MarkerDrillNext, decode.MarkerPracticeEnd:
		tl.drills = true
	}
	switch typ {
	case decode.MarkerPlayStart, decode.MarkerStartSecondHalf, decode.MarkerDrillStart:
		if tl.open && tl.viaNext {
			tl.viaNext = false
			return
		}
		next := tl.period + 1
		if typ == decode.MarkerStartSecondHalf {
			// The second half is at least period 2, also in a session that
			// starts with it: the second half's live id, joined or
			// recorded on its own after the first half's PLAY_NEXT.
			next = max(next, 2)
		}
		if next > MaxPeriods {
			// A broken or hostile feed: the timeline stays as it was
			// (in the open period, or between periods).
			tl.refused++
			return
		}
		tl.period = next
		tl.open = true
		tl.viaNext = false
		tl.ended = false
	case decode.MarkerEndFirstHalf, decode.MarkerPlayEnd, decode.MarkerDrillEnd, decode.MarkerPracticeEnd:
		tl.open = false
		tl.viaNext = false
		tl.clock = ClockPaused
		if typ == decode.MarkerPlayEnd || typ == decode.MarkerPracticeEnd {
			tl.ended = true
		}
	case decode.MarkerPlayNext, decode.MarkerDrillNext:
		// Inside a period the next one starts now (a quarter or drill
		// change without end marker); after an end marker (half time) it
		// only announces the next live id: the start marker opens it.
		if tl.open {
			if tl.period >= MaxPeriods {
				tl.refused++ // stays in the open period
				return
			}
			tl.period++
			tl.viaNext = true
		}
	case decode.MarkerLive:
		tl.clock = ClockLive
	case decode.MarkerPaused:
		tl.clock = ClockPaused
	case decode.MarkerFoul:
		tl.clock = ClockFoul
	}
}

// NextPeriods is where a live id that continues this session's event
// under the live id a PLAY_NEXT / DRILL_NEXT named (the next drill, the
// second half) starts its period count and clock (Meta.Periods), after
// the markers applied so far (after Close: all of them). It is zero once PLAY_END or
// PRACTICE_END ended the event: a live id named after that (the next
// pass of a looping mock) starts a new count.
func (s *Session) NextPeriods() Periods {
	tl := &s.timeline
	if tl.ended {
		return Periods{}
	}
	return Periods{Period: tl.period, Open: tl.open && tl.viaNext, Clock: tl.clock}
}

// marker queues m (decoded from line) to be applied when the emission
// reaches t: its time, or the time it came at when its own is bad
// (messageTime, arrival). A repeat of a marker fed before (MarkerKey) is
// dropped and counted: applied again, a repeated PLAY_START would open
// another period.
func (s *Session) marker(m *decode.Marker, line []byte, t int64) error {
	if s.repeats.marker(m, line) {
		s.q.RepeatedMarkers++
		return nil
	}
	if m.Type == decode.MarkerUnknown {
		s.q.Unknown++
		return nil
	}
	tl := &s.timeline
	if len(tl.pending) == maxPendingMarkers {
		p := tl.pending[0]
		tl.pending = append(tl.pending[:0], tl.pending[1:]...)
		if err := s.applyMarker(p); err != nil {
			return err
		}
	}
	// Insert in time order (stable for equal times: arrival order).
	i := len(tl.pending)
	for i > 0 && tl.pending[i-1].t > t {
		i--
	}
	tl.pending = append(tl.pending, pendingMarker{})
	copy(tl.pending[i+1:], tl.pending[i:])
	tl.pending[i] = pendingMarker{t: t, typ: m.Type}
	if s.haveLocT && s.maxT > t {
		tl.pending[i].delay_ms = s.maxT - t
	}
	if (m.Type == decode.MarkerPlayNext || m.Type == decode.MarkerDrillNext) && m.LiveID.Len() > 0 {
		// A few per game: the copy is cheap.
		tl.pending[i].next = string(m.LiveID.AppendUnescaped(nil, line))
	}
	return nil
}

func (s *Session) applyMarker(p pendingMarker) error {
	tl := &s.timeline
	before, wasOpen, sampled := tl.period, tl.open, tl.samplePeriod()
	// Late: a tick at or after its time has its period and clock
	// without it.
	late := p.t <= tl.prevAt
	old := *tl
	tl.apply(p.typ)
	// What of the state it sets it still gives: not what a newer marker
	// applied before it set (superseded).
	period, clock := setsPeriod(p.typ), setsClock(p.typ)
	superseded := false
	if period && late && p.t < tl.periodT {
		tl.period, tl.open, tl.viaNext, tl.ended, tl.refused = old.period, old.open, old.viaNext, old.ended, old.refused
		period, superseded = false, true
	} else if period {
		tl.periodT = max(tl.periodT, p.t)
	}
	if clock && late && p.t < tl.clockT {
		tl.clock = old.clock
		clock, superseded = false, true
	} else if clock {
		tl.clockT = max(tl.clockT, p.t)
	}
	if late && (superseded || !s.relabel(p.t, period, clock)) {
		tl.late++
		tl.lateMax_ms = max(tl.lateMax_ms, p.delay_ms)
	}
	tl.note(p.t, sampled)
	tl.markers++
	s.rounds.note(p.typ, p.next, tl.open && (tl.period != before || !wasOpen), tl.period)
	for _, o := range s.clockObs {
		o.Clock(p.t, tl.samplePeriod(), tl.clock)
	}
	g := &s.seg
	*g = Segment{Type: SegMarker, Start_ms: p.t, End_ms: p.t, Period: tl.samplePeriod(), Label: p.typ.String(), NextLiveID: p.next}
	switch {
	case superseded:
		// The period at its time (an end marker's: the one it ended).
		g.Period = tl.periodAt(p.t)
	case p.typ == decode.MarkerEndFirstHalf, p.typ == decode.MarkerPlayEnd, p.typ == decode.MarkerDrillEnd, p.typ == decode.MarkerPracticeEnd:
		// An end marker carries the period it ends; any other marker
		// between periods (a PLAY_NEXT announcing the next half's live
		// id, a clock marker at half time) carries 0, as samples do.
		g.Period = tl.period
	}
	return s.emitSegment(g)
}

// setsPeriod reports whether a marker of type typ opens, closes or
// numbers a period (timeline.apply).
func setsPeriod(typ decode.MarkerType) bool {
	switch typ {
	case decode.MarkerPlayStart, decode.MarkerStartSecondHalf, decode.MarkerDrillStart,
		decode.MarkerEndFirstHalf, decode.MarkerPlayEnd, decode.MarkerDrillEnd, decode.MarkerPracticeEnd,
		decode.MarkerPlayNext, decode.MarkerDrillNext:
		return true
	}
	return false
}

// setsClock reports whether a marker of type typ sets the clock
// (timeline.apply: the clock markers, and the end markers, which stop it).
func setsClock(typ decode.MarkerType) bool {
	switch typ {
	case decode.MarkerLive, decode.MarkerPaused, decode.MarkerFoul,
		decode.MarkerEndFirstHalf, decode.MarkerPlayEnd, decode.MarkerDrillEnd, decode.MarkerPracticeEnd:
		return true
	}
	return false
}

// relabel gives the period (period) and clock (clock) the marker at time
// t (applied late, just now) set to the ticks from t on that were
// labelled without it and whose figures are not in yet, and reports
// whether that was every tick from t on. Nothing newer set them (the
// marker is not superseded), so those ticks had the state from before
// it; the other part of their state (a clock marker on time between a
// late period marker and now) stays theirs. Live, the rows of the ticks up to the one the markers
// were applied at before (timeline.prevAt) have left, but their figures
// follow a lag behind (Session.emitNext): their period and clock in the
// ring of ticks' clocks may still change. In batch a tick's figures and
// rows leave together, at the tick's emission: nothing is left to
// relabel (the marker hold, Config.MarkerHold_s, is what lets a late
// marker be on time there). A superseded marker (applyMarker) is not
// relabelled: the ticks after the newer marker's time keep its state,
// and it counts as late.
func (s *Session) relabel(t int64, period, clock bool) bool {
	if !s.cfg.Causal || !s.gridStarted() {
		return false
	}
	tl := &s.timeline
	p, c := tl.samplePeriod(), tl.clock
	from := max(s.emitNext, ceilDiv(t, s.period_ms))
	for n := from; n*s.period_ms <= tl.prevAt; n++ {
		j := n & s.clockMask
		if period {
			s.tickPeriod[j] = p
		}
		if clock {
			s.tickClock[j] = c
		}
	}
	return from*s.period_ms-t < s.period_ms
}

// applyMarkers applies every queued marker at or before T.
func (s *Session) applyMarkers(T int64) error {
	tl := &s.timeline
	if T > tl.at {
		tl.prevAt, tl.at = tl.at, T
	}
	k := 0
	for k < len(tl.pending) && tl.pending[k].t <= T {
		if err := s.applyMarker(tl.pending[k]); err != nil {
			tl.pending = append(tl.pending[:0], tl.pending[k+1:]...)
			return err
		}
		k++
	}
	if k > 0 {
		tl.pending = append(tl.pending[:0], tl.pending[k:]...)
	}
	return nil
}
