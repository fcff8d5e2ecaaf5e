// Package live talks to the ShotTracker API: the signed REST client, the
// websocket feed, and the live-mode servers that feed overlays.
//
// # Live mode
//
// Join (what `stmotion live` runs) joins a live event and stays joined:
// live information, subscription token and roster, court; then the
// websocket (DialFeed): the ack, keepalive pings every third of
// connectionTimeoutInMs, a read limit derived from
// maxInputBufferSizeInBytes but never above MaxReadLimit_B, 1 MiB,
// whatever the server announces (DefaultReadLimit). Once the first
// connection is acknowledged, the current stats (with /stats/details)
// and shots are fetched and fed to the engine just before the feed's
// first data message, as stats and shot messages: each stats message
// names only the stats it changes, so a join mid-event would otherwise
// miss every value set before it (see applyJoin). Any
// drop gets a new one-time token and a reconnect with exponential backoff
// and jitter (DefaultMinBackoff, DefaultMaxBackoff); after it /stats and
// /shots recover the stats and shots the gap missed (up to the first data
// message after it: not a marker, which a server resends on connect with
// the time it happened; the shots from MaxShotDelay_ms, 10 s, before the
// last data message before the drop, as the feed delivers a shot seconds
// after it happened, less those received), and messages received twice
// are dropped (see dedup in session_dedup.go; it holds the stats, shots
// and markers of far more than a game, forgetting the oldest beyond:
// SessionResult.DedupForgotten) so nothing counts twice. PLAY_NEXT / DRILL_NEXT markers move the session to the
// next live id (the value of their live_id, JSON escapes decoded, as the
// engine's next_live_id; printed quoted when it holds a character
// decode.Printable escapes, a control character say: PrintableID); the old feed is read on until the new one is up and the
// old one has caught up with it (delivered a data message as new as the
// new feed's first: a new connection starts where the server is, and what
// the old one has still to deliver, a batch on the wire or, after a
// stall, minutes of backlog, would be lost with it). What it delivers goes
// to the new live id (see handoff), ahead of the new feed's own messages,
// which wait meanwhile (held, up to 64 MiB: see relay), so the handover
// loses nothing. The wait is bounded: the old feed is given up once the
// new one has gone 2 s of feed time on while the old one delivered
// nothing newer (a stalled connection; a server that ends the old live
// id's data at the marker, whose next live id's frames then start 2 s
// late), 30 s after the new feed's ack, or once the held messages pass
// 64 MiB; before the new feed's first data message, once the old one
// has delivered nothing for 5 s (there is then nothing to lose). A Join follows up to
// SessionConfig.MaxFollow next live ids (DefaultMaxFollow, 1000): at the
// marker beyond, it stops with a *MaxFollowError (ErrMaxFollow; logged
// as an error, and the live id's result says "not followed"), as the
// event may go on; `stmotion live` exits 4. Meanwhile /healthz says
// "handover" (handover_from names the old live id) and
// stmotion_live_connected is 1: the old feed is read, its messages
// counted as they arrive. When the old feed ends on its own (a proxy
// cutting it, the network) before the next live id's is up, a warning
// is logged, /healthz and stmotion_live_connected say not connected
// ("connecting", 0), and the time until the next feed is up counts as
// offline (SessionResult.Offline). Whenever the old feed stops short of
// the new feed's first data message (it ended, before or after the new
// one was up, or was given up as above), what came between its newest
// data message and that one was delivered by neither: its stats and
// shots are fed from the next live id's REST state (fetched after its
// ack, the join's), marked "rest_gap" and counted in
// SessionResult.GapFilled; its locations are lost, as the REST API has
// none; and the span is logged as a warning and counted as lost at the
// handover (SessionResult.HandoverGap, on the result line, and
// stmotion_live_handover_gap_seconds_total; see armHandoverGap). The next live id may not be known to the
// API at once: its 404s, like its 5xx, are retried for
// SessionConfig.StartupRetry (2 minutes) before Join gives up (a
// *GaveUpError). When its feed never comes up (that, or Ctrl-C), what
// the old feed delivered for it is recorded in its bundle, unanalysed
// (SessionResult.Unanalysed; replays dropped to duplicates.jsonl), with
// its live information if the API answered it, and the previous live
// id's court and roster, copied and marked "stmotion_source":
// "previous_live_id" (the next round of the same event: same venue and
// teams), so that analyze of it has the court frame and the names:
// joining it again continues from there, with the API's own. The session ends when the live id is no
// longer active. A normal close of the feed (1000) is confirmed first:
// Join asks the live information, and ends on its 400 "no longer
// active", or, while it still calls the live id active, when the feed's
// last word was PLAY_END / PRACTICE_END, or when the close comes again
// on the reconnection after such a close with nothing new (a server whose
// feed is over, as `stmotion mock` without EndOpen); otherwise (a proxy
// closing mid-game) it reconnects. A 404 while reconnecting is not an
// end either: the live information is asked (400: the end), and the
// subscribe retried; a live id the API answers 404 for
// SessionConfig.StartupRetry (2 minutes) is given up, a *GaveUpError, as
// are credentials refused mid-game. At the start, the first live id's
// feed that does not come up (its websocket unreachable, refusing the
// token, not answering the ack) fails Join once it has failed for
// SessionConfig.StartupRetry, as its first requests do. Other failures
// to reconnect are retried without end (stmotion_live_connected and
// stmotion_live_lag_seconds show the outage). A server may keep the socket open after
// PLAY_END / PRACTICE_END, so once the feed has been quiet for
// SessionConfig.EndCheck after such a marker (8 times as long without
// one) Join asks the live information, and ends on its 400. Each
// SessionResult says how its live id ended (End: also "interrupted" with
// the context's cause, or "failed: " and the error, with how the feed had
// ended when only the last flush failed). Cancelling the
// context flushes everything. Messages that do not decode are recorded
// verbatim, counted (SessionResult.DecodeErrors) and logged as a warning
// with the first error: at once for a live id's first, then at most once
// a minute with the count since.
//
// Nothing is lost: a Recorder writes every message verbatim to the
// session bundle's messages.jsonl (flushed every DefaultFlushInterval),
// the REST responses as live.json, subscribe.json (token redacted),
// court.json (the court the session used: SessionConfig.Court in place of
// an API court that is missing or not valid, the API's body then kept as
// court_api.json; with "template" when SessionConfig.CourtTemplate names
// the court's markings, court.WithTemplate, so that analyze of the bundle
// runs on the same court: a re-join on another template than the
// bundle's table parts were made on is a *CourtTemplateError),
// stats.json, stats_details.json and shots.json (the REST
// state at the join that started the recording), replays dropped as
// duplicates to duplicates.jsonl (up to SessionConfig.MaxDuplicates_B,
// DefaultMaxDuplicates_B 256 MiB, over the bundle's joins: the rest
// counted, SessionResult.DuplicatesNotKept and duplicates_not_kept.json,
// and logged once, so that a feed that repeats itself without end does
// not fill the disk; messages.jsonl has no bound, as it is the
// recording), and the gap responses under gap/, the
// REST state of each re-join too (with its stats details): a re-join
// leaves stats.json, stats_details.json and shots.json as they were, the
// state the recording starts from, as `stmotion analyze` and `stmotion
// mock` read them. (Rewritten with the re-join's, of a later time, they
// had analyze feed, at the feed's start, the second half's end: bench
// players' DIST 0 at the versions of the feed's last tick, which made
// the feed's own stale and took those players' DIST checks.) The messages made from REST state (at the join and after
// reconnects; package backfill makes them, by the rules `stmotion
// analyze` feeds the stats.json and shots.json of a bundle another client
// recorded by) are recorded in messages.jsonl where they were fed, marked
// "stmotion_source":"rest_join" or "rest_gap" (backfill.Key), so that
// `stmotion analyze`, which re-analyses the bundle, gets the same figures
// (finding them in messages.jsonl, it does not feed stats.json and
// shots.json again). They were never received: `stmotion
// mock` does not replay them over the websocket, but counts them in the
// REST state it serves (package mock). Their DIST is the box score's,
// never a DIST check, here as in analyze (the engine tells their lines:
// a REST DIST dates from before the time it is fed at, and as the
// baseline it inflated every ratio). A live id
// followed from a PLAY_NEXT / DRILL_NEXT is fed nothing of its REST state
// up to the previous live id's newest time: each live id has its own
// state (the second half's shots are the second half's), and what is
// older belongs to the previous live id's bundle. Its periods are
// numbered on from the previous live id's (track.Meta.Periods from that
// session's NextPeriods: a practice's third drill is period 3, as in a
// recording of the whole practice, not 1; after PLAY_END or PRACTICE_END
// the count starts over), and its clock is, until its first state
// marker, as the previous live id left it (paused after the previous
// drill's DRILL_END); where the count
// and the clock stood is recorded in its bundle as periods.json
// (decode.Continuation), which `stmotion analyze` of the bundle and a
// re-join read. A live id joined straight (not followed) has no
// history: its first period is 1, its clock unknown.
//
// Live analytics run the batch engine (track.Session) with
// track.Config.Causal set, fed in arrival order. Its rows leave once the
// feed has reached tick + the engine's reorder window (250 ms of sensor
// time by default, 3.5 grid periods below 14 Hz), also while a sensor is
// in a dropout: the tick's rows leave without it (an overlay keeps its
// last state, see DefaultStale_ms) rather than wait up to its kind's
// MaxGap_ms (1 s for a player, a bench player's tag too) for it to come
// back, which froze every frame and then let them out in a burst (a
// 6-minute simulated game with the default dropouts: frames up to 1.3 s
// behind the feed, p99 0.72 s; now at most 0.29 s). Distances follow the
// same smoothed track as in batch and agree exactly with `stmotion
// analyze` of the recorded bundle; possession is decided from the
// forward-filtered rows, so a possession may start or end a tick apart:
// over the sample game simulated for 2 minutes (synth.SampleConfig with
// Minutes 2, replayed by the mock at 20× real time), live and analyze
// differ by at most 0.049 s of possession per player and 0.023 s per team
// (of 64.4 s held), a tick or so, and not at all in distance; one run in
// seven gave 0.047 s and 0.022 s (why they vary was not looked into;
// they did not on the earlier sample). On the sample before (seed 2, before the
// simulator's feed settings stopped changing its game) the largest
// difference was 0.379 s, one pickup under the net after a made shot: the
// forward estimate of the ball's height dipped below the floor threshold
// once more, which started the gather over (possession.Config.Gather_ms,
// 0.35 s). Measured with
//
//	go test ./cmd/stmotion -run 'TestLiveMatchesAnalyze$' -count 5 -v -args -live-minutes 2
//
// which logs them (the test bounds them at 0.45 s + 2 %). Since frames no
// longer wait for a sensor in a dropout, the rows of the ticks that left
// without it lack it in live possession too: one run of that test gave
// 0.018 s per player and 0.022 s per team (0.018 s and 0.023 s before);
// a 6-minute game with the default dropouts (synth seed 5) 0.062 s per
// player (0.022 s before) and 0.033 s per team, and 2 touches in all
// (track tests, measured in the commit that made the change), and
// 0.065 s and 0.031 s through stmotion live, half by half (a recheck). The tables are
// written incrementally as closed parts (tables/part-NNNNN/, each a
// complete set of Parquet files) every DefaultPartInterval; the summary
// tables are in the last part.
//
// Joining a live id again into the same Out (after a crash, a kill or a
// Ctrl-C) continues its bundle, and ends with the whole event's figures,
// as if the earlier join had not stopped. Before the feed starts, the
// new join replays the bundle's messages.jsonl into its engine, as
// `stmotion analyze` reads it (bad lines counted, the earlier joins'
// rest_join and rest_gap lines included), and through the duplicate
// check (see liveSession.replay): distances, possession, box scores,
// what the overlay and NATS carry from then on and the summary cover
// the whole recording. The replay is logged with its count of messages
// and how long it took (a simulated 40-minute game, 1.48 M messages:
// 0.82 s, with its table part written; see the commit that added it),
// counted in
// SessionResult.Replayed (not in Messages, nor in Metrics or Health), and
// neither recorded again, shown on the overlay (nor, after it, the rows
// up to where the recording stops: old positions) nor published to NATS.
// The REST state the join then feeds is what the recording lacks: the
// shots from MaxShotDelay_ms before where it stops that it does not hold
// (a shot that happened before a crash was due after it), the box scores
// newer than the versions it holds. messages.jsonl is appended to, and
// table parts and gap files are numbered on after the highest already
// there; a line the earlier join was killed in the middle of is ended
// first (Recorder: it stays, one bad line, and the new lines are whole),
// and the temporary table files it left in its parts are removed
// (export.RemoveStaleTempsIn). The row tables of the union of
// tables/part-*/ hold each row once: the replay makes the recording's
// rows again, and those the earlier parts hold are dropped (counted per
// table; see partSink), while those of the part that was open at a crash,
// lost with its temporary files, are written again. Once the summary is
// written, in the last part and summary.json, the earlier parts' summary
// tables are emptied, so the union holds one summary, the whole
// recording's. Measured by TestLiveRejoinMatchesAnalyze (cmd/stmotion: a
// join killed mid-game, its open part lost, re-joined on the rest of the
// feed): distances equal analyze's exactly, possession within the bounds
// above (up to 0.121 s per player and 0.008 s per team in runs of it,
// where the feed resumed after a gap), no sample, possession or event row
// twice and no tick of the lost part missing. Not recovered: what the
// feed delivered between the crash and the re-join (the REST stats and
// shots aside, as after any outage), and the last DefaultFlushInterval
// of messages the recorder had not flushed at a kill (a part is closed
// only once the recorder has flushed, so no row of a closed part derives
// from them). After a join ended by Ctrl-C, its engine's close had
// emitted, into its last part, the segments still open then (a
// possession cut short there), which the re-join's engine emits later,
// whole: that part's row tables are emptied first (its summary tables
// stay until the re-join's summary replaces them) and its rows made
// again, so the tables hold each possession once, whole, as analyze
// does (TestLiveRejoinMatchesAnalyze/ctrl-c). The rows are matched by
// count, so the engine settings that make them (track.Config:
// `stmotion live` --hz, --reorder-window) are recorded in the bundle's
// tables/ (TrackConfigFile) as its first part opens, and a re-join with
// other settings is refused before anything is fetched or written
// (*TrackConfigError; `stmotion live` exits 2); parts of an stmotion
// that did not record them get a warning (the re-join goes on: with
// the same settings their rows match; with others its tables miss and
// repeat rows, the figures and summary.json do not). Assumed: the
// analyzers make the same rows (--cell and --fold only shape the
// summary's heatmaps); parts written by an stmotion that started each
// re-join afresh hold rows the replay does not match. NATS subscribers
// see a re-join as a new session_start of the same live id, and may get
// again a few events the earlier process had published: the segments
// its Ctrl-C cut short, now whole (a possession with a later end), and
// after a kill some DIST checks and segments of its last second (the
// recheck saw a shot, a feed_shot and a team possession again). Key
// events on their type, player and start time to merge such repeats.
//
// A run restarted with the live id it was started with (a systemd unit,
// a re-run after a kill) after it had followed that live id's PLAY_NEXT
// / DRILL_NEXT goes on at the live id it was at, as if it had not
// stopped (see resume; not with NoFollow or NoResume): the first live
// id's bundle in Out records the marker (the first one naming another
// live id, at which the session moved on), so Join passes to the live
// id it names, and on through that one's bundle when it records such a
// marker too, to the first live id whose bundle records none or that has
// no bundle yet; that one is joined as on a follow (its REST state from
// where the previous live id's session stopped, its period count and
// clock from its periods.json, else made again by replaying the
// previous live id's recording into an engine), continuing its bundle
// as above. The bundles passed are only read (the first gets the empty
// lock file, below, if it had none), and their live ids are
// not asked for (the first may be no longer active); the log says
// "continuing at <id>: the run before followed <a> → <b>". Reading the
// first live id's feed again instead went on past the marker (a
// duplicate of the recorded one, so not followed again), recording the
// rest of the event into the first live id's bundle. MaxFollow counts
// the follows of the run only, so a run stopped at it goes on when run
// again.
//
// One process at a time records into a bundle: a Join holds the lock of
// the bundle directory it records into (export.LockFile, flock, taken
// with export.TryLockOutDir; see bundleLocks), from before it reads a
// bundle it continues until its session has ended and the bundle of the
// live id it follows to is locked, and for the whole Join the bundle of
// the live id it was started with. A Join whose bundle another process
// holds (a restart racing the old process, two operators) is refused
// before anything is written there (*BundleHeldError, ErrBundleHeld;
// `stmotion live` exits 1): at its start when the bundle is there (the
// same command run twice, wherever the first has followed to), else when
// it would make it. Two recording into one bundle tore the lines of
// messages.jsonl, wrote the same table parts and repeated the tables'
// rows. The system drops the lock of a process that ends, however it
// ends (kill -9, a crash), so a re-join after it is not refused; the
// empty lock file stays in the bundle. Where such locks do not work
// (Windows, a file system without flock) nothing is locked: run one
// process per bundle.
//
// Overlay outputs (NewHandler): /overlay broadcasts Frames (sensor time,
// the canonical x_m, y_m, z_m, speed, team and jersey of every sensor
// updated within DefaultStale_ms (1 s) of the frame's tick, the ball
// holder, and the state of the game ball: the ball possession follows,
// marked game_ball among the balls, as a spare ball may be on the court
// too) at up to DefaultOverlayRate_Hz, as JSON (AppendFrameJSON) or
// binary (AppendFrameBinary), optionally a subset (FrameFilter). A JSON
// frame also names the court its positions are on (Frame.Court,
// OverlaySink.SetCourt: the template's lines on the court's size), which
// the preview page draws.
// docs/overlay.md describes the messages for client authors. Each player
// carries his running distance (dist_m) and the still detector's verdict
// that gates it (moving: false for a player standing, whose speed is the
// filter's noise, never 0), the engine's own figures
// (track.Session.AppendRunningFigures, read through
// OverlaySink.SetEngine): analyze's distance, 0 for a player who stands,
// never decreasing within a live id, in only up to the frame's
// dist_t_ms, 1.04–3 s behind its t_ms at 25 Hz (the smoother's lag), and
// the end frame's equal to analyze's of the recorded bundle
// (TestOverlayDistanceMatchesAnalyze). Summing the frames' positions or
// speeds is no distance (their noise adds up), and the tables' players
// rows come only at a live id's end. A sensor
// the engine did not place at the frame's tick (a dropout: the engine
// leaves it out of the frames meanwhile and does not wait for it) is held
// over with the values of its last tick, position and speed as they were
// then, and its age_ms (SensorState.Age_ms) says how old they are: the
// speed is not zeroed, as a tag in a dropout (a ball in flight) is
// usually still moving, and a renderer that extrapolates should stop
// doing so, or fade the sensor, by age_ms. A frame runs behind the feed
// by the engine's reorder window and grid step: its t_ms is 271–289 ms
// (p50 280 ms, every location of the sample game at 25 Hz, sensor
// dropouts included; TestOverlayEngineDelay) of sensor time before the
// newest location received, and the rate cap may hold it up to one frame
// period more (40 ms at 25 Hz; a feed at the cap's rate loses no tick to
// it: OverlayOptions.Rate_Hz): 0.28–0.33 s in all. A shorter
// track.Config.ReorderWindow_ms (`stmotion live --reorder-window`) cuts it
// down to 3.5 grid periods: 151–169 ms (p50 160 ms) with a window of 0
// at 25 Hz, 0.16–0.21 s in all, at the cost of the samples that
// arrive later than that (Quality.Late). The
// overlay latency (stmotion_overlay_latency_seconds, OnSent) counts only
// the time from the message that completed a frame entering the engine to
// the frame written to a client, about a millisecond; how far behind the
// feed the overlay shows the court is stmotion_overlay_frame_age_seconds
// (Metrics.FrameAge): at each location received, its sensor time minus
// the newest broadcast frame's t_ms, which also catches the stretches
// without frames (the engine waiting for a sensor in a dropout, a
// session's first frames). Each client has a
// bounded queue; a slow client loses its
// oldest frames (counted in stmotion_overlay_dropped_frames_total) and
// never slows the engine or other clients. An overlay wants the newest
// positions, not a backlog, so what a slow client can fall behind is
// bounded: a queued frame more than DefaultMaxAge_ms (250 ms) old is
// dropped when a newer one is queued, and each connection's kernel send
// buffer is kept small (OverlaySendBuffer_B), so that frames back up into
// the queue, where they are dropped, rather than into the kernel. What is
// written may still wait in the client's own receive buffer (128 KiB by
// default on Linux): with 3.1 kB frames (25 sensors, JSON) at 24.5 a
// second, a client reading only 20 a second ran 2.3–3.0 s behind after a
// minute and no further (before the small send buffer, 15 s behind after
// 85 s and growing), and a client that stops reading for a while gets
// about 60 old frames (190 kB) when it resumes, then the newest. A client
// whose socket accepts nothing for OverlayWriteTimeout_s (10 s) is
// disconnected; it sees an abnormal closure (1006), as no close frame
// fits in a full socket.
// When a live id ends (its feed closed, the API said it is no longer
// active, or a PLAY_NEXT / DRILL_NEXT moved on) the last frame of that
// live id has "ended":true (binary: header flags bit 0) with period 0,
// clock paused and a dead ball (OverlaySink.End); when Join follows to
// the next live id, that one's frames follow on the same connection
// under its live_id. A cancelled Join (Ctrl-C) sends no end frame. The
// connections then end with a websocket close after the frames queued:
// 1000 (normal closure) from Overlay.Finish, which `stmotion live` calls
// when the event is over, 1001 (going away) from Overlay.Close on a
// shutdown; a client that does not answer the close within
// CloseTimeout_s (1 s, and a quarter second's grace) is cut off.
// GET / is a self-contained preview page; /metrics serves Metrics;
// /healthz a HealthReport (status ok, connecting, handover, stalled or
// finished; since_frame_s: the time since the newest overlay frame, as no
// frame comes while the feed stalls or brings only duplicates, which
// since_message_s counts; past Health.Stall, DefaultHealthStall (10 s),
// without one while a feed is connected the status is stalled and the
// HTTP status 503, and Health.WatchStall logs it). A NATSPublisher fans frames and events out to
// stmotion.<live_id>.frames and stmotion.<live_id>.events; each live id's
// events open with session_start and close with session_end, which, like
// the PLAY_NEXT / DRILL_NEXT marker event, names the next live id
// ("next_live_id": see FramesSubject). A NATS server
// that is down, at the start or later, stops nothing: the client retries
// every NATSReconnectWait; meanwhile the frames are dropped (stale by the
// time it is back: the client's buffer had replayed minutes of an ended
// live id's frames on reconnect) and the events kept, up to
// NATSReconnectBuf_B, for when it connects. Metrics has
// stmotion_nats_connected and counts what was published while connected,
// buffered and dropped (stmotion_nats_published_messages_total,
// stmotion_nats_buffered_messages_total,
// stmotion_nats_dropped_messages_total{kind}); the outage and its drops
// are logged (rate-limited), and each SessionResult carries the totals.
//
// Lifetimes: OverlaySink and the engine run on the goroutine that reads
// the feed; frames are copied before they cross to the broadcaster, and
// nothing a sink receives is kept after the call. Overlay, Metrics,
// Health, Recorder and NATSPublisher are safe for concurrent use.
package live
