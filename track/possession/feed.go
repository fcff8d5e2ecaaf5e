package possession

import "sort"

// FeedCounts is a player's latest cumulative box-score values from the
// feed's stats messages (after corrections).
type FeedCounts struct {
	AST, TO, STL, REB float64
}

type checkCounts struct {
	before        int // feed shots from before the detector's first sample
	feedShots     int
	agree         int
	noHolder      int
	matched       int
	madeFeedShots int
}

// FeedShot records a shot message of the feed: its time, shooter and
// whether it was made. It is compared with the detector once the detector
// has run FeedShotWindow_ms past it (or at Flush): the shooter against the
// last holder whose possession started at or before t_ms, and the shot
// against the detected shots released within FeedShotWindow_ms. A made
// feed shot whose detected shot followed a caught pass counts an assist for
// the passer. Feed shots may arrive before the ball samples around them.
func (d *Detector) FeedShot(t_ms, shooter int64, made bool) {
	if d.feedN == feedRingN {
		d.resolveOne()
	}
	d.feed[(d.feedLo+d.feedN)%feedRingN] = feedShot{t_ms: t_ms, shooter: shooter, made: made}
	d.feedN++
}

// FeedStats records a player's latest cumulative AST, TO, STL and REB from
// the feed, for Check.
func (d *Detector) FeedStats(playerID int64, c FeedCounts) { d.stats[playerID] = c }

func (d *Detector) resolveFeed(now_ms int64) {
	for d.feedN > 0 {
		f := d.feed[d.feedLo]
		if now_ms != 1<<63-1 && now_ms <= f.t_ms+2*d.cfg.FeedShotWindow_ms {
			return
		}
		d.resolveOne()
	}
}

func (d *Detector) resolveOne() {
	f := d.feed[d.feedLo]
	d.feedLo = (d.feedLo + 1) % feedRingN
	d.feedN--
	c := &d.check
	if !d.started || f.t_ms < d.first_ms {
		// Before anything the detector saw (a live join's REST shots from
		// earlier in the event): nothing to compare it with.
		c.before++
		return
	}
	c.feedShots++
	if f.made {
		c.madeFeedShots++
	}
	// The last holder before the shot.
	var last recentPoss
	for i := 0; i < recentN && i < d.nRecent; i++ {
		r := d.recent[(d.nRecent-1-i)%recentN]
		if r.start_ms <= f.t_ms {
			last = r
			break
		}
	}
	switch {
	case last.player == 0:
		c.noHolder++
	case last.player == f.shooter:
		c.agree++
	}
	// The nearest unmatched detected shot by any player.
	best, bestDt := -1, d.cfg.FeedShotWindow_ms+1
	for i := 0; i < shotRingN && i < d.nShots; i++ {
		k := (d.nShots - 1 - i) % shotRingN
		s := &d.shots[k]
		dt := s.t_ms - f.t_ms
		if dt < 0 {
			dt = -dt
		}
		if !s.matched && dt < bestDt {
			best, bestDt = k, dt
		}
	}
	if best < 0 {
		return
	}
	s := &d.shots[best]
	s.matched = true
	c.matched++
	if f.made && s.passer != 0 {
		s.assisted = true
		d.playerTotal(s.passer, d.team(s.passer)).Assists++
	}
}

// Check compares the detector with the feed.
type Check struct {
	FeedShots        int     // shot messages compared (those from before the first sample are not)
	FeedShotsBefore  int     // shot messages from before the detector's first sample or tick
	ShooterAgree     int     // ... whose shooter was the last holder before them
	ShooterAgreement float64 // ShooterAgree / FeedShots (0 when there are none)
	NoHolder         int     // ... with no holder before them
	DetectedShots    int     // field goal attempts detected from the ball
	FreeThrows       int     // shots detected with the clock stopped
	MatchedShots     int     // feed shots with a detected shot within FeedShotWindow_ms
	MadeFeedShots    int

	Players []PlayerCheck // sorted by player id
	Total   PlayerCheck   // sums over Players (PlayerID 0)
}

// PlayerCheck sets the feed's stats beside what the detector found.
type PlayerCheck struct {
	PlayerID     int64
	TeamID       int64
	FeedAST, AST float64 // AST: detected passes into a made (feed) shot
	FeedTO, TO   float64
	FeedSTL, STL float64
	FeedREB, REB float64
	HasFeed      bool
	Possession_s float64
	Shots        float64 // detected shots released by the player
}

// Check returns the cross-check with the feed so far. Call Flush first to
// resolve the feed shots still waiting.
func (d *Detector) Check() Check {
	c := Check{
		FeedShots: d.check.feedShots, FeedShotsBefore: d.check.before, ShooterAgree: d.check.agree, NoHolder: d.check.noHolder,
		DetectedShots: d.nShots, FreeThrows: d.nFreeThrows, MatchedShots: d.check.matched, MadeFeedShots: d.check.madeFeedShots,
	}
	if c.FeedShots > 0 {
		c.ShooterAgreement = float64(c.ShooterAgree) / float64(c.FeedShots)
	}
	ids := make(map[int64]bool, len(d.players)+len(d.stats))
	for id := range d.players {
		ids[id] = true
	}
	for id := range d.stats {
		ids[id] = true
	}
	for id := range ids {
		pc := PlayerCheck{PlayerID: id, TeamID: d.team(id)}
		if p := d.players[id]; p != nil {
			pc.AST, pc.TO, pc.STL, pc.REB = float64(p.Assists), float64(p.Turnovers), float64(p.Steals), float64(p.Rebounds)
			pc.Possession_s, pc.Shots = p.Possession_s, float64(p.Shots)
		}
		if f, ok := d.stats[id]; ok {
			pc.HasFeed = true
			pc.FeedAST, pc.FeedTO, pc.FeedSTL, pc.FeedREB = f.AST, f.TO, f.STL, f.REB
		}
		c.Players = append(c.Players, pc)
	}
	sort.Slice(c.Players, func(i, j int) bool { return c.Players[i].PlayerID < c.Players[j].PlayerID })
	// Totals in player order, so float sums are the same on every run.
	t := &c.Total
	for _, pc := range c.Players {
		t.FeedAST += pc.FeedAST
		t.AST += pc.AST
		t.FeedTO += pc.FeedTO
		t.TO += pc.TO
		t.FeedSTL += pc.FeedSTL
		t.STL += pc.STL
		t.FeedREB += pc.FeedREB
		t.REB += pc.REB
		t.Possession_s += pc.Possession_s
		t.Shots += pc.Shots
	}
	return c
}
