package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
)

// phase is what the whole game is doing.
type phase uint8

const (
	phTip     phase = iota // waiting for the opening jump ball
	phLive                 // the ball is live with the offense (held or passed)
	phShot                 // a shot is in the air or coming off the rim
	phRestart              // dead ball or after a basket: ball to the inbounder, to the spot, inbound
	phFT                   // free throws
	phBreak                // halftime or between drills
	phDrill                // a practice's shooting drill
)

// offMode is how the offense is playing while the ball is live.
type offMode uint8

const (
	omAdvance offMode = iota // bringing the ball up
	omHalf                   // half-court set
	omFast                   // fast break to the basket
	omDrive                  // driving to the basket
)

// action is the holder's next release (pass, shot, inbound, toss, free throw).
type action struct {
	active   bool
	kind     purpose
	release  float64
	target   int
	layup    bool
	releaseZ float64
}

// restartState is a dead ball (or a made basket) until the inbound.
type restartState struct {
	side      int
	inbounder int
	spotX     float64
	spotY     float64
	recv      int
	recvX     float64
	recvY     float64
	ready     float64
	tossAt    float64
	tossed    bool
	made      bool // after a made basket: the clock runs, players hurry
	huddleTil float64
	cause     string
}

type ftState struct {
	shooter  int
	n, k     int
	next     float64 // earliest start of the next free throw's routine
	returnAt float64 // when a referee gives the ball back
	started  bool    // routine (dribbles) begun
	shootAt  float64
	released float64 // the one in flight: release time (s) and outcome
	make     bool
}

// game is the whole simulated session: players, ball, director state and
// the truth being recorded.
type game struct {
	cfg Config
	tpl court.Template
	// rng drives the game: motion, events and the truth. frng drives
	// what the feed makes of it (message delays, dead-ball silences,
	// wrong records and their corrections) and distRng the DIST messages'
	// delays, so that no feed setting changes the game; frng draws the
	// same number of values per game event whatever the settings, so that
	// the wrong records do not change either (DistInterval_s changes how
	// many DIST messages there are, hence its own stream).
	rng      *rand.Rand
	frng     *rand.Rand
	distRng  *rand.Rand
	t        float64
	dur      float64
	start_ms int64
	liveID   string

	ag     []agent
	five   [2][5]int
	teamID [2]int64
	b      ball

	clock      decode.MarkerType
	clockSince float64
	attack     [2]float64
	off        int
	ph         phase
	om         offMode
	possStart  float64
	nextDecide float64
	act        action
	rs         restartState
	ft         ftState
	picker     int
	reloc      []float64
	spotOf     []int
	spots      [][2]float64
	nextForm   float64
	possSide   int
	tipWinner  int
	halfAt     float64
	breakEnd   float64
	drill      int
	drillLen   float64
	nextTO     float64
	driveFoul  bool
	rebounder  int
	rebX, rebY float64
	shotIdx    int
	ftIdx      int // the missed last free throw whose rebound is in flight, or -1

	holdFrom   float64
	holdGained string
	lastPassBy int
	lastCatch  float64
	passIdx    int

	dr       drillState
	possCur  int     // side in live possession at the last step, -1 none
	possFrom float64 // since when
	corr     []correction
	nextDIST float64
	gapFrom  int64 // ms since the start: no location samples in [gapFrom, gapTo)
	gapTo    int64

	em *emitter
	tr *Truth
}

func newGame(cfg Config) (*game, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tpl, _ := cfg.template()
	seed := uint64(cfg.Seed)
	g := &game{
		cfg: cfg, tpl: tpl, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		frng:    rand.New(rand.NewPCG(seed^0x3c6ef372fe94f82b, seed+0xa54ff53a5f1d36f1)),
		distRng: rand.New(rand.NewPCG(seed^0x510e527fade682d1, seed+0x9b05688c2b3e6c1f)),
		dur:     cfg.Duration_s(), start_ms: cfg.StartTime_ms, em: &emitter{}, tr: &Truth{},
		clock: decode.MarkerPaused, picker: -1, rebounder: -1, lastPassBy: -1, shotIdx: -1, ftIdx: -1, passIdx: -1,
	}
	g.liveID = g.uuid()
	g.possSide, g.possCur = -1, -1
	g.ag = newRoster(g.rng, cfg, tpl)
	g.reloc = make([]float64, len(g.ag))
	g.spotOf = make([]int, len(g.ag))
	g.teamID = [2]int64{homeTeamID, awayTeamID}
	if cfg.Practice {
		g.teamID = [2]int64{practiceTID, practiceTID}
	}
	g.attack = [2]float64{1, -1}
	for side := 0; side < 2; side++ {
		name := sideNames[side]
		if cfg.Practice {
			name = [2]string{"White", "Blue"}[side]
		}
		g.tr.Teams = append(g.tr.Teams, TeamTruth{Side: side, TeamID: g.teamID[side], Name: name, AttacksFirstHalf: [2]string{"east", "west"}[side]})
	}
	g.spots = offenseSpots(tpl)
	n := len(g.ag) / 2
	for side := 0; side < 2; side++ {
		for k := 0; k < 5; k++ {
			i := side*n + k
			g.five[side][k] = i
			a := &g.ag[i]
			a.lineup, a.slot, a.mode = true, k, modeCourt
		}
	}
	for i := range g.ag {
		a := &g.ag[i]
		if !a.lineup {
			a.mode = modeSeated
			a.x, a.y = a.seatX, a.seatY
			a.setTarget(a.x, a.y, 1, 0)
			a.heading = math.Pi / 2
		}
	}
	g.nextDIST = cfg.DistInterval_s
	g.nextTO = 240 + 120*g.rng.Float64()
	if cfg.Practice {
		// Drills of about drillTarget_s with a break between each two, the
		// breaks on top of the drills: nd drills and nd-1 breaks fill the
		// session (Minutes is the whole practice, breaks included).
		nd := math.Max(1, math.Round((g.dur+g.breakLen())/(drillTarget_s+g.breakLen())))
		g.drillLen = (g.dur - (nd-1)*g.breakLen()) / nd
		g.halfAt = math.Inf(1)
	} else if g.dur >= 4*60 {
		g.halfAt = g.dur / 2
	} else {
		g.halfAt = math.Inf(1)
	}
	return g, nil
}

// drillTarget_s is the length a practice's drills are made about.
const drillTarget_s = 150

// breakLen is the length of half time, and of a practice's breaks between
// drills, in seconds.
func (g *game) breakLen() float64 { return math.Max(25, math.Min(90, 0.06*g.dur)) }

// drillEnd is when drill k (0-based) of a practice is due to end, in
// seconds from the start: k drills and k breaks before it. A drill that
// ran over (it ends at the next held ball after this) shortens the next
// one by as much, so that the last ends with the session.
func (g *game) drillEnd(k int) float64 { return float64(k+1)*g.drillLen + float64(k)*g.breakLen() }

// uuid returns a deterministic version-4-looking UUID from the game's rng.
func (g *game) uuid() string { return uuidFrom(g.rng) }

func uuidFrom(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, (b>>48)&0x3fff|0x8000, b&0xffffffffffff)
}

// ms converts seconds since the start to the feed's epoch ms.
func (g *game) ms(t float64) int64 { return g.start_ms + int64(math.Round(t*1000)) }

// rel_ms is milliseconds since the start.
func (g *game) rel_ms(t float64) int64 { return int64(math.Round(t * 1000)) }

// offenseSpots are the half-court spots in the hoop frame (metres: x to
// the right of an observer at the hoop facing center court, y toward
// center court), scaled to the template's three-point line.
func offenseSpots(t court.Template) [][2]float64 {
	R, C := t.ThreePointRadius_m, t.ThreePointCorner_m
	w := func(deg, r float64) [2]float64 {
		s, c := math.Sincos(deg * math.Pi / 180)
		return [2]float64{r * s, r * c}
	}
	return [][2]float64{
		w(0, R+0.7),                 // 0 top
		w(48, R+0.5), w(-48, R+0.5), // 1, 2 wings
		{C + 0.35, 0.5}, {-C - 0.35, 0.5}, // 3, 4 corners
		{2.6, 4.4}, {-2.6, 4.4}, // 5, 6 elbows
		{2.1, 0.9}, {-2.1, 0.9}, // 7, 8 blocks
		{4.3, 2.1}, {-4.3, 2.1}, // 9, 10 short corners / baseline mid-range
		w(25, R+0.5), w(-25, R+0.5), // 11, 12 slots
	}
}

// homeSpots are the preferred spots per lineup slot (PG, SG, SF, PF, C).
var homeSpots = [5][]int{{0, 11, 12}, {1, 2, 11, 12, 3, 4}, {2, 1, 3, 4, 9, 10}, {5, 6, 9, 10, 8, 7}, {7, 8, 5, 6}}

// end is the court end (court.East or court.West) whose hoop side attacks.
func (g *game) end(side int) int {
	if g.attack[side] < 0 {
		return court.West
	}
	return court.East
}

// courtXY maps a hoop-frame point of the hoop side attacks to the court frame.
func (g *game) courtXY(side int, xh, yh float64) (float64, float64) {
	return g.tpl.FromHoopFrame(g.end(side), xh, yh)
}

// hoopXY is the position of the hoop side attacks, in the hoop frame.
func (g *game) hoopXY(side int, x, y float64) (float64, float64) {
	return g.tpl.ToHoopFrame(g.end(side), x, y)
}

// hoop is the court position of the hoop side attacks.
func (g *game) hoop(side int) (float64, float64) {
	return g.tpl.HoopX_m(g.end(side)), 0
}

func (g *game) holder() int {
	if g.b.kind == ballHeld {
		return g.b.holder
	}
	return -1
}

// defenderOf is the player of the other side with the same lineup slot.
func (g *game) defenderOf(i int) int {
	a := &g.ag[i]
	if !a.lineup {
		return -1
	}
	return g.five[1-a.side][a.slot]
}

// teammateOf picks another lineup player of i's side (for a wrong credit).
func (g *game) teammateOf(i int) int {
	a := &g.ag[i]
	if !a.lineup {
		return -1
	}
	k := (a.slot + 1 + g.frng.IntN(4)) % 5 // a feed error: the feed's stream
	return g.five[a.side][k]
}

func dist(ax, ay, bx, by float64) float64 { return math.Hypot(ax-bx, ay-by) }

// ballPos is the ball centre at time t (s) from the ball state and the
// holder's state at the start of the current step.
func (g *game) ballPos(t float64) (float64, float64, float64) {
	b := &g.b
	switch b.kind {
	case ballHeld:
		x, y := g.ag[b.holder].hand(b.blend)
		return x, y, b.heldZ(t)
	case ballFlight:
		tau := t - b.t0
		s := math.Min(1, math.Max(0, tau/b.fT))
		ex, ey := b.fEndX, b.fEndY
		if b.homing >= 0 {
			ex, ey = g.ag[b.homing].hand(0)
		}
		return b.f0x + s*(ex-b.f0x), b.f0y + s*(ey-b.f0y), b.f0z + b.vz0*tau - 0.5*g_mps2*tau*tau
	}
	return b.px, b.py, b.pz
}

// ballStep moves a loose ball one step (gravity, bounces with restitution
// 0.62, rolling friction) and eases a held ball between the front and the
// dribbling side.
func (g *game) ballStep(h float64) {
	b := &g.b
	switch b.kind {
	case ballLoose:
		if b.pz > ballR_m || b.vz != 0 {
			b.vz -= g_mps2 * h
			b.px += b.vx * h
			b.py += b.vy * h
			b.pz += b.vz * h
			if b.pz < ballR_m {
				b.pz = ballR_m + (ballR_m-b.pz)*0.62
				b.vz = -b.vz * 0.62
				b.vx *= 0.7
				b.vy *= 0.7
				if b.vz < 0.5 {
					b.vz, b.pz = 0, ballR_m
				}
			}
		} else {
			sp := math.Hypot(b.vx, b.vy)
			if sp > 0 {
				k := math.Max(0, sp-2.5*h) / sp
				b.vx *= k
				b.vy *= k
				b.px += b.vx * h
				b.py += b.vy * h
			}
		}
	case ballHeld:
		want := 0.0
		if b.dribbling && g.t < b.dribEnd-0.2 {
			want = 1
		}
		if b.dribbling && g.t >= b.dribEnd {
			b.dribbling = false
		}
		r := 4 * h
		if b.blend < want {
			b.blend = math.Min(want, b.blend+r)
		} else if b.blend > want {
			b.blend = math.Max(want, b.blend-r)
		}
	}
}

// accumulate adds the step [t, t+h) to the truth of every player.
func (g *game) accumulate(h float64) {
	live := g.clock == decode.MarkerLive
	hl, hw := g.tpl.Length_m/2, g.tpl.Width_m/2
	hold := g.holder()
	for i := range g.ag {
		a := &g.ag[i]
		s0 := math.Hypot(a.vx, a.vy)
		var d float64
		if s0 != 0 || a.ax != 0 || a.ay != 0 {
			sm := a.speedAt(h / 2)
			s1 := a.speedAt(h)
			d = h / 6 * (s0 + 4*sm + s1)
			if s1 > a.top_mps {
				a.top_mps = s1
			}
		}
		if s0 > a.top_mps {
			a.top_mps = s0
		}
		if s0 >= sprint_mps {
			a.sprintRun_s += h
			if a.sprintRun_s >= sprintMin_s && a.sprintRun_s-h < sprintMin_s {
				a.sprints++
			}
		} else {
			a.sprintRun_s = 0
		}
		a.dist_m += d
		if live {
			a.distLive_m += d
		}
		if a.lineup {
			a.onCourt_s += h
		}
		if math.Abs(a.x) <= hl && math.Abs(a.y) <= hw {
			a.inside_s += h
		}
		if i == hold {
			a.hold_s += h
			if live {
				a.holdLive_s += h
			}
		}
	}
	cur := -1
	if live {
		cur = g.possSide
	}
	if cur >= 0 {
		g.tr.Teams[cur].Possession_s += h
	}
	g.teamPossession(cur)
}

// teamPossession keeps the team possession timeline: side cur has the
// ball with the clock live from now on (-1: nobody).
func (g *game) teamPossession(cur int) {
	if cur == g.possCur {
		return
	}
	if g.possCur >= 0 {
		g.tr.TeamPossessions = append(g.tr.TeamPossessions, TeamPossession{
			Side: g.possCur, TeamID: g.teamID[g.possCur], From_ms: g.ms(g.possFrom), To_ms: g.ms(g.t),
		})
		g.tr.Teams[g.possCur].Possessions++
	}
	g.possCur, g.possFrom = cur, g.t
}

// A sprint is a noise-free speed of at least sprint_mps held for
// sprintMin_s (the engine's default definition).
const (
	sprint_mps  = 7.0
	sprintMin_s = 1.0
)

// A step of the game is direct at t (the director acts, bodies are kept
// apart, players choose their accelerations), then the caller stores the
// state at t for the feed, then integrate moves everything to t+step_s and
// adds [t, t+step_s) to the truth.
func (g *game) direct() {
	g.director()
	g.separate()
	for i := range g.ag {
		g.ag[i].control()
	}
}

// Bodies keep apart: two players closer than sepRange_m push each other
// away with up to sepPush_mps of added velocity (linear in the overlap).
const (
	sepRange_m  = 0.8
	sepPush_mps = 4.0
)

func (g *game) separate() {
	for i := range g.ag {
		g.ag[i].sepX, g.ag[i].sepY = 0, 0
	}
	for i := range g.ag {
		a := &g.ag[i]
		if a.mode == modeSeated {
			continue
		}
		for j := i + 1; j < len(g.ag); j++ {
			b := &g.ag[j]
			if b.mode == modeSeated {
				continue
			}
			dx, dy := a.x-b.x, a.y-b.y
			if math.Abs(dx) >= sepRange_m || math.Abs(dy) >= sepRange_m {
				continue
			}
			d := math.Hypot(dx, dy)
			if d >= sepRange_m {
				continue
			}
			if d < 1e-6 {
				dx, dy, d = 1, 0, 1 // on top of each other: part along x
			}
			p := sepPush_mps * (sepRange_m - d) / sepRange_m / d
			a.sepX += dx * p
			a.sepY += dy * p
			b.sepX -= dx * p
			b.sepY -= dy * p
		}
	}
}

func (g *game) integrate(h float64) {
	g.accumulate(h)
	for i := range g.ag {
		g.ag[i].advance(h)
	}
	g.ballStep(h)
}

// marker records and queues a marker at the current time.
func (g *game) marker(t decode.MarkerType, liveID string) {
	g.tr.Markers = append(g.tr.Markers, MarkerTruth{Type: t.String(), At_ms: g.ms(g.t), LiveID: liveID})
	g.em.push(pending{kind: decode.KindMarker, occ_ms: g.ms(g.t), deliver_ms: g.rel_ms(g.t), marker: t, liveID: liveID})
}

// setClock changes the clock state (LIVE, PAUSED, FOUL) with its marker.
func (g *game) setClock(c decode.MarkerType) {
	if c == g.clock {
		return
	}
	g.tr.Clock = append(g.tr.Clock, ClockSpan{State: g.clock.String(), From_ms: g.ms(g.clockSince), To_ms: g.ms(g.t)})
	g.clock, g.clockSince = c, g.t
	if c != decode.MarkerLive {
		g.possSide = -1
	}
	g.marker(c, "")
}

// startHold gives the ball to player i (called when a flight ends in his hands).
func (g *game) startHold(i int, gained string) {
	a := &g.ag[i]
	a.touches++
	g.holdFrom, g.holdGained = g.t, gained
	g.possSide = a.side
	g.lastCatch = g.t
	b := &g.b
	b.kind, b.t0, b.holder = ballHeld, g.t, i
	b.dribbling, b.dribEnd, b.blend = false, math.Inf(1), 0
	b.rampDur = 0
}

// endHold closes the current hold in the timeline.
func (g *game) endHold(ended string) {
	i := g.holder()
	if i < 0 {
		return
	}
	a := &g.ag[i]
	g.tr.Holds = append(g.tr.Holds, Hold{
		PlayerID: a.id, TeamID: g.teamID[a.side], Side: a.side,
		From_ms: g.ms(g.holdFrom), To_ms: g.ms(g.t), Gained: g.holdGained, Ended: ended,
	})
}

// launch starts a flight from the ball's current position. With homing ≥ 0
// the flight ends in that player's hands (the end point follows him) at
// height ez, hold height when ez is 0; otherwise at the fixed point
// (ex, ey, ez). vz0 is chosen so
// that the ball is at the end height exactly at T.
func (g *game) launch(p purpose, T float64, homing int, ex, ey, ez float64) {
	// Flights last a whole number of steps, so that they end exactly at
	// the step where their arrival is handled (no overshoot).
	T = math.Max(1, math.Ceil(T/step_s-1e-6)) * step_s
	x, y, z := g.ballPos(g.t)
	b := &g.b
	if homing >= 0 && ez == 0 {
		ez = holdZ_m
	}
	b.kind, b.t0, b.fly, b.fT, b.homing = ballFlight, g.t, p, T, homing
	b.f0x, b.f0y, b.f0z = x, y, z
	b.fEndX, b.fEndY, b.fEndZ = ex, ey, ez
	b.vz0 = (ez - z + 0.5*g_mps2*T*T) / T
	b.dribbling = false
}

// launchApex is a flight to a fixed point whose arc peaks apex metres
// above the end height (shots): T is derived from the apex.
func (g *game) launchApex(p purpose, ex, ey, ez, apex float64) {
	_, _, z := g.ballPos(g.t)
	top := ez + apex
	if top < z+0.2 {
		top = z + 0.2
	}
	ta := math.Sqrt(2 * (top - z) / g_mps2)
	td := math.Sqrt(2 * (top - ez) / g_mps2)
	g.launch(p, ta+td, -1, ex, ey, ez)
}

// loose lets the ball fall from where it is with velocity (vx, vy, vz).
func (g *game) loose(vx, vy, vz float64) {
	x, y, z := g.ballPos(g.t)
	b := &g.b
	b.kind, b.t0 = ballLoose, g.t
	b.px, b.py, b.pz, b.vx, b.vy, b.vz = x, y, z, vx, vy, vz
	b.dribbling = false
}

// substitute swaps lineup player out for bench player in at the current time.
func (g *game) substitute(out, in int) {
	o, n := &g.ag[out], &g.ag[in]
	side, slot := o.side, o.slot
	g.five[side][slot] = in
	n.lineup, n.slot, n.mode, n.stint0 = true, slot, modeToCourt, g.t
	o.lineup, o.slot, o.mode = false, -1, modeToBench
	o.seatX, o.seatY, n.seatX, n.seatY = n.seatX, n.seatY, o.seatX, o.seatY
	n.setTarget(o.x+0.8, o.y, 2.6, 0)
	o.setTarget(o.seatX, o.seatY, 1.7, 0.2)
	// Whoever had a role in the restart hands it to the new player.
	if g.rs.recv == out {
		g.rs.recv = in
	}
	g.tr.Substitutions = append(g.tr.Substitutions, Substitution{At_ms: g.ms(g.t), Side: side, TeamID: g.teamID[side], Out: o.id, In: n.id})
}

// benchUpdate moves players between the bench and the court states.
func (g *game) benchUpdate() {
	hl, hw := g.tpl.Length_m/2, g.tpl.Width_m/2
	for i := range g.ag {
		a := &g.ag[i]
		switch a.mode {
		case modeToCourt:
			if math.Abs(a.x) < hl+0.3 && math.Abs(a.y) < hw+0.3 {
				a.mode = modeCourt
			}
		case modeToBench:
			if dist(a.x, a.y, a.seatX, a.seatY) < 0.1 {
				a.mode = modeSeated
				a.setTarget(a.seatX, a.seatY, 0.5, 0)
			}
		}
	}
}

// allOnCourt reports whether no substitute is still walking on.
func (g *game) allOnCourt() bool {
	for s := 0; s < 2; s++ {
		for _, i := range g.five[s] {
			if g.ag[i].mode != modeCourt {
				return false
			}
		}
	}
	return true
}
