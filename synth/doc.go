// Package synth is a deterministic basketball simulator that writes
// ShotTracker session bundles together with their noise-free ground truth.
// Every analytics feature of stmotion is tested against the truth it
// writes, and the built-in sample (SampleConfig) is what `stmotion
// analyze`, `stmotion mock` and `stmotion live --demo` play without input.
//
// # Use
//
//	tr, err := synth.Write(ctx, synth.DefaultConfig(), dir, nil) // a bundle directory
//	tr, err := synth.WriteMessages(ctx, cfg, w, nil)             // only the JSONL recording
//	tr, err := synth.ReadTruth(filepath.Join(dir, synth.FileTruth))
//	tr, err := synth.Simulate(ctx, cfg, w, func(f *synth.Frame) { ... })  // every 10 ms of noise-free motion
//
// A bundle holds live.json, subscribe.json (token "REDACTED"), court.json
// (court.BodyFor of the template and the sensor transform), stats.json and
// shots.json (as a client joining at the start sees them: empty),
// messages.jsonl[.gz|.zst], truth.json and, for a practice, rounds.json
// (each later drill's live information). The same Config (seed included)
// gives the same bytes in every file on a given CPU architecture (another
// architecture may fuse floating-point operations differently and so play
// a slightly different game). The feed's settings never change the game:
// its degradations (noise, losses, silences, delays, wrong records) draw
// from random streams of their own, so for one seed the noise-free motion
// and truth.json (but for its config and feed counts) are the same
// whatever Hz, Noise_mm, FeedGapRate, StatsDelayMax_ms, DistInterval_s or
// the other feed fields say.
//
// # The game
//
// Two sides of five plus a bench each (Config.BenchPerTeam, seated 1.6 m
// beyond the south sideline, still, their sensors reporting), and the ball
// (id BallID). A game opens with a jump ball; the offense brings the ball
// up, runs a half-court set (passes at 8-15 m/s with an arc, dribbling,
// cuts, relocations, drives) until a shot, a turnover (steal of a pass or a
// dribble, a pass out of bounds, a violation) or a foul. Shots fly in an
// arc to the rim (apex above 3.05 m, higher for longer shots); makes drop
// through the net and the other side inbounds from the baseline; misses
// come off the rim to a rebounder who ran to the spot. Fouls stop the clock
// (FOUL) for a side-line inbound or free throws (players on the lane, the
// shooter's dribbles, the last miss live). Dead balls (PAUSED) bring
// substitutions (the player walks to the bench, the substitute walks on)
// and now and then a timeout with a huddle. Games of 4 minutes or more
// have halves (END_FIRST_HALF, a break, PLAY_NEXT with the second half's
// live_id, START_SECOND_HALF, ends switched).
// With Config.Practice the session is a practice of drills of about 2.5
// minutes (DRILL_START, DRILL_END, DRILL_NEXT with a new live_id,
// PRACTICE_END), with a break between each two as long as a game's half
// time (6 % of the session, 25 to 90 s) on top of the drills: Minutes is
// the whole practice, breaks included (12 minutes: 4 drills and 3 breaks
// of 43 s; 30 minutes: 8 drills and 7 breaks of 90 s). A drill ends at
// the first held ball after it is due (a shooting drill's, when the
// rebounder holds it), and one that ran over shortens the next by as
// much: drills of 115 to 180 s at 12 and 30 minutes, seeds 1 to 6. The
// first drill is a scrimmage, the second a shooting drill, and so on:
// each drill's live information says which (type SCRIMMAGE or SHOOTING,
// named "Scrimmage (drill 1)", "Shooting drill (drill 2)", ...), the
// first's in live.json, the later ones' in rounds.json under the live id
// their DRILL_NEXT names. It is one team split in two: scrimmages (the game rules)
// alternating with shooting drills, where a rebounder under one hoop feeds
// the other nine in turn at spots around the arc and the elbows, each
// catching and shooting at once (field goals are recorded; no defense,
// assists or rebound stats; the clock is LIVE).
//
// Players move with human limits: top speeds 8.0-9.0 m/s by position,
// acceleration limits 3.8-4.8 m/s² (never above 5), walking, jogging,
// running and sprinting gaits toward targets that change with play, paths
// bent while far from the target, stops, cuts. The ball is dribbled at the
// side of the dominant hand (centre between 0.12 m, touching the floor,
// and 1.05 m), held in front, gathered up before a release.
//
// # The feed
//
// Sensor positions are in a sensor frame rotated by Rotation_deg and
// translated by (TX_mm, TY_mm) from the court (default -31° and
// (+4200, +7600) mm), in whole mm, with Gaussian noise (Noise_mm per axis,
// 30 % of it on a player's z) on top of a slowly wandering offset per
// sensor (Bias_mm, correlation time BiasTau_s: multipath is not white),
// and occasional 0.5-2.5 m outliers. The sensors
// are sampled at the nominal ticks k/Hz at a jittered instant (Jitter_ms,
// one instant per tick as real feeds stamp a frame, or one per sensor with
// JitterPerSensor); occurred_at is that instant and the position is exact
// there. Samples are
// dropped singly and in dropouts of 0.2 s to DropoutMax_s; lines are
// sometimes delivered twice or 1-4 lines late. Stats and shot messages
// carry the event's occurred_at and arrive 0.2 s to StatsDelayMax_ms
// later; markers arrive at once. Nothing in the engine may assume 25 Hz:
// every rate and degradation is a Config field.
//
// Stats come as the seed pairs them (TWO_POINT_MAKE with FGA, FG, PTS;
// THREE_POINT_* with FGA3/FG3; FREE_THROW_* with FTA/FT; rebounds as REB
// with OFFENSIVE_REB or DEFENSIVE_REB; ASSIST, TURNOVER, STEAL), with
// versions increasing by one per stats message in arrival order, plus a few
// manual corrections (UPDATED_*_MAKE_TO_MISS / MISS_TO_MAKE when the
// automatic record had it backwards, DELETED_ASSIST and DELETED_*_REBOUND
// when the credit went to the wrong player, followed by the right credit);
// corrections carry the original event's occurred_at. Every player's
// cumulative DIST (cm) is sent every DistInterval_s (players in a lineup,
// and anyone whose distance changed) and for everybody at the end.
//
// # Truth definitions
//
// truth.json (Truth) carries the same definitions in its "definitions"
// object. In short:
//
//   - frame: canonical court frame, metres, origin at center court, +x
//     toward the east baseline, +y toward the north sideline. Side 0
//     attacks east in the first half.
//   - motion: players are integrated with a fixed 10 ms step with constant
//     acceleration inside a step, so the noise-free path is piecewise
//     quadratic with continuous velocity; samples evaluate it exactly.
//   - distance_m: integral of the noise-free horizontal speed over the
//     whole session (all clock states, bench included), Simpson's rule per
//     step. distance_live_m: the part while the clock was LIVE.
//   - DIST: every DIST stat equals round(100·distance so far); the final
//     one, dist_cm, is round(100·distance_m). DIST is total distance, not
//     live-only.
//   - top_speed_mps: the maximum noise-free speed; sprints: how often it
//     reached 7 m/s and stayed there for 1 s.
//   - time_on_court_s: time in the side's five (a substitution takes
//     effect when both players start walking); time_inside_court_s: time
//     the noise-free position was inside the court lines.
//   - possession_s, touches: time holding the ball (dribbling included)
//     and number of holds; possession_live_s the LIVE part. Team
//     possession_s: LIVE time from one of its players gaining the ball
//     until a shot's release, the other side gaining it, or the clock
//     stopping (passes between teammates included); team_possessions
//     lists those intervals.
//   - holds, passes, shots, free_throws, turnovers, substitutions,
//     corrections: the timelines; a shot's hoop_player_x/y is the shooter's
//     release position relative to the attacked hoop, +y toward center
//     court, +x to the right of an observer at the hoop facing center
//     court (x, y, z right-handed; the court package's hoop frame).
//     is_3point is court.Template.IsThreeFromHoop and zone is
//     court.StandardZones of that position.
//
// # Speed
//
// A 48-minute game at 25 Hz (24 players and the ball) is 1.79 million
// lines: 195 MB of JSONL, 20 MB with --compress zst, 24 MB with gz, and a
// 0.3 MB truth.json. Measured on the shared 2-core machine at a load
// average of about 14 (so the wall clock mostly waits for a CPU) with
// `stmotion synth --out DIR --minutes 48`: 1.0-1.2 s of CPU and 3.8-7.0 s
// wall writing to disk; with zst 1.9-2.2 s of CPU and 3.1-4.8 s wall. `time go run ./cmd/stmotion synth --out /tmp/g48
// --minutes 48` took 35 s, about 30 s of it compiling the CLI.
// BenchmarkWriteMessages measures the simulator against plain line
// formatting (BenchmarkAppendLocation) in the same run.
//
// # Lifetimes
//
// Write, WriteMessages, Simulate and ReadTruth return a fresh *Truth owned
// by the caller. The *Frame given to Simulate's callback is reused: it is
// valid only during the call. Nothing in the package keeps state between calls; concurrent
// calls are independent.
package synth
