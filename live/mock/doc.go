// Package mock is a local ShotTracker API that serves one session bundle,
// for developing and testing against before (or instead of) the real
// service. A bundle without live.json, or a bare recording, is served
// under made-up live information: a live id derived from its path (the
// same in every run), subscribe.json's teams, the feed's start. It
// follows the seed's description of ShotTracker's own mock:
//
//   - REST: /v1/data/live/{id} and its /_subscribe, /court, /stats,
//     /stats/details, /shots and /video; the LIVE notify endpoints; the
//     locations, user profile and team history endpoints (the bundle's
//     session is the one event, each of its rounds listed as a result
//     with its live id, type, span and links; practice/scrimmage and
//     practice/shooting give the stats and shots of its rounds of type
//     SCRIMMAGE and SHOOTING, practice those of all its rounds, a
//     correction taken from the most recent rounds where the player's
//     stat rose, never below zero: see bundle.roundShares); and the notify
//     simulation PUT /mock/{key}/do/live/notify/{start|end}?url=..., which
//     with authentication on needs Options.NotifyKey as its {key} or an
//     HMAC signature (it PUTs to any URL: open to anyone, an exposed mock
//     would relay requests into its network), with NoAuth only the key
//     when one is set. A notify call does not follow redirects: a 3xx is
//     the target's answer, a failed call like any other non-2xx (the
//     simulation answers 502 naming the status and the Location), as
//     following it would reach hosts the URL did not name
//   - Security: every /v1 request must carry a valid HMAC signature over
//     at least date, host and the request line, as the API requires (the
//     request line's protocol written HTTP/1.1, as in the API's signing
//     example, whatever the request came over, or as it came; the
//     seed's mock username and secret by default; date within 5 minutes;
//     constant-time comparison), or none with Options.NoAuth. Refusals are
//     401 with a message saying what to fix. The user profile takes a
//     bearer token instead.
//   - Errors use the API's body {status, message, shottrackerRequestId}:
//     400 inactive live id, 403 data type not granted, 404 invalid id,
//     422 bad time range or unknown notify id, 500 internal faults.
//   - Websocket ("/?token=" or "/ws?token=", or Options.WSListen): one-time
//     tokens (401 unknown, 403 reused), the ack, ping/pong, an idle timeout,
//     and a replay of the bundle's messages.jsonl lines verbatim, filtered
//     by the token's data types (markers and unknown types always pass).
//     Only the lines received are replayed: not the recorded acks and
//     pongs, nor the stats and shot lines `stmotion live` made of REST
//     state (marked "stmotion_source", backfill.Key: the state at its
//     join, the shots and box scores a reconnect recovered), which the
//     server never sent as such and which go to the REST state alone,
//     from the first line replayed after them.
//     A compressed recording cut short (decode.ErrTruncated) is served up
//     to the break, as analyze analyses it, with a warning in the log: its
//     complete lines (not the part of a line the break cut off).
//
// Rounds: the feed is served as the API serves the rounds of an event.
// Its first part is live.json's live id; each PLAY_NEXT / DRILL_NEXT
// marker starts a round under the live id it names (a game's second
// half, the next drill), with its own live information (the bundle's
// rounds.json entry for that id when it has one: a simulated practice's
// drills, each with its type, SCRIMMAGE or SHOOTING; otherwise live.json's
// under that id, started at the round's first line), subscription, court,
// and REST state: each
// live id's /stats, /stats/details and /shots are its own round's (the
// stats and shot lines of the round; the first round's also start from
// stats.json and shots.json), as the API description gives each round of
// an event its own _stats and _shots links. /shots, and the team
// history's shots, list each shot (a player's at one occurred_at) once:
// shots.json's are in the recording too when stmotion live recorded it. The stats lines carry the
// event's running totals, so a later round's /stats are those totals and
// its /stats/details the changes its lines made to them. A connection starts at its
// round's first line; it is
// not closed at the round's end (the later rounds follow, so a client
// that does not follow the marker keeps the whole feed). A marker that
// ends the feed (a bundle `stmotion live` recorded of a half ends so)
// names a round with no lines, started at the marker: its connection
// gets where the feed goes on (with Loop the marker naming the next
// pass), without Loop a normal close.
//
// The replay clock starts at Start. At Speed s > 0, feed time advances s
// ms per wall ms (by occurred_at: its running maximum, so lines stay in
// file order); a connection that comes after its round's start joins
// where the clock stands, after the markers since its round's start (so
// the client knows the period and clock state, and gets the PLAY_NEXT
// that ended its round if the clock has passed it; in a later pass, the
// markers of the round the clock is in), and a live id's /stats and
// /shots are computed from its round's stats and shot lines the clock has
// passed (and the first round's baseline). At Speed 0 each connection
// replays the feed from its round's first line as fast as the client
// reads, and each live id's REST state is that of its round's end. With Loop the feed
// restarts after Options.LoopGap (of feed time: at Speed 0 at once), as
// a new pass, forever; without it a connection that
// reaches the end is closed with a normal close frame, or, with
// Options.EndOpen, kept open as a real server may after PLAY_END, its
// live ids answering 400 "The live id is no longer active" from then
// on. Recorded ack and pong lines are connection-level and not replayed.
//
// Passes: with Loop every loop is a new stretch of time, as a client that
// follows the feed needs it (a replay of the same times would be dropped
// as duplicates): pass p adds p·(span + LoopGap + 1 ms) to every
// occurred_at and p times the largest stats version to every version, its
// rounds have new live ids (random UUIDs per Server that carry the pass
// and round, so no state grows with the passes; the first pass keeps
// the bundle's, byte for byte), and a PLAY_NEXT (DRILL_NEXT in a practice)
// after its last line names the next pass's first live id. A live id
// whose pass is over (the bundle's, say, later on) is served the pass the
// clock is in: its websocket joins the clock, and its /stats, /stats/details
// and /shots are that pass's state, times and versions. At Speed 0
// there is no clock: a connection to a live id of pass p replays pass p
// from its round's first line, then pass p+1 and on, and the live id's
// REST state is its round's end in pass p. (At Speed 0 the loops were
// once the bundle's lines verbatim under the same live ids: a client
// following the half-time PLAY_NEXT got the first half again after the
// second, at its old times, then the second again, forever, and dropped
// all of it as duplicates. To test a client's de-duplication, replay
// after a reconnect: Options.DropEvery.)
//
// Times are the bundle's, not today's, at every Speed: the first pass is
// the bundle's byte for byte (a client's recording of it compares with
// the bundle line for line), which shifting the times to the wall clock
// would break, and at a Speed other than 1 feed time drifts from wall
// time whatever the start. So a client's wall-clock lag (stmotion live's
// stmotion_live_lag_seconds) starts at the recording's age, and only its
// rise tells an outage.
//
// Announcements: as the replay clock (Speed > 0) reaches each round of
// each pass, Options.OnRound is called with its pass, index and live id
// (how `stmotion mock` prints them). Live notifies registered with PUT
// /v1/data/live/notify are called by the simulation endpoints, naming the
// live id of the round the clock is in, as ShotTracker's mock does; with
// Options.AutoNotify the mock also calls them itself, START at each
// round's start and END at its end, as the real service does.
//
// Fault injection (Options.DropEvery, Delay, CorruptEvery, and
// Server.FailNext for 500s) lets clients test reconnects, slow feeds,
// corrupt lines and retries.
//
// The whole bundle is held in memory; a Server is safe for concurrent use
// and keeps no state on disk. This package imports the websocket library
// and package decode, but not package live, so tests inside package live
// can start a mock in-process.
package mock
