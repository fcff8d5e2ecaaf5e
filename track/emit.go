package track

import (
	"math"
	"slices"
)

// Emission: Sample rows, analyzer frames and the players' figures.

// dispWindow returns the still detector's statistic at tick n in two
// parts: the squared horizontal displacement d2_m2 of the smoothed track
// over the window centred on n, with the window clipped to the track, and
// the window's duration dur_s (0 when the clipped window is empty). The
// statistic itself is the speed √d2_m2 / dur_s (dispSpeed); the decisions
// that only compare it with a threshold use dispAbove and dispBelow, which
// need neither the square root nor the division in nearly every case.
func (s *Session) dispWindow(sn *sensor, n, seg, half int64) (d2_m2, dur_s float64) {
	a, b := n-half, n+half
	if a < seg {
		a = seg
	}
	newest := s.horizon - 1
	for b > n && (b > newest || sn.ticks[b&s.tickMask].seg != seg) {
		b--
	}
	if b <= a {
		return 0, 0
	}
	sa, sb := &sn.ticks[a&s.tickMask].s, &sn.ticks[b&s.tickMask].s
	dx, dy := sb[0].X-sa[0].X, sb[1].X-sa[1].X
	return dx*dx + dy*dy, float64(b-a) * s.dt_s
}

// dispSpeed is the speed √d2_m2 / dur_s of a dispWindow (0 for an empty
// window).
func dispSpeed(d2_m2, dur_s float64) float64 {
	if dur_s == 0 {
		return 0
	}
	return math.Sqrt(d2_m2) / dur_s
}

// dispAbove reports whether dispSpeed(d2_m2, dur_s) > v_mps, bit for bit
// the same decision. It compares d2_m2 with (v·dur)² first: the rounding
// of the square root, the division and the squares moves either side by a
// few parts in 10¹⁶, so when the two differ by more than 10⁻⁹ of their
// size (nearly always) the answer is known; only closer than that (or near
// underflow) is dispSpeed computed and compared exactly. The shortcut
// needs v_mps ≥ 0 (a negative one has the same square as its opposite):
// the still thresholds are (Config.validate) and so is a top speed.
func dispAbove(d2_m2, dur_s, v_mps float64) bool {
	if dur_s != 0 {
		l := v_mps * dur_s
		if l2 := l * l; l2 > 1e-200 {
			if d2_m2 > l2*(1+1e-9) {
				return true
			}
			if d2_m2 < l2*(1-1e-9) {
				return false
			}
		}
	}
	return dispSpeed(d2_m2, dur_s) > v_mps
}

// dispBelow reports whether dispSpeed(d2_m2, dur_s) < v_mps, the same way
// as dispAbove.
func dispBelow(d2_m2, dur_s, v_mps float64) bool {
	if dur_s != 0 {
		l := v_mps * dur_s
		if l2 := l * l; l2 > 1e-200 {
			if d2_m2 < l2*(1-1e-9) {
				return true
			}
			if d2_m2 > l2*(1+1e-9) {
				return false
			}
		}
	}
	return dispSpeed(d2_m2, dur_s) < v_mps
}

// emitFrame turns tick n into Sample rows from the forward estimate (live
// mode; ahead: the scratch one of a tick past the grid, see framesAhead),
// calls the analyzers and hands the rows to the sinks. It applies the
// markers up to the tick and records the tick's period and clock for
// accumulate.
func (s *Session) emitFrame(n int64, ahead bool) error {
	T := n * s.period_ms
	if err := s.applyMarkers(T); err != nil {
		return err
	}
	period := s.timeline.samplePeriod()
	clock := s.timeline.clock
	j := n & s.clockMask
	s.tickPeriod[j], s.tickClock[j] = period, clock
	start := len(s.rows)
	if len(s.rows)+len(s.sensors) > cap(s.rows) {
		s.rows = slices.Grow(s.rows, len(s.sensors))
	}
	for _, i := range s.players {
		s.emitSensor(s.sensors[i], n, T, period, clock, ahead)
	}
	np := len(s.rows) - start
	for _, i := range s.balls {
		s.emitSensor(s.sensors[i], n, T, period, clock, ahead)
	}
	if err := s.callAnalyzers(T, period, clock, s.rows[start:start+np:start+np], s.rows[start+np:]); err != nil {
		return err
	}
	return s.flushRows()
}

// emitBlockFrame is emitFrame for tick n of a smoothed block starting at
// tick from, whose rows emitTrack has written: it applies the markers up
// to the tick and calls the analyzers. It returns the end of the tick's
// rows in s.rows (0 when the markers failed, before the analyzers).
func (s *Session) emitBlockFrame(n, from int64) (end int, err error) {
	T := n * s.period_ms
	if err := s.applyMarkers(T); err != nil {
		return 0, err
	}
	b := &s.block[n-from]
	start, np := b.start, int(b.players)
	end = start + int(b.rows)
	// Capacity capped: an analyzer appending to the slices it was given
	// must not overwrite the next tick's rows.
	return end, s.callAnalyzers(T, b.period, b.clock, s.rows[start:start+np:start+np], s.rows[start+np:end:end])
}

// callAnalyzers counts a tick's rows in bounds (Summary.InBounds) and
// calls the analyzers on them, if it has any.
func (s *Session) callAnalyzers(T int64, period int32, clock ClockState, players, balls []Sample) error {
	s.inCounts.add(players, balls)
	if len(players)+len(balls) == 0 || len(s.analyzers) == 0 {
		return nil
	}
	f := &s.frame
	f.T_ms, f.Dt_s, f.Period, f.Clock = T, s.dt_s, period, clock
	f.Players, f.Balls = players, balls
	for i, a := range s.analyzers {
		if err := a.Frame(f, s.emitFn); err != nil {
			f.Players, f.Balls = nil, nil
			return s.fail(&SinkError{Index: i, Op: "frame", Err: err})
		}
	}
	f.Players, f.Balls = nil, nil
	return nil
}

// emitTrack is smoothAndEmit's per-sensor part for ticks from..upTo,
// right after the sensor's backward pass. In batch mode it writes the
// sensor's smoothed rows into their slots (planBlock) and adds a player's
// rows to its figures; in live mode (rows already sent from the forward
// estimate) it only adds the figures. At a tick where a DIST check of this
// sensor will be resolved (planChecks), it copies the figures, or holds
// the check when it fell inside the player's dropout (takeSnap).
func (s *Session) emitTrack(sn *sensor, from, upTo int64, batch bool) {
	player := sn.kind == KindPlayer
	snaps, c := s.snaps, 0
	if len(snaps) > 0 && snaps[0].n == from && player {
		// Checks of ticks before this block (late, or skipped with the
		// whole feed silent) that fell inside a gap of the player: as of
		// their own tick, before this tick's bridge adds the gap.
		for k := 0; k < len(snaps) && snaps[k].n == from; k++ {
			if sp := &snaps[k]; sp.sn == sn && sp.nc < from && sn.acc.lastN < sp.nc {
				s.takeSnap(sn, sp)
			}
		}
	}
	if !batch {
		for n := from; n <= upTo; n++ {
			if player {
				s.accumulate(sn, n)
			}
			for ; c < len(snaps) && snaps[c].n == n; c++ {
				if snaps[c].sn == sn && !snaps[c].set {
					s.takeSnap(sn, &snaps[c])
				}
			}
		}
		s.expireHolds(sn, upTo)
		return
	}
	rows, ticks, mask := s.rows, sn.ticks, s.tickMask
	nextSnap := int64(math.MaxInt64) // the tick of snaps[c]
	if len(snaps) > 0 {
		nextSnap = snaps[0].n
	}
	for off := range s.block {
		b := &s.block[off]
		n := from + int64(off)
		j := n & mask
		if t := &ticks[j]; t.seg != noSeg {
			// The row as emitSensor writes it, from the smoothed states
			// (written out: a call per row costs more than its stores).
			px, py, pz := &t.s[0], &t.s[1], &t.f[2] // a player's z is never smoothed (sensor.smoothBack)
			if sn.sz != nil {
				pz = &sn.sz[j]
			}
			vx, vy := px.V, py.V
			speed, at := planar(px, py)
			in := s.inBounds(px.X, py.X)
			r := &rows[b.start+int(b.rows)]
			b.rows++
			r.T_ms, r.SensorID, r.Kind, r.TeamID = n*s.period_ms, sn.id, sn.kind, sn.team
			r.X_m, r.Y_m, r.Z_m, r.Vx_mps, r.Vy_mps = px.X, py.X, pz.X, vx, vy
			r.Speed_mps, r.Accel_mps2, r.Heading_rad = speed, at, atan2(vy, vx)
			r.Period, r.Clock, r.InBounds, r.BallHolder, r.GameBall = b.period, b.clock, in, false, false
			if player {
				s.accumulateAt(sn, t, n, speed, at, in, b.period, b.clock)
			}
		}
		if n == nextSnap {
			for ; c < len(snaps) && snaps[c].n == n; c++ {
				if snaps[c].sn == sn && !snaps[c].set {
					s.takeSnap(sn, &snaps[c])
				}
			}
			if c < len(snaps) {
				nextSnap = snaps[c].n
			}
		}
	}
	s.expireHolds(sn, upTo)
}

// expireHolds settles player sn's held DIST checks once its dropout is
// longer than BridgeGap_ms at tick upTo without the track resuming: no
// bridge will count it.
func (s *Session) expireHolds(sn *sensor, upTo int64) {
	if sn.holds > 0 && upTo-sn.acc.lastN > s.bridgeTicks {
		s.settleHolds(sn, sn.acc.lastN, false)
	}
}

// inBounds reports whether a court position is on the court grown by
// InBoundsMargin_m (always true in the sensor frame).
func (s *Session) inBounds(x, y float64) bool {
	return s.noCourt || math.Abs(x) <= s.halfL && math.Abs(y) <= s.halfW
}

// planar returns the horizontal speed |v| = √(vx² + vy²) of the x and y
// estimates and the tangential acceleration a·v/|v| (0 below 1e-6 m/s).
func planar(px, py *State) (speed_mps, at_mps2 float64) {
	vx, vy := px.V, py.V
	speed_mps = math.Sqrt(vx*vx + vy*vy)
	if speed_mps > 1e-6 {
		at_mps2 = (vx*px.A + vy*py.A) / speed_mps
	}
	return speed_mps, at_mps2
}

// emitSensor appends the sensor's forward row at tick n, if it has an
// estimate (live mode; ahead: the scratch estimate, see framesAhead;
// emitTrack writes the smoothed rows the same way, but for the
// acceleration: see liveAccel).
func (s *Session) emitSensor(sn *sensor, n, T int64, period int32, clock ClockState, ahead bool) {
	f := &sn.ticks[n&s.tickMask].f
	switch {
	case ahead:
		if sn.pre.n != n {
			return
		}
		f = &sn.pre.f
	case sn.ticks[n&s.tickMask].seg == noSeg:
		return
	}
	px, py, pz := &f[0], &f[1], &f[2]
	vx, vy := px.V, py.V
	speed := math.Sqrt(vx*vx + vy*vy) // as planar, and as liveAccel reads it back
	at := s.liveAccel(sn, n, speed, ahead)
	k := len(s.rows)
	s.rows = s.rows[:k+1]
	r := &s.rows[k]
	r.T_ms, r.SensorID, r.Kind, r.TeamID = T, sn.id, sn.kind, sn.team
	r.X_m, r.Y_m, r.Z_m, r.Vx_mps, r.Vy_mps = px.X, py.X, pz.X, vx, vy
	r.Speed_mps, r.Accel_mps2, r.Heading_rad = speed, at, atan2(vy, vx)
	r.Period, r.Clock, r.InBounds, r.BallHolder, r.GameBall = period, clock, s.inBounds(px.X, py.X), false, false
}

// liveAccel returns the tangential acceleration of the live row at tick n
// (ahead: of the scratch estimate, sn.pre) whose forward speed is
// speed_mps: the change of the forward speed over the last k =
// accelTicks ticks (liveAccel_s),
//
//	a_n = (|v_n| − |v_{n−k}|) / (k·dt),
//
// and 0 until the track is more than k ticks old: its first tick's speed
// is the filter's prior, 0, not an estimate. Not v·a/|v| of the forward
// state, as a smoothed row takes: the forward velocity and acceleration
// errors are positively correlated, and that read a still sensor +1.25 to
// +1.55 m/s² on average (docs/kinematics.md, "Live rows' acceleration").
// The speed at n − k is the grid's (the tick ring's) unless it is past
// the grid (a row ahead), then the scratch chain's (sn.pre.sp): both
// hold it, the ring holds accelTicks ticks and more (startGrid), and
// the chain the ticks from the grid's to n.
func (s *Session) liveAccel(sn *sensor, n int64, speed_mps float64, ahead bool) float64 {
	k := s.accelTicks
	j := n - k
	seg := sn.ticks[n&s.tickMask].seg
	if ahead {
		seg = sn.pre.seg
	}
	if j <= seg {
		return 0
	}
	var old float64
	if ahead && j >= s.nextTick {
		old = sn.pre.sp[j&int64(len(sn.pre.sp)-1)]
	} else {
		t := &sn.ticks[j&s.tickMask]
		if t.seg != seg {
			return 0 // the grid split the track where the scratch chain did not
		}
		old = math.Sqrt(t.f[0].V*t.f[0].V + t.f[1].V*t.f[1].V)
	}
	return (speed_mps - old) / (float64(k) * s.dt_s)
}

// accumulate adds the smoothed estimate of player sn at tick n to its
// figures: distance (only while the still detector says moving; gaps up to
// BridgeGap_ms bridged), top speed, time on court and in speed bands,
// sprints, accelerations and decelerations.
func (s *Session) accumulate(sn *sensor, n int64) {
	i := n & s.tickMask
	t := &sn.ticks[i]
	seg := t.seg
	if seg == noSeg {
		return
	}
	period, clock := s.tickPeriod[n&s.clockMask], s.tickClock[n&s.clockMask]
	px, py := &t.s[0], &t.s[1]
	speed, at := planar(px, py)
	in := s.inBounds(px.X, py.X)
	s.accumulateAt(sn, t, n, speed, at, in, period, clock)
}

// accumulateAt is accumulate with the tick's slot t (holding an estimate)
// and its row's figures already computed.
func (s *Session) accumulateAt(sn *sensor, t *tickSlot, n int64, speed, at float64, in bool, period int32, clock ClockState) {
	a := &sn.acc
	seg := t.seg
	cur := &t.s
	x, y := cur[0].X, cur[1].X
	var d2, dur float64
	if h := s.halfWin; n-h >= seg && n+h < s.horizon && sn.ticks[(n+h)&s.tickMask].seg == seg {
		// dispWindow's common case written out (it is too large to
		// inline): the whole window lies within the track.
		pa, pb := &sn.ticks[(n-h)&s.tickMask].s, &sn.ticks[(n+h)&s.tickMask].s
		dx, dy := pb[0].X-pa[0].X, pb[1].X-pa[1].X
		d2, dur = dx*dx+dy*dy, float64(2*h)*s.dt_s
	} else {
		d2, dur = s.dispWindow(sn, n, seg, h)
	}
	switch {
	case seg == n:
		a.moving = dispAbove(d2, dur, s.moveOn)
	case a.moving:
		a.moving = !dispBelow(d2, dur, s.moveOff)
	default:
		a.moving = dispAbove(d2, dur, s.moveOn)
	}
	step, counted := 0.0, false
	switch {
	case seg < n && a.moving:
		p := &sn.ticks[(n-1)&s.tickMask].s
		dx, dy := x-p[0].X, y-p[1].X
		step, counted = math.Sqrt(dx*dx+dy*dy), true
	case seg == n && a.lastN != noSeg:
		s.resume(sn, n, x, y, cur[0].V, cur[1].V, in, period, clock)
	}
	a.lastN, a.lastX, a.lastY, a.lastVx, a.lastVy = n, x, y, cur[0].V, cur[1].V
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
	if period != a.period {
		a.enterPeriod(period)
	}
	if in {
		a.onCourt++
		a.bands[s.band(speed)] += s.dt_s
	}
	// An effort goes on through a bridged gap, which bridge fed it
	// (resume sets through): sprints the bridge's speed, accelerations
	// and decelerations its mean tangential acceleration
	// (docs/kinematics.md).
	fresh := seg == n
	a.sprint.step(speed, s.cfg.Sprint_mps, s.sprintT, s.gapT, fresh, &a.sprints)
	a.accel.step(at, s.cfg.Accel_mps2, s.accelT, s.gapT, fresh, &a.accels)
	a.decel.step(-at, s.cfg.Accel_mps2, s.accelT, s.gapT, fresh, &a.decels)
	// Last, so that few values are live across the call.
	if speed > a.top {
		if e := s.topEdge; n-e >= seg && n+e < s.horizon && sn.ticks[(n+e)&s.tickMask].seg == seg {
			// Top speed is held over TopSpeedWindow_s: the displacement
			// over the window, so that one noisy velocity estimate cannot
			// set it, and only at least topEdge_s (and the half window)
			// from the track's ends: at its start, its end and both sides
			// of a dropout longer than MaxGap_ms the smoothed estimate is
			// least constrained, and a window cut to one side read up to
			// 0.6 m/s high. min(speed, disp) > top ⇔ disp > top here.
			h := s.topWin
			pa, pb := &sn.ticks[(n-h)&s.tickMask].s, &sn.ticks[(n+h)&s.tickMask].s
			dx, dy := pb[0].X-pa[0].X, pb[1].X-pa[1].X
			if d2, dur := dx*dx+dy*dy, float64(2*h)*s.dt_s; dispAbove(d2, dur, a.top) {
				a.top = min(speed, dispSpeed(d2, dur))
			}
		} else if a.top == 0 && speed > a.topEnd {
			s.topAtEnd(sn, n, seg, speed)
		}
	}
}

// topAtEnd keeps in sn.acc.topEnd the top speed of the ticks the edge rule
// of accumulateAt excludes (closer than topEdge_s to a track's end), held
// over the window clipped to the track: the top speed of a player none of
// whose ticks qualifies (every piece of the track shorter than about
// 2·topEdge_s + a grid period: a tag that reports 0.5 s in every 1.7 s, a
// player on court for 0.4 s), who otherwise read 0 beside his distance.
// Such a figure reads up to about 0.6 m/s high (docs/kinematics.md, "Top
// speed"); it is kept only while no tick has qualified (top is 0) and used
// only if none ever does (Session.summary).
func (s *Session) topAtEnd(sn *sensor, n, seg int64, speed float64) {
	a := &sn.acc
	if d2, dur := s.dispWindow(sn, n, seg, s.topEdge); dispAbove(d2, dur, a.topEnd) {
		a.topEnd = min(speed, dispSpeed(d2, dur))
	}
}

// resume adds the gap before tick n, the first of a new track of player
// sn (position x, y and velocity vx, vy; in bounds, period and clock of
// the tick), after its estimate at tick sn.acc.lastN. Up to BridgeGap_ms,
// the gap is bridged with the cubic Hermite curve between the two ends'
// positions and velocities (a straight line when the player stood at
// both ends; a jump no player can make is not bridged; a curve slower
// than the still detector's MoveOn_mps counts no distance, but its ticks'
// time, at speed 0). A longer gap is not counted; its chord is kept for
// the DIST cross-check, whose feed may count the movement the engine did
// not see. Either way the DIST checks held for the gap are settled, and
// the effort runs are told whether they go on through the gap
// (effort.through).
func (s *Session) resume(sn *sensor, n int64, x, y, vx, vy float64, in bool, period int32, clock ClockState) {
	a := &sn.acc
	last := a.lastN
	dx, dy := x-a.lastX, y-a.lastY
	chord := math.Sqrt(dx*dx + dy*dy)
	gap := float64(n-last) * s.dt_s
	bridged, through := false, false
	switch {
	case chord > sn.kin.MaxSpeed_mps*gap:
	case n-last <= s.bridgeTicks:
		l := hermiteLength(a.lastX, a.lastY, a.lastVx, a.lastVy, x, y, vx, vy, gap)
		l = min(l, sn.kin.MaxSpeed_mps*gap)
		bridged = l > s.moveOn*gap
		if !bridged {
			l = 0 // the player stood: the ticks' time counts, no distance
		}
		s.bridge(sn, n, l, x, y, vx, vy, in, period, clock)
		through = true
	default:
		a.unseen += chord
	}
	a.sprint.through, a.accel.through, a.decel.through = through, through, through
	if sn.holds > 0 {
		s.settleHolds(sn, last, bridged)
	}
}

// Where bridge credited a tick's part of a gap (Session.bridgeIn).
const (
	bridgeLive  = 1 << iota // the tick's clock is LIVE
	bridgeCourt             // the curve is in bounds at the tick
)

// bridge adds the bridge of length l_m across the gap of player sn
// before tick n (see resume) to its figures. The curve is split at the
// grid's ticks inside the gap, each part weighted by its share of the
// curve's length and credited like a step to the tick it ends at: to
// that tick's period and clock, and on court when the curve is in bounds
// there. Crediting the whole gap to the tick where the track resumes
// counted a 1.5 s dropout of a FOUL that ended 0.08 s before the
// resumption as live distance (+2.3 % of a player's live distance on a
// simulated game). Each tick inside the gap (tick n has its own row)
// also counts like an observed one toward the time on court and the
// speed band of its speed, its part over the grid period, and feeds that
// speed to the sprint run: without it the distance of a tag 0.5 s on /
// 1.2 s off went over a third of the time (20 m/s mean speed at 6 m/s),
// and a sprint through a 1.5 s dropout counted twice. Each such tick
// feeds the acceleration and deceleration runs the gap's mean tangential
// acceleration, the change of speed between the two ends over the gap:
// the mean of v·a/|v| over any path between them, where the curve's own
// acceleration is constrained by no sample. So an effort goes on through
// the gap when the gap's speed change keeps its pace (≥ Accel_mps2 on
// average), and ends at the gap's start otherwise; one may also start in
// the gap, a change of at least Accel_mps2 times a gap longer than
// MaxGap_ms. Without it a 1.5 s acceleration at 4 m/s² with a 1.1 s
// dropout in its middle was lost (0.2 s on each side). s.bridgeW and
// s.bridgeIn keep each tick's part for settleHolds.
func (s *Session) bridge(sn *sensor, n int64, l_m, x, y, vx, vy float64, in bool, period int32, clock ClockState) {
	a := &sn.acc
	last := a.lastN
	m := n - last
	gap := float64(m) * s.dt_s
	w, where := s.bridgeW[:m], s.bridgeIn[:m]
	sum := hermitePieces(w, a.lastX, a.lastY, a.lastVx, a.lastVy, x, y, vx, vy, gap)
	at_mps2 := (math.Hypot(vx, vy) - math.Hypot(a.lastVx, a.lastVy)) / gap
	a.dist += l_m
	for k := range m {
		step := 0.0
		if sum > 0 {
			step = w[k] * (l_m / sum)
		}
		w[k] = step
		p, c, on := period, clock, in
		if t := last + 1 + k; t != n {
			j := t & s.clockMask
			p, c = s.tickPeriod[j], s.tickClock[j]
			px, py := hermitePoint(a.lastX, a.lastY, a.lastVx, a.lastVy, x, y, vx, vy, gap, float64(k+1)/float64(m))
			on = s.inBounds(px, py)
		}
		where[k] = 0
		if c == ClockLive {
			where[k] |= bridgeLive
			a.distLive += step
		}
		if on {
			where[k] |= bridgeCourt
			a.distCourt += step
			if c == ClockLive {
				a.distLiveCourt += step
			}
		}
		if p > 0 {
			for int(p) > len(a.distPeriod) {
				a.distPeriod = append(a.distPeriod, 0)
			}
			a.distPeriod[p-1] += step
		}
		if t := last + 1 + k; t != n {
			v := step / s.dt_s
			if p != a.period {
				a.enterPeriod(p)
			}
			if on {
				a.onCourt++
				a.bands[s.band(v)] += s.dt_s
			}
			a.sprint.step(v, s.cfg.Sprint_mps, s.sprintT, s.gapT, false, &a.sprints)
			a.accel.step(at_mps2, s.cfg.Accel_mps2, s.accelT, s.gapT, false, &a.accels)
			a.decel.step(-at_mps2, s.cfg.Accel_mps2, s.accelT, s.gapT, false, &a.decels)
		}
	}
}

// effort counts the runs of one value at or above a threshold that last
// at least a minimum time (sprints: speed; accelerations: the signed
// acceleration; decelerations: its negative). A run's duration is measured
// between the threshold crossings, interpolated linearly between the ticks
// on either side: counting ticks instead (k ticks ≥ 1 s / dt) took runs
// of (k−1)·dt, 0.96 s at 25 Hz and 0.9 s at 10 Hz, and over-counted
// sprints by 7 % and 9 % on simulated games.
//
// A dip below the threshold shorter than EffortGap_s (between the
// interpolated crossings) does not end a run: the run goes on through it,
// and its duration runs from its first upward crossing to its last
// downward one. The smoothed acceleration carries 0.35–0.6 m/s² of noise
// at σ = 50 mm, which split one 2 s effort into two counted ones and cut
// efforts of 0.7–1.4 s into runs shorter than the minimum
// (docs/kinematics.md).
type effort struct {
	run     int     // ticks since the run's first tick at or above the threshold, that one included (0: no run)
	lead    float64 // the part of a tick before the run's first tick that was already above, interpolated
	below   int     // ticks below the threshold since the run's last tick above (0: above)
	tail    float64 // the part of a tick after the run's last tick above that was still above, interpolated
	counted bool    // the current run has been counted
	prev    float64 // the value at the previous tick of the track
	// cur is the period of the tick being stepped (accum.enterPeriod
	// sets it when the period changes), start the period of the current
	// run's first tick at or above the threshold: a run is counted
	// (effortCount.add) under the period it started in, once, wherever
	// it ends. Set here rather than passed, as through is.
	cur, start int32
	// through: the track's next first tick is not fresh, the run goes on
	// from before the gap, which bridge fed it (set at every track's
	// first tick but the session's by resume). Kept here rather than
	// passed, so that the steady state's call is unchanged.
	through bool
}

// step takes the value v at the next tick of a track (fresh: the track's
// first tick, when no crossing before it is known) and counts an effort
// in count when the current run, in ticks, reaches minTicks (the minimum time over
// the grid period); gapTicks is EffortGap_s over the grid period.
func (e *effort) step(v, threshold, minTicks, gapTicks float64, fresh bool, count *effortCount) {
	if v < threshold && e.run == 0 {
		e.prev = v // nearly every tick: no run, none starting (inlined)
		return
	}
	e.run1(v, threshold, minTicks, gapTicks, fresh, count)
}

// run1 is step for a tick in or ending a run, or starting one.
func (e *effort) run1(v, threshold, minTicks, gapTicks float64, fresh bool, count *effortCount) {
	if fresh {
		if e.through {
			fresh = false
		} else {
			e.run, e.below = 0, 0
		}
	}
	switch {
	case v >= threshold:
		lead := 0.0
		if !fresh && e.prev < threshold {
			lead = (v - threshold) / (v - e.prev)
		}
		if e.run > 0 && e.below > 0 && float64(e.below)+1-e.tail-lead >= gapTicks {
			// The dip, from the downward crossing to this upward one,
			// lasted EffortGap_s or more: a new run.
			e.run = 0
		}
		if e.run == 0 {
			e.lead, e.counted, e.start = lead, false, e.cur
		}
		e.run++
		e.below = 0
		if !e.counted && float64(e.run-1)+e.lead >= minTicks {
			e.tally(count)
		}
	case e.run > 0:
		if e.below == 0 {
			// The run fell below between the previous tick and this one:
			// it may end here (unless it comes back within EffortGap_s).
			e.tail = (e.prev - threshold) / (e.prev - v)
			if !e.counted && float64(e.run-1)+e.lead+e.tail >= minTicks {
				e.tally(count)
			}
		}
		e.below++
		e.run++
		if float64(e.below-1)+1-e.tail >= gapTicks {
			e.run, e.below = 0, 0
		}
	}
	e.prev = v
}

// effortCount counts the efforts of one kind: in all, and per period
// (index 0 = period 1; one that started outside any period, period 0,
// in n only).
type effortCount struct {
	n        int
	byPeriod []int
}

// add counts an effort that started in period p.
func (c *effortCount) add(p int32) {
	c.n++
	if p > 0 {
		c.byPeriod = grow(c.byPeriod, int(p))
		c.byPeriod[p-1]++
	}
}

// tally counts the current run, under the period it started in.
func (e *effort) tally(count *effortCount) {
	e.counted = true
	count.add(e.start)
}

// band is the index of the speed band (PlayerSummary.SpeedBand_s) of a
// speed in m/s.
func (s *Session) band(speed_mps float64) int {
	for k, e := range s.cfg.SpeedBands_mps {
		if speed_mps < e {
			return k
		}
	}
	return len(s.cfg.SpeedBands_mps)
}
