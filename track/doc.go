// Package track is the session engine: it consumes decoded messages in
// arrival order, keeps per-sensor ring buffers of PLAYER and BALL samples in
// the canonical court frame, and derives kinematics (speed, acceleration,
// distance), the box score, possession and heatmaps. Batch and live mode
// feed the same engine.
//
// # Using it
//
//	s, err := track.NewSession(track.DefaultConfig(), track.Meta{Roster: teams, Court: c}, sinks...)
//	for each decoded message m, in arrival order: s.FeedLine(&m, line) (or s.Feed(&m))
//	sum, err := s.Close()
//
// Sinks receive Sample rows (one per sensor per tick of a uniform grid),
// Segments (markers, feed shots, DIST checks, and whatever analyzers add)
// and the final Summary. Analyzers (possession, heatmaps) plug in with
// Session.Attach before the first Feed and see one Frame per tick: the
// ball and every player at the same instant; the session also passes
// them the markers' instants (ClockObserver) and the feed's shots
// (ShotObserver). pipeline.Attach attaches the ones `stmotion analyze`
// and `stmotion live` run, with the same settings. pipeline's
// Example_byHand wires a recorded bundle (court, roster, an
// export.Writer beside a sink of one's own) into a Session by hand.
//
// # Pipeline
//
// Per sensor (dense index, hash lookup by id):
//
//  1. raw ring: samples in time order (one struct per sample, fixed capacity);
//     duplicates (same timestamp) dropped, also after the window as far
//     back as the ring's slots keep consumed samples (ring.has), samples
//     up to ReorderWindow_ms (at least 3.5 sample periods) late placed in
//     order, later ones counted as late; single-sample
//     jumps (multipath) dropped as outliers; a sample far ahead of the
//     others' times or before the session's first (more than
//     Session.TimeJump_ms, the reorder window plus a second) held until
//     the feed as a whole goes on at its time for three sample periods (the
//     held samples outnumber those of the others meanwhile), and dropped
//     as a bad time otherwise: one tag with a wrong clock does not move
//     the session;
//  2. grid: linear interpolation at the ticks of a uniform grid (default
//     period: the feed's typical interval), never across a gap longer than
//     the kind's MaxGap_ms (players 1 s, the ball 0.4 s) or a jump faster
//     than the kind's MaxSpeed_mps: the track is split there;
//  3. forward pass of a constant-acceleration Kalman filter per axis, with
//     gains precomputed per step index (see Model); on a grid finer than
//     the feed (Config.Rate_Hz) σ² is multiplied by the ticks per sample,
//     which are interpolated, not measured (Session.upsample);
//  4. batch: a fixed-lag Rauch-Tung-Striebel backward pass every
//     2·Lag_s over the last 3·Lag_s; live (Config.Causal): rows leave right
//     after the forward pass, and while a sensor in a short dropout holds
//     the grid (step 2) the rows of the ticks up to the watermark leave
//     without it, from a scratch forward pass of the others;
//  5. figures from the smoothed track: distance (total, live, on court,
//     per period; only while a still detector says the player moves;
//     short gaps bridged, each tick inside one credited its part of the
//     distance, its time on court and speed band, and fed to the effort
//     runs: its speed to the sprint run, the gap's mean acceleration to
//     the acceleration runs), raw path length, top speed (held over
//     TopSpeedWindow_s, away from a track's ends unless no tick is),
//     speed bands, sprints, accelerations, decelerations (a dip shorter
//     than EffortGap_s does not end an effort); per period too, an
//     effort in the period it starts in.
//
// docs/kinematics.md gives the method, the parameters, why, and the
// measured accuracy against the simulator's truth.
//
// While the session runs, Session.AppendRunningFigures gives each
// player's distance so far and still verdict, up to the newest tick the
// figures have reached (live overlays' counters).
//
// # Markers and stats
//
// Markers are applied when the emission reaches their timestamp: periods
// (halves, quarters via PLAY_NEXT, drills) and clock state (LIVE, PAUSED,
// FOUL) are stamped on every Sample; a feed shot, fed ahead of the
// emission or behind it, takes the period at its own time. Batch holds
// its emission Config.MarkerHold_s behind the smoother, so a marker
// delivered that late is still on time; live relabels the ticks whose
// figures are not in yet; a marker later still takes effect where it is
// applied, and is counted (Quality.LateMarkers), and one older than a
// newer marker of its kind already applied changes the state no more
// (applyMarker). A session of a live id that continues
// an event (the drill a DRILL_NEXT named) numbers its periods on from the
// previous live id's, its clock starting as that one left it
// (Meta.Periods, Session.NextPeriods). The session also says which period
// each round of the event its feed holds starts in (Meta.Round and Rounds,
// live.json's and rounds.json's names of the drills, to Summary.Round and
// Rounds: the live ids the *_NEXT markers name, at most MaxRounds). The
// box score keeps, per player and stat, the value of the highest version
// seen (corrections carry corrected
// values; stale and duplicate versions change nothing). A shot or marker
// identical to one fed before (ShotKey, MarkerKey: a feed replayed after
// a reconnect, a recording concatenated twice) is dropped and counted
// (Quality.RepeatedShots, RepeatedMarkers); `stmotion live` keeps such
// repeats out of its recording by the same keys. The check remembers the
// last MaxRepeatShots shots and MaxRepeatMarkers markers (far more than
// a game has); what it forgot beyond them is counted
// (Quality.RepeatsForgotten). Each DIST update is
// compared with the engine's distance at its timestamp (SegDistCheck
// segments; PlayerSummary.DistRatio and DistFlag; one inside a dropout of
// its player waits until the gap is known bridged or not, and may leave
// after checks of later times); in a session that starts
// mid-event (Meta.EventStart_ms, Session.MidEvent) both count from each
// player's first DIST at or after the session's first location sample.
// A stats message made of REST state (backfill.Made: a join's or a
// gap's box score, told by its line, FeedLine) sets the box score, its
// DIST too, but is no check: its DIST dates from before the time it is
// fed at. FeedRestState feeds such a message that is not part of the
// recording read (a bundle's stats.json, shots.json): counted in
// Quality.RestMessages rather than Messages, which counts the
// recording's messages.
// A stats, marker or shot message with a wrong clock (occurred_at
// ≤ 0, before the event, or ahead of the location feed, which goes on
// without it) keeps its content, but its time is counted in
// Quality.BadTimes and BadTimeMessages and left out of the session's
// span, and one dated before the session (in seconds) out of what its
// time would corrupt: its DIST is no check, and a shot or marker takes
// the time the feed had reached when it came (msgtime.go).
//
// # Invariants and lifetimes
//
//   - Memory is bounded by Config.RingSize, the tick ring (about 3·Lag_s
//     plus the windows, and in batch Config.MarkerHold_s) and the number of sensors, whatever the session
//     length. What a feed can send without end is bounded too: the
//     sensors by Config.MaxSensors (the box score's players with them),
//     the shots and markers remembered for the repeat check by
//     MaxRepeatShots and MaxRepeatMarkers (2 M distinct shots once held
//     200 MB of heap here, now 5 MB), the periods by MaxPeriods (a
//     marker beyond opens none: Quality.PeriodsRefused), the markers
//     and DIST checks waiting for the emission by queues of fixed
//     length, the period changes a late shot's period is looked up in
//     by maxPeriodChanges (the oldest forgotten), the clock changes the possession analyzer holds for the
//     next frame by maxClockChanges (a flood of markers with no
//     location between them: the oldest are forgotten). Shots, markers, DIST
//     checks, events and possessions leave as Segments: what the sinks
//     keep of them is theirs. The Summary holds one row per player, team
//     and box score (sensors, bounded), and per player one entry per
//     period the session opened of the distance, the efforts, the time on
//     court and the speed bands (an output the size of the game's period
//     count, at most MaxPeriods), and at most MaxRounds rounds (the
//     live ids the feed's *_NEXT markers name). Feed allocates nothing
//     per location sample in steady state: the per-period figures grow
//     at a period change or a counted effort, not per sample.
//   - Slices passed to a Sink or an Analyzer are valid only during the
//     call. The Summary returned by Close is the caller's.
//   - Bad input never fails Feed: it is counted in Summary.Quality. Feed
//     fails only when a sink or analyzer does (a *SinkError) or after Close
//     (ErrClosed). A *SinkError is sticky: every later Feed and the Close
//     return it, and Close aborts the sinks that are Aborters (an
//     export.Writer's tables are removed) instead of closing any, so an
//     output with a hole in it never looks complete.
//   - A Session is used from one goroutine; Models are immutable and
//     shared.
package track
