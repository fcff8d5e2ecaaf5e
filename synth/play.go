package synth

import (
	"math"

	"github.com/stmotion/stmotion/decode"
)

// The director: it runs at every step, fires the events that are due
// (arrivals of flights, releases, pickups, decisions, clock changes) and
// re-aims the players five times a second. All randomness of the game comes
// from g.rng in a fixed order, so a seed gives one game; what the feed makes
// of it (delays, silences, wrong records) comes from g.frng, so that no feed
// setting changes the game.

func (g *game) near(x float64) bool { return g.t+1e-9 >= x }

// uni is a uniform draw in [lo, hi).
func (g *game) uni(lo, hi float64) float64 { return lo + (hi-lo)*g.rng.Float64() }

func (g *game) director() {
	g.benchUpdate()
	if g.near(g.nextDIST) {
		g.emitDIST(false)
		g.nextDIST += g.cfg.DistInterval_s
	}
	if len(g.corr) > 0 {
		g.runCorrections(false)
	}
	g.checkBreak()
	if g.b.kind == ballFlight && g.near(g.b.t0+g.b.fT) {
		g.arrive()
	}
	if g.act.active && g.near(g.act.release) {
		g.release()
	}
	if g.b.kind == ballLoose && g.picker >= 0 {
		g.chase()
	}
	switch g.ph {
	case phTip:
		g.tipPhase()
	case phLive:
		g.livePhase()
	case phRestart:
		g.restartPhase()
	case phFT:
		g.ftPhase()
	case phBreak:
		g.breakPhase()
	case phDrill:
		g.drillPhase()
	}
	if g.near(g.nextForm) {
		g.formation()
		g.nextForm = g.t + 0.2
	}
}

// ---------------------------------------------------------------- opening

// start places the players for the opening jump ball and sends the first
// markers.
func (g *game) start() {
	if g.cfg.Practice {
		g.marker(decode.MarkerDrillStart, "")
	} else {
		g.marker(decode.MarkerPlayStart, "")
	}
	spots := [5][2]float64{{2.6, 1.8}, {2.6, -1.8}, {5.5, 3.8}, {5.5, -3.8}, {0.45, 0}}
	for side := 0; side < 2; side++ {
		sx := -g.attack[side]
		for k, i := range g.five[side] {
			a := &g.ag[i]
			a.x, a.y = sx*spots[k][0]+g.uni(-0.2, 0.2), spots[k][1]+0.7*float64(side)*sgn(spots[k][1])+g.uni(-0.2, 0.2)
			a.heading = math.Atan2(-a.y, -a.x)
			a.setTarget(a.x, a.y, 1, 0)
		}
	}
	g.b = ball{kind: ballStatic, px: 0, py: -0.8, pz: 1.25, holder: -1, homing: -1}
	g.ph = phTip
	g.nextDecide = g.uni(2.5, 4)
}

func sgn(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

func (g *game) tipPhase() {
	if g.b.kind == ballStatic && g.near(g.nextDecide) {
		g.launchApex(flyTipToss, 0, 0, 3.2, 0.9)
	}
}

// ---------------------------------------------------------------- live play

// startPossession gives side the offense in mode m with the current holder.
func (g *game) startPossession(side int, m offMode) {
	g.off, g.om, g.possStart, g.ph = side, m, g.t, phLive
	g.nextDecide = g.t + g.uni(0.6, 1.5)
	g.driveFoul = false
	// Off-ball players take spots; nobody shares one.
	used := map[int]bool{}
	for k, i := range g.five[side] {
		for _, s := range homeSpots[k] {
			if !used[s] {
				used[s] = true
				g.spotOf[i] = s
				break
			}
		}
		g.reloc[i] = g.t
	}
	h := g.holder()
	if h < 0 {
		return
	}
	a := &g.ag[h]
	switch m {
	case omAdvance:
		x, y := g.courtXY(side, g.uni(-2, 2), g.tpl.ThreePointRadius_m+g.uni(0.8, 2.0))
		a.setTarget(x, y, g.uni(3.5, 5.5), g.uni(-0.3, 0.3))
	case omFast:
		x, y := g.courtXY(side, g.uni(-0.8, 0.8), 1.0)
		a.setTarget(x, y, g.uni(6.8, 8.8), g.uni(-0.15, 0.15))
	}
	g.nextForm = g.t
}

// startDribble starts dribbling if the holder may (not in a gather or
// a rebound's come-down).
func (g *game) startDribble() {
	b := &g.b
	if b.kind != ballHeld || b.dribbling || g.act.active {
		return
	}
	if b.rampDur > 0 && (g.t < b.rampT0+b.rampDur || b.ramp1 != holdZ_m) {
		return
	}
	a := &g.ag[b.holder]
	b.dribbling, b.dribT0, b.dribEnd, b.rampDur = true, g.t, math.Inf(1), 0
	b.dribHz = a.dribHz * (1 + 0.04*math.Min(a.gait_mps, 8))
}

// prepRelease stops the dribble at its next top, gathers the ball to
// releaseZ over gather seconds and schedules the release.
func (g *game) prepRelease(kind purpose, target int, releaseZ, gather float64) {
	b := &g.b
	start := g.t
	z0 := b.heldZ(g.t)
	if b.dribbling && g.t < b.dribEnd {
		start = b.nextTop(g.t + 0.04)
		b.dribEnd = start
		z0 = holdZ_m
	}
	b.rampT0, b.rampDur, b.ramp0, b.ramp1 = start, gather, z0, releaseZ
	g.act = action{active: true, kind: kind, release: start + gather, target: target, releaseZ: releaseZ}
}

func (g *game) livePhase() {
	h := g.holder()
	if h < 0 || g.act.active {
		return
	}
	a := &g.ag[h]
	xh, yh := g.hoopXY(g.off, a.x, a.y)
	dh := math.Hypot(xh, yh)
	switch g.om {
	case omAdvance:
		g.startDribble()
		if yh < g.tpl.ThreePointRadius_m+3 {
			g.om = omHalf
			g.nextDecide = g.t + g.uni(0.2, 1.0)
		}
	case omFast:
		g.startDribble()
		if dh < 1.8 {
			g.shoot(true)
		}
	case omDrive:
		g.startDribble()
		if g.driveFoul && dh < 2.6 {
			g.shootingFoul(h)
			return
		}
		if dh < 1.7 {
			g.shoot(true)
		}
	case omHalf:
		if g.near(g.nextDecide) {
			g.decide(h, xh, yh, dh)
		}
	}
}

// decide is the half-court holder's choice: shoot, turn it over, get
// fouled, drive, pass or keep dribbling. The shot clock pushes toward a shot.
func (g *game) decide(h int, xh, yh, dh float64) {
	a := &g.ag[h]
	e := g.t - g.possStart
	three := g.tpl.IsThreeFromHoop(xh, yh)
	R := g.tpl.ThreePointRadius_m
	var pShot float64
	switch {
	case dh < 2.2:
		pShot = 0.3
	case three && dh < R+1.3:
		pShot = 0.16
	case dh < 5.5:
		pShot = 0.11
	case three:
		pShot = 0.03
	default:
		pShot = 0.06
	}
	if e > 13 {
		pShot += (e - 13) * 0.07
	}
	if e > 21 {
		pShot = 1
	}
	g.nextDecide = g.t + g.uni(0.8, 2.2)
	r := g.rng.Float64()
	switch {
	case r < pShot:
		g.shoot(dh < 1.9)
	case r < pShot+0.032:
		g.turnover(h)
	case r < pShot+0.05:
		g.nonShootingFoul(h)
	case r < pShot+0.13 && dh > 3.5:
		g.om = omDrive
		g.driveFoul = g.rng.Float64() < 0.3
		x, y := g.courtXY(g.off, g.uni(-0.7, 0.7), 0.9)
		a.setTarget(x, y, g.uni(5.5, 7.5), g.uni(-0.35, 0.35))
		g.startDribble()
	case r < pShot+0.62:
		if rcv := g.pickReceiver(h); rcv >= 0 {
			g.prepRelease(flyPass, rcv, 1.2, g.uni(0.12, 0.3))
			return
		}
		fallthrough
	default:
		sp := g.spots[g.spotOf[h]]
		x, y := g.courtXY(g.off, sp[0]+g.uni(-1.3, 1.3), sp[1]+g.uni(-1.3, 1.0))
		a.setTarget(x, y, g.uni(1.2, 3.2), g.uni(-0.4, 0.4))
		g.startDribble()
	}
}

// pickReceiver chooses an open teammate 3-12 m away, or -1.
func (g *game) pickReceiver(h int) int {
	a := &g.ag[h]
	best, bestScore := -1, -1.0
	for _, i := range g.five[a.side] {
		r := &g.ag[i]
		if i == h || r.mode != modeCourt {
			continue
		}
		d := dist(a.x, a.y, r.x, r.y)
		if d < 3 || d > 12 {
			continue
		}
		open := 2.0
		if di := g.defenderOf(i); di >= 0 {
			open = math.Min(2, dist(r.x, r.y, g.ag[di].x, g.ag[di].y))
		}
		s := open + g.rng.Float64()*3
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	return best
}

// shoot starts a shot by the holder: a layup on the move, or a jump shot
// after slowing down.
func (g *game) shoot(layup bool) {
	h := g.holder()
	a := &g.ag[h]
	if layup {
		g.prepRelease(flyShot, -1, g.uni(2.75, 3.0), 0.2)
	} else {
		a.setTarget(a.x+a.vx*0.25, a.y+a.vy*0.25, 1.0, 0)
		g.prepRelease(flyShot, -1, g.uni(2.35, 2.6), g.uni(0.35, 0.5))
	}
	g.act.layup = layup
}

// release performs the scheduled release.
func (g *game) release() {
	act := g.act
	g.act.active = false
	h := g.holder()
	if h < 0 {
		return
	}
	switch act.kind {
	case flyShot:
		g.releaseShot(h, act.layup)
	case flyFT:
		g.releaseFT(h)
	case flyOut:
		g.releaseOut(h)
	default:
		g.releasePass(h, act.kind, act.target)
	}
}

func passKind(p purpose) string {
	switch p {
	case flyInbound:
		return "inbound"
	case flyToss:
		return "toss"
	}
	return "pass"
}

func (g *game) releasePass(h int, kind purpose, r int) {
	a, ra := &g.ag[h], &g.ag[r]
	homing := r
	if kind == flyPass && !g.dr.active && g.rng.Float64() < 0.045 {
		if di := g.defenderOf(r); di >= 0 && g.ag[di].mode == modeCourt {
			homing = di // intercepted: the flight ends in the defender's hands
		}
	}
	hm := &g.ag[homing]
	x, y, _ := g.ballPos(g.t)
	d := dist(x, y, hm.x, hm.y)
	speed := math.Min(15, math.Max(8, 6.5+0.6*d)) * g.uni(0.9, 1.08)
	switch kind {
	case flyInbound:
		speed = g.uni(8, 10.5)
	case flyToss:
		speed = g.uni(4.5, 7) // a gentle dead-ball throw
	}
	// The receiver slows to a stop 0.4 s ahead (to meet the ball), so he
	// covers about v·min(T, 0.8)/2 before the catch.
	T := d / speed
	k := 0.5 * math.Min(T, 0.8)
	px, py := hm.x+hm.vx*k, hm.y+hm.vy*k
	T = math.Max(0.2, dist(x, y, px, py)/speed)
	g.endHold(passKind(kind))
	g.launch(kind, T, homing, 0, 0, 0)
	g.b.passer, g.b.intended = h, r
	g.tr.Passes = append(g.tr.Passes, Pass{
		Kind: passKind(kind), From: a.id, Intended: ra.id, Released_ms: g.ms(g.t),
		LiveClock: g.clock == decode.MarkerLive,
	})
	g.passIdx = len(g.tr.Passes) - 1
	// The receiver comes to meet the ball.
	if kind == flyPass {
		hm.setTarget(hm.x+hm.vx*0.4, hm.y+hm.vy*0.4, math.Min(hm.gait_mps, 3.5), 0)
	}
}

// releaseOut throws the ball away over the nearest sideline.
func (g *game) releaseOut(h int) {
	a := &g.ag[h]
	hw := g.tpl.Width_m / 2
	sy := sgn(a.y)
	ex, ey := a.x+g.uni(-3, 3), sy*(hw+g.uni(0.6, 1.6))
	x, y, _ := g.ballPos(g.t)
	d := dist(x, y, ex, ey)
	g.endHold("pass")
	g.launch(flyOut, math.Max(0.35, d/g.uni(8, 11)), -1, ex, ey, ballR_m)
	g.b.passer, g.b.intended = h, -1
	g.tr.Passes = append(g.tr.Passes, Pass{
		Kind: "pass", From: a.id, Released_ms: g.ms(g.t), OutOfBounds: true,
		Distance_m: round3(d), AirSpeed_mps: round3(d / g.b.fT), LiveClock: g.clock == decode.MarkerLive,
	})
	g.passIdx = -1
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// releaseShot records the attempt and throws the ball at the rim; a miss
// plans the rebound now so that the rebounder can get there.
func (g *game) releaseShot(h int, layup bool) {
	a := &g.ag[h]
	xh, yh := g.hoopXY(a.side, a.x, a.y)
	three := g.tpl.IsThreeFromHoop(xh, yh)
	d := math.Hypot(xh, yh)
	var p float64
	switch {
	case layup || d < 1.6:
		p = 0.6
	case d < 4.5:
		p = 0.45
	case !three:
		p = 0.4
	default:
		p = 0.36
	}
	if d > g.tpl.ThreePointRadius_m+2.5 {
		p = 0.08
	}
	make := g.rng.Float64() < p*a.skill
	pts := 2
	if three {
		pts = 3
	}
	hx, hy := g.hoop(a.side)
	hoopName := "east"
	if hx < 0 {
		hoopName = "west"
	}
	st := ShotTruth{
		PlayerID: a.id, TeamID: g.teamID[a.side], Released_ms: g.ms(g.t), X_m: round6(a.x), Y_m: round6(a.y),
		Hoop: hoopName, HoopPlayerX_mm: int64(math.Round(xh * 1000)), HoopPlayerY_mm: int64(math.Round(yh * 1000)),
		Distance_m: round3(d), Is3Point: three, Zone: zone(g.tpl, xh, yh), Layup: layup, Make: make,
	}
	if make {
		st.Points = pts
	}
	g.tr.Shots = append(g.tr.Shots, st)
	g.shotIdx = len(g.tr.Shots) - 1
	g.ftIdx = -1
	g.endHold("shot")
	g.possSide = -1
	ex, ey := hx, hy
	if !make {
		// A miss hits the rim: its centre 0.3 m from the hoop's, beyond
		// the rim's radius (0.23 m) by about the ball's.
		ang := g.uni(0, 2*math.Pi)
		ex, ey = hx+0.3*math.Cos(ang), hy+0.3*math.Sin(ang)
	}
	apex := 0.9 + 0.13*d
	if layup {
		apex = g.uni(0.25, 0.5)
	}
	g.launchApex(flyShot, ex, ey, g.tpl.RimHeight_m, apex)
	g.b.passer = h
	g.ph = phShot
	g.rebounder = -1
	if !make {
		g.planRebound(a.side, d, 0)
	}
	if g.dr.active {
		g.drillShot(h, make)
		return
	}
	// The shooter keeps moving a little after a layup and lands after a jumper.
	if layup {
		x, y := g.courtXY(a.side, xh*0.5+g.uni(-1, 1), -0.3)
		a.setTarget(x, y, 2.0, 0)
	}
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// planRebound picks where a missed shot comes down and who gets it; that
// player starts for the spot at once. bias > 0 favours the defense more.
func (g *game) planRebound(shooterSide int, shotDist, bias float64) {
	r := g.uni(1.2, 3.6) + 0.15*math.Max(0, shotDist-4)
	ang := g.uni(-80, 80) * math.Pi / 180
	x, y := g.courtXY(shooterSide, r*math.Sin(ang), r*math.Cos(ang))
	best, bestT := -1, math.Inf(1)
	for s := 0; s < 2; s++ {
		for _, i := range g.five[s] {
			a := &g.ag[i]
			tt := dist(a.x, a.y, x, y)/6 + 0.55*g.rng.Float64()
			if s == shooterSide {
				tt += 0.35 + bias
			}
			if tt < bestT {
				best, bestT = i, tt
			}
		}
	}
	g.rebounder, g.rebX, g.rebY = best, x, y
	g.ag[best].setTarget(x, y, 6.5, 0)
}

// ---------------------------------------------------------------- arrivals

func (g *game) arrive() {
	b := &g.b
	switch b.fly {
	case flyShot:
		g.rim()
	case flyFT:
		g.ftRim()
	case flyRebound:
		g.reboundCatch()
	case flyTipToss:
		winner := g.rng.IntN(2)
		g.tipWinner = winner
		r := g.five[winner][g.rng.IntN(4)]
		g.setClock(decode.MarkerLive)
		g.launch(flyTip, g.uni(0.7, 1.0), r, 0, 0, 0)
	case flyTip:
		r := b.homing
		g.startHold(r, "tip")
		g.startPossession(g.ag[r].side, omAdvance)
	case flyOut:
		g.outOfBounds()
	case flyPickup:
		r := b.homing
		g.startHold(r, "pickup")
		g.picker = -1
	case flySteal:
		r := b.homing
		g.startHold(r, "steal")
		g.startPossession(g.ag[r].side, g.fastOrAdvance(0.35))
	default: // pass, inbound, toss
		g.catchPass()
	}
}

func (g *game) fastOrAdvance(p float64) offMode {
	if g.rng.Float64() < p {
		return omFast
	}
	return omAdvance
}

func (g *game) catchPass() {
	b := &g.b
	r, from, kind := b.homing, b.passer, b.fly
	if g.passIdx >= 0 {
		p := &g.tr.Passes[g.passIdx]
		x, y, _ := g.ballPos(g.t)
		d := dist(b.f0x, b.f0y, x, y)
		p.To, p.Caught_ms = g.ag[r].id, g.ms(g.t)
		p.Distance_m, p.AirSpeed_mps = round3(d), round3(d/b.fT)
	}
	if g.dr.active {
		if kind != flyPass {
			g.startHold(r, "toss")
			return
		}
		g.startHold(r, "catch")
		g.lastPassBy = from
		g.dr.shootAt = g.t + g.uni(0.35, 0.9)
		return
	}
	if kind == flyPass && from >= 0 && g.ag[r].side != g.ag[from].side {
		g.tr.Passes[g.passIdx].Intercepted = true
		g.startHold(r, "steal")
		g.stat(from, decode.ClassTurnover, g.t, g.statDelay())
		g.stat(r, decode.ClassSteal, g.t, g.statDelay())
		g.tr.Turnovers = append(g.tr.Turnovers, Turnover{PlayerID: g.ag[from].id, TeamID: g.teamID[g.ag[from].side], At_ms: g.ms(g.t), Kind: "steal", StolenBy: g.ag[r].id})
		g.startPossession(g.ag[r].side, g.fastOrAdvance(0.5))
		return
	}
	switch kind {
	case flyInbound:
		g.startHold(r, "inbound")
		g.setClock(decode.MarkerLive)
		a := &g.ag[r]
		_, yh := g.hoopXY(g.rs.side, a.x, a.y)
		m := omAdvance
		if yh < g.tpl.ThreePointRadius_m+3 {
			m = omHalf
		}
		g.lastPassBy = -1
		g.startPossession(g.rs.side, m)
	case flyToss:
		g.startHold(r, "toss")
	default:
		g.startHold(r, "catch")
		g.lastPassBy = from
		if g.om == omAdvance || g.om == omFast {
			a := &g.ag[r]
			x, y := g.courtXY(a.side, g.uni(-2.5, 2.5), g.tpl.ThreePointRadius_m+g.uni(0.5, 1.5))
			if g.om == omFast {
				x, y = g.courtXY(a.side, g.uni(-0.8, 0.8), 1.0)
			}
			a.setTarget(x, y, a.gait_mps, 0)
		} else {
			g.om = omHalf
			g.nextDecide = g.t + g.uni(0.5, 1.8)
		}
	}
}

// rim handles a field goal attempt reaching the rim.
func (g *game) rim() {
	s := &g.tr.Shots[g.shotIdx]
	s.Rim_ms = g.ms(g.t)
	i := g.b.passer
	a := &g.ag[i]
	occ := float64(s.Released_ms-g.start_ms) / 1000
	g.shotStat(i, s.Is3Point, s.Make, occ)
	g.em.push(pending{
		kind: decode.KindShot, occ_ms: s.Released_ms, deliver_ms: g.rel_ms(g.t + g.statDelay()),
		team: s.TeamID, player: s.PlayerID,
		shot: decode.ShotRecord{IsMake: s.Make, Is3Point: s.Is3Point, Zone: s.Zone, HoopPlayerX_mm: s.HoopPlayerX_mm, HoopPlayerY_mm: s.HoopPlayerY_mm},
	})
	if !s.Make {
		r := g.rebounder
		T := math.Max(0.6, dist(g.b.fEndX, g.b.fEndY, g.rebX, g.rebY)/3.5)
		g.launch(flyRebound, T, r, 0, 0, 2.3) // caught high
		return
	}
	g.tr.Teams[a.side].Points += s.Points
	if g.dr.active {
		// Through the net to the floor; the rebounder collects it.
		g.loose(0.15*(g.b.fEndX-g.b.f0x)/g.b.fT, 0.15*(g.b.fEndY-g.b.f0y)/g.b.fT, -1.2)
		g.picker = g.dr.passer
		return
	}
	if g.lastPassBy >= 0 && g.ag[g.lastPassBy].side == a.side && occ-g.lastCatch < 4 && g.holdGained == "catch" {
		s.AssistBy = g.ag[g.lastPassBy].id
		g.creditStat(g.lastPassBy, decode.ClassAssist, occ)
	}
	g.lastPassBy = -1
	// Through the net, then on the floor.
	g.loose(0.15*(g.b.fEndX-g.b.f0x)/g.b.fT, 0.15*(g.b.fEndY-g.b.f0y)/g.b.fT, -1.2)
	if s.Layup && g.rng.Float64() < 0.12 {
		s.AndOne = true
		g.startFT(i, 1)
		return
	}
	g.madeRestart(1 - a.side)
}

// reboundCatch ends a rebound flight in the rebounder's hands (high, then
// brought down).
func (g *game) reboundCatch() {
	r := g.b.homing
	a := &g.ag[r]
	g.startHold(r, "rebound")
	b := &g.b
	b.rampT0, b.rampDur, b.ramp0, b.ramp1 = g.t, 0.45, 2.3, holdZ_m
	shooterSide := g.ag[g.b.passer].side
	off := a.side == shooterSide
	if g.shotIdx >= 0 && g.b.fly == flyRebound {
		s := &g.tr.Shots[g.shotIdx]
		if s.ReboundBy == 0 && s.Rim_ms > 0 && !s.Make {
			s.ReboundBy, s.OffensiveReb = a.id, off
		}
	}
	if g.ftIdx >= 0 && g.b.fly == flyRebound {
		ft := &g.tr.FreeThrows[g.ftIdx]
		ft.ReboundBy, ft.OffensiveReb = a.id, off
	}
	g.ftIdx = -1
	if g.dr.active {
		if g.shotIdx >= 0 {
			g.tr.Shots[g.shotIdx].ReboundBy = 0 // a drill's rebounder is not a rebound
		}
		g.rebounder = -1
		g.ph = phDrill
		return
	}
	c := decode.ClassDefensiveRebound
	if off {
		c = decode.ClassOffensiveRebound
	}
	g.creditStat(r, c, g.t)
	g.rebounder = -1
	g.lastPassBy = -1
	if off {
		g.ph, g.om = phLive, omHalf
		g.possStart = g.t - 8
		g.nextDecide = g.t + g.uni(0.5, 1.2)
		g.possSide = a.side
		return
	}
	g.startPossession(a.side, g.fastOrAdvance(0.12))
}

// outOfBounds: an errant pass has landed beyond the sideline.
func (g *game) outOfBounds() {
	b := &g.b
	from := b.passer
	vx, vy := (b.fEndX-b.f0x)/b.fT, (b.fEndY-b.f0y)/b.fT
	g.loose(0.6*vx, 0.6*vy, 2.0)
	g.stat(from, decode.ClassTurnover, g.t, g.statDelay())
	g.tr.Turnovers = append(g.tr.Turnovers, Turnover{PlayerID: g.ag[from].id, TeamID: g.teamID[g.ag[from].side], At_ms: g.ms(g.t), Kind: "bad_pass"})
	g.deadBall("out", 1-g.ag[from].side, b.fEndX, b.fEndY, decode.MarkerPaused)
}

// chase sends the picker after a loose ball and picks it up when close.
func (g *game) chase() {
	a := &g.ag[g.picker]
	b := &g.b
	a.setTarget(b.px, b.py, 3.2, 0)
	hx, hy := a.hand(0)
	if dist(hx, hy, b.px, b.py) < 0.6 && b.pz < 0.8 && math.Hypot(b.vx, b.vy) < 2.5 {
		g.launch(flyPickup, 0.35, g.picker, 0, 0, 0)
		g.picker = -1
	}
}

// ---------------------------------------------------------------- turnovers, fouls

// turnover: a dribble steal, a pass out of bounds, or a violation.
func (g *game) turnover(h int) {
	a := &g.ag[h]
	r := g.rng.Float64()
	switch {
	case r < 0.45:
		d := g.defenderOf(h)
		if d < 0 || g.ag[d].mode != modeCourt {
			return
		}
		g.stat(h, decode.ClassTurnover, g.t, g.statDelay())
		g.stat(d, decode.ClassSteal, g.t, g.statDelay())
		g.tr.Turnovers = append(g.tr.Turnovers, Turnover{PlayerID: a.id, TeamID: g.teamID[a.side], At_ms: g.ms(g.t), Kind: "steal", StolenBy: g.ag[d].id})
		g.endHold("stolen")
		g.launch(flySteal, 0.3, d, 0, 0, 0)
		g.possSide = -1
	case r < 0.8:
		g.prepRelease(flyOut, -1, 1.2, 0.2)
	default:
		g.stat(h, decode.ClassTurnover, g.t, g.statDelay())
		g.tr.Turnovers = append(g.tr.Turnovers, Turnover{PlayerID: a.id, TeamID: g.teamID[a.side], At_ms: g.ms(g.t), Kind: "violation"})
		g.deadBall("violation", 1-a.side, a.x, a.y, decode.MarkerPaused)
	}
}

func (g *game) nonShootingFoul(h int) {
	a := &g.ag[h]
	g.deadBall("foul", a.side, a.x, a.y, decode.MarkerFoul)
}

func (g *game) shootingFoul(h int) {
	g.startFT(h, 2)
}

// ---------------------------------------------------------------- dead balls

// stopDribble ends the dribble at its next top.
func (g *game) stopDribble() {
	b := &g.b
	if b.kind == ballHeld && b.dribbling && g.t < b.dribEnd {
		b.dribEnd = b.nextTop(g.t)
	}
}

// deadBall stops the clock (PAUSED or FOUL) and sets up an inbound for
// side from the sideline nearest (x, y).
func (g *game) deadBall(cause string, side int, x, y float64, clock decode.MarkerType) {
	g.setClock(clock)
	g.act.active = false
	g.stopDribble()
	g.ph = phRestart
	hl, hw := g.tpl.Length_m/2, g.tpl.Width_m/2
	sx := math.Max(-hl+1.5, math.Min(hl-1.5, x))
	sy := sgn(y) * (hw + 0.35)
	g.setupRestart(side, sx, sy, cause, false)
	g.rs.ready = g.t + g.uni(6, 12)
	// Now and then the whole location feed goes quiet for a few seconds.
	// From the feed's stream, three draws whatever the rate: the rate
	// changes neither the game nor the feed's other draws.
	u, from_s, len_ms := g.frng.Float64(), 0.5+1.5*g.frng.Float64(), 2000+6000*g.frng.Float64()
	if u < g.cfg.FeedGapRate {
		g.gapFrom = g.rel_ms(g.t + from_s)
		g.gapTo = g.gapFrom + int64(len_ms)
	}
	if n := g.subs(); n > 0 {
		g.rs.ready += 4
	}
	// No timeout in a practice's drill that is due to end within the
	// huddle's length: the break comes first (a huddle there held the
	// drill up to 50 s past its end, and took that from the next).
	if g.near(g.nextTO) && !(g.cfg.Practice && g.t+70 > g.drillEnd(g.drill)) {
		g.rs.ready = g.t + g.uni(45, 70)
		g.rs.huddleTil = g.rs.ready - 12
		g.nextTO = g.t + g.uni(200, 380)
	}
}

// setupRestart chooses the inbounder (nearest to the spot) and the receiver.
func (g *game) setupRestart(side int, sx, sy float64, cause string, made bool) {
	ib, best := -1, math.Inf(1)
	for _, i := range g.five[side] {
		a := &g.ag[i]
		d := dist(a.x, a.y, sx, sy)
		if a.slot == 0 {
			d += 3 // the point guard prefers to receive
		}
		if d < best {
			ib, best = i, d
		}
	}
	recv := g.five[side][0]
	if recv == ib {
		recv = g.five[side][1]
	}
	// The receiver comes 3 m inside, toward the attacked hoop.
	hx, _ := g.hoop(side)
	rx := sx + 1.5*sgn(hx-sx)
	ry := sy - sgn(sy)*3.2
	if made {
		rx, ry = sx-sgn(sx)*2.8, -sgn(sy)*2.4
	}
	g.rs = restartState{side: side, inbounder: ib, spotX: sx, spotY: sy, recv: recv, recvX: rx, recvY: ry,
		ready: g.t + 1.0, tossAt: g.t + g.uni(1.0, 2.5), made: made, cause: cause}
	g.picker = -1
	g.nextForm = g.t
}

// madeRestart: after a made basket side inbounds from behind the baseline
// under the hoop it defends; the clock keeps running.
func (g *game) madeRestart(side int) {
	g.ph = phRestart
	hx, _ := g.hoop(1 - side)
	hl := g.tpl.Length_m / 2
	sy := g.uni(0.6, 1.8) * sgn(g.rng.Float64()-0.5)
	g.setupRestart(side, sgn(hx)*(hl+0.45), sy, "made", true)
	g.rs.ready = g.t + 0.8
}

func (g *game) restartPhase() {
	rs := &g.rs
	ib := rs.inbounder
	a := &g.ag[ib]
	switch g.b.kind {
	case ballFlight:
		return
	case ballLoose:
		g.picker = ib
		return
	}
	h := g.holder()
	if h < 0 || g.act.active {
		return
	}
	if h != ib {
		g.stopDribble()
		if !rs.tossed && g.near(rs.tossAt) {
			rs.tossed = true
			g.prepRelease(flyToss, ib, 1.2, 0.25)
		}
		return
	}
	g.stopDribble()
	gait := 1.5
	if rs.made {
		gait = 2.4
	}
	if g.t >= rs.huddleTil {
		a.setTarget(rs.spotX, rs.spotY, gait, 0)
	}
	late := g.t > rs.ready+15 // never stall: go anyway
	if dist(a.x, a.y, rs.spotX, rs.spotY) < 0.3 && g.near(rs.ready) && (late || g.allOnCourt() &&
		dist(g.ag[rs.recv].x, g.ag[rs.recv].y, rs.recvX, rs.recvY) < 1.0) {
		g.prepRelease(flyInbound, rs.recv, 1.25, 0.3)
	}
}

// subs makes the substitutions of a dead ball: players whose stint is
// long are replaced by the rested bench player of the same position.
func (g *game) subs() int {
	n := 0
	thr := math.Max(150, math.Min(480, g.dur/4))
	for side := 0; side < 2; side++ {
		made := 0
		for slot := 0; slot < 5 && made < 2; slot++ {
			i := g.five[side][slot]
			a := &g.ag[i]
			busy := i == g.holder() || i == g.picker || i == g.rebounder ||
				(g.ph == phRestart && i == g.rs.inbounder) || (g.ph == phFT && i == g.ft.shooter)
			if a.mode != modeCourt || busy || g.t-a.stint0 < thr*g.uni(0.7, 1.3) || g.rng.Float64() > 0.5 {
				continue
			}
			best, bestT := -1, math.Inf(1)
			for j := range g.ag {
				c := &g.ag[j]
				if c.side != side || c.mode != modeSeated {
					continue
				}
				tt := c.onCourt_s
				if c.pos != a.pos {
					tt += 1e5
				}
				if tt < bestT {
					best, bestT = j, tt
				}
			}
			if best < 0 {
				continue
			}
			g.substitute(i, best)
			made++
			n++
		}
	}
	return n
}

// ---------------------------------------------------------------- free throws

func (g *game) startFT(shooter, n int) {
	g.setClock(decode.MarkerFoul)
	g.act.active = false
	g.stopDribble()
	g.ph = phFT
	g.ft = ftState{shooter: shooter, n: n, next: g.t + g.uni(8, 14), returnAt: g.t + g.uni(1.5, 2.5)}
	g.off = g.ag[shooter].side
	if g.subs() > 0 {
		g.ft.next += 4
	}
	g.rs = restartState{inbounder: -1, tossAt: g.t + g.uni(1.0, 2.0)}
	g.picker = -1
	g.nextForm = g.t
}

func (g *game) ftSpot(side int) (float64, float64) {
	return g.courtXY(side, 0, g.tpl.FreeThrowLine_m-g.tpl.HoopFromBaseline_m+0.2)
}

func (g *game) ftPhase() {
	f := &g.ft
	s := f.shooter
	a := &g.ag[s]
	switch g.b.kind {
	case ballFlight:
		return
	case ballLoose:
		if g.near(f.returnAt) {
			// A referee under the basket gets it back to the shooter.
			g.launch(flyToss, g.uni(0.8, 1.1), s, 0, 0, 0)
			g.b.passer = -1
			g.passIdx = -1
		}
		return
	}
	h := g.holder()
	if h < 0 || g.act.active {
		return
	}
	if h != s {
		g.stopDribble()
		if !g.rs.tossed && g.near(g.rs.tossAt) {
			g.rs.tossed = true
			g.prepRelease(flyToss, s, 1.2, 0.25)
		}
		return
	}
	x, y := g.ftSpot(a.side)
	a.setTarget(x, y, 1.3, 0)
	if dist(a.x, a.y, x, y) > 0.3 || !g.near(f.next) {
		return
	}
	if !f.started {
		if g.allOnCourt() || g.t > f.next+15 {
			g.startDribble()
			f.started, f.shootAt = true, g.t+g.uni(1.2, 2.2)
		}
		return
	}
	if g.near(f.shootAt) {
		f.started = false
		g.prepRelease(flyFT, -1, 2.2, 0.45)
	}
}

func (g *game) releaseFT(h int) {
	a := &g.ag[h]
	make := g.rng.Float64() < 0.77*a.skill
	hx, hy := g.hoop(a.side)
	ex, ey := hx, hy
	if !make {
		// A miss hits the rim: its centre 0.3 m from the hoop's, beyond
		// the rim's radius (0.23 m) by about the ball's.
		ang := g.uni(0, 2*math.Pi)
		ex, ey = hx+0.3*math.Cos(ang), hy+0.3*math.Sin(ang)
	}
	// Recorded at the rim (ftRim), with its stat: one released just
	// before the end, whose stat is never sent, is not in the truth.
	g.ft.released, g.ft.make = g.t, make
	g.endHold("free_throw")
	g.launchApex(flyFT, ex, ey, g.tpl.RimHeight_m, g.uni(1.3, 1.7))
	g.b.passer = h
	last := g.ft.k+1 == g.ft.n
	if last && !make {
		g.planRebound(a.side, 4.5, 0.6)
	}
}

func (g *game) ftRim() {
	f := &g.ft
	s := f.shooter
	a := &g.ag[s]
	g.tr.FreeThrows = append(g.tr.FreeThrows, FreeThrow{PlayerID: a.id, TeamID: g.teamID[a.side], Released_ms: g.ms(f.released), Make: f.make})
	ftr := &g.tr.FreeThrows[len(g.tr.FreeThrows)-1]
	occ := f.released
	c := decode.ClassFreeThrowMiss
	if ftr.Make {
		c = decode.ClassFreeThrowMake
		g.tr.Teams[a.side].Points++
	}
	g.stat(s, c, occ, g.statDelay())
	f.k++
	if f.k < f.n || ftr.Make {
		vx, vy, vz := g.uni(-0.4, 0.4), g.uni(-0.4, 0.4), -1.0
		if !ftr.Make {
			// Off the rim, outward and up: a miss that dropped under the
			// rim, as it once did, looked made.
			hx, hy := g.hoop(a.side)
			d := dist(g.b.fEndX, g.b.fEndY, hx, hy)
			vx += 2 * (g.b.fEndX - hx) / d
			vy += 2 * (g.b.fEndY - hy) / d
			vz = 1
		}
		g.loose(vx, vy, vz)
		if f.k < f.n {
			f.returnAt = g.t + g.uni(1.2, 1.8)
			f.next = g.t + g.uni(3.5, 5)
			return
		}
		g.madeRestart(1 - a.side)
		return
	}
	// Missed last free throw: the ball is live off the rim.
	g.setClock(decode.MarkerLive)
	g.ph = phShot
	g.shotIdx = -1
	g.ftIdx = len(g.tr.FreeThrows) - 1
	T := math.Max(0.6, dist(g.b.fEndX, g.b.fEndY, g.rebX, g.rebY)/3.5)
	g.launch(flyRebound, T, g.rebounder, 0, 0, 2.3)
	g.b.passer = s
}

// ---------------------------------------------------------------- breaks

func (g *game) checkBreak() {
	if (g.ph != phLive && !(g.ph == phDrill && g.holder() == g.dr.passer)) || g.act.active || g.holder() < 0 {
		return
	}
	if g.cfg.Practice {
		if g.drillLen > 0 && g.near(g.drillEnd(g.drill)) && g.t < g.dur-40 {
			g.startBreak(decode.MarkerDrillEnd)
		}
		return
	}
	if g.near(g.halfAt) {
		g.halfAt = math.Inf(1)
		g.startBreak(decode.MarkerEndFirstHalf)
	}
}

func (g *game) startBreak(m decode.MarkerType) {
	g.dr.active = false
	g.setClock(decode.MarkerPaused)
	g.marker(m, "")
	g.stopDribble()
	g.ph = phBreak
	g.breakEnd = g.t + g.breakLen()
	g.nextForm = g.t
}

func (g *game) breakPhase() {
	if !g.near(g.breakEnd) {
		return
	}
	side := 1 - g.tipWinner
	if g.cfg.Practice {
		g.drill++
		g.marker(decode.MarkerDrillNext, g.uuid())
		g.marker(decode.MarkerDrillStart, "")
		side = g.drill % 2
	} else {
		// As in the seed's list: the second half is a new live round.
		g.marker(decode.MarkerPlayNext, g.uuid())
		g.marker(decode.MarkerStartSecondHalf, "")
	}
	g.attack[0] = -g.attack[0]
	g.attack[1] = -g.attack[0]
	if g.cfg.Practice && shootingDrill(g.drill) {
		g.subs()
		g.startShootingDrill()
		return
	}
	g.ph = phRestart
	hw := g.tpl.Width_m / 2
	g.setupRestart(side, g.uni(-0.5, 0.5), -(hw + 0.35), "period", false)
	g.rs.ready = g.t + g.uni(4, 7)
	if g.subs() > 0 {
		g.rs.ready += 4
	}
}

// finish ends the session at the current time.
func (g *game) finish() {
	g.runCorrections(true)
	for i := range g.em.q {
		if g.em.q[i].deliver_ms > g.rel_ms(g.t) {
			g.em.q[i].deliver_ms = g.rel_ms(g.t)
		}
	}
	g.setClock(decode.MarkerPaused)
	if g.cfg.Practice {
		g.marker(decode.MarkerDrillEnd, "")
	}
	g.emitDIST(true)
	if g.cfg.Practice {
		g.marker(decode.MarkerPracticeEnd, "")
	} else {
		g.marker(decode.MarkerPlayEnd, "")
	}
	g.tr.Clock = append(g.tr.Clock, ClockSpan{State: g.clock.String(), From_ms: g.ms(g.clockSince), To_ms: g.ms(g.t)})
	g.teamPossession(-1)
	if h := g.holder(); h >= 0 {
		g.endHold("end")
	}
}

// ---------------------------------------------------------------- formation

// formation re-aims every lineup player who is not driven by an event.
func (g *game) formation() {
	switch g.ph {
	case phLive, phShot:
		g.offFormation()
		g.defFormation(1-g.off, g.off, false)
	case phRestart:
		g.restartFormation()
	case phFT:
		g.ftFormation()
	case phDrill:
		g.drillFormation()
	case phBreak:
		for s := 0; s < 2; s++ {
			for k, i := range g.five[s] {
				g.huddle(i, k)
			}
		}
	}
}

func (g *game) huddle(i, k int) {
	a := &g.ag[i]
	cx := -4.5
	if a.side == 1 {
		cx = 4.5
	}
	ang := float64(k) * 2 * math.Pi / 5
	a.setTarget(cx+1.1*math.Cos(ang), -g.tpl.Width_m/2+1.6+1.1*math.Sin(ang), 1.4, 0)
}

func (g *game) offFormation() {
	side := g.off
	h := g.holder()
	for k, i := range g.five[side] {
		a := &g.ag[i]
		if i == h || i == g.rebounder || (g.b.kind == ballFlight && g.b.homing == i && g.b.fly == flyPass) {
			continue
		}
		if g.ph == phShot {
			if k >= 3 {
				x, y := g.courtXY(side, g.uni(-1.5, 1.5), g.uni(1, 2))
				a.setTarget(x, y, 4, 0)
			}
			continue
		}
		if !g.near(g.reloc[i]) {
			continue
		}
		switch g.om {
		case omAdvance, omFast:
			sp := g.spots[g.spotOf[i]]
			x, y := g.courtXY(side, sp[0], sp[1])
			gait := g.uni(5, 8.5)
			if g.om == omFast {
				gait = g.uni(7.5, 9)
			}
			a.setTarget(x, y, gait, g.uni(-0.25, 0.25))
			g.reloc[i] = g.t + g.uni(2.5, 4)
		default:
			if g.rng.Float64() < 0.12 {
				x, y := g.courtXY(side, g.uni(-2.5, 2.5), g.uni(0.6, 2.2))
				a.setTarget(x, y, g.uni(6, 8.5), g.uni(-0.35, 0.35))
				g.reloc[i] = g.t + g.uni(1.8, 3)
			} else {
				g.spotOf[i] = g.freeSpot(side, k, i)
				sp := g.spots[g.spotOf[i]]
				x, y := g.courtXY(side, sp[0]+g.uni(-0.4, 0.4), sp[1]+g.uni(-0.4, 0.4))
				a.setTarget(x, y, g.uni(1.5, 3.8), g.uni(-0.3, 0.3))
				g.reloc[i] = g.t + g.uni(3, 7)
			}
		}
	}
}

// freeSpot picks one of slot k's spots that no teammate holds.
func (g *game) freeSpot(side, k, self int) int {
	cands := homeSpots[k]
	for try := 0; try < 6; try++ {
		s := cands[g.rng.IntN(len(cands))]
		taken := false
		for _, j := range g.five[side] {
			if j != self && g.spotOf[j] == s {
				taken = true
			}
		}
		if !taken {
			return s
		}
	}
	return g.spotOf[self]
}

// defFormation: each defender of side def stays between his man and the
// hoop, tight on the ball, sagging off it elsewhere.
func (g *game) defFormation(def, off int, slow bool) {
	bx, by, _ := g.ballPos(g.t)
	hx, hy := g.hoop(off)
	h := g.holder()
	for k, d := range g.five[def] {
		if d == g.rebounder || (g.b.kind == ballFlight && g.b.homing == d) {
			continue
		}
		o := &g.ag[g.five[off][k]]
		gap := 1.0
		shift := 0.0
		if g.five[off][k] != h {
			gap = math.Min(3.2, 1.3+0.12*dist(o.x, o.y, bx, by))
			shift = 0.15
		}
		ux, uy := hx-o.x, hy-o.y
		n := math.Hypot(ux, uy)
		if n > 1e-9 {
			ux, uy = ux/n, uy/n
		}
		gap = math.Min(gap, n)
		tx := o.x + ux*gap + shift*(bx-o.x)
		ty := o.y + uy*gap + shift*(by-o.y)
		a := &g.ag[d]
		// Defenders react with a lag: move the aim half-way to the new spot.
		if dist(a.tx, a.ty, tx, ty) < 3 {
			tx, ty = a.tx+0.5*(tx-a.tx), a.ty+0.5*(ty-a.ty)
		}
		// Defenders stay on the floor, even guarding an inbounder.
		lx, ly := g.tpl.Length_m/2-0.3, g.tpl.Width_m/2-0.3
		tx, ty = math.Max(-lx, math.Min(lx, tx)), math.Max(-ly, math.Min(ly, ty))
		gait := math.Min(a.vmax_mps, math.Hypot(o.vx, o.vy)+0.6+0.8*dist(a.x, a.y, tx, ty))
		if slow {
			gait = math.Min(gait, 1.6)
		}
		a.setTarget(tx, ty, math.Max(1, gait), 0)
	}
}

func (g *game) restartFormation() {
	rs := &g.rs
	huddle := g.t < rs.huddleTil
	side := rs.side
	for s := 0; s < 2; s++ {
		for k, i := range g.five[s] {
			if huddle {
				g.huddle(i, k)
			}
		}
	}
	if huddle {
		return
	}
	for k, i := range g.five[side] {
		a := &g.ag[i]
		if i == rs.inbounder || i == g.picker {
			continue
		}
		if i == rs.recv {
			gait := 1.6
			if rs.made {
				gait = 4
			}
			a.setTarget(rs.recvX, rs.recvY, gait, 0)
			continue
		}
		sp := g.spots[homeSpots[k][0]]
		x, y := g.courtXY(side, sp[0], sp[1])
		gait := 1.4
		if rs.made {
			gait = g.uni(4, 5.5)
		}
		a.setTarget(x, y, gait, 0)
	}
	g.defFormation(1-side, side, !rs.made)
}

func (g *game) ftFormation() {
	f := &g.ft
	s := g.ag[f.shooter].side
	kw := g.tpl.KeyWidth_m/2 + 0.45
	R := g.tpl.ThreePointRadius_m
	offSpots := [][2]float64{{kw, 2.0}, {-kw, 2.0}, {4.5, R + 0.3}, {-4.5, R + 0.3}}
	defSpots := [][2]float64{{kw, 1.0}, {-kw, 1.0}, {kw, 2.9}, {-kw, 2.9}, {0, R + 2.5}}
	n := 0
	for _, i := range g.five[s] {
		if i == f.shooter {
			continue
		}
		x, y := g.courtXY(s, offSpots[n][0], offSpots[n][1])
		g.ag[i].setTarget(x, y, 1.3, 0)
		n++
	}
	for k, i := range g.five[1-s] {
		if i == g.rebounder || i == g.picker {
			continue
		}
		x, y := g.courtXY(s, defSpots[k][0], defSpots[k][1])
		g.ag[i].setTarget(x, y, 1.3, 0)
	}
}
