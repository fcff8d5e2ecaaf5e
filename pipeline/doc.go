// Package pipeline is the one place that wires a session end to end:
// decode → court → track (with the possession and heatmap analyzers) →
// export sinks. Both `stmotion analyze` (Open, Run.Do, RenderImages,
// for each input of package batch) and live mode (Attach, through
// live.SessionConfig.Attach) go through it, so a live session and the
// batch analysis of its recorded bundle run the same engine with the same
// analyzers and settings.
//
// One input is a decode.Bundle (a bundle directory or a bare recording):
//
//   - court.json, when present, is parsed and validated (court.Parse, with
//     Options.CourtTemplate naming its markings' template over its own
//     "template" and its size) and the session runs in the canonical court
//     frame (Run.Court says which court, and where from, for summary.json:
//     export.CourtOf), with a warning for what court.Court.Warnings says
//     (hoops dropped for failing their check, a custom court far from
//     every template's size); without it, or with one that is not valid
//     (as the API served it: stmotion live ran the session in the sensor
//     frame too), positions stay in the sensor frame and images are drawn
//     on the NBA court, with a warning. There, possession takes every tracked player into account
//     (no bench is known) and detects no shots from the ball (no hoops),
//     and the heatmaps keep only what falls within an NBA court's extent
//     (+1 m) around the sensor origin.
//   - subscribe.json gives the roster (names, teams); without it, a warning.
//   - periods.json (decode.Continuation: `stmotion live` followed the live
//     id from the previous one's PLAY_NEXT / DRILL_NEXT) starts the period
//     count where the previous live id left it, as live did.
//   - The roster may come from elsewhere for an input without its own
//     (decode.Bundle.Supply: analyze's --roster), and the court for any
//     input (decode.Bundle.ReplaceCourt: analyze's --court), in place of a
//     bundle's own court.json, with a warning that names it; errors then
//     name that file, and a court given that is not valid fails the
//     input.
//   - stats.json and shots.json (the REST state at the join) are fed
//     before the feed's first data message, by the rules stmotion live
//     feeds a join's by (package backfill; stats_details.json, when
//     present, keeps the stats that changed after that message for the
//     feed; without it, or where it does not date every stat of a
//     player, the box scores go with version 0, which any version of
//     the feed replaces, as stats.json may be of a later time, the
//     game's end), so that a recording joined mid-game keeps
//     the shots and box scores from before it; their DIST is the box
//     score's, never a DIST check; not when the recording holds them already
//     (stmotion live's: it holds lines live made of REST state, marked
//     "stmotion_source", before that message or, in a bundle re-joined by
//     an stmotion that rewrote stats.json and shots.json with the
//     re-join's state, later; a live id it followed, with a
//     periods.json). A re-join now records its state under gap/: the
//     bundle's stats.json and shots.json stay the state its recording
//     starts from. A shot the feed delivers again after the
//     REST state fed it (the same player and time: shots come a second
//     or two late), perhaps corrected since, is dropped by the engine,
//     in live mode too (track.Session.FeedLine). They are fed with
//     track.Session.FeedRestState: counted in quality.rest_messages, not
//     in quality.messages, which counts the recording's messages as
//     `stmotion inspect` does. A
//     stats_details.json that does not parse, or box scores with no time
//     to give them, get a warning.
//   - Lines of the recording that do not decode are counted
//     (quality.bad_lines), the first few reported by Run.Warnings with
//     their file and line, and skipped; Options.Strict fails the input
//     instead.
//   - A compressed recording cut short (an interrupted copy or recorder;
//     also one whose stream breaks where the rest of the file is zero
//     bytes, as a file cut off while being written often ends:
//     decode.ErrTruncated) is analysed up to the break, with a warning
//     that says after which line, and quality.truncated set;
//     Options.Strict fails it. Zero bytes after a complete compressed
//     stream are ignored, with a warning. Any other
//     read or decompression error fails the input.
//   - More than 1 % of the location samples dropped for their timestamps
//     (quality.late, quality.bad_times: a clock that jumped back, lines
//     far out of order) gets a warning too, as do a recording without any
//     location message, one without a ball sensor, one whose roster
//     misses half its player sensors or more, one whose clock was never
//     live (no LIVE marker: every live-only figure is 0), one whose
//     timestamps fall before 2000 (seconds, not milliseconds), one with
//     more than 10 % duplicate samples, one whose sides the events could
//     not tell apart (one team on the roster, a practice: every player
//     is on it, both sides of a scrimmage too, which the warning says
//     only of rounds known to be scrimmages; or only one team's players
//     tracked), one whose samples lie off its court (a court.json of
//     another court: export.LimitOffCourt) and one with several balls
//     moving on the court at once (possession follows one).
//   - Shot and marker messages that repeat earlier ones (the engine drops
//     and counts them: quality.repeated_shots, quality.repeated_markers)
//     get a warning; with them, the warning about late samples says the
//     recording seems to repeat itself (a file concatenated twice).
//     Beyond the repeat check's bounds (more distinct shots or markers
//     than a game has: track.MaxRepeatShots, MaxRepeatMarkers), the
//     oldest are forgotten and counted (quality.repeats_forgotten), with
//     a warning. So are the start and *_NEXT markers that would open a
//     period beyond track.MaxPeriods, which open none
//     (quality.periods_refused).
//
// A session's id is SessionID of its bundle (the live id, or the file's
// name, in Unicode NFC); the inputs of one run get ids of their own with
// UniqueSessionIDs (ids with one SessionIDKey, case and the encoding of
// accents apart, are one), as the ids name their partitions and images
// (export.TablePath, export.ImageDir). Check reads a recording through,
// failing as Run.Do would for what it reads, without analysing it: a
// caller can tell, before giving ids, a broken copy of a game from the
// good one.
//
// The shot charts (RenderImages) draw the first MaxChartShots shots
// (Run.Shots; more, Run.ShotsLeftOut, are said in their titles and
// warned of), kept in memory only when images are drawn
// (Options.NoShotCharts); the shots table, written as the shots come,
// has them all.
//
// The heatmap analyzer learns the teams' attacking directions from the
// possession analyzer's detected shots (PossessionAnalyzer.Observe →
// HeatmapAnalyzer.Segment); with Options.Fold its team, player and ball
// maps put each team's offence on the east half in every period, unless
// the session is a practice of a one-team roster, whose players may
// attack opposite hoops at once, as a scrimmage's sides do
// (track.Summary.OneTeam: FoldWarning).
//
// The session's round of its event (a drill: live.json's name and type)
// and the later rounds a recording of several holds (rounds.json) go to
// the engine (track.Meta.Round, Rounds), whose summary says which period
// each starts in (track.Summary.Round, Rounds; summary.json rounds).
//
// Errors name the file, and the line when one line is to blame. On any
// error of Open or Run.Do no table of the input is left on disk: the
// export writer is aborted. A Run serves one input once and is not safe
// for concurrent use; separate Runs may run in parallel.
package pipeline
