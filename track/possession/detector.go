package possession

import (
	"math"
	"sort"

	"github.com/stmotion/stmotion/court"
)

// flight is what the ball did since it last left the holder's entry radius.
type flight struct {
	rose    bool    // rose above the rim
	shot    bool    // rose, then came near a hoop: a shot
	made    bool    // dropped through the rim
	hoopX_m float64 // the hoop it went to
	emitted bool    // the shot event was sent
}

// release is the last player who let the ball go.
type release struct {
	valid    bool
	player   int64
	team     int64
	passIn   int64 // passer of the released possession
	assistBy int64 // passIn when the release came within AssistWindow_ms of the catch
	t_ms     int64
	held_ms  int64 // how long the released possession lasted
	// unseen: the ball went unseen in flight for longer than
	// LostBall_ms (see Update): no pass or turnover is inferred from it.
	unseen   bool
	x_m, y_m float64 // the player's position at release
}

// teamRun is a team possession (a run of its players' possessions) being
// built: its KindTeamPossession event is sent when it ends.
type teamRun struct {
	team     int64
	start_ms int64
	touches  int32
	passes   int32
	live_ms  int64   // live time the team was in control during it
	x_m, y_m float64 // where it started (the first gain)
}

// pendingGain is a possession start whose consequences wait until the
// gainer's team has control of the ball (Config.Control_ms): a rebound,
// and a change of the team possession with the turnover it may be. If
// the ball goes on to another player first, the gainer only touched it:
// a rebound passes to the next holder, and a team possession the other
// team takes back goes on as if the touch had not been (no turnover; a
// pass between two of its players stands).
type pendingGain struct {
	active bool
	player int64 // the gainer
	team   int64

	reb        bool  // a rebound, in rebEv
	rebEv      Event // (sent on confirmation)
	shotBy     int64 // the missed shot's shooter and team, for a rebound
	shotTm     int64 // passed on to the next holder
	change     bool  // the gain ended prev, the other team's team possession
	prev       teamRun
	prevEnd_ms int64 // prev's end (the gain), and where
	prevEndX_m float64
	prevEndY_m float64
	// prevCtl: prev's team was in control at the gain; the live time
	// since, credited to the gainer's team from pos0_s on, is given back
	// to it if the gain comes to nothing (else to no team).
	prevCtl bool
	pos0_s  float64
	to      bool    // a turnover, in toEv
	toEv    Event   // (sent on confirmation)
	rel     release // the release before the gain: a pass it may have touched
}

type recentPoss struct {
	player   int64
	start_ms int64
}

type recentShot struct {
	shooter  int64
	passer   int64
	t_ms     int64
	matched  bool
	assisted bool
}

type feedShot struct {
	t_ms    int64
	shooter int64
	made    bool
}

const (
	recentN   = 64 // recent possessions kept to find the holder before a feed shot
	shotRingN = 32 // recent detected shots kept to match feed shots
	feedRingN = 32 // feed shots waiting for the detector to pass them
)

// Detector decides the ball holder sample by sample and emits possession,
// team possession, pass, shot, turnover and rebound events.
//
// Holder rule (hysteresis): the nearest player (horizontal distance) within
// Entry_m of a ball below MaxBallZ_m becomes the candidate, from the
// (interpolated) instant the ball crossed Entry_m; a candidate that stays
// the nearest player within Entry_m with the ball low for MinHold_ms becomes
// the holder, and the possession is back-dated to the candidate's start.
// The holder keeps the ball until it is farther than Exit_m or rises above
// the rim; the possession then ends at the last instant the ball crossed
// outward through Entry_m (or up through MaxBallZ_m). While the ball is
// between Entry_m and Exit_m of the holder, another player who holds it
// within Entry_m for MinHold_ms takes it over (a hand-off or a steal); so
// does a player closer to the ball than the holder by Challenge_m. What a
// gain means (a rebound, a turnover, the end of the other team's team
// possession) waits until the gainer has control (Control_ms, a pass or a
// shot; see pendingGain and the package doc).
// Ties: among players at exactly the same distance the current candidate
// or holder wins, otherwise the lower player id; a player of the team in
// control no more than TeamTie_m farther than the nearest opponent wins
// over him (the tracking noise cannot tell them apart).
//
// Dead balls (live == false) end the current possession at once; time is
// only counted while live. A Detector is used by one goroutine. Memory is
// constant in the length of the input: per-player and per-team totals grow
// only with the roster.
type Detector struct {
	cfg  Config
	team func(playerID int64) int64
	emit func(e *Event)

	started  bool
	first_ms int64 // the first sample or tick
	now_ms   int64 // the sample being processed
	prevT_ms int64
	prevLive bool
	prevX_m  float64
	prevY_m  float64
	prevZ_m  float64
	state    BallState
	ballT_ms int64 // the last ball sample (Update)
	haveBall bool  // a ball sample has come

	holder      int64
	holderTeam  int64
	holdStart   int64
	holdX_m     float64
	holdY_m     float64
	lastX_m     float64 // holder's latest position
	lastY_m     float64
	prevHoldD_m float64 // ball-holder distance at the previous sample
	outT_ms     int64   // last outward crossing of Entry_m (or upward of MaxBallZ_m)
	outSet      bool
	outN        int   // consecutive samples beyond Exit_m or above the rim
	passIn      int64 // passer into the current possession

	barPlayer int64 // a player who cannot take the ball now (he just scored); 0 none
	cand      int64
	candEntry int64   // when the ball came within Entry_m: MinHold_ms runs from here
	candStart int64   // the possession's start if confirmed (see candStep)
	candHand  bool    // the ball has been within Hand_m off the floor
	candAir   bool    // the ball has been off the floor since candEntry
	candPrevD float64 // ball-candidate distance at the previous sample
	candX_m   float64
	candY_m   float64
	// The live time advance credited to each team in control since
	// candStart (at most candCredits teams; in practice one or two), for
	// start to move exactly that to the team of a gain back-dated to it:
	// the team in control may have changed in between (a dead ball, a
	// shot), so it cannot be taken from whoever is in control at the end.
	candCred  [candCredits]teamCredit
	nCandCred int

	handOut  bool  // the held ball is beyond Hand_m
	handOutT int64 // when it last crossed Hand_m outward

	rel       release
	fl        flight
	deadSince bool // a dead ball since the last release
	// stopSinceRel: the clock stopped (went from live to not live) since
	// the last release. A free throw is released with the clock stopped,
	// which restarts when the ball touches the rim: its rebound is taken
	// with the clock live and no stop since the release.
	stopSinceRel bool
	nowLive      bool // the clock state advance was last given
	shotSince    bool // a shot was released since the last possession
	// pend: the last gain, until its team has control (see pendingGain).
	pend pendingGain
	// madeTeam: a field goal of this team was made in live play, and no
	// player of the other team has had control since: the ball is the
	// other team's to inbound, and no turnover or pass is inferred
	// meanwhile (players of both teams touch it under the net).
	madeTeam int64

	run teamRun // the current team possession (team 0: none)
	// between: after EndPeriod, until StartPeriod: no team possession
	// opens (half time). holderInRun: the holder's possession is counted
	// in a team possession's touches.
	between     bool
	holderInRun bool
	// periodEnd_ms is the last EndPeriod's time: no team possession
	// starts before it.
	periodEnd_ms int64

	// Team control for TeamTotal.Possession_s (live time only).
	ctlTeam     int64
	deadCum_ms  int64 // non-live time so far (steps whose start was not live)
	holdDead_ms int64 // deadCum_ms when the possession began
	relDead_ms  int64 // deadCum_ms at the last release (deadAt: releases are back-dated)
	relLive     bool  // the clock was live at the last release
	// stateSince_ms is when the clock took the state prevLive holds: the
	// sample at which it last changed. clock holds the last changes, for
	// deadAt.
	stateSince_ms int64
	clock         [clockMarks]clockMark
	nClock        int
	// The team in control when the clock last stopped, and when: a shot
	// found after a whistle during its flight (a shooting foul) still
	// takes back its team's live time since the release (shotReleased).
	stopTeam int64
	stop_ms  int64
	// Live time with the ball lost, unseen for longer than LostBall_ms
	// (no team is in control then: a silent ball sensor does not credit
	// the team that last had the ball): in all (unseenCum_ms), since the
	// last ball sample (gapUnseen_ms, for unseenAt), as it stood at the
	// last release and at the candidate's start.
	unseenCum_ms  int64
	gapUnseen_ms  int64
	relUnseen_ms  int64
	candUnseen_ms int64
	// The part of unseenCum_ms when no sensor at all was seen (Silence:
	// the whole feed silent, not the ball alone), and the last such
	// span.
	silentCum_ms               int64
	silentFrom_ms, silentTo_ms int64

	players  map[int64]*PlayerTotal
	teams    map[int64]*TeamTotal
	lastTeam *TeamTotal // teamTotal's latest result

	recent      [recentN]recentPoss
	nRecent     int
	shots       [shotRingN]recentShot
	nShots      int
	nFreeThrows int
	feed        [feedRingN]feedShot
	feedLo      int
	feedN       int
	check       checkCounts
	stats       map[int64]FeedCounts
	ev          Event

	// OutOfOrder counts samples dropped because their time was not after
	// the previous sample's.
	OutOfOrder int64
}

// New returns a Detector. Zero fields of cfg take their defaults
// (Config.WithDefaults). team maps a player id to its team id (0 if
// unknown); emit receives each finished event, valid only during the call.
// emit may be nil.
func New(cfg Config, team func(playerID int64) int64, emit func(e *Event)) *Detector {
	if team == nil {
		team = func(int64) int64 { return 0 }
	}
	return &Detector{
		cfg:     cfg.WithDefaults(),
		team:    team,
		emit:    emit,
		players: make(map[int64]*PlayerTotal),
		teams:   make(map[int64]*TeamTotal),
		stats:   make(map[int64]FeedCounts),
	}
}

// Holder returns the current holder, if any.
func (d *Detector) Holder() (playerID int64, ok bool) { return d.holder, d.holder != 0 }

// Control returns the team in control at the latest sample (the team whose
// TeamTotal.Possession_s is running), if any: it stays with a team through
// its passes and loose balls, and is cleared by a shot's release or a
// clock stop. Heatmaps fold the ball by it.
func (d *Detector) Control() (teamID int64, ok bool) { return d.ctlTeam, d.ctlTeam != 0 }

// State returns the ball state at the latest sample.
func (d *Detector) State() BallState { return d.state }

// Update takes one ball sample at t_ms (canonical frame, metres), the
// on-court players' positions at the same instant, and whether the game
// clock is live. Samples come in time order; one not after the previous is
// counted in OutOfOrder and ignored. players is only read during the call.
// Update does not allocate once every player and team has been seen.
func (d *Detector) Update(t_ms int64, x_m, y_m, z_m float64, players []PlayerPos, live bool) {
	if d.started && t_ms <= d.prevT_ms {
		d.OutOfOrder++
		return
	}
	d.advance(t_ms, live)
	ni, nd, hi := d.nearest(players, x_m, y_m)
	low := z_m < d.cfg.MaxBallZ_m
	unseen := d.haveBall && t_ms-d.ballT_ms > d.cfg.LostBall_ms
	switch {
	case d.holder == 0 || !unseen:
	case hi < 0 || math.Hypot(x_m-players[hi].X_m, y_m-players[hi].Y_m) > d.cfg.Exit_m:
		d.lostBall()
		hi = -1
	case !low:
		// Back in the air, out of his reach: it left his hands unseen
		// (a shot's release, say), when it was last seen at the latest.
		d.confirm()
		d.releaseAt(d.endTime(d.ballT_ms))
		d.fl = flight{}
		hi = -1
	}
	if d.holder == 0 && d.rel.valid && !d.fl.shot && !low && unseen {
		// A released ball back in the air after as long unseen: where it
		// went meanwhile (to a hoop?) is unknown, unless it is seen to
		// be a shot now.
		d.rel.unseen = true
	}

	if d.holder != 0 {
		if hi < 0 {
			// The holder left the court (or its track ended): release now.
			d.releaseAt(d.endTime(t_ms))
		} else {
			p := players[hi]
			d.lastX_m, d.lastY_m = p.X_m, p.Y_m
			dh := math.Hypot(x_m-p.X_m, y_m-p.Y_m)
			rim := d.cfg.Court.RimHeight_m
			switch {
			case dh <= d.cfg.Hand_m:
				d.handOut = false
			case !d.handOut:
				d.handOut = true
				d.handOutT = crossTime(d.prevT_ms, t_ms, d.prevHoldD_m, dh, d.cfg.Hand_m)
			}
			if !d.outSet {
				switch {
				case dh > d.cfg.Entry_m:
					d.outSet = true
					d.outT_ms = crossTime(d.prevT_ms, t_ms, d.prevHoldD_m, dh, d.cfg.Entry_m)
					d.fl = flight{}
				case z_m > rim:
					d.outSet = true
					d.outT_ms = crossTime(d.prevT_ms, t_ms, d.prevZ_m, z_m, rim)
					d.fl = flight{}
				}
			} else if dh <= d.cfg.Entry_m && z_m <= rim {
				d.outSet = false
			}
			d.prevHoldD_m = dh
			switch {
			case dh > d.cfg.Exit_m || z_m > d.cfg.Court.RimHeight_m:
				// A single wild sample (multipath) does not take the ball
				// away: it must stay out for ReleaseSamples samples.
				d.outN++
				if d.outN >= d.cfg.ReleaseSamples {
					d.releaseAt(d.endTime(t_ms))
				}
			case ni >= 0 && players[ni].ID != d.holder && nd <= d.cfg.Entry_m && low &&
				(dh > d.cfg.Entry_m || nd < dh-d.cfg.Challenge_m):
				d.outN = 0
				d.challenge(t_ms, players[ni], nd, x_m, y_m, z_m)
			default:
				d.outN, d.cand = 0, 0
			}
		}
	}
	if d.holder == 0 {
		switch {
		case ni >= 0 && low && players[ni].ID == d.cand && nd <= d.cfg.Entry_m:
			d.candStep(t_ms, nd, z_m)
			if s, ok := d.confirmed(t_ms); ok {
				d.start(t_ms, d.cand, s, d.candX_m, d.candY_m, players[ni], x_m, y_m)
			}
		case ni >= 0 && low && nd <= d.cfg.Entry_m:
			d.setCandidate(t_ms, players[ni], nd, z_m)
		default:
			d.cand = 0
		}
	}
	if (d.pend.active || d.madeTeam != 0) && d.holder != 0 && d.endTime(t_ms)-d.holdStart >= d.cfg.Control_ms {
		// He has had control (the ball in his hands for Control_ms, to
		// now or to when it left them): his gain stands; after a made
		// basket, the other team has taken the ball to inbound it.
		if d.pend.active && d.holder == d.pend.player {
			d.confirm()
		}
		if d.madeTeam != 0 && d.holderTeam != d.madeTeam {
			d.madeTeam = 0
		}
	}
	if d.holder == 0 || d.outSet {
		d.track(t_ms, x_m, y_m, z_m)
	}
	switch {
	case !live:
		d.state = Dead
	case d.holder != 0:
		d.state = Held
	default:
		d.state = Loose
		if d.started && d.prevLive {
			// Speed ≥ LooseSpeed_mps, compared as squared step length
			// against the squared step at that speed (no square root).
			dt := float64(t_ms-d.prevT_ms) / 1000
			step_m := d.cfg.LooseSpeed_mps * dt
			if step_m <= 0 || sq(x_m-d.prevX_m)+sq(y_m-d.prevY_m)+sq(z_m-d.prevZ_m) >= step_m*step_m {
				d.state = InFlight
			}
		}
	}
	d.remember(t_ms, x_m, y_m, z_m, live)
	d.ballT_ms, d.haveBall, d.gapUnseen_ms = t_ms, true, 0
}

// lostBall ends the holder's possession when the ball was last seen (or
// when it last left his hand before that): the ball was unseen for longer
// than LostBall_ms and came back away from him. What it did meanwhile was
// not observed, so no pass, turnover or rebound is inferred from this
// release.
func (d *Detector) lostBall() {
	d.confirm()
	d.releaseAt(d.endTime(d.ballT_ms))
	d.rel.valid = false
	d.fl = flight{}
	d.outSet, d.outN, d.handOut, d.cand = false, 0, false, 0
}

// SwitchBall tells the Detector that the ball it follows changes: the
// next Update's sample is of another ball (the engine's game ball went
// over to another one, in a drill with several groups). The two balls'
// samples are not one flight, so nothing is inferred across the change:
// the holder's possession ends when the old ball was last seen (or last
// left his hand), as for a lost ball; a shot of the old ball already seen
// is reported, with its end then; no pass, turnover or rebound follows
// from it; the team possession ends at the last sample or tick, and no
// team is in control until a player gains the new ball (whose first
// sample has no previous position to interpolate an entry from). Call it
// between the old ball's last Update (or a later Tick) and the new ball's
// first Update. It does not allocate.
func (d *Detector) SwitchBall() {
	if !d.started {
		return
	}
	// A gain of the old ball waiting for control is settled as a lost
	// ball settles it: the new ball's holder is no next holder of it.
	d.confirm()
	if d.holder != 0 {
		d.releaseAt(d.endTime(d.ballT_ms))
	}
	if d.rel.valid && d.fl.shot {
		d.resolveFlight(max(d.ballT_ms, d.rel.t_ms))
	}
	x, y := d.ballXY()
	d.endRun(d.prevT_ms, x, y)
	d.ctlTeam, d.stopTeam, d.nCandCred = 0, 0, 0
	d.rel.valid = false
	d.fl = flight{}
	d.outSet, d.outN, d.handOut, d.cand = false, 0, false, 0
	d.deadSince, d.shotSince, d.stopSinceRel, d.barPlayer = false, false, false, 0
	d.prevX_m, d.prevY_m, d.prevZ_m = math.NaN(), math.NaN(), math.NaN()
}

// Tick lets time pass without a ball sample (the ball is missing from a
// frame): the clock state and the team and dead-time counters advance; who
// holds the ball does not change. Times as for Update.
func (d *Detector) Tick(t_ms int64, live bool) {
	if d.started && t_ms <= d.prevT_ms {
		d.OutOfOrder++
		return
	}
	d.advance(t_ms, live)
	if !live {
		d.state = Dead
	}
	if !d.started {
		d.prevX_m, d.prevY_m, d.prevZ_m = math.NaN(), math.NaN(), math.NaN()
	}
	d.setState(t_ms, live)
	d.started, d.prevT_ms = true, t_ms
}

// EndPeriod ends the team possession at t_ms, a period's end: a team's
// run of possessions does not go on across half time, and none opens
// until StartPeriod (the holder keeps the ball; player possessions go on
// between periods, team possessions do not). Call it in time order with
// Update and Tick (after a Tick at t_ms, or before the next sample).
func (d *Detector) EndPeriod(t_ms int64) {
	d.confirm()
	d.madeTeam = 0
	x, y := d.ballXY()
	d.endRun(t_ms, x, y)
	d.periodEnd_ms = t_ms
	d.between = true
}

// StartPeriod ends the team possession at t_ms, a period's start (a
// quarter or drill change without an end, or the start after EndPeriod),
// and opens the next one there: the holder's team's, when a player holds
// the ball, else the next gain's. Call it like EndPeriod.
func (d *Detector) StartPeriod(t_ms int64) {
	d.confirm()
	d.madeTeam = 0
	x, y := d.ballXY()
	d.endRun(t_ms, x, y)
	d.periodEnd_ms = t_ms
	d.between = false
	if d.holder != 0 {
		d.run = teamRun{team: d.holderTeam, start_ms: t_ms, x_m: x, y_m: y}
		if !d.holderInRun {
			// His possession began between periods, in no team's run.
			d.run.touches, d.holderInRun = 1, true
		}
		d.teamTotal(d.holderTeam).Possessions++
	}
}

// advance counts the time since the previous sample and handles a change
// of the clock state at t_ms.
func (d *Detector) advance(t_ms int64, live bool) {
	d.now_ms, d.nowLive = t_ms, live
	if !d.started {
		d.first_ms = t_ms
	}
	d.resolveFeed(t_ms)
	if d.started {
		dt := t_ms - d.prevT_ms
		if d.prevLive {
			if lost := d.ballT_ms + d.cfg.LostBall_ms; d.haveBall && t_ms > lost {
				// The ball has been unseen for longer than LostBall_ms:
				// nobody is seen in control of it.
				u := t_ms - max(lost, d.prevT_ms)
				d.unseenCum_ms += u
				d.gapUnseen_ms += u
				dt -= u
				if s := min(t_ms, d.silentTo_ms) - max(lost, d.prevT_ms, d.silentFrom_ms); s > 0 {
					d.silentCum_ms += s
				}
			}
			if d.ctlTeam != 0 && dt > 0 {
				d.teamTotal(d.ctlTeam).Possession_s += float64(dt) / 1000
				if d.ctlTeam == d.run.team {
					d.run.live_ms += dt
				}
				d.creditCandidate(d.ctlTeam, dt)
			}
		} else {
			d.deadCum_ms += dt
		}
	}
	switch {
	case !live:
		if d.prevLive || !d.started {
			d.clockStopped(t_ms)
			d.stopSinceRel = true
		}
		d.deadSince = true
	case d.started && !d.prevLive && d.holder != 0:
		// The clock starts with the ball in a player's hands.
		d.ctlTeam = d.holderTeam
	}
}

func (d *Detector) remember(t_ms int64, x, y, z float64, live bool) {
	d.setState(t_ms, live)
	d.started = true
	d.prevT_ms, d.prevX_m, d.prevY_m, d.prevZ_m = t_ms, x, y, z
}

// setState records the clock state of the sample at t_ms, which holds for
// the step that starts there.
func (d *Detector) setState(t_ms int64, live bool) {
	if !d.started || live != d.prevLive {
		d.stateSince_ms = t_ms
		d.clock[d.nClock%clockMarks] = clockMark{t_ms: t_ms, deadCum_ms: d.deadCum_ms, live: live}
		d.nClock++
	}
	d.prevLive = live
}

// clockMark is a change of the clock state at t_ms, with deadCum_ms as it
// stood then.
type clockMark struct {
	t_ms, deadCum_ms int64
	live             bool
}

// clockMarks bounds the clock changes deadAt looks back over: a release
// is back-dated by well under a second, and the clock changes at most a
// few times a second.
const clockMarks = 8

// deadAt returns deadCum_ms as it stood at t_ms, a moment before now_ms (a
// release back-dated to when the ball left the hand), from the clock's
// last changes: the state of the newest change at or before t_ms held
// from it to t_ms. (The clock may change more than once within a
// release's back-dating: with only the newest change, a stop and restart
// in between had counted negative dead time, and a possession more live
// time than it lasted.) Before the oldest change kept, it is that
// change's count.
func (d *Detector) deadAt(t_ms int64) int64 {
	if !d.started || t_ms >= d.now_ms {
		return d.deadCum_ms
	}
	var m clockMark
	for i := d.nClock - 1; i >= 0 && i >= d.nClock-clockMarks; i-- {
		m = d.clock[i%clockMarks]
		if m.t_ms <= t_ms {
			if !m.live {
				return m.deadCum_ms + (t_ms - m.t_ms)
			}
			return m.deadCum_ms
		}
	}
	return m.deadCum_ms
}

// unseenAt returns unseenCum_ms as it stood at t_ms, at most a step or a
// gap of the ball before now_ms (a release back-dated to when the ball
// left the hand, a candidate's start): the ball's time unseen counts from
// LostBall_ms after its last sample. (The part of the current gap after
// t_ms is taken as all live.)
func (d *Detector) unseenAt(t_ms int64) int64 {
	after := d.gapUnseen_ms
	if lost := d.ballT_ms + d.cfg.LostBall_ms; t_ms > lost {
		after -= t_ms - lost
	}
	return d.unseenCum_ms - max(after, 0)
}

// BallUnseenLive_s is the live time so far during which the ball had been
// unseen for longer than Config.LostBall_ms (from its first sample on)
// while other sensors were seen: a ball sensor that falls silent in live
// play (a dead battery, out of range) shows here, a feed that falls
// silent whole (Silence) does not. No team was in control of it then
// (TeamTotal.Possession_s does not count it), nor during such a silence.
func (d *Detector) BallUnseenLive_s() float64 {
	return float64(d.unseenCum_ms-d.silentCum_ms) / 1000
}

// Silence says that no sensor at all was seen after from_ms and before
// to_ms (no frame: the whole feed, or its recording, fell silent): the
// ball's time unseen within it is the feed's silence, not its sensor's,
// and is left out of BallUnseenLive_s. Call it before the Update or Tick
// at to_ms (and any Tick before it), once per silence; possession counts
// the silence as it counts an unseen ball.
func (d *Detector) Silence(from_ms, to_ms int64) {
	d.silentFrom_ms, d.silentTo_ms = from_ms, to_ms
}

// endTime is when the holder's possession ends if it is released at t_ms.
// It is the last time the ball crossed Hand_m outward, else when it left
// Entry_m or rose through the rim height, else t_ms.
func (d *Detector) endTime(t_ms int64) int64 {
	switch {
	case d.handOut && d.handOutT >= d.holdStart:
		return d.handOutT
	case d.outSet && d.outT_ms >= d.holdStart:
		return d.outT_ms
	}
	return t_ms
}

// crossTime interpolates when a quantity going from a0 (at t0) to a1 (at t1)
// crossed level: t0 + (level-a0)/(a1-a0)·(t1-t0), clamped to [t0, t1].
func crossTime(t0, t1 int64, a0, a1, level float64) int64 {
	if a1 == a0 || t1 <= t0 {
		return t1
	}
	f := (level - a0) / (a1 - a0)
	if f <= 0 || math.IsNaN(f) {
		return t0
	}
	if f >= 1 {
		return t1
	}
	return t0 + int64(math.Round(f*float64(t1-t0)))
}

// nearest returns the index of the nearest player and the horizontal
// distance to it, math.Hypot(x − X_m, y − Y_m), −1 if there is none; and
// the index of the holder in players (−1 if absent or none), found on the
// way. Ties go to the current candidate or holder, then to the lower id.
//
// It runs for every ball sample over every player with a sample (the bench
// too), so players are compared by squared distance, (x − X_m)² +
// (y − Y_m)², and only the chosen player's distance is computed: Hypot
// (which guards against an overflow the court never reaches) for every
// player was the largest part of BenchmarkUpdate's profile. The on-court
// and barred tests run only for a player who could win or tie. Squares
// order players as distances do; the two can only disagree, through
// rounding, for two distances equal to about 1e-16 of their size.
func (d *Detector) nearest(players []PlayerPos, x, y float64) (best int, dist float64, holder int) {
	best, holder = -1, -1
	bd2 := math.Inf(1)
	// court.Template.InBounds(X_m, Y_m, OnCourtMargin_m), with its bounds
	// computed once (the same expressions, so the same values).
	t, m := &d.cfg.Court, d.cfg.OnCourtMargin_m
	if d.cfg.SensorFrame {
		m = math.Inf(1)
	}
	maxX_m, maxY_m := t.Length_m/2+m, t.Width_m/2+m
	onCourt := func(p *PlayerPos) bool { return math.Abs(p.X_m) <= maxX_m && math.Abs(p.Y_m) <= maxY_m }
	for i := range players {
		p := &players[i]
		if p.ID == d.holder && holder < 0 {
			holder = i
		}
		dd2 := sq(x-p.X_m) + sq(y-p.Y_m)
		if best >= 0 && dd2 > bd2 {
			continue // can neither win nor tie: no need to ask why it would not count
		}
		if p.ID != d.holder && (p.ID == d.barPlayer || !onCourt(p)) {
			continue // barred (he just scored), or on the bench, not on the court
		}
		if best < 0 || dd2 < bd2 {
			best, bd2 = i, dd2
			continue
		}
		if dd2 == bd2 {
			b := players[best].ID
			switch {
			case b == d.holder || b == d.cand:
			case p.ID == d.holder || p.ID == d.cand || p.ID < b:
				best = i
			}
		}
	}
	if d.holder == 0 {
		holder = -1
	}
	if best < 0 {
		return best, math.Inf(1), holder
	}
	bd := math.Hypot(x-players[best].X_m, y-players[best].Y_m)
	if d.ctlTeam != 0 && d.cfg.TeamTie_m > 0 && players[best].ID != d.holder && d.team(players[best].ID) != d.ctlTeam {
		// Two players of both teams about as near (within the tracking
		// noise): the team in control keeps the ball. The last of its
		// players within bd + TeamTie_m that is no farther than the
		// previous one found wins (squared distances again).
		alt, ad2 := -1, sq(bd+d.cfg.TeamTie_m)
		for i := range players {
			p := &players[i]
			if dd2 := sq(x-p.X_m) + sq(y-p.Y_m); dd2 <= ad2 && p.ID != d.barPlayer && onCourt(p) && d.team(p.ID) == d.ctlTeam {
				alt, ad2 = i, dd2
			}
		}
		if alt >= 0 {
			return alt, math.Hypot(x-players[alt].X_m, y-players[alt].Y_m), holder
		}
	}
	return best, bd, holder
}

// teamCredit is live time credited to a team.
type teamCredit struct{ team, ms int64 }

// candCredits bounds the teams whose credit since candStart is kept (a
// game has two).
const candCredits = 4

// anchorCandidate restarts the candidate's credits at candStart, a time in
// the step that ends at t_ms, which advance has already credited: the part
// after candStart went to the team in control, if the step was live.
func (d *Detector) anchorCandidate(t_ms int64) {
	d.nCandCred = 0
	d.candUnseen_ms = d.unseenAt(d.candStart)
	if d.started && d.prevLive && d.ctlTeam != 0 && t_ms > d.candStart {
		d.creditCandidate(d.ctlTeam, t_ms-d.candStart)
	}
}

// creditCandidate notes ms of live time credited to team since candStart
// (negative: taken back).
func (d *Detector) creditCandidate(team, ms int64) {
	for i := range d.candCred[:d.nCandCred] {
		if c := &d.candCred[i]; c.team == team {
			c.ms = max(c.ms+ms, 0)
			return
		}
	}
	if ms > 0 && d.nCandCred < len(d.candCred) {
		d.candCred[d.nCandCred] = teamCredit{team, ms}
		d.nCandCred++
	}
}

// entryTime is when the ball crossed into Entry_m of p, interpolated from
// the previous ball sample (p held still).
// A ball that came down through MaxBallZ_m (a rebound caught high) enters
// when it crossed that height.
func (d *Detector) entryTime(t_ms int64, p PlayerPos, dist, z float64) int64 {
	if !d.started || math.IsNaN(d.prevX_m) {
		// No earlier position of this ball (the first sample, after
		// ticks only or a SwitchBall): it entered now.
		return t_ms
	}
	if d.prevZ_m >= d.cfg.MaxBallZ_m {
		return crossTime(d.prevT_ms, t_ms, d.prevZ_m, z, d.cfg.MaxBallZ_m)
	}
	prev := math.Hypot(d.prevX_m-p.X_m, d.prevY_m-p.Y_m)
	if prev <= d.cfg.Entry_m {
		return t_ms
	}
	return crossTime(d.prevT_ms, t_ms, prev, dist, d.cfg.Entry_m)
}

func (d *Detector) setCandidate(t_ms int64, p PlayerPos, dist, z float64) {
	if p.ID == d.cand {
		d.candStep(t_ms, dist, z)
		return
	}
	d.cand = p.ID
	d.candEntry = d.entryTime(t_ms, p, dist, z)
	d.candStart = d.candEntry
	d.candHand, d.candAir = false, false
	d.candPrevD = math.Hypot(d.prevX_m-p.X_m, d.prevY_m-p.Y_m)
	if !d.started {
		d.candPrevD = dist
	}
	d.candX_m, d.candY_m = p.X_m, p.Y_m
	d.candStep(t_ms, dist, z)
	d.anchorCandidate(t_ms)
}

// candStep refines the candidate's start with the sample at t_ms: a ball on
// the floor (below FloorZ_m) is not in anyone's hands, so the start moves to
// when it was lifted through FloorZ_m, then to when it first came within
// Hand_m (both interpolated), never earlier than the entry.
func (d *Detector) candStep(t_ms int64, dist, z float64) {
	c := &d.cfg
	start := d.candStart
	if z < c.FloorZ_m && d.candAir && d.rel.valid && d.fl.made {
		// A ball out of the net that bounces again is still loose: the
		// gather starts over.
		d.candAir, d.candHand = false, false
		d.candEntry, d.candStart = t_ms, t_ms
	}
	if z >= c.FloorZ_m && !d.candAir {
		d.candAir = true
		if d.started && d.prevZ_m < c.FloorZ_m {
			d.candStart = max(d.candStart, crossTime(d.prevT_ms, t_ms, d.prevZ_m, z, c.FloorZ_m))
		}
	}
	if d.candAir && !d.candHand && dist <= c.Hand_m {
		d.candHand = true
		if d.candPrevD > c.Hand_m {
			d.candStart = max(d.candStart, crossTime(d.prevT_ms, t_ms, d.candPrevD, dist, c.Hand_m))
		}
	}
	d.candPrevD = dist
	if d.candStart != start {
		d.anchorCandidate(t_ms)
	}
}

// confirmed reports whether the candidate has held the ball long enough at
// t_ms, and when its possession starts: MinHold_ms after the entry, off
// the floor; a ball coming out of the net after a made shot is gathered
// first, so that possession starts Gather_ms after it reached the hands.
func (d *Detector) confirmed(t_ms int64) (start_ms int64, ok bool) {
	if !d.candAir || t_ms-d.candEntry < d.cfg.MinHold_ms {
		return 0, false
	}
	if d.rel.valid && d.fl.made {
		s := d.candStart + d.cfg.Gather_ms
		return s, t_ms >= s
	}
	return d.candStart, true
}

// challenge handles another player near a ball its holder is losing.
func (d *Detector) challenge(t_ms int64, p PlayerPos, dist, bx, by, bz float64) {
	if p.ID != d.cand {
		d.setCandidate(t_ms, p, dist, bz)
		return
	}
	d.candStep(t_ms, dist, bz)
	s, ok := d.confirmed(t_ms)
	if !ok {
		return
	}
	id, cx, cy := d.cand, d.candX_m, d.candY_m
	if s < d.holdStart {
		s = d.holdStart
	}
	d.releaseAt(s)
	d.start(t_ms, id, s, cx, cy, p, bx, by)
}

// track follows a released ball for shot detection.
func (d *Detector) track(t_ms int64, x, y, z float64) {
	c := &d.cfg
	rim := c.Court.RimHeight_m
	if z > rim {
		d.fl.rose = true
	}
	if d.fl.rose && !d.fl.shot && z > rim-c.NearRimDrop_m && !c.SensorFrame {
		for _, h := range [2]float64{c.Court.HoopX_m(court.East), c.Court.HoopX_m(court.West)} {
			if math.Hypot(x-h, y) <= c.NearRim_m {
				d.fl.shot = true
				d.fl.hoopX_m = h
				if d.holder == 0 {
					d.shotReleased(t_ms)
				} // else releaseAt does it once the shooter lets go
			}
		}
	}
	// Made: seen under the rim, inside the cylinder of the net (between
	// 0.25 m and 1 m below the rim, within the rim radius + 0.15 m). A ball
	// merely touching the rim plane at its centre (a miss that bounces out)
	// does not count.
	if d.fl.shot && !d.fl.made && z < rim-0.25 && z > rim-1.0 &&
		math.Hypot(x-d.fl.hoopX_m, y) <= c.Court.RimRadius_m+0.15 {
		d.fl.made = true
		if d.rel.valid && d.relLive && d.prevLive {
			// After a made field goal in live play the other team
			// inbounds: the scorer under the falling ball does not take
			// it (until the clock stops: a free throw may follow). Only
			// the scorer: a miss that drops near the rim centre looks made
			// from the ball alone, and his teammates may then rebound.
			d.barPlayer = d.rel.player
		}
	}
}

// releaseAt ends the holder's possession at end_ms.
func (d *Detector) releaseAt(end_ms int64) {
	if end_ms < d.holdStart {
		end_ms = d.holdStart
	}
	all := end_ms - d.holdStart
	live := all - (d.deadAt(end_ms) - d.holdDead_ms)
	if live < 0 {
		live = 0
	}
	pt := d.playerTotal(d.holder, d.holderTeam)
	pt.Possession_s += float64(live) / 1000
	pt.PossessionAll_s += float64(all) / 1000
	d.teamTotal(d.holderTeam).Held_s += float64(live) / 1000
	d.ev = Event{
		Kind: KindPossession, Start_ms: d.holdStart, End_ms: end_ms,
		PlayerID: d.holder, TeamID: d.holderTeam, FromPlayerID: d.passIn,
		StartX_m: d.holdX_m, StartY_m: d.holdY_m, EndX_m: d.lastX_m, EndY_m: d.lastY_m,
		Live_ms: live, Touches: 1,
	}
	d.send()
	d.rel = release{valid: true, player: d.holder, team: d.holderTeam, passIn: d.passIn,
		t_ms: end_ms, held_ms: end_ms - d.holdStart, x_m: d.lastX_m, y_m: d.lastY_m}
	d.relDead_ms = d.deadAt(end_ms)
	d.relUnseen_ms = d.unseenAt(end_ms)
	d.relLive = d.prevLive || !d.started
	if end_ms-d.holdStart <= d.cfg.AssistWindow_ms {
		d.rel.assistBy = d.passIn
	}
	d.deadSince = !d.prevLive && d.started
	d.stopSinceRel = false
	if d.fl.shot && d.outSet {
		d.shotReleased(d.now_ms)
	}
	if !d.outSet {
		d.fl = flight{}
	}
	d.holder, d.holderTeam, d.outSet, d.cand, d.passIn, d.outN = 0, 0, false, 0, 0, 0
}

// start begins a possession of p (id) back-dated to s_ms, at (sx, sy).
func (d *Detector) start(t_ms, id, s_ms int64, sx, sy float64, p PlayerPos, bx, by float64) {
	team := d.team(id)
	d.resolveFlight(s_ms)
	// The last gain, if it was still waiting, is decided now (or moved
	// to this one); if its player only touched the ball, his release is
	// no pass, and his rebound is this gain's.
	tip := d.pend
	touched, moved, passIn := false, false, int64(0)
	if tip.active {
		touched, moved, passIn = d.settle(id, team, s_ms, sx, sy)
	}
	r := &d.rel
	if d.madeTeam != 0 && r.valid && r.team != d.madeTeam && team == r.team && math.Abs(r.x_m) >= d.cfg.Court.Length_m/2 {
		// The throw-in after the made basket, from beyond the baseline.
		d.madeTeam = 0
	}
	if r.valid && !r.unseen && !d.shotSince && !touched && d.madeTeam == 0 {
		switch {
		case r.player != id && r.team == team && r.held_ms >= d.cfg.MinHold_ms && s_ms > r.t_ms:
			// (A possession shorter than MinHold_ms, cut short by a
			// challenger, was a touch, not a pass; nor is a ball that went
			// from one teammate's hands to the other's without a moment
			// in the air: the two stood together, and which of them held
			// it changed with the noise.)
			length := math.Hypot(sx-r.x_m, sy-r.y_m)
			dur := float64(s_ms-r.t_ms) / 1000
			d.ev = Event{Kind: KindPass, Start_ms: r.t_ms, End_ms: s_ms, PlayerID: r.player, TeamID: team,
				ToPlayerID: id, ToTeamID: team, StartX_m: r.x_m, StartY_m: r.y_m, EndX_m: sx, EndY_m: sy,
				Length_m: length}
			if dur > 0 {
				d.ev.Speed_mps = length / dur
			}
			d.playerTotal(r.player, r.team).Passes++
			d.run.passes++
			passIn = r.player
			d.send()
		}
	}
	g := pendingGain{active: true, player: id, team: team}
	switch {
	case moved:
	case touched && tip.reb:
		g.reb, g.shotBy, g.shotTm = true, tip.shotBy, tip.shotTm
	case r.valid && d.shotSince && !d.fl.made && d.nowLive && !d.stopSinceRel:
		// (A live shot's rebound: no stop since the release. A free
		// throw's: the clock restarted at the rim and did not stop again;
		// while it stays stopped, the ball goes back to the shooter for
		// his next attempt, which is no rebound.)
		g.reb, g.shotBy, g.shotTm = true, r.player, r.team
	case r.valid && d.shotSince && d.fl.made && d.relLive && d.nowLive && !d.stopSinceRel:
		// The first gain after a field goal made in live play.
		d.madeTeam = r.team
	}
	if g.reb {
		g.rebEv = Event{Kind: KindRebound, Start_ms: s_ms, End_ms: s_ms, PlayerID: id, TeamID: team,
			FromPlayerID: g.shotBy, StartX_m: sx, StartY_m: sy, EndX_m: sx, EndY_m: sy,
			Offensive: team == g.shotTm}
	}
	if !moved && d.run.team != 0 && team != d.run.team {
		// The other team's team possession ends here, once this gain
		// is confirmed (its event waits in g).
		g.change, g.prev, g.prevEnd_ms, g.prevEndX_m, g.prevEndY_m = true, d.run, s_ms, sx, sy
		g.prevCtl = d.ctlTeam == d.run.team
		if !d.shotSince && r.valid && !r.unseen && d.relLive && !touched && d.madeTeam == 0 {
			// (A ball handed over during a dead ball is not a turnover.)
			g.to, g.rel = true, *r
			g.toEv = Event{Kind: KindTurnover, Start_ms: r.t_ms, End_ms: s_ms, PlayerID: r.player, TeamID: r.team,
				ToPlayerID: id, ToTeamID: team, StartX_m: r.x_m, StartY_m: r.y_m, EndX_m: sx, EndY_m: sy,
				Steal: !d.deadSince}
		}
		d.run.team = 0
	}
	g.pos0_s = d.teamTotal(team).Possession_s
	newRun := d.run.team == 0 && !d.between
	if newRun {
		// A possession back-dated across a period's end starts the team's
		// run at that end.
		d.run = teamRun{team: team, start_ms: max(s_ms, d.periodEnd_ms), x_m: sx, y_m: sy}
		d.teamTotal(team).Possessions++
	}
	// Non-live time up to the gain: the clock may have started between
	// the candidate's first sample and s_ms, where candStep moved the start.
	holdDead_ms := d.deadAt(s_ms)
	var own, all int64 // credited since candStart: to this team, to any
	for _, c := range d.candCred[:d.nCandCred] {
		all += c.ms
		if c.team == team {
			own += c.ms
		}
	}
	if d.ctlTeam != team || all > own {
		// The live time since the gain at s_ms belongs to this team. advance
		// credited it, step by step, to the team in control then, if any
		// (candCred): move that to this team, and give it the rest.
		back := (t_ms - s_ms) - (d.deadCum_ms - holdDead_ms) - (d.unseenCum_ms - d.candUnseen_ms)
		if back < 0 || !d.prevLive {
			back = 0
		}
		gain := max(back-all, 0) // credited to no team
		budget := max(back-own, 0)
		for _, c := range d.candCred[:d.nCandCred] {
			if c.team == team {
				continue
			}
			move := min(c.ms, budget-gain)
			if move <= 0 {
				break
			}
			d.teamTotal(c.team).Possession_s -= float64(move) / 1000
			gain += move
		}
		d.teamTotal(team).Possession_s += float64(gain) / 1000
		if newRun {
			d.run.live_ms += back
		} else {
			d.run.live_ms += gain
		}
		d.ctlTeam = team
	}
	if !moved && (g.reb || g.change) {
		d.pend = g
	}
	d.holderInRun = d.run.team != 0
	if d.holderInRun {
		d.run.touches++
	}
	pt := d.playerTotal(id, team)
	pt.Touches++
	d.holder, d.holderTeam, d.holdStart, d.holdDead_ms = id, team, s_ms, holdDead_ms
	d.holdX_m, d.holdY_m = sx, sy
	d.lastX_m, d.lastY_m = p.X_m, p.Y_m
	d.prevHoldD_m = math.Hypot(bx-p.X_m, by-p.Y_m)
	d.handOut = d.prevHoldD_m > d.cfg.Hand_m
	d.handOutT = t_ms
	d.outSet, d.cand, d.passIn = false, 0, passIn
	d.rel.valid = false
	d.fl = flight{}
	d.deadSince, d.shotSince, d.barPlayer = false, false, 0
	d.recent[d.nRecent%recentN] = recentPoss{player: id, start_ms: s_ms}
	d.nRecent++
}

// resolveFlight emits the shot of the flight that ends at end_ms, if any.
func (d *Detector) resolveFlight(end_ms int64) {
	if !d.rel.valid || !d.fl.shot || d.fl.emitted {
		return
	}
	d.confirm()
	r := &d.rel
	d.fl.emitted = true
	d.shotSince = true
	t := &d.cfg.Court
	hx, hy := t.ToHoopFrame(t.Half(d.fl.hoopX_m), r.x_m, r.y_m)
	d.ev = Event{Kind: KindShot, Start_ms: r.t_ms, End_ms: end_ms, PlayerID: r.player, TeamID: r.team,
		FromPlayerID: r.passIn, StartX_m: r.x_m, StartY_m: r.y_m, EndX_m: d.fl.hoopX_m,
		Length_m: math.Hypot(hx, hy), Made: d.fl.made, Is3Point: t.IsThreeFromHoop(hx, hy),
		Zone: uint8(court.StandardZones.Zone(*t, hx, hy)), FreeThrow: !d.relLive}
	if d.ev.FreeThrow {
		// Released with the clock stopped: a free throw, not a field goal
		// attempt (the feed has no shot message for it).
		d.ev.Is3Point = false
		d.nFreeThrows++
		d.send()
		return
	}
	d.playerTotal(r.player, r.team).Shots++
	d.shots[d.nShots%shotRingN] = recentShot{shooter: r.player, passer: r.assistBy, t_ms: r.t_ms}
	d.nShots++
	d.send()
}

// endRun ends the current team possession at end_ms, the ball then at
// (x_m, y_m).
func (d *Detector) endRun(end_ms int64, x_m, y_m float64) {
	d.sendRun(&d.run, end_ms, x_m, y_m)
	d.run.team = 0
}

// sendRun sends the event of team possession r ending at end_ms, the ball
// then at (x_m, y_m); none when r.team is 0.
func (d *Detector) sendRun(r *teamRun, end_ms int64, x_m, y_m float64) {
	if r.team == 0 {
		return
	}
	d.ev = Event{Kind: KindTeamPossession, Start_ms: r.start_ms, End_ms: end_ms, TeamID: r.team,
		StartX_m: r.x_m, StartY_m: r.y_m, EndX_m: x_m, EndY_m: y_m,
		Touches: r.touches, Passes: r.passes, Live_ms: r.live_ms}
	d.send()
}

// settle decides the pending gain (d.pend) as player id of team gains the
// ball at s_ms, at (sx, sy), before its player had control (else Update
// confirmed it then). The gainer again, his pass to a teammate (see
// start), or a third team confirm it. Another player of the gainer's
// team without a pass (the ball went from hand to hand, or the first
// touch was too short to pass): the gain is his (moved; the rebound or
// steal is the one's who gets control). A player of the other team: the gainer
// only touched the ball (touched: his rebound is the new holder's), and if
// the gain had taken the team possession from id's team, that possession
// goes on (undoChange), passIn being the passer of a pass the touch had
// cut.
func (d *Detector) settle(id, team, s_ms int64, sx, sy float64) (touched, moved bool, passIn int64) {
	g := &d.pend
	r := &d.rel
	switch {
	case id == g.player, team == g.team && r.valid && r.player == g.player && r.held_ms >= d.cfg.MinHold_ms && s_ms > r.t_ms:
		// He has it again, or passed it to a teammate: control.
		d.confirm()
		return false, false, 0
	case team == g.team:
		g.player = id
		g.rebEv.PlayerID, g.rebEv.Start_ms, g.rebEv.End_ms = id, s_ms, s_ms
		g.rebEv.StartX_m, g.rebEv.StartY_m, g.rebEv.EndX_m, g.rebEv.EndY_m = sx, sy, sx, sy
		g.toEv.ToPlayerID, g.toEv.End_ms, g.toEv.EndX_m, g.toEv.EndY_m = id, s_ms, sx, sy
		return true, true, 0
	case g.change && team != g.prev.team:
		// A third team (players of no known team).
		d.confirm()
		return false, false, 0
	}
	if g.change {
		passIn = d.undoChange(id, s_ms, sx, sy)
	}
	g.active = false
	return true, false, passIn
}

// confirm sends what the pending gain waited for: its rebound, its
// turnover and the end of the team possession it took from the other
// team.
func (d *Detector) confirm() {
	g := &d.pend
	if !g.active {
		return
	}
	g.active = false
	if g.reb {
		d.ev = g.rebEv
		d.playerTotal(g.player, g.team).Rebounds++
		d.send()
	}
	if g.to {
		d.ev = g.toEv
		d.playerTotal(g.toEv.PlayerID, g.toEv.TeamID).Turnovers++
		if g.toEv.Steal {
			d.playerTotal(g.player, g.team).Steals++
		}
		d.send()
	}
	if g.change {
		d.sendRun(&g.prev, g.prevEnd_ms, g.prevEndX_m, g.prevEndY_m)
	}
}

// undoChange takes back the change of team possession of the pending
// gain, whose team lost the ball to player id (of the team it took the
// possession from) at s_ms before having control: the gaining team's new
// team possession is dropped, with the live time credited to it since
// (the team possession it had ended gets it back if that team was in
// control then, else no team does), and the old one goes on. When the
// gain had interrupted a pass between two players of the old team (the
// ball went from one's hands past the gainer to the other's), the pass
// is sent, and its passer returned as the receiver's passIn.
func (d *Detector) undoChange(id, s_ms int64, sx, sy float64) (passIn int64) {
	g := &d.pend
	gained := d.teamTotal(g.team)
	moved := gained.Possession_s - g.pos0_s
	gained.Possession_s = g.pos0_s
	gained.Possessions--
	run := g.prev
	if g.prevCtl {
		d.teamTotal(run.team).Possession_s += moved
		if d.run.team == g.team {
			run.live_ms += d.run.live_ms
		}
	}
	// The current candidate's credits (see start): the gaining team's
	// were the old team's, or no team's.
	for i := range d.candCred[:d.nCandCred] {
		if c := &d.candCred[i]; c.team == g.team {
			if g.prevCtl {
				c.team = run.team
			} else {
				c.ms = 0
			}
		}
	}
	if d.ctlTeam == g.team {
		d.ctlTeam = 0
		if g.prevCtl {
			d.ctlTeam = run.team
		}
	}
	d.run = run
	if r := &g.rel; g.to && r.player != id && r.held_ms >= d.cfg.MinHold_ms && s_ms > r.t_ms {
		length := math.Hypot(sx-r.x_m, sy-r.y_m)
		d.ev = Event{Kind: KindPass, Start_ms: r.t_ms, End_ms: s_ms, PlayerID: r.player, TeamID: r.team,
			ToPlayerID: id, ToTeamID: r.team, StartX_m: r.x_m, StartY_m: r.y_m, EndX_m: sx, EndY_m: sy,
			Length_m: length, Speed_mps: length / (float64(s_ms-r.t_ms) / 1000)}
		d.playerTotal(r.player, r.team).Passes++
		d.run.passes++
		passIn = r.player
		d.send()
	}
	return passIn
}

// ballXY is where the ball was last seen (its holder, when it has been
// unseen since), for a team possession ended by a period's end or the end
// of the input.
func (d *Detector) ballXY() (x_m, y_m float64) {
	switch {
	case d.holder != 0:
		return d.lastX_m, d.lastY_m
	case !math.IsNaN(d.prevX_m):
		return d.prevX_m, d.prevY_m
	}
	return d.rel.x_m, d.rel.y_m
}

// clockStopped ends team control; a shot in flight is reported now.
func (d *Detector) clockStopped(t_ms int64) {
	// A dead ball ends every contest: the last gain stands.
	d.confirm()
	d.madeTeam = 0
	d.stopTeam, d.stop_ms = d.ctlTeam, t_ms
	d.ctlTeam, d.barPlayer = 0, 0
	if d.rel.valid && d.fl.shot {
		d.resolveFlight(t_ms)
	}
}

// shotReleased takes the time since the release of a shot, counted as
// control of the shooting team, back: a shot ends the team's possession.
// When the clock stopped during the flight and is still stopped (a
// shooting foul), the live time up to the whistle is taken back from the
// team in control then.
func (d *Detector) shotReleased(t_ms int64) {
	// The shooter's gain stands (a tip-in is his rebound).
	d.confirm()
	d.madeTeam = 0
	team := d.ctlTeam
	if team == 0 && d.started && !d.prevLive && d.stop_ms >= d.rel.t_ms {
		team = d.stopTeam
	}
	if !d.rel.valid || team == 0 || team != d.rel.team {
		return
	}
	back := (t_ms - d.rel.t_ms) - (d.deadCum_ms - d.relDead_ms) - (d.unseenCum_ms - d.relUnseen_ms)
	if back > 0 {
		d.teamTotal(team).Possession_s -= float64(back) / 1000
		d.creditCandidate(team, -back)
		if team == d.run.team {
			d.run.live_ms -= back
		}
	}
	d.ctlTeam = 0
}

// Flush ends everything open at t_ms (the end of input): the current
// possession, a shot in flight, the team possession, and resolves every
// waiting feed shot. The Detector can keep going afterwards.
func (d *Detector) Flush(t_ms int64) {
	d.confirm()
	if d.holder != 0 {
		d.releaseAt(t_ms)
	}
	if d.rel.valid && d.fl.shot {
		d.resolveFlight(t_ms)
	}
	x, y := d.ballXY()
	d.endRun(t_ms, x, y)
	d.resolveFeed(math.MaxInt64)
	d.cand = 0
}

func (d *Detector) send() {
	if d.emit != nil {
		d.emit(&d.ev)
	}
}

func (d *Detector) playerTotal(id, team int64) *PlayerTotal {
	p := d.players[id]
	if p == nil {
		p = &PlayerTotal{PlayerID: id, TeamID: team}
		d.players[id] = p
	}
	return p
}

// teamTotal returns team's totals, created on first use. The last one
// found is remembered: the team in control is charged at every ball
// sample, and it seldom changes.
func (d *Detector) teamTotal(team int64) *TeamTotal {
	if t := d.lastTeam; t != nil && t.TeamID == team {
		return t
	}
	t := d.teams[team]
	if t == nil {
		t = &TeamTotal{TeamID: team}
		d.teams[team] = t
	}
	d.lastTeam = t
	return t
}

// Players appends every player's totals to dst, sorted by id, and returns
// it. Values are as of the latest Update or Flush.
func (d *Detector) Players(dst []PlayerTotal) []PlayerTotal {
	n := len(dst)
	for _, p := range d.players {
		dst = append(dst, *p)
	}
	s := dst[n:]
	sort.Slice(s, func(i, j int) bool { return s[i].PlayerID < s[j].PlayerID })
	return dst
}

// Teams appends every team's totals to dst, sorted by id, and returns it.
func (d *Detector) Teams(dst []TeamTotal) []TeamTotal {
	n := len(dst)
	for _, t := range d.teams {
		dst = append(dst, *t)
	}
	s := dst[n:]
	sort.Slice(s, func(i, j int) bool { return s[i].TeamID < s[j].TeamID })
	return dst
}

func sq(v float64) float64 { return v * v }
