package track

import (
	"math"
	"slices"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track/heatmap"
	"github.com/stmotion/stmotion/track/possession"
)

// The engine runs analyses that need whole frames through Analyzer;
// possession and heatmaps are written against plain inputs (they do not
// import track). The two adapters below connect them to the engine as
// those packages' docs describe the seam, so that every way into the
// engine (batch analysis, live mode, benchmarks) attaches the same ones.
// Attach possession first: it marks the ball holder, which the sinks see.

// PossessionAnalyzer decides the ball holder frame by frame, marks it and
// the game ball in the samples (Sample.BallHolder, Sample.GameBall), turns the detector's events into
// segments (possession, team possession, pass, shot, turnover, rebound)
// and adds possession totals and the shooter cross-check to the summary
// (PlayerSummary.Possession_s and Touches, TeamSummary.Possession_s,
// Summary.ShooterAgreement).
//
// It follows one ball, the game ball. When a frame holds several (a spare
// ball at the scorer's table, a practice's other balls), the ball in play
// is the one that moves on the court: see gameBall. A practice drill with
// several balls in play gets the possessions of the most active one; the
// live time during which two or more balls moved on the court at once is
// Summary.SeveralBalls_s, so that what it misses is said (export.Limits).
// When the followed ball changes, the detector is told
// (possession.Detector.SwitchBall): the holder's possession and the team
// possession end, and no pass, turnover or rebound is made of the jump
// from one ball to the other (a player of one group "passing" to a player
// of the other, at the speed of the jump).
//
// The live time during which the game ball had been unseen for longer
// than the detector's LostBall_ms (a silent ball sensor) is
// Quality.BallUnseenLive_s; no team is in control of the ball then. A
// silence of the whole feed (no frame between two: no sensor seen) is
// no team's either, but not the ball's: it is left out of
// BallUnseenLive_s (possession.Detector.Silence).
//
// A PossessionAnalyzer serves one session; it is not safe for concurrent
// use (the engine calls it from its own goroutine). The session it is
// attached to passes it the feed's shots (ShotObserver).
type PossessionAnalyzer struct {
	d       *possession.Detector
	ball    gameBall
	speeds  ballSpeeds
	players []possession.PlayerPos
	emit    func(*Segment) error
	seg     Segment
	// The changes of the clock between live and not live, and of the
	// period, since the last frame (Clock), for the detector to count
	// each step of time in the state it was in and to end the team
	// possession with its period (see Clock); at most maxClockChanges.
	changes []clockChange
	live    bool  // live as of the last change
	lastT   int64 // time of the last frame given to the detector
	// lastFrame_ms is the time of the last frame (framed: one came), and
	// step_ms the grid period, for the silences of the whole feed
	// (silentUntil).
	lastFrame_ms, step_ms int64
	framed                bool
	// The periods from the markers, oldest first (at most periodHist):
	// an event takes the period of its start, not of the frame in which
	// the detector decides it.
	periods []periodFrom
	observe func(*Segment) // Observe's; nil: none
	err     error          // the first error of emit, returned by Frame or Finish
	// noRoster: no player has a team (every holder is team 0), so a
	// change of hands cannot be told a pass from a steal, nor a rebound
	// offensive from defensive. noCourt: no hoops (sensor frame), so no
	// shot is detected and a missed or made shot reads as a pass or a
	// turnover. The events they make unreliable get LabelUnverified, as
	// do those of a player the roster does not name (team 0 beside the
	// rostered teams: his team is unknown, not another one).
	noRoster, noCourt bool
	teamOf            map[int64]int64 // the roster's teams by player id
	roster            []decode.RosterTeam
	// sides: whether the events can tell the two sides apart, as of
	// the players seen so far (see sides: a practice's scrimmage, or
	// only one team's players tracked). While they cannot, the same as
	// noRoster for the labels, and no team possession is emitted (it
	// would end only at the period's end: one "possession" per drill or
	// half).
	sides sides
	// severalBalls_s: live time with two or more balls moving on the
	// court (gameBall.moving), Summary.SeveralBalls_s.
	severalBalls_s float64
}

// LabelUnverified is the label of the pass, turnover and rebound segments
// whose kind the session could not tell (the events table's label; see
// docs/schema.md): passes and rebounds without a roster, passes,
// turnovers and rebounds while the sides cannot be told apart (a
// practice's scrimmage of one roster team, or only one team's players
// tracked: Summary.OneTeam, Summary.OneTeamTracked), passes and
// turnovers without a court, and with a roster the passes, turnovers and
// rebounds of a player it does not name.
const LabelUnverified = "unverified"

// RosterConflict is a player a roster lists on more than one team.
type RosterConflict struct {
	PlayerID int64
	// Teams are the ids of the teams that list him, each once, in the
	// roster's order; the last is the one he is taken for (Kept).
	Teams []int64
}

// Kept is the team the engine takes the player for: the last of the
// roster's teams that lists him, as NewSession and NewPossessionAnalyzer
// read a roster (a later entry replaces an earlier one).
func (c RosterConflict) Kept() int64 { return c.Teams[len(c.Teams)-1] }

// RosterConflicts returns the players roster lists on more than one team,
// in the order of their first entry; nil when none is. A player listed
// twice on one team is no conflict.
func RosterConflicts(roster []decode.RosterTeam) []RosterConflict {
	teams := map[int64][]int64{} // player id → his teams
	var order []int64
	for _, t := range roster {
		for _, p := range t.Players {
			ts, seen := teams[p.ID]
			if !seen {
				order = append(order, p.ID)
			}
			if !slices.Contains(ts, t.ID) {
				teams[p.ID] = append(ts, t.ID)
			}
		}
	}
	var out []RosterConflict
	for _, id := range order {
		if ts := teams[id]; len(ts) > 1 {
			// Kept is the last team listing him, which may be one listed
			// before another: move it last.
			kept := ts[0]
			for _, t := range roster {
				if slices.ContainsFunc(t.Players, func(p decode.Player) bool { return p.ID == id }) {
					kept = t.ID
				}
			}
			ts = append(slices.DeleteFunc(ts, func(x int64) bool { return x == kept }), kept)
			out = append(out, RosterConflict{PlayerID: id, Teams: ts})
		}
	}
	return out
}

// OneTeamRoster reports whether roster's players are all on one team (and
// there is at least one): a practice's roster (live.json's
// is_practice_event), whose scrimmage sides are both that team, or a
// game's that lists one team only (as the API's _subscribe example
// does). Possession tells teams apart by the roster only, so when both
// sides are the one team every change of hands reads as a pass, every
// rebound as offensive, and a team possession lasts until its period
// ends. Whether they are is the session's to tell (Meta.Event, and the
// players tracked: see PossessionAnalyzer.SetEvent and Summary.OneTeam).
// A roster team without players does not count.
func OneTeamRoster(roster []decode.RosterTeam) bool {
	var team int64
	have := false
	for _, t := range roster {
		if len(t.Players) == 0 {
			continue
		}
		if have && t.ID != team {
			return false
		}
		team, have = t.ID, true
	}
	return have
}

// Several balls moving at once (Summary.SeveralBalls_s).
const (
	// SeveralBallsMoving_mps: a ball in bounds whose activity (gameBall:
	// its in-bounds speed averaged over about 2 s) is at least this
	// moves on the court. On a simulated practice (2026-11-27) the ball
	// in play stayed above it for 98.5 % of the live time, and a ball
	// at rest in bounds whose samples had a noise of σ 30 mm per axis
	// (the players' usual) read a mean smoothed speed of 0.4 m/s, one of
	// σ 80 mm, 1.1 m/s: never above it.
	SeveralBallsMoving_mps = 1.5
	// SeveralBallsMin_s: the live time with several balls moving from
	// which a session is said to have had several balls in play
	// (export.LimitSeveralBalls). A game's replacement ball thrown in,
	// or one rolling back from the stands, moves for a few seconds; a
	// drill with two groups, for as long as the drill.
	SeveralBallsMin_s = 10.0
)

// BallUnseenMin_s is the live time with the game ball unseen
// (Quality.BallUnseenLive_s) from which a session is said to have lost
// its ball (export.LimitBallUnseen): no team is in control then, so each
// team's possession misses its part of that time, and the events of it
// are missing. 30 s is two average team possessions (about 14 s each in
// the NBA): a team's possession_s may then be short by one or more whole
// possessions, more than the 2.4 % it is measured within on 12-minute
// simulated games. The simulator's ball dropouts (0.15 a minute, 0.2 to
// 1.5 s each) leave the ball unseen beyond the 0.4 s threshold for 0 to
// 1.5 s of live time in 12 minutes (seeds 1 to 5); a ball sensor whose
// battery dies, or one out of the receivers' range, goes far beyond.
const BallUnseenMin_s = 30.0

// NewPossessionAnalyzer returns a possession analyzer whose players' teams
// come from roster (a player not on it has team 0). cfg is usually
// possession.ConfigFor(the court's template); its zero fields take their
// defaults (possession.Config.WithDefaults). Without any rostered player,
// while the sides cannot be told apart (a practice's scrimmage of a
// one-team roster, or only one team's players tracked: no team
// possession either; see SetEvent), or with cfg.SensorFrame, the events
// that cannot be told apart are labelled LabelUnverified rather than
// guessed.
func NewPossessionAnalyzer(roster []decode.RosterTeam, cfg possession.Config) *PossessionAnalyzer {
	teamOf := map[int64]int64{}
	for _, t := range roster {
		for _, p := range t.Players {
			teamOf[p.ID] = t.ID
		}
	}
	a := &PossessionAnalyzer{noRoster: len(teamOf) == 0, noCourt: cfg.SensorFrame, teamOf: teamOf}
	a.sides = newSides(roster, a.team, EventUnknown)
	a.roster = roster
	a.d = possession.New(cfg, a.team, a.event)
	return a
}

// team is a player's roster team, 0 when the roster does not name him.
func (a *PossessionAnalyzer) team(id int64) int64 { return a.teamOf[id] }

// SetEvent tells the analyzer the kind of event its session is a round
// of (Meta.Event; EventUnknown until told); call it before the first
// Frame. Events cannot tell the sides apart (LabelUnverified, no team
// possession) in a practice (EventPractice) whose roster is one team,
// whatever players are tracked (a guest the roster does not name plays
// on one of its scrimmage sides); otherwise, while every tracked player
// of the frames so far that is on the roster is on one team and none
// the roster does not name is tracked: a one-team roster without live
// info (a practice, taken for one) or a game in which only one team's
// players wear sensors. A game (EventGame) whose roster lists one team
// and whose other team's players are tracked, unrostered, keeps its
// labels and team possessions: a change of hands to them is unverified
// by the unrostered rule.
func (a *PossessionAnalyzer) SetEvent(kind EventKind) {
	a.sides = newSides(a.roster, a.team, kind)
}

// clockChange is a change of the clock between live and not live, or of
// the period (which ends the team possession).
type clockChange struct {
	t_ms      int64
	live      bool
	periodEnd bool  // the period changed (to period)
	period    int32 // 0: between periods
}

// periodFrom is a period and when it began.
type periodFrom struct {
	t_ms   int64
	period int32
}

// periodHist bounds the periods kept: far more than an event can reach
// back (a team possession spans a period at most).
const periodHist = 16

// maxClockChanges bounds PossessionAnalyzer.changes. The frames come
// every grid period and take the changes before them, so a game has a
// few between two frames, a handful over a silence of the feed; a flood
// of clock or period markers with no location between them (a broken or
// hostile feed) would grow them without end. Beyond the bound the
// oldest half is forgotten (the detector counts their time in the state
// before them, and misses the team possessions' ends at their period
// changes); the newest, nearest the next frame, are kept.
const maxClockChanges = 1024

// Clock implements ClockObserver. The detector counts each step between
// two ball samples in the clock state of its start; when the whole feed
// falls silent for seconds, and the clock stops during the silence, the
// next frame comes seconds later, and the whole silence would count as
// live (possession time beyond the live time). So the changes are handed
// to the detector at their own instants, before the next frame; a change
// of period also ends the team possession there (EndPeriod at a period's
// end, StartPeriod at a start, which opens the holder's team's).
func (a *PossessionAnalyzer) Clock(t_ms int64, period int32, clock ClockState) {
	if len(a.changes) >= maxClockChanges-1 {
		// Room for the two a call may add; halving keeps the copying
		// amortized O(1) per change.
		n := copy(a.changes, a.changes[len(a.changes)/2:])
		a.changes = a.changes[:n]
	}
	live := clock == ClockLive
	if live != a.live {
		a.changes = append(a.changes, clockChange{t_ms: t_ms, live: live})
		a.live = live
	}
	if n := len(a.periods); n == 0 || a.periods[n-1].period != period {
		if n > 0 || period != 0 {
			// (Before any period nothing ends: a recording without period
			// markers keeps its team possessions.)
			a.changes = append(a.changes, clockChange{t_ms: t_ms, live: live, periodEnd: true, period: period})
		}
		if n == periodHist {
			a.periods = append(a.periods[:0], a.periods[1:]...)
		}
		a.periods = append(a.periods, periodFrom{t_ms, period})
	}
}

// catchUp gives the detector the clock changes before t_ms (the next
// frame's time, which carries the state from then on). A change at or
// before the last frame (a marker that arrived late) is left to the frames.
func (a *PossessionAnalyzer) catchUp(t_ms int64) {
	for _, c := range a.changes {
		if c.t_ms > a.lastT && c.t_ms < t_ms {
			a.d.Tick(c.t_ms, c.live)
			a.lastT = c.t_ms
		}
		if c.periodEnd && c.t_ms <= t_ms {
			if c.period == 0 {
				a.d.EndPeriod(max(c.t_ms, a.lastT))
			} else {
				a.d.StartPeriod(max(c.t_ms, a.lastT))
			}
		}
	}
	a.changes = a.changes[:0]
}

// periodAt returns the period at t_ms (0 before the first).
func (a *PossessionAnalyzer) periodAt(t_ms int64) int32 {
	for i := len(a.periods) - 1; i >= 0; i-- {
		if a.periods[i].t_ms <= t_ms {
			return a.periods[i].period
		}
	}
	if len(a.periods) == periodHist {
		return a.periods[0].period
	}
	return 0
}

// Frame implements Analyzer: it updates the detector with the ball and
// every player of f and marks the holder's sample.
func (a *PossessionAnalyzer) Frame(f *Frame, emit func(*Segment) error) error {
	a.emit = emit
	a.step_ms = int64(math.Round(f.Dt_s * 1000))
	a.silentUntil(f.T_ms)
	a.lastFrame_ms, a.framed = f.T_ms, true
	a.catchUp(f.T_ms)
	a.lastT = f.T_ms
	if !a.sides.told {
		// The frame's players count for its own events.
		for i := range f.Players {
			a.sides.see(f.Players[i].SensorID)
		}
	}
	live := f.Clock == ClockLive
	followed, had := a.ball.cur, a.ball.have
	bi := a.ball.pick(f.Balls, f.T_ms)
	if had && a.ball.cur != followed {
		// Another ball is followed from this frame: its first sample is
		// no catch of the old one's release (see gameBall).
		a.d.SwitchBall()
	}
	if live && a.ball.moving >= 2 {
		a.severalBalls_s += f.Dt_s
	}
	if bi < 0 {
		// No ball, or the game ball is missing from this frame.
		a.d.Tick(f.T_ms, live)
		return a.takeErr()
	}
	// Every player with a sample: the detector leaves out players far
	// from the ball (the bench) by itself.
	a.players = slices.Grow(a.players[:0], len(f.Players))[:len(f.Players)]
	for i := range f.Players {
		p := &f.Players[i]
		a.players[i] = possession.PlayerPos{ID: p.SensorID, X_m: p.X_m, Y_m: p.Y_m}
	}
	b := &f.Balls[bi]
	b.GameBall = true // for the sinks (an overlay's ball state)
	a.speeds.add(f.T_ms, b.Speed_mps)
	a.d.Update(f.T_ms, b.X_m, b.Y_m, b.Z_m, a.players, live)
	if h, ok := a.d.Holder(); ok {
		for i := range f.Players {
			if f.Players[i].SensorID == h {
				f.Players[i].BallHolder = true
			}
		}
	}
	return a.takeErr()
}

// ballSpeeds keeps the followed ball's smoothed speed of the last
// ballSpeedFrames frames, for the speed of a pass: the median of the
// ball's speeds during its flight. The detector's length over duration
// runs from the passer to the receiver (their positions) over the time the
// ball spent beyond their hand radius, which is shorter than the flight
// from hand to hand: on a simulated game it came out 15 % above the true
// air speed (a median 1.4 m/s too high over 62 passes). The median of the
// ball's own speeds leaves out its ramps at the release and the catch.
// The pass is decided within a second or two of the catch, so the frames
// kept reach back far enough at any feed rate up to 100 Hz.
type ballSpeeds struct {
	t_ms  [ballSpeedFrames]int64
	v_mps [ballSpeedFrames]float64
	n     int // frames added (the newest at (n-1) % ballSpeedFrames)
	buf   []float64
}

const ballSpeedFrames = 512

func (b *ballSpeeds) add(t_ms int64, v_mps float64) {
	i := b.n % ballSpeedFrames
	b.t_ms[i], b.v_mps[i] = t_ms, v_mps
	b.n++
}

// median returns the median speed of the frames strictly between from_ms
// and to_ms, and false when fewer than three are kept.
func (b *ballSpeeds) median(from_ms, to_ms int64) (float64, bool) {
	b.buf = b.buf[:0]
	for k := max(0, b.n-ballSpeedFrames); k < b.n; k++ {
		if i := k % ballSpeedFrames; b.t_ms[i] > from_ms && b.t_ms[i] < to_ms {
			b.buf = append(b.buf, b.v_mps[i])
		}
	}
	if len(b.buf) < 3 {
		return 0, false
	}
	slices.Sort(b.buf)
	m := len(b.buf) / 2
	if len(b.buf)%2 == 0 {
		return (b.buf[m-1] + b.buf[m]) / 2, true
	}
	return b.buf[m], true
}

// gameBall picks, frame by frame, the ball the possession detector
// follows. The ball in play is the one that moves on the court: each
// ball's activity is an exponential moving average, with time constant
// gameBallTau_s, of its speed while in bounds (0 out of bounds), from 0
// when the ball first appears. The followed ball changes only when
// another's activity exceeds twice its own plus gameBallMargin_mps: a
// ball held still (a free throw) is not dropped for a spare ball at rest,
// two balls in play do not swap at every pass, and a game ball that goes
// missing for a few frames is waited for (the detector sees no ball)
// rather than replaced. At the first frame with balls it takes the first
// in bounds (else the first); a game ball that starts elsewhere takes
// over once it moves (after 0.45 s at 5 m/s).
//
// With one ball, as in a game, pick returns it at every frame.
type gameBall struct {
	cur   int64 // the sensor id followed, once have
	have  bool
	balls []ballActivity
	// moving is how many of the last frame's balls moved on the court:
	// in bounds, with an activity of at least SeveralBallsMoving_mps.
	moving int
	// alpha is the EMA weight of the old value for a step of dt_ms, kept
	// for the next frame (the grid's step, nearly always).
	dt_ms int64
	alpha float64
}

// ballActivity is one ball's activity (m/s) as of its last sample t_ms
// (0: none yet).
type ballActivity struct {
	id      int64
	t_ms    int64
	act_mps float64
}

const (
	gameBallTau_s      = 2.0
	gameBallMargin_mps = 1.0
)

// pick updates the activities with the frame's balls at t_ms and returns
// the index in balls of the ball to follow, or -1 when it is not in this
// frame (or there is none).
func (g *gameBall) pick(balls []Sample, t_ms int64) int {
	cur, best := -1, -1
	bestAct_mps := 0.0
	g.moving = 0
	for i := range balls {
		b := &balls[i]
		a := g.activity(b.SensorID)
		if a.t_ms != 0 {
			v_mps := 0.0
			if b.InBounds {
				v_mps = b.Speed_mps
			}
			w := g.weight(t_ms - a.t_ms)
			a.act_mps = w*a.act_mps + (1-w)*v_mps
		}
		a.t_ms = t_ms
		if b.InBounds && a.act_mps >= SeveralBallsMoving_mps {
			g.moving++
		}
		switch {
		case g.have && b.SensorID == g.cur:
			cur = i
		case best < 0 || a.act_mps > bestAct_mps:
			best, bestAct_mps = i, a.act_mps
		}
	}
	switch {
	case best < 0:
		return cur
	case !g.have:
		first := 0
		for i := range balls {
			if balls[i].InBounds {
				first = i
				break
			}
		}
		g.cur, g.have = balls[first].SensorID, true
		return first
	}
	a := g.activity(g.cur)
	curAct_mps := a.act_mps
	if a.t_ms != t_ms {
		curAct_mps *= math.Exp(-float64(t_ms-a.t_ms) / (1000 * gameBallTau_s)) // decayed while missing
	}
	if bestAct_mps > 2*curAct_mps+gameBallMargin_mps {
		g.cur = balls[best].SensorID
		return best
	}
	return cur
}

// weight is the EMA weight of the old value after dt_ms: exp(−dt/τ).
func (g *gameBall) weight(dt_ms int64) float64 {
	if dt_ms != g.dt_ms {
		g.dt_ms, g.alpha = dt_ms, math.Exp(-float64(dt_ms)/(1000*gameBallTau_s))
	}
	return g.alpha
}

// activity returns the entry of ball id, adding it if new.
func (g *gameBall) activity(id int64) *ballActivity {
	for i := range g.balls {
		if g.balls[i].id == id {
			return &g.balls[i]
		}
	}
	g.balls = append(g.balls, ballActivity{id: id})
	return &g.balls[len(g.balls)-1]
}

// Observe makes a call fn with every segment it emits, just before the
// sinks get it (e.g. HeatmapAnalyzer.Segment, which learns the teams'
// attacking directions from the detected shots). The segment is valid
// only during the call. Observe is called before the session is fed.
func (a *PossessionAnalyzer) Observe(fn func(*Segment)) { a.observe = fn }

// FeedShot implements ShotObserver: a shot message of the feed goes to
// the detector (shooter agreement, assists). The session calls it.
func (a *PossessionAnalyzer) FeedShot(s *decode.Shot) {
	a.d.FeedShot(s.OccurredAt_ms, s.PlayerID, s.IsMake)
}

// Finish implements Analyzer: it flushes the detector, cross-checks it
// with the feed's box score and adds the possession totals to sum.
func (a *PossessionAnalyzer) Finish(sum *Summary, emit func(*Segment) error) error {
	a.emit = emit
	a.silentUntil(sum.End_ms)
	a.catchUp(sum.End_ms)
	a.d.Flush(sum.End_ms)
	for _, b := range sum.BoxScore {
		a.d.FeedStats(b.PlayerID, possession.FeedCounts{AST: b.Values["AST"], TO: b.Values["TO"], STL: b.Values["STL"], REB: b.Values["REB"]})
	}
	sum.ShooterAgreement = a.d.Check().ShooterAgreement
	sum.SeveralBalls_s = a.severalBalls_s
	sum.Quality.BallUnseenLive_s = a.d.BallUnseenLive_s()
	byPlayer := map[int64]possession.PlayerTotal{}
	for _, p := range a.d.Players(nil) {
		byPlayer[p.PlayerID] = p
	}
	for i := range sum.Players {
		p := &sum.Players[i]
		t := byPlayer[p.PlayerID]
		p.Possession_s, p.Touches = t.Possession_s, t.Touches
	}
	byTeam := map[int64]possession.TeamTotal{}
	for _, t := range a.d.Teams(nil) {
		byTeam[t.TeamID] = t
	}
	for i := range sum.Teams {
		sum.Teams[i].Possession_s = byTeam[sum.Teams[i].TeamID].Possession_s
	}
	return a.takeErr()
}

// silentUntil tells the detector that no sensor was seen from the tick
// after the last frame up to t_ms (the next frame's, or the session's
// end) when there was no frame at a tick between: the ball's silence
// then is the feed's (possession.Detector.Silence), as after a feed that
// stalled, or one that stopped delivering locations before its end.
func (a *PossessionAnalyzer) silentUntil(t_ms int64) {
	if a.framed && t_ms-a.lastFrame_ms > a.step_ms {
		a.d.Silence(a.lastFrame_ms+a.step_ms, t_ms)
	}
}

func (a *PossessionAnalyzer) takeErr() error {
	err := a.err
	a.err = nil
	return err
}

// event converts a detector event into the engine's segment (the mapping
// of the possession package's doc) and emits it.
func (a *PossessionAnalyzer) event(e *possession.Event) {
	if a.err != nil || a.emit == nil {
		return
	}
	g := &a.seg
	*g = Segment{
		Start_ms: e.Start_ms, End_ms: e.End_ms, PlayerID: e.PlayerID, TeamID: e.TeamID,
		StartX_m: e.StartX_m, StartY_m: e.StartY_m, EndX_m: e.EndX_m, EndY_m: e.EndY_m,
		Touches: e.Touches, Period: a.periodAt(e.Start_ms),
	}
	switch e.Kind {
	case possession.KindPossession:
		g.Type = SegPossession
	case possession.KindTeamPossession:
		if a.sides.oneSide() {
			// Both sides are the team, or the other is not tracked: the
			// "possession" ends only with the period
			// (TeamSummary.Possession_s keeps both sides' time together).
			return
		}
		g.Type = SegTeamPossession
	case possession.KindPass:
		g.Type, g.ToPlayerID, g.Length_m, g.Speed_mps = SegPass, e.ToPlayerID, e.Length_m, e.Speed_mps
		if v, ok := a.speeds.median(e.Start_ms, e.End_ms); ok {
			g.Speed_mps = v
		}
		if a.noRoster || a.sides.oneSide() || a.noCourt || a.unrostered(e.PlayerID) || a.unrostered(e.ToPlayerID) {
			// Without teams (or with one: a practice's sides, or an
			// untracked other team) a steal is a "pass" too; without
			// hoops, a missed shot and its rebound.
			g.Label = LabelUnverified
		}
	case possession.KindShot:
		g.Type, g.Made, g.Is3Point, g.Zone, g.Length_m = SegShot, e.Made, e.Is3Point, e.Zone, e.Length_m
		if e.FreeThrow {
			g.Label = "free_throw"
		}
	case possession.KindTurnover:
		g.Type, g.ToPlayerID = SegTurnover, e.ToPlayerID
		switch {
		case a.noCourt || a.sides.oneSide() || a.unrostered(e.PlayerID) || a.unrostered(e.ToPlayerID):
			// A missed or made shot the other team picks up; a pass to
			// or from a player of unknown team (with one team on the
			// roster, only such a player's can be a turnover).
			g.Label = LabelUnverified
		case e.Steal:
			g.Label = "steal"
		}
	case possession.KindRebound:
		g.Type, g.Label = SegRebound, "defensive"
		switch {
		case a.noRoster || a.sides.oneSide() || a.unrostered(e.PlayerID) || a.unrostered(e.FromPlayerID):
			// Every player on team 0, or on the one team: every rebound
			// would read offensive.
			g.Label = LabelUnverified
		case e.Offensive:
			g.Label = "offensive"
		}
	default:
		return
	}
	if a.observe != nil {
		a.observe(g)
	}
	a.err = a.emit(g)
}

// unrostered reports whether player id (0: none) is missing from a
// roster that names others: his team is unknown.
func (a *PossessionAnalyzer) unrostered(id int64) bool {
	return !a.noRoster && id != 0 && a.teamOf[id] == 0
}

// HeatmapAnalyzer accumulates the time-weighted occupancy heatmaps: each
// player on the court (in bounds, so a player's map sums to its time on
// court), each team, and the ball. Each sample counts for the frame's
// grid period (Frame.Dt_s). Finish appends the non-empty cells to
// Summary.Heatmaps (long form, one HeatCell per cell).
//
// With heatmap.Options.Fold, each team's attacking half is mapped onto
// the east half (x > 0) in every period, by a half turn for a period in
// which it attacks west; player maps fold with the player's team, the
// ball's with the team in control (the last team whose player held it in
// the period: in flight and loose balls count for the team that last had
// it). Unless Options.Attack is given, the attacking directions are
// learned from the detected shots passed to Segment (heatmap.AttackVotes:
// the hoop most of a team's shots of a period went to; a team without
// shots in a period attacks away from the other team's hoop); a team and
// period with neither stays unfolded. Directions are applied when Finish
// reads the grids, so shots late in a period fold its whole time; a
// session whose summary says Summary.OneTeam (a practice's scrimmage:
// one team's sides attack both hoops in a period) is not folded then.
//
// A HeatmapAnalyzer serves one session and is not safe for concurrent use.
type HeatmapAnalyzer struct {
	acc      *heatmap.Accumulator
	liveOnly bool // heatmap.Options.LiveOnly
	fold     bool // heatmap.Options.Fold
	votes    heatmap.AttackVotes
	ballTeam int64 // team in control of the ball in ballPeriod (0: none yet)
	period   int32 // period of ballTeam
	// unfold: Finish found Summary.OneTeam; every direction reads 0.
	unfold bool
}

// NewHeatmapAnalyzer returns a heatmap analyzer with the heatmap
// package's options (cell size, court template, live time only, folding).
// With Fold and no Attack, the directions come from Segment's shots.
// With Fold, a session whose summary says OneTeam (a practice's
// scrimmage) is not folded (Finish).
func NewHeatmapAnalyzer(opt heatmap.Options) *HeatmapAnalyzer {
	h := &HeatmapAnalyzer{liveOnly: opt.LiveOnly, fold: opt.Fold}
	if opt.Fold {
		attack := opt.Attack
		if attack == nil {
			attack = h.votes.Attack
		}
		opt.Attack = func(teamID int64, period int32) int {
			if h.unfold {
				return 0
			}
			return attack(teamID, period)
		}
	}
	h.acc = heatmap.New(opt)
	return h
}

// Segment takes evidence of the attacking directions from a segment of
// the engine: a detected shot (SegShot) of a team votes for the hoop it
// went to (EndX_m) in its period. Other segments, and shots without a
// team, are ignored. Pass it to PossessionAnalyzer.Observe.
func (h *HeatmapAnalyzer) Segment(g *Segment) {
	if g.Type == SegShot && g.TeamID != 0 {
		h.votes.Add(g.TeamID, g.Period, g.EndX_m)
	}
}

// Attack is the attacking direction learned so far for teamID in period:
// +1 east, −1 west, 0 unknown (heatmap.AttackVotes.Attack).
func (h *HeatmapAnalyzer) Attack(teamID int64, period int32) int {
	return h.votes.Attack(teamID, period)
}

// Frame implements Analyzer: it adds f's in-bounds players and its balls
// for f.Dt_s seconds each. Attach it after the PossessionAnalyzer, whose
// ball holder gives the ball's team.
func (h *HeatmapAnalyzer) Frame(f *Frame, _ func(*Segment) error) error {
	live := f.Clock == ClockLive
	if f.Period != h.period {
		h.ballTeam, h.period = 0, f.Period
	}
	for i := range f.Players {
		p := &f.Players[i]
		if p.BallHolder && p.TeamID != 0 {
			h.ballTeam = p.TeamID
		}
		if p.InBounds {
			h.acc.AddPlayer(p.SensorID, p.TeamID, f.Period, p.X_m, p.Y_m, f.Dt_s, live)
		}
	}
	for i := range f.Balls {
		b := &f.Balls[i]
		h.acc.AddBall(b.SensorID, h.ballTeam, f.Period, b.X_m, b.Y_m, f.Dt_s, live)
	}
	return nil
}

// Finish implements Analyzer: it appends the accumulated cells to
// sum.Heatmaps (folded with the directions known at this point, unless
// sum.OneTeam: a scrimmage's sides of one team attack opposite hoops),
// and sets sum.Heatmap to the settings they were made with.
//
// The grids are read twice (count, then append) so that sum.Heatmaps grows
// once, and each grid's cells go through one reused buffer.
func (h *HeatmapAnalyzer) Finish(sum *Summary, _ func(*Segment) error) error {
	h.unfold = sum.OneTeam
	sum.Heatmap = HeatmapSettings{Cell_m: h.acc.Geom().Cell_m, LiveOnly: h.liveOnly, Folded: h.fold && !h.unfold}
	sum.Heatmaps = slices.Grow(sum.Heatmaps, h.acc.NonEmpty())
	var cells []heatmap.Cell
	h.acc.EachGrid(func(g *heatmap.Grid) {
		cells = g.Cells(cells[:0])
		scope := g.Scope.String()
		for _, c := range cells {
			sum.Heatmaps = append(sum.Heatmaps, HeatCell{Scope: scope, ID: c.ID, IX: c.IX, IY: c.IY, X_m: c.X_m, Y_m: c.Y_m, Seconds: c.Seconds})
		}
	})
	return nil
}
