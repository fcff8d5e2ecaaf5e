// Package mock is a local ShotTracker API that serves one session bundle,
// for developing and testing against before (or instead of) the real
// service. It follows the seed's description of ShotTracker's own mock:
//
//   - REST: /v1/data/live/{id} and its /_subscribe, /court, /stats,
//     /stats/details, /shots and /video; the LIVE notify endpoints; the
//     locations, user profile and team history endpoints; and the notify
//     simulation PUT /mock/{key}/do/live/notify/{start|end}?url=...
//   - Security: every /v1 request must carry a valid HMAC signature (the
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
//
// The replay clock starts at Start. At Speed s > 0, feed time advances s
// ms per wall ms (by occurred_at: its running maximum, so lines stay in
// file order); a connection joins where the clock stands, and /stats and
// /shots are computed from the stats.json / shots.json baseline plus every
// stats and shot line the clock has passed. At Speed 0 each connection
// replays the whole feed from its first line as fast as the client reads,
// and the REST state is that of the end. With Loop the feed restarts after
// Options.LoopGap, forever; without it a connection that reaches the end
// is closed with a normal close frame. Recorded ack and pong lines are
// connection-level and not replayed.
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
