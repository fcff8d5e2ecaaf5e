package track

import (
	"math"
	"slices"
)

// The grid: ticks processed in lockstep for all sensors, the forward
// filter at each tick, and the fixed-lag smoother every block.

func (s *Session) gridStarted() bool { return s.tickCap > 0 }

// startGrid sizes the tick rings and the gain tables once the grid period
// is known, and starts the grid at the first tick at or after the oldest
// sample held.
func (s *Session) startGrid() error {
	s.detectRate()
	dt := s.dt_s
	// The outlier test goes by the feed's samples, not the grid's ticks:
	// on a grid finer than the feed its "three periods" were shorter than
	// two sample intervals, so no sample had neighbours close enough for
	// the line test, and a 10 Hz feed on a 50 Hz grid let its jumps
	// through: with σ² already scaled (upsample), a game's worst player
	// read 1.19 % long, 0.60 % now and 0.65 % on the feed's own grid.
	s.sample_ms = max(s.period_ms, int64(math.Round(s.feedPeriod_ms)))
	// The outlier test of a tick's right bracket needs the two samples
	// after it (nextWorse): a window of 3.5 sample periods holds them. At
	// 10 Hz the default 250 ms held only one, and a jump next to a good
	// sample had the good one dropped in its place.
	s.window_ms = max(s.cfg.ReorderWindow_ms, (7*s.sample_ms+1)/2)
	s.setVetBounds()
	var err error
	est := 0.0
	if s.autoNoise() {
		est = s.detectNoise()
	}
	s.noiseVals = nil
	up := s.upsample()
	for _, k := range []SensorKind{KindPlayer, KindBall} {
		kin := &s.cfg.Player
		if k == KindBall {
			kin = &s.cfg.Ball
		}
		kc := *kin
		if kc.Noise_m == 0 {
			kc.Noise_m = est
		}
		// Outlier_m and JumpSlack_m are given for σ = 50 mm and grow with
		// a noisier feed: white noise alone puts a sample 0.35 m off its
		// neighbours' line once in 60 at σ = 100 mm. (The sensors' kin
		// points here.)
		if f := kc.Noise_m / refNoise_m; f > 1 {
			kin.Outlier_m, kin.JumpSlack_m = kc.Outlier_m*f, kc.JumpSlack_m*f
		}
		if k == KindPlayer {
			s.q.Noise_m = kc.Noise_m
			// The still detector's thresholds are set for σ = 50 mm and
			// scale with √(σ/50 mm): the smoothed white noise alone would
			// allow σ^(5/6), but the slow wander of real sensors
			// (multipath) does not shrink with the white noise.
			f := math.Pow(kc.Noise_m/refNoise_m, 0.5)
			s.moveOn, s.moveOff = s.cfg.MoveOn_mps*f, s.cfg.MoveOff_mps*f
		}
		// On a grid finer than the feed, σ² grows with the number of
		// interpolated ticks per sample (upsample); the thresholds above
		// stay the sensor's.
		s.models[k], err = cachedModel(dt, kc.Noise_m*math.Sqrt(up), kc.JerkPSD_m2ps5, kc.InitSpeed_mps, kc.InitAccel_mps2)
		if err != nil {
			return err
		}
	}
	s.halfWin = max(1, int64(math.Round(s.cfg.StillWindow_s/2/dt)))
	s.topWin = max(1, int64(math.Round(s.cfg.TopSpeedWindow_s/2/dt)))
	s.topEdge = max(s.topWin, int64(math.Round(topEdge_s/dt)))
	s.lagTicks = max(1, int64(math.Ceil(s.cfg.Lag_s/dt)))
	if !s.cfg.Causal {
		s.holdTicks = int64(math.Ceil(s.cfg.MarkerHold_s / dt))
	}
	s.accelTicks = max(1, int64(math.Round(liveAccel_s/dt)))
	// Smooth in blocks of two lags: 1.5 backward steps per tick.
	s.blockTicks = 2 * s.lagTicks
	// (Batch) the backward passes run holdTicks behind the grid.
	need := s.lagTicks + s.blockTicks + 2*max(s.halfWin, s.topEdge) + 8 + s.holdTicks
	if s.cfg.Causal {
		// Frames run ahead of a held grid by less than the longest
		// MaxGap_ms (framesAhead) and record their ticks' period and
		// clock, while the figures still read the ticks from the oldest
		// not emitted (at most a block and a lag behind the grid) less a
		// window.
		gap := ceilDiv(max(s.cfg.Player.MaxGap_ms, s.cfg.Ball.MaxGap_ms), s.period_ms)
		need = max(need, s.lagTicks+s.blockTicks+max(s.halfWin, s.topEdge)+gap+8)
		// A live row reads the forward speed accelTicks back (liveAccel).
		need = max(need, s.accelTicks+8)
	}
	c := 8
	for int64(c) < need {
		c <<= 1
	}
	s.tickCap = c
	s.tickMask = int64(c - 1)
	// A gap bridged at tick n reads the period and clock of its ticks
	// back to n − bridgeTicks, while the ring holds ticks up to a block
	// and a lag (and, live, the frames ahead) past n: the ring of ticks'
	// clocks is longer than the tick ring when bridgeTicks needs it
	// (bridge).
	s.bridgeTicks = s.cfg.BridgeGap_ms / s.period_ms
	s.bridgeW = make([]float64, s.bridgeTicks+1)
	s.bridgeIn = make([]uint8, s.bridgeTicks+1)
	needClock := 2*s.lagTicks + s.blockTicks + s.bridgeTicks + 8
	if s.cfg.Causal {
		needClock += ceilDiv(max(s.cfg.Player.MaxGap_ms, s.cfg.Ball.MaxGap_ms), s.period_ms)
	}
	cc := c
	for int64(cc) < needClock {
		cc <<= 1
	}
	s.clockMask = int64(cc - 1)
	s.tickPeriod = make([]int32, cc)
	s.tickClock = make([]ClockState, cc)
	s.tickRows = make([]int32, c)
	s.blockBuf = make([]blockTick, c)
	s.sprintT = s.cfg.SprintMin_s / dt
	s.accelT = s.cfg.AccelMin_s / dt
	s.gapT = EffortGap_s / dt
	first := int64(math.MaxInt64)
	for _, sn := range s.sensors {
		sn.allocTicks(c, s.preSpeeds())
		sn.model = s.models[sn.kind]
		if sn.raw.n > 0 && sn.raw.s[sn.raw.head].t < first {
			first = sn.raw.s[sn.raw.head].t
		}
	}
	if first == math.MaxInt64 {
		first = s.maxT
	}
	s.nextTick = ceilDiv(first, s.period_ms)
	s.emitNext = s.nextTick
	s.frameNext = s.nextTick
	s.lastBack = s.nextTick - 1
	s.horizon = s.nextTick
	return nil
}

// preSpeeds is the length of a sensor's ring of scratch speeds
// (preSlot.sp): live, the k + 1 ticks n − k … n a row ahead of the grid
// may read (liveAccel), rounded up to a power of two; none in batch.
func (s *Session) preSpeeds() int {
	if !s.cfg.Causal {
		return 0
	}
	c := 1
	for int64(c) < s.accelTicks+1 {
		c <<= 1
	}
	return c
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
	wm := s.maxT - s.window_ms
	if force {
		wm = s.maxT
	}
	for {
		T := s.nextTick * s.period_ms
		if T > wm {
			return nil
		}
		if !force && s.blocked(T, wm) {
			if s.cfg.Causal {
				return s.framesAhead(wm)
			}
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
		h := r.s[r.head].t
		var c int64
		switch {
		case h >= T:
			c = ceilDiv(h, p)
		case r.n >= 2:
			c = ceilDiv(r.s[r.at(1)].t, p)
			if r.s[r.at(1)].t-h <= sn.kin.MaxGap_ms {
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
	if err := s.catchUp(); err != nil {
		return err
	}
	if s.nextTick-1 >= s.emitNext {
		if err := s.smoothAndEmit(s.nextTick-1, s.nextTick-1); err != nil {
			return err
		}
	}
	k := min(next-s.nextTick, int64(s.tickCap))
	for _, sn := range s.sensors {
		for n := s.nextTick; n < s.nextTick+k; n++ {
			sn.ticks[n&s.tickMask].seg = noSeg
		}
	}
	for n := s.nextTick; n < s.nextTick+k; n++ {
		s.tickRows[n&s.tickMask] = 0
	}
	// The skipped ticks get no frame, but a gap bridged across them
	// credits its distance to their period and clock (bridge). Live, the
	// frames sent ahead have set theirs.
	from := max(s.nextTick, next-int64(len(s.tickClock)))
	if s.cfg.Causal {
		from = max(from, s.frameNext)
	}
	s.planClock(from, next-1)
	s.nextTick, s.emitNext, s.lastBack = next, next, next-1
	return nil
}

// planClock sets the period and clock of ticks from..upTo in the ring of
// ticks' clocks as applyMarkers will leave them at each tick.
func (s *Session) planClock(from, upTo int64) {
	w := s.clockWalk()
	for n := from; n <= upTo; n++ {
		w.at(n * s.period_ms)
		j := n & s.clockMask
		s.tickPeriod[j], s.tickClock[j] = w.period, w.clock
	}
}

// clockWalk follows the period and clock that applyMarkers will set at
// later ticks: it applies the pending markers to a copy of the timeline
// (timeline.apply changes only its period and clock) as at's times go on.
type clockWalk struct {
	tl     timeline
	m      int   // tl.pending[:m] are applied
	next   int64 // the time of tl.pending[m] (math.MaxInt64: none)
	period int32
	clock  ClockState
}

func (s *Session) clockWalk() clockWalk {
	w := clockWalk{tl: s.timeline, next: math.MaxInt64}
	w.period, w.clock = w.tl.samplePeriod(), w.tl.clock
	if len(w.tl.pending) > 0 {
		w.next = w.tl.pending[0].t
	}
	return w
}

// at moves the walk to time T (not before the previous one).
func (w *clockWalk) at(T int64) {
	if T >= w.next {
		w.advance(T)
	}
}

func (w *clockWalk) advance(T int64) {
	tl := &w.tl
	for w.m < len(tl.pending) && tl.pending[w.m].t <= T {
		tl.apply(tl.pending[w.m].typ)
		w.m++
	}
	w.next = math.MaxInt64
	if w.m < len(tl.pending) {
		w.next = tl.pending[w.m].t
	}
	w.period, w.clock = tl.samplePeriod(), tl.clock
}

// blocked reports whether some sensor has a track open before T, nothing
// at or after T yet, and could still bridge to T without exceeding its
// kind's MaxGap_ms.
//
// Only a sensor whose newest sample is older than T can block, so the scan
// over every sensor is skipped while T ≤ minLast, a lower bound of the
// newest sample of every non-empty ring: a ring's newest sample only ever
// gets newer (consume always leaves one sample), except when an empty
// ring receives its first (place lowers the bound then) and when consume
// drops a newest sample as a jump (dropNewest lowers it). Each scan that
// finds nothing sets the bound to the exact minimum; in a steady feed that
// is one scan in several ticks.
func (s *Session) blocked(T, wm int64) bool {
	if T <= s.minLast {
		return false
	}
	low := int64(math.MaxInt64)
	for _, sn := range s.sensors {
		r := &sn.raw
		if r.n == 0 {
			continue
		}
		last := r.lastT()
		low = min(low, last)
		if r.s[r.head].t > T {
			continue
		}
		if last < T && wm < last+sn.kin.MaxGap_ms {
			return true
		}
	}
	s.minLast = low
	return false
}

// framesAhead (live mode) emits the frames of the ticks from the grid's
// next tick up to the watermark while the grid is held there (blocked) by
// a sensor in a dropout it may still bridge. Waiting for that sensor
// froze every row for up to its kind's MaxGap_ms (1 s for a player, a
// bench player's tag included) and then let them leave in a burst; instead
// each of these ticks' rows leave at the watermark, as in a steady feed:
// every sensor with a sample past the tick from a scratch forward estimate
// (forwardAhead), the silent ones absent. The grid still waits: when it
// reaches these ticks it runs the forward filter for real, for the
// smoother and the figures, which so stay batch's to the bit, and emits
// their rows no more. Frames run at most the longest MaxGap_ms ahead of
// the grid: a blocking sensor's newest sample is before the grid's tick,
// and the watermark within MaxGap_ms of it.
func (s *Session) framesAhead(wm int64) error {
	p := s.period_ms
	for n := max(s.frameNext, s.nextTick); n*p <= wm; n++ {
		for _, sn := range s.sensors {
			s.forwardAhead(sn, n, n*p)
		}
		s.frameNext = n + 1
		if err := s.emitFrame(n, true); err != nil {
			return err
		}
	}
	return nil
}

// forwardAhead sets sn.pre to the sensor's forward estimate at tick n, a
// tick past the grid (framesAhead), or to none. It reads the raw ring and
// changes nothing else: it runs the forward step of forwardSensor from the
// sensor's estimate at the tick before (its scratch one, or the grid's at
// the grid's last tick), on the position interpolated at T between the
// newest sample at or before T and the next, and starts a track after a
// gap or a jump as consume does. It has no estimate for a sensor with no
// sample after T (a dropout: it leaves the frame without it) or inside a
// gap or a jump. Unlike consume it drops no single-sample outlier: that
// needs the samples after the tick that are not in yet, and a frame
// cannot wait for them. What the grid makes of the same samples later
// differs from this only where it dropped one.
func (s *Session) forwardAhead(sn *sensor, n, T int64) {
	pre := &sn.pre
	r := &sn.raw
	prevN := pre.n
	pre.n = noSeg
	if r.n == 0 || r.s[r.head].t > T {
		return
	}
	var prev *axes // the estimate at tick n-1, nil: none
	seg, lt := int64(noSeg), r.s[r.head].t
	switch {
	case n == s.nextTick:
		// From the grid's estimate at its last tick, whose left bracket is
		// the ring's head (the grid may have passed the scratch one).
		if sn.lastN == n-1 {
			t := &sn.ticks[(n-1)&s.tickMask]
			prev, seg = &t.f, t.seg
		}
	case prevN == n-1:
		prev, seg, lt = &pre.f, pre.seg, pre.lt
	}
	i := 0
	for i < r.n && r.s[r.at(i)].t < lt {
		i++
	}
	split := false
	for ; i+1 < r.n && r.s[r.at(i+1)].t <= T; i++ {
		a, b := &r.s[r.at(i)], &r.s[r.at(i+1)]
		if b.t-a.t > sn.kin.MaxGap_ms || sn.teleport(a, b) {
			split = true
		}
	}
	if i >= r.n || r.s[r.at(i)].t > T {
		return
	}
	l := &r.s[r.at(i)]
	var x, y, z float64
	switch {
	case l.t == T:
		x, y, z = l.x, l.y, l.z
	case i+1 < r.n:
		rr := &r.s[r.at(i+1)]
		if rr.t-l.t > sn.kin.MaxGap_ms || sn.teleport(l, rr) {
			return
		}
		w := float64(T-l.t) / float64(rr.t-l.t)
		x = l.x + w*(rr.x-l.x)
		y = l.y + w*(rr.y-l.y)
		z = l.z + w*(rr.z-l.z)
	default:
		return // nothing after T: a dropout
	}
	m := sn.model
	if prev == nil || split {
		pre.seg = n
		pre.f = axes{m.start(x), m.start(y), m.start(z)}
	} else {
		g, f0, f1 := m.gain(int(n-seg)), m.f0, m.f1
		pre.seg = seg
		pre.f = axes{predictUpdate(g, f0, f1, prev[0], x), predictUpdate(g, f0, f1, prev[1], y), predictUpdate(g, f0, f1, prev[2], z)}
	}
	pre.n, pre.lt = n, l.t
	pre.sp[n&int64(len(pre.sp)-1)] = math.Sqrt(pre.f[0].V*pre.f[0].V + pre.f[1].V*pre.f[1].V)
}

// processTick runs the forward filter of every sensor at tick n, then the
// smoother and the emission when a block is complete.
func (s *Session) processTick(n, wm int64, force bool) error {
	T := n * s.period_ms
	rows := int32(0)
	for _, sn := range s.sensors {
		if s.forwardSensor(sn, n, T) {
			rows++
		}
	}
	s.tickRows[n&s.tickMask] = rows
	s.idle = rows == 0
	s.nextTick = n + 1
	if s.cfg.Causal && n >= s.frameNext {
		// Live: the rows leave now, from the forward estimate (unless
		// they left ahead of the grid, see framesAhead); the figures
		// follow the smoothed track a lag later.
		if err := s.emitFrame(n, false); err != nil {
			return err
		}
	}
	// Batch: the backward pass, and the emission of its ticks, wait
	// holdTicks more, for the markers that come late; it is the one that
	// would have run at tick n − holdTicks, to the bit (catchUp runs the
	// last of them).
	if m := n - s.holdTicks; m-s.lastBack >= s.blockTicks {
		return s.smoothAndEmit(m, m-s.lagTicks)
	}
	return nil
}

// catchUp runs the backward passes (and emissions) that processTick
// holds back for the markers (holdTicks) up to the grid's newest tick,
// in order, as they would have run without the hold: before the grid
// skips a silence, and at Close.
func (s *Session) catchUp() error {
	for s.holdTicks > 0 {
		m := s.lastBack + s.blockTicks
		if m > s.nextTick-1 {
			return nil
		}
		if err := s.smoothAndEmit(m, m-s.lagTicks); err != nil {
			return err
		}
	}
	return nil
}

// forwardSensor consumes the sensor's raw samples up to T, interpolates its
// position at T and runs one forward Kalman step (or starts a track). It
// reports whether the sensor has an estimate at T.
func (s *Session) forwardSensor(sn *sensor, n, T int64) bool {
	r := &sn.raw
	if r.n == 0 || r.s[r.head].t > T {
		sn.ticks[n&s.tickMask].seg = noSeg
		return false
	}
	s.consume(sn, T)
	cur := &sn.ticks[n&s.tickMask]
	cur.seg = noSeg
	l := &r.s[r.head]
	var x, y, z float64 // the position at T
	switch {
	case l.t == T:
		x, y, z = l.x, l.y, l.z
	case r.n >= 2:
		rr := &r.s[r.at(1)]
		if rr.t-l.t > sn.kin.MaxGap_ms || sn.teleport(l, rr) {
			return false // no estimate inside a gap or a jump
		}
		w := float64(T-l.t) / float64(rr.t-l.t)
		x = l.x + w*(rr.x-l.x)
		y = l.y + w*(rr.y-l.y)
		z = l.z + w*(rr.z-l.z)
	default:
		return false // nothing after T: a confirmed dropout
	}
	m := sn.model
	if sn.split || sn.lastN != n-1 {
		cur.seg = n
		cur.f = axes{m.start(x), m.start(y), m.start(z)}
		sn.split = false
	} else {
		// Model.step on the three axes, one gain lookup.
		prev := &sn.ticks[(n-1)&s.tickMask]
		cur.seg = prev.seg
		g, f0, f1 := m.gain(int(n-prev.seg)), m.f0, m.f1
		cur.f[0] = predictUpdate(g, f0, f1, prev.f[0], x)
		cur.f[1] = predictUpdate(g, f0, f1, prev.f[1], y)
		cur.f[2] = predictUpdate(g, f0, f1, prev.f[2], z)
	}
	sn.lastN = n
	return true
}

// consume makes the newest raw sample at or before T the left bracket,
// dropping single-sample outliers, counting gaps and teleports, and adding
// the raw step lengths in between to the raw path length.
//
// A single-sample outlier is the second-oldest raw sample when it is
// further than Outlier_m from the straight line between its neighbours
// while the neighbours themselves are consistent: close in time (three
// sample periods, sample_ms) and no teleport between them (see nextWorse
// for which of two samples is the jump); with the neighbours further
// apart in time, it is one when it is a teleport from either of them
// (jumpOut). A track's first sample, with no neighbour before it (the
// sensor's first, or the first after a gap), is checked against its next
// two samples instead (edgeJump). Each middle sample is checked once
// (sensor.checkedT), when the samples the check needs are in or when the
// sample is due. The check is written out here, in the one loop every
// tick of every sensor runs, rather than called.
func (s *Session) consume(sn *sensor, T int64) {
	r := &sn.raw
	rs := r.s
	kin := sn.kin
	for r.n >= 2 {
		i, j := r.head, r.at(1)
		si, sj := &rs[i], &rs[j]
		ti, tj := si.t, sj.t
		if !r.popped && r.n >= 3 && sn.checkedT == 0 && kin.Outlier_m > 0 {
			// The sensor's first sample.
			sn.checkedT = ti
			if edgeJump(sn, si, sj, &rs[r.at(2)], 3*s.sample_ms) {
				r.head = j
				r.n--
				s.q.Outliers++
				continue
			}
		}
		if r.n >= 3 && tj != sn.checkedT && kin.Outlier_m > 0 {
			sk := &rs[r.at(2)]
			tk := sk.t
			// sensor.teleport(i, k), written out.
			dt := float64(tk-ti) * 1e-3
			ex, ey := sk.x-si.x, sk.y-si.y
			lim := kin.MaxSpeed_mps*dt + kin.JumpSlack_m
			jump := false
			switch {
			case ex*ex+ey*ey > lim*lim:
				if r.n == 3 && edgeJump(sn, sk, sj, si, 3*s.sample_ms) {
					// The newest sample, a track's last (none after it
					// in the window), jumped off the two before it.
					s.dropNewest(r)
					continue
				}
			case tk-ti > 3*s.sample_ms:
				if r.n < 4 && tj > T {
					// Not due yet: decide once the fourth sample is in
					// (after a gap, the next tick may be far off).
					return
				}
				jump = jumpOut(sn) || tj-ti > kin.MaxGap_ms && r.n >= 4 &&
					edgeJump(sn, sj, sk, &rs[r.at(3)], 3*s.sample_ms)
			default:
				w := float64(tj-ti) / float64(tk-ti)
				dx := sj.x - (si.x + w*ex)
				dy := sj.y - (si.y + w*ey)
				d2 := dx*dx + dy*dy
				if d2 > kin.Outlier_m*kin.Outlier_m {
					if r.n == 3 && edgeJump(sn, sk, sj, si, 3*s.sample_ms) {
						// The newest sample, a track's last, is off the
						// line of the two before it: it is the jump.
						s.dropNewest(r)
						continue
					}
					jump = !s.nextWorse(sn, d2)
				}
			}
			if jump {
				// Move the oldest into the outlier's slot and drop the
				// old head.
				*sj = *si
				r.head = j
				r.n--
				s.q.Outliers++
				continue
			}
			sn.checkedT = tj
		}
		if tj > T {
			break
		}
		switch {
		case tj-ti > kin.MaxGap_ms:
			s.q.Gaps++
			sn.split = true
		default:
			// sensor.teleport, with the step's length kept for the raw
			// path length.
			dx, dy := sj.x-si.x, sj.y-si.y
			d2 := dx*dx + dy*dy
			lim := kin.MaxSpeed_mps*(float64(tj-ti)*1e-3) + kin.JumpSlack_m
			if d2 > lim*lim {
				s.q.Teleports++
				sn.split = true
			} else if sn.kind == KindPlayer {
				sn.acc.raw += math.Sqrt(d2)
			}
		}
		// Drop the oldest sample (place's duplicate check reads
		// lastPopped).
		r.lastPopped, r.popped = ti, true
		r.head = j
		r.n--
	}
}

// jumpOut reports, for a middle sample (the ring's second) whose
// neighbours agree (no teleport between them) but lie too far apart in
// time for the line test (dropped samples around it), whether it is a
// jump all the same: a teleport from either neighbour, while the third
// sample agrees with the fourth (else the third is the jump, whose line
// test comes next). On a simulated game with a fifth of the samples
// dropped, a 2.4 m jump between two dropped samples and the next one went
// through and set a player's top speed 1.3 m/s too high.
func jumpOut(sn *sensor) bool {
	r := &sn.raw
	if r.n < 4 {
		return false
	}
	si, sj, sk, sl := &r.s[r.head], &r.s[r.at(1)], &r.s[r.at(2)], &r.s[r.at(3)]
	return (sn.teleport(si, sj) || sn.teleport(sj, sk)) && !sn.teleport(sk, sl)
}

// dropNewest drops the newest sample of r as an outlier, keeping blocked's
// bound on the rings' newest samples a lower bound.
func (s *Session) dropNewest(r *ring) {
	r.n--
	s.minLast = min(s.minLast, r.lastT())
	s.q.Outliers++
}

// edgeJump reports whether sample a, at an end of a track (no sample on
// one side to test it against), is a jump: further than 2·Outlier_m from
// where the line through its two nearest samples b and c (b the nearer)
// puts it at a's time, while b and c agree (no teleport) and lie within
// maxDt_ms of a. Extrapolating from two samples takes their noise along
// (σ·√6 for equal steps), hence twice the line test's distance. At 10 Hz a
// first sample 1.5 m off went through (rows at 9.7 m/s for a player at
// 2 m/s), and at 25 Hz it became a track of one row 1.5 m off.
func edgeJump(sn *sensor, a, b, c *rawSample, maxDt_ms int64) bool {
	if c.t < b.t {
		if sn.teleport(c, b) || a.t-c.t > maxDt_ms {
			return false
		}
	} else if sn.teleport(b, c) || c.t-a.t > maxDt_ms {
		return false
	}
	lim := 2 * sn.kin.Outlier_m
	return offLine2(a, b, c) > lim*lim
}

// nextWorse reports, for a middle sample (the ring's second) that lies
// d2_m2 (squared) off the line between its neighbours, whether the third
// sample lies further off the line between the second and the fourth: then
// the third is the outlier, which pulled the first line off the second,
// and the second stays (the third is checked next). A jump of D metres
// puts its neighbour about D/2 off such a line, and the neighbours'
// teleport bound (MaxSpeed_mps·Δt + JumpSlack_m over two sample periods)
// does not tell them apart when D is under it: 2.4 m at 12.5 Hz. It needs
// a fourth sample close enough in time; without one the second is the
// outlier, as before.
func (s *Session) nextWorse(sn *sensor, d2_m2 float64) bool {
	r := &sn.raw
	if r.n < 4 {
		return false
	}
	sj, sk, sl := &r.s[r.at(1)], &r.s[r.at(2)], &r.s[r.at(3)]
	if sl.t-sj.t > 3*s.sample_ms || sn.teleport(sj, sl) {
		return false
	}
	return offLine2(sk, sj, sl) > d2_m2
}

// offLine2 is the squared horizontal distance of sample a from where the
// line through samples b and c puts it at a's time (between them, or
// extended beyond them).
func offLine2(a, b, c *rawSample) float64 {
	w := float64(a.t-b.t) / float64(c.t-b.t)
	dx := a.x - (b.x + w*(c.x-b.x))
	dy := a.y - (b.y + w*(c.y-b.y))
	return dx*dx + dy*dy
}

// smoothAndEmit runs the RTS backward pass from the newest tick down to
// the oldest tick not yet emitted, then emits every tick up to upTo.
//
// It goes sensor by sensor first: each sensor's backward pass is followed
// at once by its rows of the emitted ticks (batch mode) and, for a player,
// its figures (accumulateAt), while its tick ring is still in L1 cache.
// Going tick by tick over every sensor instead, each slot would be read
// back from L2 (a block is 75 ticks of 128 B per sensor, a game has 25
// sensors). Then it goes tick by tick for everything that needs whole
// ticks in order: markers, analyzer frames, sink batches and DIST checks.
// The output is the same as emitting tick by tick, to the bit and in the
// same order:
//
//   - a tick's period and clock, which the figures need before its markers
//     are applied, come from planBlock, which runs the markers on a copy
//     of the timeline;
//   - every sensor's rows go straight to their final place in s.rows (the
//     grid counted each tick's rows, tickRows; sensors fill a tick's rows
//     in emission order: players, then balls);
//   - a DIST check resolved after tick n reads the player's figures as of
//     tick n, which the sensor pass copies for it (planChecks).
func (s *Session) smoothAndEmit(newest, upTo int64) error {
	from := s.emitNext
	s.blockFrom = from
	s.horizon = newest + 1
	batch := !s.cfg.Causal
	if upTo >= from {
		if batch {
			s.planBlock(from, upTo)
		}
		s.planChecks(from, upTo)
	}
	for _, i := range s.players {
		sn := s.sensors[i]
		sn.smoothBack(newest, from, s.tickMask)
		s.emitTrack(sn, from, upTo, batch)
	}
	for k := range s.block {
		s.block[k].players = s.block[k].rows
	}
	for _, i := range s.balls {
		sn := s.sensors[i]
		sn.smoothBack(newest, from, s.tickMask)
		s.emitTrack(sn, from, upTo, batch)
	}
	s.lastBack = newest
	if upTo < from {
		return nil
	}
	err := s.emitTicks(from, upTo, batch)
	s.snaps, s.snapNext, s.block = s.snaps[:0], 0, nil
	s.compactHeld()
	if err != nil {
		// The figures of the whole block are in: never accumulate its
		// ticks again.
		s.emitNext = upTo + 1
	}
	return err
}

// emitTicks is smoothAndEmit's tick by tick part, once every sensor's rows
// and figures are in: markers, analyzer frames and sink batches (batch
// mode), and DIST checks, for every tick from..upTo.
func (s *Session) emitTicks(from, upTo int64, batch bool) error {
	// s.rows[:flushed] went to the sinks; s.rows[:done] are the rows of
	// the ticks whose frames the analyzers saw (from earlier blocks at
	// first). On an error the rows in between stay for a later flush, as
	// when emitting tick by tick, and the others go: none may reach the
	// sinks twice.
	flushed, done := 0, 0
	if batch {
		done = s.block[0].start
	}
	fail := func(err error) error {
		if batch {
			s.rows = s.rows[:copy(s.rows, s.rows[flushed:done])]
		}
		return err
	}
	for n := from; n <= upTo; n++ {
		s.emitNext = n + 1
		if batch {
			end, err := s.emitBlockFrame(n, from)
			if end > 0 {
				done = end
			}
			if err != nil {
				return fail(err)
			}
			if end-flushed >= s.cfg.BatchRows {
				err := s.flushBatch(s.rows[flushed:end:end])
				flushed = end
				if err != nil {
					return fail(err)
				}
			}
		}
		if s.heldOld > 0 {
			if err := s.resolveHeld(n); err != nil {
				return fail(err)
			}
		}
		if err := s.resolveChecks(n * s.period_ms); err != nil {
			return fail(err)
		}
	}
	// Keep the rows not yet flushed (fewer than BatchRows) at the front.
	return fail(nil)
}

// blockTick is what smoothAndEmit keeps about one tick of the block it
// emits (batch mode): where its rows start in s.rows, how many are written
// so far and how many of them are players', and its period and clock.
type blockTick struct {
	start         int
	rows, players int32
	period        int32
	clock         ClockState
}

// planBlock sets s.block for ticks from..upTo (by offset from from) and
// makes room for their rows at the end of s.rows. Each tick's period and
// clock are as applyMarkers will leave them at the tick (clockWalk; they
// also go to the ring of ticks' clocks, for bridge), for the figures to
// use before the markers are applied for real, tick by tick.
func (s *Session) planBlock(from, upTo int64) {
	s.block = s.blockBuf[:upTo-from+1]
	w := s.clockWalk()
	k := len(s.rows)
	for off := range s.block {
		n := from + int64(off)
		w.at(n * s.period_ms)
		j := n & s.clockMask
		s.tickPeriod[j], s.tickClock[j] = w.period, w.clock
		s.block[off] = blockTick{start: k, period: w.period, clock: w.clock}
		k += int(s.tickRows[n&s.tickMask])
	}
	if k > cap(s.rows) {
		s.rows = slices.Grow(s.rows, k-len(s.rows))
	}
	s.rows = s.rows[:k]
}

// planChecks lists the DIST checks that resolveChecks will resolve during
// ticks from..upTo, each with its tick and its sensor (s.snaps, in queue
// order), for emitTrack to copy the sensor's figures at that tick.
func (s *Session) planChecks(from, upTo int64) {
	q := &s.checks
	i := q.head
	for n := from; n <= upTo && i < len(q.q); n++ {
		T := n * s.period_ms
		for ; i < len(q.q) && q.q[i].t <= T; i++ {
			s.snaps = append(s.snaps, checkSnap{n: n, nc: ceilDiv(q.q[i].t, s.period_ms), sn: s.ids.get(q.q[i].player), held: -1})
		}
	}
}

// smoothBack runs the RTS backward pass (Model.back, written out in
// rtsBack: it is 1.5 steps per tick and sensor) from tick newest down to
// tick oldest: the smoothed state at the newest tick of a track is its
// filtered state. A shoe sensor's height needs no smoothing: a player has
// no smoothed z, its rows take the filtered one (see emitSensor). The axes
// are written out, not looped over, so that the steps of the two or three
// axes interleave.
//
// The loop keeps the slot of tick n+1 (next) from the step before, and
// takes the steady-state gain row unless the step is among a track's
// first few: that is most of the loop's bookkeeping.
func (sn *sensor) smoothBack(newest, oldest, mask int64) {
	m := sn.model
	f0, f1 := m.f0, m.f1
	last := int64(len(m.c) - 1)
	steady := &m.c[last]
	ticks, sz := sn.ticks, sn.sz
	ball := sz != nil
	var t, next *tickSlot // the slots of ticks n and n+1 (nil at newest)
	for n := newest; n >= oldest; n, next = n-1, t {
		t = &ticks[n&mask]
		seg := t.seg
		if seg == noSeg {
			continue
		}
		if next == nil || next.seg != seg {
			t.s = [2]State{t.f[0], t.f[1]}
			if ball {
				sz[n&mask] = t.f[2]
			}
			continue
		}
		c := steady
		if k := n - seg; k < last {
			c = &m.c[k]
		}
		// rtsBack on x and y, inlined by hand (too large for the
		// compiler to inline).
		fx, fy, nx, ny := t.f[0], t.f[1], next.s[0], next.s[1] // copies: no aliasing with the stores
		dx0 := nx.X - (fx.X + f0*fx.V + f1*fx.A)
		dy0 := ny.X - (fy.X + f0*fy.V + f1*fy.A)
		dx1 := nx.V - (fx.V + f0*fx.A)
		dy1 := ny.V - (fy.V + f0*fy.A)
		dx2 := nx.A - fx.A
		dy2 := ny.A - fy.A
		t.s[0] = State{
			X: fx.X + c[0]*dx0 + c[1]*dx1 + c[2]*dx2,
			V: fx.V + c[3]*dx0 + c[4]*dx1 + c[5]*dx2,
			A: fx.A + c[6]*dx0 + c[7]*dx1 + c[8]*dx2,
		}
		t.s[1] = State{
			X: fy.X + c[0]*dy0 + c[1]*dy1 + c[2]*dy2,
			V: fy.V + c[3]*dy0 + c[4]*dy1 + c[5]*dy2,
			A: fy.A + c[6]*dy0 + c[7]*dy1 + c[8]*dy2,
		}
		if ball {
			sz[n&mask] = rtsBack(c, f0, f1, &t.f[2], &sz[(n+1)&mask])
		}
	}
}

// rtsBack is Model.back with the gain row c and the F entries f0 = dt,
// f1 = dt²/2 passed in: given the filtered state f at step k and the
// smoothed state ns at k+1, x̂_k = f + C_k (ŝ_{k+1} − F f).
func rtsBack(c *[9]float64, f0, f1 float64, f, ns *State) State {
	d0 := ns.X - (f.X + f0*f.V + f1*f.A)
	d1 := ns.V - (f.V + f0*f.A)
	d2 := ns.A - f.A
	return State{
		X: f.X + c[0]*d0 + c[1]*d1 + c[2]*d2,
		V: f.V + c[3]*d0 + c[4]*d1 + c[5]*d2,
		A: f.A + c[6]*d0 + c[7]*d1 + c[8]*d2,
	}
}
