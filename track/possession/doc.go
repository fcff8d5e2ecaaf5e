// Package possession decides, ball sample by ball sample, which player holds
// the ball, and turns the holder timeline into possession, team
// possession, pass, shot, turnover and rebound events, per-player and
// per-team possession totals, and cross-checks with the feed's own shot
// messages and box score.
//
// The engine (package track) feeds a Detector once per ball sample, in time
// order, with every on-court player's position interpolated at the ball's
// timestamp and whether the game clock is live; it converts the Events into
// its own segments. This package does not import track.
//
// The seam, per engine Frame (track.Frame, one grid tick):
//
//	d.Update(f.T_ms, ball.X_m, ball.Y_m, ball.Z_m, players, f.Clock == track.ClockLive)
//	holder, _ := d.Holder()  // → Sample.BallHolder of that player's row
//
// with players the players of the frame (PlayerPos{ID, X_m, Y_m}; bench
// players beyond Config.OnCourtMargin_m are left out by the detector); a
// frame without a ball sample calls d.Tick(f.T_ms, live) instead, so clock
// changes inside feed gaps are seen; and each change of the clock between
// two frames is passed at its own instant with d.Tick(t_ms, live) (through
// track.ClockObserver), so that a silence of the whole feed across a clock
// stop is not counted as live; a period's end and start are passed with
// d.EndPeriod(t_ms) and d.StartPeriod(t_ms) (no team possession between
// periods). A Detector follows one ball: with
// several in a frame, the engine passes the game ball (the one moving on
// the court, see track.PossessionAnalyzer) and ticks while it is missing;
// when the game ball changes to another ball, d.SwitchBall() before the
// new ball's first Update (no event is made of the jump between them);
// on a feed shot message d.FeedShot(occurred_at, player_id, is_make); at the
// end d.Flush(end_ms), then Players → PlayerSummary.Possession_s/Touches,
// Teams → TeamSummary.Possession_s, Check → Summary.ShooterAgreement (and
// FeedStats with the final box score before it), BallUnseenLive_s →
// Quality.BallUnseenLive_s. Events map one to one:
// KindPossession → SegPossession, KindTeamPossession → SegTeamPossession,
// KindPass → SegPass (ToPlayerID, Length_m, Speed_mps), KindShot → SegShot
// (Made, Is3Point, Zone; Label "free_throw" when FreeThrow), KindTurnover →
// SegTurnover (ToPlayerID = who gained it; Label "steal" when Steal),
// KindRebound → SegRebound (Label "offensive"/"defensive").
//
// Holder rule, with hysteresis (see Detector and Config for the numbers):
// the nearest player within the entry radius of a ball low enough to be
// held or dribbled, confirmed after a minimum hold and back-dated to when
// the ball came in; released only when the ball leaves the wider exit
// radius (for two samples) or rises above the rim. Ties at exactly equal
// distance go to the current holder or candidate, then to the lower player
// id; within Config.TeamTie_m the team in control wins.
//
// Definitions:
//   - The holder is decided in every clock state; a dead ball does not end
//     a possession (an inbounder holds the ball while the clock is stopped).
//   - Player possession time (PlayerTotal.Possession_s): the live part of
//     the time from the ball first coming within Config.Hand_m of the player
//     off the floor (interpolated between samples; Gather_ms later for a ball
//     out of the net) to its last exit from Hand_m before the release;
//     PossessionAll_s counts every clock state. Touches: number of player
//     possessions.
//   - Team possession time (TeamTotal.Possession_s): live time from one of
//     its players gaining the ball until the ball is shot (release), gained
//     by the other team, or the clock stops; passes between teammates and
//     loose balls before the other team gains it stay with the team, shot
//     and rebound flights belong to nobody, as does the time the ball has
//     been unseen for longer than Config.LostBall_ms (a silent ball
//     sensor: Detector.BallUnseenLive_s; or the whole feed silent:
//     Detector.Silence), until it is seen again. If the
//     clock starts with the ball held, the holder's team is in control
//     from then. A gain is confirmed after it began (back-dated): the live
//     time in between moves to the gaining team from the team it was
//     counted for, so that every live moment counts for one team at most,
//     even when a dead ball or a shot changed the team in control
//     meanwhile. A gain by the other team that comes to nothing (a touch,
//     see control below) is undone: the team in control before keeps its
//     team possession and gets the time back. TeamTotal.Held_s is the sum
//     of its players' Possession_s (which may exceed Possession_s by the
//     unseen time).
//   - Control: a gain (a rebound, a steal, the other team's ball after a
//     made basket) stands once the gainer has control of the ball: he
//     holds it Config.Control_ms (from the start of his possession to now,
//     or to when the ball left his hands), passes it to a teammate or
//     shoots it; a dead ball, a period's end and Flush also decide it.
//     Until then it is a touch, and the next holder decides: the same
//     team's (without a pass: the ball went from hand to hand) takes the
//     gain over, the other team's takes it back (no turnover; a pass
//     between two of its players through the touch stands, and a tipped
//     rebound is the next holder's).
//   - A pass: released by one player after holding it at least MinHold_ms,
//     next held by a teammate, with no shot between. A shot: a released ball
//     that rises above rim height and then comes within Config.NearRim_m of a
//     hoop; made when it is seen inside the net (0.25 m to 1 m below the rim,
//     within the rim radius + 0.15 m). A rebound: the first control after a
//     shot that was not seen made, gained with the clock live and no stop of
//     the clock since the release (a free throw is released with the clock
//     stopped; it restarts at the rim, and the player who then takes a
//     missed last free throw has a rebound). A turnover:
//     the ball, released in live play, is next held by the other team without
//     a shot in between, and that team gains control (a steal when no dead
//     ball came between, credited to the player who gains control). After
//     a field goal made in live play no turnover and no pass is inferred
//     until a player of the other team has control or throws the ball in
//     from beyond the baseline: players of both teams touch the ball under
//     the net. A shot released with the clock stopped is a free throw.
//   - A lost ball: unseen for longer than Config.LostBall_ms and back away
//     from its holder. His possession ends when it was last seen, and no
//     pass, turnover or rebound is inferred from the unseen flight. (Back
//     in his hands, his possession goes on through the silence; his
//     team's control does not.)
//   - A change of ball (SwitchBall): the same for the holder of the old
//     ball; a shot of it already seen is reported, the team possession
//     ends, and no team is in control until a player gains the new ball.
//   - A ball unseen for as long and back in the air (above MaxBallZ_m):
//     held, it left the hands unseen, as a shot does, and the possession
//     ends when it was last seen; held or released, no pass or turnover is
//     inferred from its flight (it may have gone to a hoop unseen), but it
//     is a shot, released then, if it is now seen to reach a hoop.
//
// Events are sent when they are decided, not in time order: a rebound, a
// turnover and the end of the team possession a gain ended wait for the
// gainer's control (Control_ms or the next gain).
//
// Invariants and lifetimes: an *Event passed to the emit callback is valid
// only during the call. Update allocates nothing once every player and team
// has been seen; memory is constant in the length of the input (a few
// fixed rings plus one entry per player and team). Its cost per ball
// sample is one pass over the players comparing squared distances (the
// square root is taken for the nearest player only). A Detector is not
// safe for concurrent use.
package possession
