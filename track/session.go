package track

import (
	"errors"
	"fmt"
	"math"
	"slices"

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
}

// ErrClosed is returned by Feed and Close after Close.
var ErrClosed = errors.New("track: session closed")

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
// once the feed has reached t + ReorderWindow_ms (one grid period more at
// most); in batch mode Lag_s to 3·Lag_s later. The per-player figures and
// DIST checks always follow the smoothed track (Lag_s to 3·Lag_s behind).
// A sensor in a dropout holds the grid back by at most MaxGap_ms.
type Session struct {
	cfg       Config
	meta      Meta
	sinks     []Sink
	analyzers []Analyzer
	court     *court.Court
	noCourt   bool
	halfL     float64 // half the court length + InBoundsMargin_m
	halfW     float64
	started   bool // Feed was called
	closed    bool

	roster  map[int64]rosterEntry
	ids     idTable
	sensors []*sensor
	players []int32 // dense indices of player sensors, in order of appearance
	balls   []int32
	unknown map[int64]struct{} // player ids not on the roster

	q          Quality
	firstT     int64
	lastT      int64
	maxT       int64 // newest location timestamp
	haveT      bool
	haveLocT   bool
	intervals  []int64   // for the rate estimate
	noiseVals  []float64 // for the noise estimate
	moveOn     float64   // still detector thresholds for the session's noise
	moveOff    float64
	period_ms  int64 // grid period; 0 until known
	dt_s       float64
	models     [3]*Model // by SensorKind
	tickCap    int
	tickMask   int64
	lagTicks   int64
	blockTicks int64
	halfWin    int64 // still window half width, ticks
	topWin     int64 // top speed window half width, ticks
	nextTick   int64 // tick number to process next
	emitNext   int64 // tick number to emit next
	lastBack   int64 // newest tick at the last backward pass
	idle       bool  // the last processed tick had no estimate at all
	sprintT    int
	accelT     int

	// Period and clock of the ticks in the tick ring (set when a tick's
	// rows are emitted, read when its figures are accumulated).
	tickPeriod []int32
	tickClock  []ClockState

	timeline timeline
	box      boxScore
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
	cfg.SpeedBands_mps = slices.Clone(cfg.SpeedBands_mps)
	s := &Session{
		cfg:     cfg,
		meta:    meta,
		sinks:   sinks,
		court:   meta.Court,
		roster:  make(map[int64]rosterEntry),
		unknown: make(map[int64]struct{}),
		rows:    make([]Sample, 0, cfg.BatchRows+64),
	}
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
	} else {
		s.intervals = make([]int64, 0, cfg.RateSamples)
	}
	if s.autoNoise() {
		s.noiseVals = make([]float64, 0, 2*cfg.RateSamples)
	}
	s.timeline.init()
	s.box.init()
	s.emitFn = s.emitSegment
	return s, nil
}

// Attach adds an analyzer. It must be called before the first Feed.
func (s *Session) Attach(a Analyzer) error {
	if s.started || s.closed {
		return fmt.Errorf("track: attach after the feed started")
	}
	s.analyzers = append(s.analyzers, a)
	return nil
}

// NoteBadLine counts an input line the caller could not decode, so that it
// shows in Quality.BadLines.
func (s *Session) NoteBadLine() { s.q.BadLines++ }

// Period_ms returns the grid period (0 until the feed's rate is known).
func (s *Session) Period_ms() int64 { return s.period_ms }

// Feed consumes one message. Messages must come in arrival order; the
// message and its input bytes may be reused after Feed returns. Bad or
// unknown content is counted in Quality, never an error: Feed fails only
// when a sink or analyzer does, or after Close.
func (s *Session) Feed(m *decode.Message) error {
	if s.closed {
		return ErrClosed
	}
	s.started = true
	s.q.Messages++
	if m.Kind != decode.KindLocation {
		s.seen(m.OccurredAt_ms())
	}
	switch m.Kind {
	case decode.KindLocation:
		return s.location(&m.Location)
	case decode.KindStats:
		s.stats(&m.Stats)
	case decode.KindMarker:
		return s.marker(&m.Marker)
	case decode.KindShot:
		return s.shot(&m.Shot)
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

func (s *Session) location(l *decode.Location) error {
	s.q.Locations++
	if l.OccurredAt_ms <= 0 || l.OccurredAt_ms > maxEpoch_ms {
		s.q.BadTimes++
		return nil
	}
	if t := l.OccurredAt_ms; t > s.lastT || t < s.firstT || !s.haveT {
		s.seen(t)
	}
	var kind SensorKind
	switch l.Sensor {
	case decode.SensorPlayer:
		kind = KindPlayer
	case decode.SensorBall:
		kind = KindBall
	default:
		s.q.Unknown++
		return nil
	}
	idx, ok := s.ids.get(l.ID)
	if !ok {
		if len(s.sensors) >= s.cfg.MaxSensors {
			s.q.DroppedSensors++
			return nil
		}
		idx = s.newSensor(l.ID, kind)
	}
	sn := s.sensors[idx]
	t := l.OccurredAt_ms
	x, y, z := s.court.ToCourt(float64(l.X_mm), float64(l.Y_mm), float64(l.Z_mm))
	if s.gridStarted() && t <= (s.nextTick-1)*s.period_ms {
		// Its tick is already processed: too late to place.
		if sn.raw.popped && t == sn.raw.lastPopped || sn.raw.n > 0 && t == sn.raw.t[sn.raw.head] {
			s.q.Duplicates++
		} else {
			s.q.Late++
		}
		return nil
	}
	var prevLast int64 = -1
	if sn.raw.n > 0 {
		prevLast = sn.raw.lastT()
	}
	res := sn.raw.insert(t, x, y, z)
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
	if !s.haveLocT || t > s.maxT {
		s.maxT = t
		s.haveLocT = true
	}
	if !s.gridStarted() {
		rateDone := s.period_ms > 0 || len(s.intervals) == cap(s.intervals)
		noiseDone := !s.autoNoise() || len(s.noiseVals) == cap(s.noiseVals)
		if !(rateDone && noiseDone) && sn.raw.n < len(sn.raw.t)/2 {
			return nil
		}
		if err := s.startGrid(); err != nil {
			return err
		}
	}
	return s.advance(false)
}

// learn collects, before the grid starts, the sample intervals for the
// rate estimate and the players' normalised second differences for the
// noise estimate, from a sample just appended in order.
func (s *Session) learn(sn *sensor, prevLast int64) {
	r := &sn.raw
	t := r.lastT()
	if s.period_ms == 0 && prevLast >= 0 && t > prevLast && len(s.intervals) < cap(s.intervals) {
		s.intervals = append(s.intervals, t-prevLast)
	}
	if sn.kind != KindPlayer || r.n < 3 || len(s.noiseVals)+2 > cap(s.noiseVals) {
		return
	}
	i0, i1, i2 := r.at(r.n-3), r.at(r.n-2), r.at(r.n-1)
	d1, d2 := r.t[i1]-r.t[i0], r.t[i2]-r.t[i1]
	if d1 <= 0 || d2 <= 0 || d1+d2 > 4*max(d1, d2) || d1+d2 > 500 {
		return
	}
	// e = p2 − p1 − (p1 − p0)·d2/d1 has variance (1 + ρ² + (1+ρ)²)·σ²,
	// ρ = d2/d1, when the motion is locally linear.
	rho := float64(d2) / float64(d1)
	norm := 1 / math.Sqrt(1+rho*rho+(1+rho)*(1+rho))
	ex := r.x[i2] - r.x[i1] - (r.x[i1]-r.x[i0])*rho
	ey := r.y[i2] - r.y[i1] - (r.y[i1]-r.y[i0])*rho
	s.noiseVals = append(s.noiseVals, math.Abs(ex)*norm, math.Abs(ey)*norm)
}

// autoNoise reports whether some kind's noise is to be estimated.
func (s *Session) autoNoise() bool { return s.cfg.Player.Noise_m == 0 || s.cfg.Ball.Noise_m == 0 }

// Noise bounds of the estimate: below 5 mm the feed is already smoothed
// (the estimate then mostly measures motion), above 250 mm it is broken.
// fallbackNoise_m is used when the feed gives too little to estimate from.
const minNoise_m, maxNoise_m, fallbackNoise_m = 0.005, 0.25, 0.05

// detectNoise estimates the players' sensor noise σ per axis as the median
// absolute normalised second difference / 0.6745 (the median of |N(0, σ²)|
// is 0.6745σ), which ignores the few large values motion makes.
func (s *Session) detectNoise() float64 {
	if len(s.noiseVals) < 16 {
		return fallbackNoise_m
	}
	v := slices.Clone(s.noiseVals)
	slices.Sort(v)
	return min(maxNoise_m, max(minNoise_m, v[len(v)/2]/0.6745))
}

func (s *Session) newSensor(id int64, kind SensorKind) int32 {
	sn := &sensor{id: id, kind: kind, raw: newRing(s.cfg.RingSize), lastN: noSeg}
	if kind == KindPlayer {
		sn.kin = &s.cfg.Player
		if r, ok := s.roster[id]; ok {
			sn.team, sn.onRoster = r.team, true
		} else if _, seen := s.unknown[id]; !seen {
			s.unknown[id] = struct{}{}
			s.q.UnknownIDs++
		}
		sn.acc.bands = make([]float64, len(s.cfg.SpeedBands_mps)+1)
	} else {
		sn.kin = &s.cfg.Ball
	}
	if s.tickCap > 0 {
		sn.allocTicks(s.tickCap)
		sn.model = s.models[kind]
	}
	idx := int32(len(s.sensors))
	s.sensors = append(s.sensors, sn)
	s.ids.put(id, idx)
	if kind == KindPlayer {
		s.players = append(s.players, idx)
	} else {
		s.balls = append(s.balls, idx)
	}
	return idx
}

// detectRate fixes the grid period at the feed's typical sample interval:
// the median interval (robust to drops), refined by the mean of the
// intervals within ±25 % of it (so that timestamp jitter averages out
// instead of tipping a rounded median), rounded to a millisecond.
func (s *Session) detectRate() {
	if s.period_ms > 0 {
		return
	}
	p := int64(50) // no two samples of one sensor yet: 20 Hz
	if len(s.intervals) > 0 {
		iv := slices.Clone(s.intervals)
		slices.Sort(iv)
		med := float64(iv[len(iv)/2])
		sum, n := 0.0, 0
		for _, v := range iv {
			if f := float64(v); f >= 0.75*med && f <= 1.25*med {
				sum += f
				n++
			}
		}
		p = int64(math.Round(sum / float64(n)))
	}
	s.setPeriod(p)
}

// maxPeriod_ms bounds the grid period: a feed slower than 1 Hz is not a
// tracking feed (and would make the filter's matrices ill-conditioned).
const maxPeriod_ms = 1000

func (s *Session) setPeriod(p int64) {
	p = min(max(p, 1), maxPeriod_ms)
	s.period_ms = p
	s.dt_s = float64(p) * 1e-3
	s.intervals = nil
}

func (s *Session) gridStarted() bool { return s.tickCap > 0 }

// startGrid sizes the tick rings and the gain tables once the grid period
// is known, and starts the grid at the first tick at or after the oldest
// sample held.
func (s *Session) startGrid() error {
	s.detectRate()
	dt := s.dt_s
	var err error
	est := 0.0
	if s.autoNoise() {
		est = s.detectNoise()
	}
	s.noiseVals = nil
	for _, k := range []SensorKind{KindPlayer, KindBall} {
		kc := s.cfg.Player
		if k == KindBall {
			kc = s.cfg.Ball
		}
		if kc.Noise_m == 0 {
			kc.Noise_m = est
		}
		if k == KindPlayer {
			s.q.Noise_m = kc.Noise_m
			// The still detector's thresholds are set for σ = 50 mm and
			// scale with √(σ/50 mm): the smoothed white noise alone would
			// allow σ^(5/6), but the slow wander of real sensors
			// (multipath) does not shrink with the white noise.
			f := math.Pow(kc.Noise_m/0.05, 0.5)
			s.moveOn, s.moveOff = s.cfg.MoveOn_mps*f, s.cfg.MoveOff_mps*f
		}
		s.models[k], err = cachedModel(dt, kc.Noise_m, kc.JerkPSD_m2ps5, kc.InitSpeed_mps, kc.InitAccel_mps2)
		if err != nil {
			return err
		}
	}
	s.halfWin = max(1, int64(math.Round(s.cfg.StillWindow_s/2/dt)))
	s.topWin = max(1, int64(math.Round(s.cfg.TopSpeedWindow_s/2/dt)))
	s.lagTicks = max(1, int64(math.Ceil(s.cfg.Lag_s/dt)))
	// Smooth in blocks of two lags: 1.5 backward steps per tick.
	s.blockTicks = 2 * s.lagTicks
	need := s.lagTicks + s.blockTicks + 2*max(s.halfWin, s.topWin) + 8
	c := 8
	for int64(c) < need {
		c <<= 1
	}
	s.tickCap = c
	s.tickMask = int64(c - 1)
	s.tickPeriod = make([]int32, c)
	s.tickClock = make([]ClockState, c)
	s.sprintT = max(1, int(math.Ceil(s.cfg.SprintMin_s/dt-1e-9)))
	s.accelT = max(1, int(math.Ceil(s.cfg.AccelMin_s/dt-1e-9)))
	first := int64(math.MaxInt64)
	for _, sn := range s.sensors {
		sn.allocTicks(c)
		sn.model = s.models[sn.kind]
		if sn.raw.n > 0 && sn.raw.t[sn.raw.head] < first {
			first = sn.raw.t[sn.raw.head]
		}
	}
	if first == math.MaxInt64 {
		first = s.maxT
	}
	s.nextTick = ceilDiv(first, s.period_ms)
	s.emitNext = s.nextTick
	s.lastBack = s.nextTick - 1
	return nil
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

// forceProgress is called when a raw ring is full: it processes the grid
// as far as the data goes, treating waits for sensors in a dropout as gaps.
func (s *Session) forceProgress() error {
	if !s.gridStarted() {
		if err := s.startGrid(); err != nil {
			return err
		}
	}
	return s.advance(true)
}

// advance processes every grid tick that is complete: all samples up to
// the watermark (newest timestamp − reorder window) are in, and no sensor
// in a short dropout can still bridge it. force ignores the second
// condition (Close, full rings).
func (s *Session) advance(force bool) error {
	wm := s.maxT - s.cfg.ReorderWindow_ms
	if force {
		wm = s.maxT
	}
	for {
		T := s.nextTick * s.period_ms
		if T > wm {
			return nil
		}
		if !force && s.blocked(T, wm) {
			return nil
		}
		if err := s.processTick(s.nextTick, wm, force); err != nil {
			return err
		}
		if s.idle {
			// Nobody had an estimate: jump over the ticks where nobody can
			// (a silent feed, a far timestamp) instead of walking them.
			if next := s.nextActiveTick(wm); next > s.nextTick+1 {
				if err := s.skipTo(next); err != nil {
					return err
				}
			}
		}
	}
}

// nextActiveTick returns the first tick from nextTick on where some sensor
// may have an estimate, given what the rings hold, or the first tick past
// the watermark when every sensor waits for new samples.
func (s *Session) nextActiveTick(wm int64) int64 {
	p := s.period_ms
	T := s.nextTick * p
	best := wm/p + 1
	for _, sn := range s.sensors {
		r := &sn.raw
		if r.n == 0 {
			continue
		}
		h := r.t[r.head]
		var c int64
		switch {
		case h >= T:
			c = ceilDiv(h, p)
		case r.n >= 2:
			c = ceilDiv(r.t[r.at(1)], p)
			if r.t[r.at(1)]-h <= s.cfg.MaxGap_ms {
				return s.nextTick // a track goes on
			}
		default:
			continue
		}
		if c < best {
			best = c
		}
	}
	return max(best, s.nextTick)
}

// skipTo moves the grid to tick next over ticks where no sensor has an
// estimate: everything pending is smoothed and emitted first (every track
// has ended, so that is exact), and the skipped slots are cleared.
func (s *Session) skipTo(next int64) error {
	if s.nextTick-1 >= s.emitNext {
		if err := s.smoothAndEmit(s.nextTick-1, s.nextTick-1); err != nil {
			return err
		}
	}
	k := min(next-s.nextTick, int64(s.tickCap))
	for _, sn := range s.sensors {
		for n := s.nextTick; n < s.nextTick+k; n++ {
			sn.seg[n&s.tickMask] = noSeg
		}
	}
	s.nextTick, s.emitNext, s.lastBack = next, next, next-1
	return nil
}

// blocked reports whether some sensor has a track open before T, nothing
// at or after T yet, and could still bridge to T without exceeding MaxGap.
func (s *Session) blocked(T, wm int64) bool {
	for _, sn := range s.sensors {
		r := &sn.raw
		if r.n == 0 || r.t[r.head] > T {
			continue
		}
		last := r.lastT()
		if last < T && wm < last+s.cfg.MaxGap_ms {
			return true
		}
	}
	return false
}

// processTick runs the forward filter of every sensor at tick n, then the
// smoother and the emission when a block is complete.
func (s *Session) processTick(n, wm int64, force bool) error {
	T := n * s.period_ms
	s.idle = true
	for _, sn := range s.sensors {
		if s.forwardSensor(sn, n, T) {
			s.idle = false
		}
	}
	s.nextTick = n + 1
	if s.cfg.Causal {
		// Live: the rows leave now, from the forward estimate; the
		// figures follow the smoothed track a lag later.
		if err := s.emitFrame(n, true); err != nil {
			return err
		}
	}
	if n-s.lastBack >= s.blockTicks {
		return s.smoothAndEmit(n, n-s.lagTicks)
	}
	return nil
}

// forwardSensor consumes the sensor's raw samples up to T, interpolates its
// position at T and runs one forward Kalman step (or starts a track). It
// reports whether the sensor has an estimate at T.
func (s *Session) forwardSensor(sn *sensor, n, T int64) bool {
	slot := n & s.tickMask
	r := &sn.raw
	sn.seg[slot] = noSeg
	if r.n == 0 || r.t[r.head] > T {
		return false
	}
	s.consume(sn, T)
	l := r.head
	var x, y, z float64
	switch {
	case r.t[l] == T:
		x, y, z = r.x[l], r.y[l], r.z[l]
	case r.n >= 2:
		rr := r.at(1)
		if r.t[rr]-r.t[l] > s.cfg.MaxGap_ms || sn.teleport(l, rr) {
			return false // no estimate inside a gap or a jump
		}
		w := float64(T-r.t[l]) / float64(r.t[rr]-r.t[l])
		x = r.x[l] + w*(r.x[rr]-r.x[l])
		y = r.y[l] + w*(r.y[rr]-r.y[l])
		z = r.z[l] + w*(r.z[rr]-r.z[l])
	default:
		return false // nothing after T: a confirmed dropout
	}
	m := sn.model
	if sn.split || sn.lastN != n-1 {
		sn.seg[slot] = n
		sn.fx[slot], sn.fy[slot], sn.fz[slot] = m.start(x), m.start(y), m.start(z)
		sn.split = false
	} else {
		p := (n - 1) & s.tickMask
		seg := sn.seg[p]
		k := int(n - seg)
		sn.seg[slot] = seg
		sn.fx[slot] = m.step(sn.fx[p], x, k)
		sn.fy[slot] = m.step(sn.fy[p], y, k)
		sn.fz[slot] = m.step(sn.fz[p], z, k)
	}
	sn.lastN = n
	return true
}

// consume makes the newest raw sample at or before T the left bracket,
// dropping single-sample outliers, counting gaps and teleports, and adding
// the raw step lengths in between to the raw path length.
func (s *Session) consume(sn *sensor, T int64) {
	r := &sn.raw
	for {
		if sn.dropOutlier(3 * s.period_ms) {
			s.q.Outliers++
			continue
		}
		if r.n < 2 || r.t[r.at(1)] > T {
			break
		}
		i, j := r.head, r.at(1)
		gap := r.t[j]-r.t[i] > s.cfg.MaxGap_ms
		tele := !gap && sn.teleport(i, j)
		switch {
		case gap:
			s.q.Gaps++
			sn.split = true
		case tele:
			s.q.Teleports++
			sn.split = true
		default:
			if sn.kind == KindPlayer {
				dx, dy := r.x[j]-r.x[i], r.y[j]-r.y[i]
				sn.acc.raw += math.Sqrt(dx*dx + dy*dy)
			}
		}
		r.pop()
	}
}

// smoothAndEmit runs the RTS backward pass from the newest tick down to
// the oldest tick not yet emitted, then emits every tick up to upTo.
func (s *Session) smoothAndEmit(newest, upTo int64) error {
	mask := s.tickMask
	for _, sn := range s.sensors {
		m := sn.model
		for n := newest; n >= s.emitNext; n-- {
			i := n & mask
			seg := sn.seg[i]
			if seg == noSeg {
				continue
			}
			j := (n + 1) & mask
			if n == newest || sn.seg[j] != seg {
				sn.sx[i], sn.sy[i], sn.sz[i] = sn.fx[i], sn.fy[i], sn.fz[i]
				continue
			}
			k := int(n - seg)
			sn.sx[i] = m.back(sn.fx[i], sn.sx[j], k)
			sn.sy[i] = m.back(sn.fy[i], sn.sy[j], k)
			if sn.kind == KindBall {
				sn.sz[i] = m.back(sn.fz[i], sn.sz[j], k)
			} else {
				// A shoe sensor's height needs no smoothing: save the work.
				sn.sz[i] = sn.fz[i]
			}
		}
	}
	s.lastBack = newest
	for s.emitNext <= upTo {
		n := s.emitNext
		s.emitNext++
		if s.cfg.Causal {
			for _, i := range s.players {
				s.accumulate(s.sensors[i], n)
			}
		} else if err := s.emitFrame(n, false); err != nil { // accumulates too
			return err
		}
		if err := s.resolveChecks(n * s.period_ms); err != nil {
			return err
		}
	}
	return nil
}

// dispSpeed is the still detector's statistic at tick n: the horizontal
// displacement of the smoothed track over the window centred on n, divided
// by the window's duration, with the window clipped to the track.
func (s *Session) dispSpeed(sn *sensor, n, seg, half int64) float64 {
	a, b := n-half, n+half
	if a < seg {
		a = seg
	}
	newest := s.nextTick - 1
	for b > n && (b > newest || sn.seg[b&s.tickMask] != seg) {
		b--
	}
	if b <= a {
		return 0
	}
	ia, ib := a&s.tickMask, b&s.tickMask
	dx, dy := sn.sx[ib].X-sn.sx[ia].X, sn.sy[ib].X-sn.sy[ia].X
	return math.Sqrt(dx*dx+dy*dy) / (float64(b-a) * s.dt_s)
}

// emitFrame turns tick n into Sample rows (from the forward estimate when
// fwd, else the smoothed one), calls the analyzers and hands full batches
// to the sinks. It applies the markers up to the tick and records the
// tick's period and clock for accumulate.
func (s *Session) emitFrame(n int64, fwd bool) error {
	T := n * s.period_ms
	if err := s.applyMarkers(T); err != nil {
		return err
	}
	period := s.timeline.samplePeriod()
	clock := s.timeline.clock
	j := n & s.tickMask
	s.tickPeriod[j], s.tickClock[j] = period, clock
	start := len(s.rows)
	for _, i := range s.players {
		s.emitSensor(s.sensors[i], n, T, period, clock, fwd)
	}
	np := len(s.rows) - start
	for _, i := range s.balls {
		s.emitSensor(s.sensors[i], n, T, period, clock, fwd)
	}
	if len(s.rows) > start && len(s.analyzers) > 0 {
		f := &s.frame
		f.T_ms, f.Dt_s, f.Period, f.Clock = T, s.dt_s, period, clock
		f.Players = s.rows[start : start+np]
		f.Balls = s.rows[start+np:]
		for i, a := range s.analyzers {
			if err := a.Frame(f, s.emitFn); err != nil {
				return &SinkError{Index: i, Op: "frame", Err: err}
			}
		}
		f.Players, f.Balls = nil, nil
	}
	if s.cfg.Causal || len(s.rows) >= s.cfg.BatchRows {
		return s.flushRows()
	}
	return nil
}

// inBounds reports whether a court position is on the court grown by
// InBoundsMargin_m (always true in the sensor frame).
func (s *Session) inBounds(x, y float64) bool {
	return s.noCourt || math.Abs(x) <= s.halfL && math.Abs(y) <= s.halfW
}

// emitSensor appends the sensor's row at tick n, if it has an estimate.
func (s *Session) emitSensor(sn *sensor, n, T int64, period int32, clock ClockState, fwd bool) {
	i := n & s.tickMask
	if sn.seg[i] == noSeg {
		return
	}
	px, py, pz := &sn.sx[i], &sn.sy[i], &sn.sz[i]
	if fwd {
		px, py, pz = &sn.fx[i], &sn.fy[i], &sn.fz[i]
	}
	vx, vy := px.V, py.V
	speed := math.Sqrt(vx*vx + vy*vy)
	var at float64
	if speed > 1e-6 {
		at = (vx*px.A + vy*py.A) / speed
	}
	in := s.inBounds(px.X, py.X)
	// Fill the row in place: no temporary Sample to copy.
	k := len(s.rows)
	if k == cap(s.rows) {
		s.rows = append(s.rows, Sample{})
	} else {
		s.rows = s.rows[:k+1]
	}
	r := &s.rows[k]
	r.T_ms, r.SensorID, r.Kind, r.TeamID = T, sn.id, sn.kind, sn.team
	r.X_m, r.Y_m, r.Z_m, r.Vx_mps, r.Vy_mps = px.X, py.X, pz.X, vx, vy
	r.Speed_mps, r.Accel_mps2, r.Heading_rad = speed, at, atan2(vy, vx)
	r.Period, r.Clock, r.InBounds, r.BallHolder = period, clock, in, false
	if !fwd && sn.kind == KindPlayer {
		s.accumulateAt(sn, n, sn.seg[i], px.X, py.X, speed, at, in, period, clock)
	}
}

// accumulate adds the smoothed estimate of player sn at tick n to its
// figures: distance (only while the still detector says moving; gaps up to
// BridgeGap_ms bridged), top speed, time on court and in speed bands,
// sprints, accelerations and decelerations.
func (s *Session) accumulate(sn *sensor, n int64) {
	i := n & s.tickMask
	seg := sn.seg[i]
	if seg == noSeg {
		return
	}
	period, clock := s.tickPeriod[i], s.tickClock[i]
	px, py := &sn.sx[i], &sn.sy[i]
	vx, vy := px.V, py.V
	speed := math.Sqrt(vx*vx + vy*vy)
	var at float64
	if speed > 1e-6 {
		at = (vx*px.A + vy*py.A) / speed
	}
	in := s.inBounds(px.X, py.X)
	s.accumulateAt(sn, n, seg, px.X, py.X, speed, at, in, period, clock)
}

func (s *Session) accumulateAt(sn *sensor, n, seg int64, x, y, speed, at float64, in bool, period int32, clock ClockState) {
	a := &sn.acc
	d := s.dispSpeed(sn, n, seg, s.halfWin)
	switch {
	case seg == n:
		a.moving = d > s.moveOn
	case a.moving && d < s.moveOff:
		a.moving = false
	case !a.moving && d > s.moveOn:
		a.moving = true
	}
	step, counted := 0.0, false
	switch {
	case seg < n && a.moving:
		p := (n - 1) & s.tickMask
		dx, dy := x-sn.sx[p].X, y-sn.sy[p].X
		step, counted = math.Sqrt(dx*dx+dy*dy), true
	case seg == n && a.lastN != noSeg && (n-a.lastN)*s.period_ms <= s.cfg.BridgeGap_ms:
		// A new track after a gap: bridge it with the cubic Hermite curve
		// between the two ends' positions and velocities (a straight line
		// when the player stood at both ends; a jump no player can make is
		// not bridged).
		dx, dy := x-a.lastX, y-a.lastY
		chord := math.Sqrt(dx*dx + dy*dy)
		gap := float64(n-a.lastN) * s.dt_s
		if chord <= sn.kin.MaxSpeed_mps*gap {
			i := n & s.tickMask
			l := hermiteLength(a.lastX, a.lastY, a.lastVx, a.lastVy, x, y, sn.sx[i].V, sn.sy[i].V, gap)
			l = min(l, sn.kin.MaxSpeed_mps*gap)
			if l > s.moveOn*gap {
				step, counted = l, true
			}
		}
	}
	i := n & s.tickMask
	a.lastN, a.lastX, a.lastY, a.lastVx, a.lastVy = n, x, y, sn.sx[i].V, sn.sy[i].V
	if counted {
		a.dist += step
		live := clock == ClockLive
		if live {
			a.distLive += step
		}
		if in {
			a.distCourt += step
			if live {
				a.distLiveCourt += step
			}
		}
		if period > 0 {
			for int(period) > len(a.distPeriod) {
				a.distPeriod = append(a.distPeriod, 0)
			}
			a.distPeriod[period-1] += step
		}
	}
	if speed > a.top {
		// Top speed is held over TopSpeedWindow_s: the displacement over
		// the window, so that one noisy velocity estimate cannot set it.
		if v := min(speed, s.dispSpeed(sn, n, seg, s.topWin)); v > a.top {
			a.top = v
		}
	}
	if in {
		a.onCourt++
		b := len(s.cfg.SpeedBands_mps)
		for k, e := range s.cfg.SpeedBands_mps {
			if speed < e {
				b = k
				break
			}
		}
		a.bands[b] += s.dt_s
	}
	if seg == n {
		a.sprintRun, a.accelRun, a.decelRun = 0, 0, 0
	}
	if speed >= s.cfg.Sprint_mps {
		a.sprintRun++
		if a.sprintRun == s.sprintT {
			a.sprints++
		}
	} else {
		a.sprintRun = 0
	}
	if at >= s.cfg.Accel_mps2 {
		a.accelRun++
		if a.accelRun == s.accelT {
			a.accels++
		}
	} else {
		a.accelRun = 0
	}
	if at <= -s.cfg.Accel_mps2 {
		a.decelRun++
		if a.decelRun == s.accelT {
			a.decels++
		}
	} else {
		a.decelRun = 0
	}
}

func (s *Session) flushRows() error {
	if len(s.rows) == 0 {
		return nil
	}
	for i, k := range s.sinks {
		if err := k.Samples(s.rows); err != nil {
			s.rows = s.rows[:0]
			return &SinkError{Index: i, Op: "samples", Err: err}
		}
	}
	s.rows = s.rows[:0]
	return nil
}

func (s *Session) emitSegment(g *Segment) error {
	for i, k := range s.sinks {
		if err := k.Segment(g); err != nil {
			return &SinkError{Index: i, Op: "segment", Err: err}
		}
	}
	return nil
}

func (s *Session) shot(sh *decode.Shot) error {
	g := &s.seg
	*g = Segment{
		Type: SegFeedShot, Start_ms: sh.OccurredAt_ms, End_ms: sh.OccurredAt_ms,
		PlayerID: sh.PlayerID, TeamID: sh.TeamID, Made: sh.IsMake, Is3Point: sh.Is3Point,
		Zone: sh.Zone, Period: s.timeline.samplePeriod(),
	}
	return s.emitSegment(g)
}

// Close flushes everything: the remaining ticks are processed and smoothed
// as if the feed's last sample were followed by a long gap, pending DIST
// checks and markers are resolved, analyzers finish, and every sink's
// Close receives the summary. The summary stays valid after Close.
func (s *Session) Close() (*Summary, error) {
	if s.closed {
		return nil, ErrClosed
	}
	s.closed = true
	var err error
	if s.haveLocT {
		if !s.gridStarted() {
			err = s.startGrid()
		}
		if err == nil {
			err = s.advance(true)
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
	for i, k := range s.sinks {
		if e := k.Close(sum); e != nil && err == nil {
			err = &SinkError{Index: i, Op: "close", Err: e}
		}
	}
	return sum, err
}

// hermiteLength is the length of the cubic Hermite curve from (x0, y0) with
// velocity (vx0, vy0) to (x1, y1) with velocity (vx1, vy1) over T seconds,
//
//	p(u) = h00(u)·p0 + h10(u)·T·v0 + h01(u)·p1 + h11(u)·T·v1,  u ∈ [0, 1],
//
// summed over 32 chords.
func hermiteLength(x0, y0, vx0, vy0, x1, y1, vx1, vy1, T float64) float64 {
	const k = 32
	px, py := x0, y0
	l := 0.0
	for j := 1; j <= k; j++ {
		u := float64(j) / k
		u2, u3 := u*u, u*u*u
		h00, h10 := 2*u3-3*u2+1, u3-2*u2+u
		h01, h11 := -2*u3+3*u2, u3-u2
		x := h00*x0 + h10*T*vx0 + h01*x1 + h11*T*vx1
		y := h00*y0 + h10*T*vy0 + h01*y1 + h11*T*vy1
		l += math.Hypot(x-px, y-py)
		px, py = x, y
	}
	return l
}
