package possession

import "github.com/stmotion/stmotion/court"

// Config holds the thresholds of the holder rule. All distances are
// horizontal unless the name says otherwise.
//
// A zero field takes its default (New fills it, as heatmap.Options and
// court.Options do), so a zero Config is DefaultConfig() and setting one
// field of it changes that field only. Where 0 is itself a useful
// setting (Challenge_m, TeamTie_m, OnCourtMargin_m, MinHold_ms, Gather_ms,
// Control_ms, FloorZ_m), a negative value gives it. A zero Court is
// court.NBA unless SensorFrame is set. SensorFrame is never filled
// (false: the court frame); ConfigFor sets it for a template without a
// size.
//
// The rule is the proximity rule of public analyses of optical tracking
// data (SportVU and its successors, e.g. squared2020.com, "Identifying
// Player Possession in Spatio-Temporal Data", 2017): the holder is the
// player nearest to the ball when the ball is close enough and low enough
// to be held or dribbled, for a few frames. The entry and exit radii, the
// minimum hold and the height limit (0.75 m, 1.2 m, 0.2 s, 2.1 m) are the
// rough values such work uses, as the project's issue gives them; they
// were not taken from one paper. The timing parameters (Hand_m, FloorZ_m,
// Gather_ms) and the tie rules were checked against the simulator's truth
// (synth_test.go), which is also where their defaults come from.
type Config struct {
	Entry_m    float64 // a player becomes the candidate holder when the ball comes this close (default 0.75)
	Exit_m     float64 // the holder loses the ball once it is farther than this (default 1.2)
	MinHold_ms int64   // a candidate must keep the ball this long before the possession counts (default 200; 0: the default, negative: none)
	MaxBallZ_m float64 // a ball above this height cannot be taken (a lob over a player); default 2.1
	// Timing only (who holds the ball does not depend on them): a
	// possession starts when the ball first comes within Hand_m of the
	// player off the floor (above FloorZ_m), and ends when it last leaves
	// Hand_m, interpolated between samples; the ball is in the hands about
	// 0.3 m from a player's sensor. A candidate cannot be confirmed while
	// the ball lies on the floor. Defaults 0.45 m and 0.3 m (FloorZ_m: 0
	// is the default, a negative value 0).
	Hand_m   float64
	FloorZ_m float64

	// Challenge_m: while the holder is still within Entry_m, another
	// player nearer to the ball by this much for MinHold_ms takes it (a
	// steal from close by). Default 0.3 (0: the default, negative: 0).
	Challenge_m float64

	// Control_ms: a player gains control of the ball (for a steal, a
	// rebound, the other team's inbound after a made basket) by holding
	// it this long, by passing it to a teammate or by shooting it; a
	// shorter touch before the ball goes on to another player is a
	// deflection, a tip or a contested touch, and decides nothing: a
	// touch by a defender between two players of the team in control is
	// no turnover (a pass between them stands), a tip after a missed
	// shot is no rebound (the next player's is). On 32 simulated games
	// (track's TestPossessionThroughEngine) the touches that had read as
	// steals lasted 0.18 to 0.6 s, while in 171 of the 172 true steals
	// read the player who gained the ball held it 0.9 s or more; 0.5 s
	// left 2 more false steals and 3 tipped rebounds to the tipper, 1 s
	// did no better. Default 700 (0: the default, negative: none).
	Control_ms int64

	// TeamTie_m: when the nearest player is an opponent of the team in
	// control and one of its players is at most this much farther, the
	// team in control keeps the ball (a defender glued to the receiver).
	// Default 0.15 (about twice the noise of a distance at 50 mm per axis;
	// 0: the default, negative: 0).
	TeamTie_m float64

	// OnCourtMargin_m: players farther than this outside the court lines
	// (the bench) cannot take the ball, so a caller may pass every
	// tracked player. An inbounder stands within it. Default 1.0 (0: the
	// default, negative: 0).
	OnCourtMargin_m float64

	// SensorFrame: positions are in the sensor frame, not the court's
	// (a session without a court): nothing tells where the bench or the
	// hoops are, so OnCourtMargin_m does not apply (every player passed
	// may take the ball) and no shot, hence no rebound, is detected from
	// the ball.
	SensorFrame bool

	// Gather_ms: a ball coming out of the net after a made shot is not
	// controlled the instant it reaches a player's hands; the possession
	// starts this much later (the simulator's pickup takes 0.35 s).
	// Default 350 (0: the default, negative: none).
	Gather_ms int64

	// LostBall_ms: when the ball comes back after being unseen for
	// longer than this (the engine does not bridge the ball's gaps beyond
	// 400 ms) away from its holder, beyond Exit_m, the holder lost it when
	// it was last seen, and whoever has it now gets it without a pass,
	// turnover or rebound being inferred from a flight nobody saw (a ball
	// that left the tracked area and came back with an inbounder). From
	// LostBall_ms after its last sample until it is seen again, no team
	// is in control of the ball (Detector.BallUnseenLive_s counts that
	// live time). A ball back above MaxBallZ_m after as long (in the air,
	// out of reach) left its holder's hands when it was last seen, as a
	// shot leaves them; from a flight partly unseen (held or released) no
	// pass or turnover is inferred, only a shot if it is then seen at a
	// hoop. Default 400.
	LostBall_ms int64

	// ReleaseSamples is how many consecutive samples the ball must be
	// beyond Exit_m (or above the rim) before the holder loses it, so that
	// one wild sample does not split a possession. Default 2.
	ReleaseSamples int

	// Court gives the hoops (rim centres at (±(L/2 − HoopFromBaseline_m),
	// 0, RimHeight_m)), the three-point line and the zones of detected
	// shots. Default court.NBA.
	Court court.Template

	// Shot detection. A released ball is a shot when it rises above the
	// rim and then comes within NearRim_m (horizontal) of a hoop while no
	// lower than RimHeight_m − NearRimDrop_m.
	NearRim_m     float64 // default 1.0
	NearRimDrop_m float64 // default 0.6

	// LooseSpeed_mps splits a released ball that nobody holds into in
	// flight (faster) and loose (slower). Default 3 m/s.
	LooseSpeed_mps float64

	// AssistWindow_ms: a pass counts toward an assist when the receiver
	// shoots (and the feed says the shot was made) within this long of the
	// catch. Default 4000.
	AssistWindow_ms int64

	// FeedShotWindow_ms is how far a feed shot message may be from a
	// detected shot's release to match it (default 3000).
	FeedShotWindow_ms int64
}

// WithDefaults returns c with every zero field set to its default and the
// negative values of the fields where 0 is a setting set to 0 (see
// Config). New applies it.
func (c Config) WithDefaults() Config {
	d := DefaultConfig()
	if c.Court.Length_m == 0 && c.Court.Width_m == 0 && !c.SensorFrame {
		c.Court = court.NBA
	}
	f := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	i := func(v *int64, def int64) {
		if *v == 0 {
			*v = def
		}
	}
	f(&c.Entry_m, d.Entry_m)
	f(&c.Exit_m, d.Exit_m)
	f(&c.MaxBallZ_m, d.MaxBallZ_m)
	f(&c.Hand_m, d.Hand_m)
	f(&c.NearRim_m, d.NearRim_m)
	f(&c.NearRimDrop_m, d.NearRimDrop_m)
	f(&c.LooseSpeed_mps, d.LooseSpeed_mps)
	i(&c.LostBall_ms, d.LostBall_ms)
	i(&c.AssistWindow_ms, d.AssistWindow_ms)
	i(&c.FeedShotWindow_ms, d.FeedShotWindow_ms)
	if c.ReleaseSamples == 0 {
		c.ReleaseSamples = d.ReleaseSamples
	}
	// 0 is a setting of these: negative gives it.
	for _, p := range []struct {
		v   *float64
		def float64
	}{{&c.Challenge_m, d.Challenge_m}, {&c.TeamTie_m, d.TeamTie_m}, {&c.OnCourtMargin_m, d.OnCourtMargin_m}, {&c.FloorZ_m, d.FloorZ_m}} {
		switch {
		case *p.v == 0:
			*p.v = p.def
		case *p.v < 0:
			*p.v = 0
		}
	}
	for _, p := range []struct {
		v   *int64
		def int64
	}{{&c.MinHold_ms, d.MinHold_ms}, {&c.Gather_ms, d.Gather_ms}, {&c.Control_ms, d.Control_ms}} {
		switch {
		case *p.v == 0:
			*p.v = p.def
		case *p.v < 0:
			*p.v = 0
		}
	}
	return c
}

// DefaultConfig returns the defaults for an NBA court.
func DefaultConfig() Config { return ConfigFor(court.NBA) }

// ConfigFor returns the default thresholds with the hoops and lines of t.
// A template without a size (court.SensorFrame's: no court.json) sets
// SensorFrame, since nothing then says where the court is.
func ConfigFor(t court.Template) Config {
	return Config{
		SensorFrame:       !(t.Length_m > 0 && t.Width_m > 0),
		Entry_m:           0.75,
		Exit_m:            1.2,
		MinHold_ms:        200,
		MaxBallZ_m:        2.1,
		ReleaseSamples:    2,
		LostBall_ms:       400,
		Hand_m:            0.45,
		FloorZ_m:          0.3,
		Gather_ms:         350,
		OnCourtMargin_m:   1.0,
		Challenge_m:       0.3,
		Control_ms:        700,
		TeamTie_m:         0.15,
		Court:             t,
		NearRim_m:         1.0,
		NearRimDrop_m:     0.6,
		LooseSpeed_mps:    3,
		FeedShotWindow_ms: 3000,
		AssistWindow_ms:   4000,
	}
}
