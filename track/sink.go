package track

// SensorKind tells players from the ball in output rows.
type SensorKind uint8

const (
	KindPlayer SensorKind = 1
	KindBall   SensorKind = 2
)

func (k SensorKind) String() string {
	switch k {
	case KindPlayer:
		return "player"
	case KindBall:
		return "ball"
	}
	return "unknown"
}

// ClockState is the game clock state set by LIVE / PAUSED / FOUL markers.
type ClockState uint8

const (
	ClockUnknown ClockState = iota // before any state marker
	ClockLive
	ClockPaused
	ClockFoul
)

func (c ClockState) String() string {
	switch c {
	case ClockLive:
		return "live"
	case ClockPaused:
		return "paused"
	case ClockFoul:
		return "foul"
	}
	return "unknown"
}

// Sample is one row of the samples table: one sensor at one tick of the
// uniform time grid, in the canonical court frame.
type Sample struct {
	T_ms        int64 // epoch milliseconds, on the resampling grid
	SensorID    int64
	Kind        SensorKind
	TeamID      int64 // 0 for the ball and for ids not on the roster
	X_m         float64
	Y_m         float64
	Z_m         float64
	Vx_mps      float64
	Vy_mps      float64
	Speed_mps   float64 // horizontal speed
	Accel_mps2  float64 // signed tangential acceleration (d speed / dt); live rows: Speed_mps's change over the last 0.4 s (docs/kinematics.md)
	Heading_rad float64 // direction of travel, atan2(vy, vx) in the court frame
	Period      int32   // 1-based period (half, quarter or drill); 0 outside any period (before the first, half time, after the end)
	Clock       ClockState
	InBounds    bool
	BallHolder  bool // this player holds the ball at T_ms (false for the ball row)
	// GameBall: this ball row is the game ball, the one possession
	// follows at T_ms (set by PossessionAnalyzer; false for players, for
	// other balls, and without that analyzer).
	GameBall bool
}

// Sink receives what the engine produces. Files, overlays and message
// brokers all plug in through it. Slices and pointers passed to a Sink are
// valid only for the duration of the call: a sink that keeps data copies it.
// Methods are called from the goroutine that feeds the engine.
type Sink interface {
	// Samples receives finished samples in time order per sensor.
	Samples(batch []Sample) error
	// Segment receives a finished segment (possession, pass, shot, ...).
	Segment(s *Segment) error
	// Close receives the final summary once the input has ended: the
	// sink's output is complete. It is not called on a session that
	// failed (Session).
	Close(sum *Summary) error
}

// Aborter is a Sink that can discard its output. When the session fails
// (a sink or analyzer error), Session.Close calls Abort instead of the
// sink's Close: its output misses rows or segments and must not look
// complete. export.Writer is one (it removes its files). A sink that is
// not an Aborter gets neither call then; its owner releases it.
type Aborter interface {
	Abort()
}

// SegmentType names the kinds of Segment.
type SegmentType uint8

const (
	SegPossession     SegmentType = iota + 1 // a player's possession
	SegTeamPossession                        // consecutive possessions of one team
	SegPass
	SegShot // a shot detected from the ball
	SegTurnover
	SegRebound
	SegFeedShot  // a shot message from the feed, located on the court
	SegDistCheck // a DIST stat compared with the engine's distance
	SegMarker    // a game / practice / state marker
)

var segNames = [...]string{"", "possession", "team_possession", "pass", "shot", "turnover", "rebound", "feed_shot", "dist_check", "marker"}

func (t SegmentType) String() string {
	if int(t) < len(segNames) {
		return segNames[t]
	}
	return "unknown"
}

// Segment is one interval or event derived from the stream. Fields that do
// not apply to a type are zero.
type Segment struct {
	Type       SegmentType
	Start_ms   int64
	End_ms     int64
	PlayerID   int64 // holder, passer, shooter, rebounder, ...
	TeamID     int64
	ToPlayerID int64 // pass receiver
	StartX_m   float64
	StartY_m   float64
	EndX_m     float64
	EndY_m     float64
	Length_m   float64 // pass length
	Speed_mps  float64 // ball speed of a pass: the median of the ball's speed in flight (PossessionAnalyzer)
	Touches    int32
	Period     int32
	Made       bool  // shots
	Is3Point   bool  // shots
	Zone       uint8 // shots
	Label      string
	// NextLiveID is the live id a PLAY_NEXT / DRILL_NEXT marker names:
	// where the session continues ("" for other segments, and when the
	// marker names none or was fed without its input, see FeedLine).
	NextLiveID string
	// DIST cross-check (SegDistCheck).
	FeedDist_cm   float64
	EngineDist_cm float64
}

// PlayerSummary is one row of the players table.
type PlayerSummary struct {
	PlayerID         int64
	TeamID           int64
	Name             string
	Jersey           string
	Distance_m       float64   // filtered, whole session
	DistanceLive_m   float64   // filtered, clock live only
	DistanceCourt_m  float64   // filtered, in bounds only
	DistancePeriod_m []float64 // filtered, per period (index 0 = period 1), one entry per period the session opened
	RawDistance_m    float64   // sum of raw step lengths, no filtering
	TopSpeed_mps     float64
	MeanSpeed_mps    float64   // while on court
	SpeedBand_s      []float64 // seconds in each band of Config.SpeedBands_mps
	Sprints          int
	Accels           int
	Decels           int
	TimeOnCourt_s    float64
	Possession_s     float64
	Touches          int
	// Per period, as DistancePeriod_m: index 0 = period 1, one entry per
	// period the session opened (the same number for every player), and
	// what happened outside any period (period 0) in the totals above
	// and in no entry, so that the entries and that part add up to the
	// totals. A sprint, acceleration or deceleration belongs to the
	// period of its first tick at or above the threshold (where it
	// starts), once, even when it runs on into the next period.
	SprintsPeriod       []int
	AccelsPeriod        []int
	DecelsPeriod        []int
	TimeOnCourtPeriod_s []float64
	// SpeedBandPeriod_s[i] is period i+1's SpeedBand_s (one entry per
	// band).
	SpeedBandPeriod_s [][]float64
	// DistStat_m is the feed's last DIST, converted to m (0 if none); in
	// a session that started mid-event (Session.MidEvent), less the
	// player's baseline DIST (see Session.resolveCheck), and 0 for a
	// player whose DIST the feed never sent in the session, only the REST
	// state (a bench player's, from before the join).
	DistStat_m float64
	// DistRatio is the feed's last DIST / the engine's Distance_m at that
	// DIST's timestamp (0 if either is missing); mid-event, both counted
	// from the player's baseline.
	DistRatio float64
	// DistFlag says why the ratio is outside the band ("" when within,
	// and for a player under Config.DistFlagMin_m by both counts), or
	// DistFlagNoDIST for a player the engine measured that far whose
	// DIST the feed never sent.
	DistFlag string
}

// DistFlagNoDIST is PlayerSummary.DistFlag for a player who moved at
// least Config.DistFlagMin_m by the engine's distance but for whom the
// feed sent no DIST stat (a feed without DIST, such as optical
// tracking's, or one that left the player out): nothing to check his
// distance against. His DistRatio is 0, as for a bench player.
const DistFlagNoDIST = "no DIST from the feed"

// TeamSummary is one team's row.
type TeamSummary struct {
	TeamID       int64
	Name         string
	Possession_s float64
	// PlayerSensors counts the feed's player sensors that are this
	// team's roster players. Team possession is credited through the
	// roster only (a sensor not on it has team 0), so with none,
	// Possession_s is 0 without anything having been measured: a roster
	// that matches none of the sensors.
	PlayerSensors int64
}

// BoxScore is one player's final stats from the feed, after corrections.
type BoxScore struct {
	PlayerID int64
	TeamID   int64
	Version  int64
	Values   map[string]float64 // by wire abbreviation, e.g. "PTS", "DIST"
}

// HeatCell is one non-empty cell of a heatmap in long form.
type HeatCell struct {
	Scope   string // "player", "team" or "ball"
	ID      int64
	IX, IY  int32
	X_m     float64 // cell centre
	Y_m     float64
	Seconds float64
}

// Quality counts what the engine tolerated in the input.
type Quality struct {
	// Messages counts the messages fed with Feed or FeedLine: those the
	// recording holds (decoded lines, as `stmotion inspect` counts
	// them), with stmotion live's lines made of REST state; in live
	// mode, the messages received and made, which its recording holds.
	// The ones made beside the recording (FeedRestState) are in
	// RestMessages instead.
	Messages  int64
	Locations int64
	BadLines  int64
	// Unknown counts what the engine could not use in full: messages of
	// an unknown kind; location samples of a sensor type other than
	// PLAYER and BALL (dropped); stats messages with a stat key or a
	// classification decode does not know (their known stats applied),
	// and, once more, stats messages dropped without a player id or
	// for a new player beyond Config.MaxSensors; markers of an unknown
	// type (not repeats: RepeatedMarkers).
	Unknown    int64
	Duplicates int64 // samples with the time of one their sensor holds or consumed, late or not (see Late)
	// Late counts the samples older than the newest by more than the
	// reorder window that repeat none of the samples their sensor holds
	// or consumed: lost to the tracks. A sensor's ring keeps about
	// RingSize consumed samples (10 s at 25 Hz, see ring.has); a repeat
	// older than that counts here too.
	Late int64
	// BadTimes counts location samples dropped for their timestamp: ≤ 0
	// or beyond year 5138, or samples far from the others' times (more
	// than Session.TimeJump_ms ahead of the newest or before the first)
	// that the feed as a whole did not go on at (see Session.vet): a
	// sample, a frame or one sensor with a wrong clock. It counts the
	// stats, marker and shot messages whose time is as wrong too
	// (BadTimeMessages; see msgtime.go): kept, but out of the session's
	// span.
	BadTimes  int64
	Reordered int64 // out of order but placed within the window
	Gaps      int64 // track splits at gaps
	Teleports int64 // track splits at implausible jumps
	// Outliers counts single samples dropped because they jumped away from
	// both neighbours, or at a track's end from the line through its two
	// nearest samples (multipath).
	Outliers   int64
	UnknownIDs int64 // sensor ids not on the roster
	// PlayerSensors and BallSensors count the distinct sensors of each
	// kind that sent a location (a spare ball beside the court is a
	// second ball sensor; without one, nothing of possession is found).
	PlayerSensors int64
	BallSensors   int64
	// StaleStats counts the stats messages that changed nothing for
	// their version: every stat they name that the box score keeps had
	// been set by a version as new or newer (an old or repeated
	// version). A message naming no such stat (only keys stmotion does
	// not know, counted in Unknown, or none) is not stale, whatever its
	// version.
	StaleStats int64
	// RepeatedShots and RepeatedMarkers count shot and marker messages
	// dropped as repeats of one fed before (ShotKey, MarkerKey: a feed
	// replayed after a reconnect, a recording concatenated twice). Left
	// out of the Summary's JSON when 0, so a game's marshals as it did
	// before they existed (the output digest test hashes it).
	RepeatedShots   int64 `json:",omitempty"`
	RepeatedMarkers int64 `json:",omitempty"`
	// GridPeriod_ms is the period of the grid the tracks were resampled
	// on: the feed's own rate unless configured (Config.Rate_Hz); 0 when
	// the session had no location sample.
	GridPeriod_ms int64
	// Noise_m is the players' sensor noise σ per axis the filter used:
	// estimated from the feed unless configured (Config.Player.Noise_m).
	Noise_m float64
	// DroppedSensors counts location samples of sensor ids beyond
	// Config.MaxSensors (dropped to keep memory bounded), after
	// EvictedSensors made what room it could.
	DroppedSensors int64
	NoCourt        bool // the session ran in the sensor frame
	// Truncated: the input ended in the middle of its compressed stream
	// (a copy or a recording cut short); what came before was analysed.
	Truncated bool
	// EvictedSensors counts the sensors not on the roster that had sent a
	// sample or two (corrupt ids, most likely) whose place went to a
	// roster player or a ball sensor once Config.MaxSensors were in use:
	// they are in no player list and no longer count in UnknownIDs or
	// PlayerSensors. DroppedBallSamples and DroppedRosterSamples are
	// the ball sensors' and the roster players' samples among
	// DroppedSensors: a ball or a player that no table has although the
	// feed sent it. Left out of the Summary's JSON when 0, as
	// RepeatedShots is.
	EvictedSensors       int64 `json:",omitempty"`
	DroppedBallSamples   int64 `json:",omitempty"`
	DroppedRosterSamples int64 `json:",omitempty"`
	// RepeatsForgotten counts the shot and marker keys the repeat check
	// forgot to stay within its bounds (MaxRepeatShots,
	// MaxRepeatMarkers, MaxRepeatMarkerText_B; the oldest first): a
	// repeat of one of them is no longer dropped, and counts again. 0
	// unless the feed sent more distinct shots or markers than a game
	// has (a broken or hostile feed). Left out of the Summary's JSON when
	// 0, as RepeatedShots is.
	RepeatsForgotten int64 `json:",omitempty"`
	// PeriodsRefused counts the start markers (PLAY_START,
	// START_SECOND_HALF, DRILL_START) and the PLAY_NEXT / DRILL_NEXT
	// inside a period that would have opened a period beyond MaxPeriods:
	// they open none (the samples stay in the open period, or between
	// periods), so that what grows with the period count stays bounded.
	// 0 unless the feed opened more periods than an event has (a broken
	// or hostile feed). Left out of the Summary's JSON when 0, as
	// RepeatedShots is.
	PeriodsRefused int64 `json:",omitempty"`
	// RestMessages counts the stats and shot messages made of REST
	// state beside the recording and fed with FeedRestState (a bundle's
	// stats.json and shots.json, the state at its client's join): not
	// read from the recording, they are not in Messages, and Messages +
	// RestMessages is every message fed. 0 in live mode, whose REST
	// state its recording holds. Last, so that no quality column moves;
	// left out of the Summary's JSON when 0, as RepeatedShots is.
	RestMessages int64 `json:",omitempty"`
	// BadTimeMessages counts the stats, marker and shot messages among
	// BadTimes (their time ≤ 0 or beyond year 5138, before the event or
	// more than TimeJump_ms ahead of the location feed, which went on
	// without them): their effect is kept, their time is left out of the
	// session's span. Left out of the Summary's JSON when 0, as
	// RepeatedShots is.
	BadTimeMessages int64 `json:",omitempty"`
	// BallUnseenLive_s is the live time during which the game ball (the
	// one possession follows) had been unseen for longer than the
	// possession detector's LostBall_ms (0.4 s) while other sensors were
	// seen: its sensor fell silent (a dead battery, out of range). A
	// silence of the whole feed (no sensor seen: an outage) is not
	// counted, as it is not the ball's. No team is in control of the ball
	// then (nor during such a silence), so each team's Possession_s
	// misses its part of it. Set by the
	// PossessionAnalyzer; from BallUnseenMin_s on, export.Limits names it.
	// Left out of the Summary's JSON when 0, as RepeatedShots is.
	BallUnseenLive_s float64 `json:",omitempty"`
	// LateMarkers counts the markers that came too late to take effect
	// at their own time: a tick at or after it had its period and clock
	// (its rows, in batch its figures too) without the marker, which
	// took effect from the tick it was applied at. Batch holds the
	// emission Lag_s to 3·Lag_s plus Config.MarkerHold_s (6–8 s by
	// default) behind the feed, so only a marker later than that counts;
	// live's figures follow a lag behind its rows, whose period and
	// clock a late marker still gives (the rows keep theirs), so only
	// one later than the figures counts there. A late marker older than
	// a newer one of its kind already applied (a LIVE that came after
	// the PAUSED that followed it) changes the state no more: it counts.
	// LateMarkerMax_ms is the longest of their delays (the newest
	// location time when one came, minus its time). Left out of the
	// Summary's JSON when 0, as RepeatedShots is.
	LateMarkers      int64 `json:",omitempty"`
	LateMarkerMax_ms int64 `json:",omitempty"`
}

// Summary is everything the engine knows at the end of a session.
type Summary struct {
	SessionID string
	// Start_ms and End_ms are the session's span: the earliest and
	// latest time of the location samples placed (not those dropped as
	// late, duplicates or bad times) and of the stats, marker and shot
	// messages but for bad times (msgtime.go), so that it covers what
	// the session emits (but a message ahead of the feed that keeps its
	// bad time). A message about earlier play that a
	// feed sends after its start (a late correction, a join's REST
	// state) counts: a live id's span may begin before its first
	// location sample.
	Start_ms int64
	End_ms   int64
	Players  []PlayerSummary
	Teams    []TeamSummary
	BoxScore []BoxScore
	Heatmaps []HeatCell
	Quality  Quality
	// Cross-checks with the feed's own events.
	ShooterAgreement float64 // fraction of feed shots (from the first sample on) whose shooter was the last holder

	// Definitions are the thresholds the per-player counts, speed bands
	// and DIST flags were made with (the session's Config). Left out of
	// the Summary's JSON, so a game's marshals as it did before it
	// existed (the output digest test hashes it); summary.json records
	// them (export.SessionSummary.Definitions).
	Definitions Definitions `json:"-"`

	// What the session could not tell apart beyond a missing roster or
	// court (export.Limits names it all). They are left out of the
	// Summary's JSON when unset, so a game's marshals as it did before
	// they existed (the output digest test hashes it).
	//
	// OneTeam and OneTeamTracked: the events could not tell the two
	// sides apart (the rule is PossessionAnalyzer.SetEvent's, applied to
	// every player tracked: at most one is set). A change of hands
	// between the sides cannot be told a pass from a steal, nor a
	// rebound offensive from defensive (those events are labelled
	// LabelUnverified), there is no team possession to end, and the
	// team's Possession_s is both sides' together.
	//
	// OneTeam: one team on the roster (OneTeamRoster) outside a game (a
	// practice: Meta.Event EventPractice, or EventUnknown with no player
	// tracked that the roster does not name), whose scrimmage sides are
	// both that team, attacking opposite hoops in a drill: the
	// HeatmapAnalyzer does not fold.
	OneTeam bool `json:",omitempty"`
	// OneTeamTracked: only one team's players were tracked (the tracked
	// players on the roster all on one team, and none the roster does
	// not name), the other team's not: both teams on the roster, or a
	// game's roster (EventGame) that lists one. The tracked team's
	// shots still tell its attacking direction, so heatmaps fold.
	OneTeamTracked bool `json:",omitempty"`
	// SeveralBalls_s is the live time during which two or more balls
	// moved on the court at once (PossessionAnalyzer: each in bounds,
	// its activity at least SeveralBallsMoving_mps), as in a drill with
	// several groups. Possession follows one of them; from
	// SeveralBallsMin_s on, the others' players' touches and possession
	// are missing, and the feed's shots taken with the other balls count
	// against ShooterAgreement.
	SeveralBalls_s float64 `json:",omitempty"`
	// Practice: the session is a practice's (Meta.Event EventPractice,
	// or not EventGame and the feed sent drill markers: DRILL_START,
	// DRILL_END, DRILL_NEXT, PRACTICE_END). Its periods are drills, and
	// what is outside them the breaks between, in which players stand
	// on the court: TimeOnCourt_s counts them, TimeOnCourtPeriod_s does
	// not. Left out of the JSON when unset, as OneTeam is.
	Practice bool `json:",omitempty"`

	// Round is the session's own round of the event (Meta.Round: its
	// live.json's live id, name and type) with the first period the
	// session numbered in it; Rounds are the later rounds its *_NEXT
	// markers named, in order, each with the period it starts in and the
	// name and type Meta.Rounds (rounds.json) gives it, then the rounds of
	// Meta.Rounds no marker named (period 0): which period is which drill
	// of a practice. At most MaxRounds. Left out of the Summary's JSON, as
	// Definitions are; summary.json records them
	// (export.SessionSummary.Name, Type and Rounds).
	Round  Round   `json:"-"`
	Rounds []Round `json:"-"`

	// InBounds counts the session's sample rows by kind and those in
	// bounds among them (Sample.InBounds): how much of what the sensors
	// saw lies on the court; InBoundsCounts.OffCourt reads it (a
	// court.json of another court). Left out of the Summary's JSON, as
	// Definitions are.
	InBounds InBoundsCounts `json:"-"`

	// FirstBadMessage_ms is the occurred_at of the first stats, marker
	// or shot message counted in Quality.BadTimeMessages (with it 0:
	// none), for a warning to show (a time in January 1970: seconds, not
	// milliseconds). Left out of the Summary's JSON, as Definitions are.
	FirstBadMessage_ms int64 `json:"-"`

	// Heatmap says how Heatmaps were made (HeatmapAnalyzer.Finish sets
	// it; zero without that analyzer). Left out of the Summary's JSON, as
	// Definitions are; summary.json records it
	// (export.SessionSummary.Settings).
	Heatmap HeatmapSettings `json:"-"`
}

// InBoundsCounts counts sample rows (one per sensor and grid tick, as
// the samples table has them) by kind, and those in bounds among them
// (Sample.InBounds: on the court grown by Config.InBoundsMargin_m;
// always, in the sensor frame).
type InBoundsCounts struct {
	Players, PlayersIn int64
	Balls, BallsIn     int64
}

// add counts a tick's rows.
func (c *InBoundsCounts) add(players, balls []Sample) {
	c.Players += int64(len(players))
	c.Balls += int64(len(balls))
	for i := range players {
		if players[i].InBounds {
			c.PlayersIn++
		}
	}
	for i := range balls {
		if balls[i].InBounds {
			c.BallsIn++
		}
	}
}

// OffCourtMaxInBounds is the share of in-bounds rows below which a
// session's samples are said to lie off its court (InBoundsCounts.
// OffCourt). Real sessions stay far above it, bench players (off the
// court) included: simulated games and practices (24 player sensors, 10
// on the court) have 42 % of their player rows in bounds, never under
// 38 % in any 5 s, and the ball 97 %; the SportVU fragment (only the 10
// on the court tracked), 99.9 % (measured 2026-11-27). A court.json of
// another court, or another survey, puts them at 0 %.
const OffCourtMaxInBounds = 0.10

// OffCourt reports whether the rows lie off the court: fewer than
// OffCourtMaxInBounds of the player rows in bounds and, when there are
// ball rows, of the ball's too (with no player row, the ball's alone;
// with no row at all, false). Both must be off, so that a timeout (every
// player beside the bench, the ball on the court) or a spare ball
// beside it (the players on the court) is not taken for it.
func (c InBoundsCounts) OffCourt() bool {
	off := func(in, n int64) bool { return float64(in) < OffCourtMaxInBounds*float64(n) }
	switch {
	case c.Players == 0 && c.Balls == 0:
		return false
	case c.Players == 0:
		return off(c.BallsIn, c.Balls)
	case c.Balls == 0:
		return off(c.PlayersIn, c.Players)
	}
	return off(c.PlayersIn, c.Players) && off(c.BallsIn, c.Balls)
}

// HeatmapSettings are the settings a session's heatmaps were made with.
type HeatmapSettings struct {
	Cell_m   float64 // cell side
	LiveOnly bool    // only time with the clock live (heatmap.Options.LiveOnly)
	// Folded: each team's offence on the east half (heatmap.Options.Fold),
	// and not a session that Finish does not fold (Summary.OneTeam).
	Folded bool
}
