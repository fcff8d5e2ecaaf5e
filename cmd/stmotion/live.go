package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
)

func init() {
	register("live", "join a live event: record it, analyse it live, serve overlays (--demo: against the built-in sample)", runLive)
}

// liveHelp is live's -h: the synopsis, then (after the flags) the
// reference.
var liveHelp = help{
	usage: `Usage: stmotion live --api URL --live-id ID [flags]
       stmotion live --demo [flags]

Joins a ShotTracker live event and stays joined until it ends (or Ctrl-C):
records what the feed sends under --out/<live_id>/ as a session bundle,
analyses it live into tables and summary.json, and serves an overlay
websocket, a preview page and /metrics on --listen (and NATS with --nats).
Credentials: --user (or --username) and --secret, or $SHOTTRACKER_USER and
$SHOTTRACKER_SECRET; an --api on this machine (a 'stmotion mock') needs
none. --demo does it all against a local mock of the built-in sample game.
`,
	details: `Joins a ShotTracker live event and stays joined (new token and reconnect
after any drop, gap recovered from /stats and /shots, duplicates dropped,
PLAY_NEXT / DRILL_NEXT followed: the old feed is read until the next live
id's is up and the old one has caught up with it, the new feed's messages
waiting meanwhile, so nothing is lost at the handover unless the old feed
stops short first: see below). Reconnects back off
exponentially from 0.1 s to 5 s, with jitter; the backoff starts over
only once a connection has stayed up for 5 s. At the start, server errors
(5xx), 429s (after their Retry-After) and network errors are retried for
up to 2 minutes; refused credentials, an unknown or ended live id fail at
once. The websocket is held to the same: a feed that does not come up
(unreachable, refusing the connection) fails the join 2 minutes after its
first failed attempt (exit status 1); a --ws that is not a ws:// or
wss:// address with a host fails at once (exit status 2). The live id a
PLAY_NEXT names may not be known to the API at once: its 404s are retried
too, for up to 2 minutes, while the old feed is read on. Mid-game, failures to reconnect are retried without end (a 404 for up
to 2 minutes: then it gives up). The gap's shots come from /shots: those
the session has not received, from 10 s before the last message before the
drop (the feed sends a shot seconds after it happened, so one due during
the outage may be older than the drop).
A feed message over 1 MiB (the longest recording line analyze reads by
default), or over four times the input buffer the server's ack announces
when that is less (but not under 64 KiB), is refused and the connection
reconnected: whatever the server announces, one message costs at most
about 2 MiB of memory.

A live id ends when the API says it is no longer active (400). A normal
close of the feed (1000) is confirmed: the live information is asked, and
while it still calls the live id active, the close ends the live id only
after PLAY_END / PRACTICE_END, or when it comes again with nothing new in
between (a feed that is over); otherwise it is reconnected. A 404 while
reconnecting is confirmed the same way. The API is also asked once the
feed has been quiet for 15 s after PLAY_END / PRACTICE_END (2 min without
one), as a server may keep the socket open after the end.

Everything received is recorded under --out/<live_id>/ (the live id
escaped as the Hive partitions' session ids are, so that every system
takes the name: ':' as %3A, '/' as %2F, and a name Windows reserves,
such as NUL, or a final '.' escaped too; a UUID as it is; a bundle an
earlier stmotion named with the ':' unescaped is continued there) as a
session bundle (messages.jsonl flushed every --flush, plus live.json, subscribe.json
(token redacted), court.json (the court the session used: the API's, or
--court's in place of one the API did not serve or that is not valid, the
API's body then kept as court_api.json), stats.json, stats_details.json, shots.json,
the replays dropped as duplicates in duplicates.jsonl (the first 256 MiB
of them, a whole game's feed replayed once more: the rest are counted in
the result line and duplicates_not_kept.json, and the first not kept is
logged as a warning, so that a feed repeating itself cannot fill the disk)
and the gap responses under gap/, where a re-join's REST state goes too: stats.json and the
others stay the state the recording starts from) that 'stmotion analyze'
re-analyses ('stmotion analyze
--out DIR OUT' of a practice's live ids lists their sessions in the order
the drills were played, each named by its live.json, with its period;
a drill's live id holds the break after it, as period 0). A live id followed from
the previous one's PLAY_NEXT / DRILL_NEXT numbers its periods on from
that one's (the third drill is period 3, as in the whole practice's
recording) and starts in the clock state that one left (paused after its
DRILL_END, until the drill's first LIVE), and its bundle records where the
count and the clock stood (periods.json) for analyze; a live id joined
straight (--live-id of a later drill) cannot know them: its first drill
is period 1, its clock unknown until its first state marker. Joining mid-event, the
stats and shots the event had before the feed come from the REST state:
they are fed as messages before the first one of the feed, and recorded in
messages.jsonl (marked "stmotion_source":"rest_join"), so that analyze
agrees ('stmotion mock' of the bundle serves them in /stats and /shots,
not over the websocket: they were never received); their DIST is the box
score's, never compared with the engine's distance (dist_check): it
dates from before the join; the live analytics (causal filtering) go to
--out/<live_id>/tables/part-NNNNN/ every --part and summary.json at the end
(the summary tables, players, boxscore, heatmaps and quality, are filled in
the last part only, so tables/part-*/<table>.parquet reads as one table;
during the game, the overlay frames carry each player's running distance,
dist_m, analyze's figure as of their dist_t_ms, 1-3 s back).
Joining the same live id again into the same --out (after a crash, a kill
or Ctrl-C) continues its bundle as if the first run had not stopped: the
recorded messages are first replayed into the engine (logged with their
count and how long it took, about a second for a 40-minute game; not shown
on the overlay nor published to NATS), so distances, possession, box
scores and summary.json cover the whole event, as 'stmotion analyze' of
the bundle does; messages.jsonl is appended to (the join feeds the /shots
the bundle lacks from 10 s before where it stops, such as a shot due just
after a crash), parts and gap files are numbered on, and the rows the
earlier parts hold are not written again (those of the part open at a
crash are; after a Ctrl-C, those of the last part, whose possession open
then was cut short there: its row tables are emptied and made again, the
possession whole), so tables/part-*/ holds each row once and one summary,
the whole recording's. The settings that decide the rows (--hz,
--reorder-window) are recorded in tables/track_config.json: a re-join
with others is refused (exit status 2) before anything is written, as
its rows could not be matched; parts of an stmotion that did not record
them get a warning. The court's markings template is --court-template's,
else the one its court.json names, else its size's (an NBA-sized court is
also a WNBA, NCAA and 94-ft high-school one: taken for nba, warned of once);
a template named is recorded in the bundle's court.json ("template"), so
that analyze of the bundle runs on the same court, and a re-join on
another template than the bundle's court.json gave its parts is refused
(exit status 2). Use the same --cell and --fold too (the summary's
heatmaps; --fold does not fold a practice's roster of one team, whose
players may attack opposite hoops at once, as a scrimmage's sides do: it
warns once). After a crash (kill -9) the line
the recording was cut in is ended first (it stays, one bad line for
analyze; the re-join's lines are whole), and the hidden temporary table
files (.<table>.parquet.tmp-*) left in the earlier parts are removed.
One stmotion live at a time records into a bundle: it holds a lock on
<bundle>/.stmotion.lock (flock; the empty file stays) while it records
there, and on the bundle of the --live-id it was started with for the
whole run. Another stmotion live on a bundle held so (a restart that
races the old process, two operators) is refused before it writes
anything there, at its start when the bundle is there (exit status 1;
"another stmotion live records into its bundle DIR"), as two recording
into one bundle would corrupt it. A lock dies with its process, however
it ends: a re-join after a crash or a kill -9 is not refused. Where
such locks do not work (Windows, a file system without flock) run one
stmotion live per bundle.
Run again with the --live-id it was started with after it had followed a
PLAY_NEXT / DRILL_NEXT (a systemd restart, a re-run after a kill -9), it
goes on at the live id it was at, as if it had not stopped: the first
live id's bundle records the marker, so the join passes on to the live id
it names, and on through that one's bundle when it records a marker too,
to the live id the run was at, whose bundle it continues as above (or
makes, with the period count and clock it would have had on the follow);
it logs "continuing at <id>: the run before followed <a> → <b>", and the
bundles before are left as they are. With --no-follow (and with --demo,
whose mock is new to each run) the live id given is joined again, as
above. A run follows at most --max-follow next live
ids (1000 by default, far more than a tournament day has; --demo none
unless given): at the next PLAY_NEXT / DRILL_NEXT it stops (its result
line says "not followed"), logs an error and exits with status 4; the same
command run again goes on at the live id not followed.

Served on --listen (localhost unless told otherwise):
  /          preview page (the court the frames give, and moving dots)
  /overlay   websocket frames (?format=json|binary&ids=..&teams=..&kinds=player,ball;
             every field, the binary layout and the timing: docs/overlay.md;
             JSON frames carry the court: its template, size and lines),
             0.28-0.33 s behind the newest location at 25 Hz (the engine's 250 ms reorder
             window, a grid step and the --rate cap; 0.16-0.21 s with --reorder-window 0),
             also while a sensor is in a dropout: frames leave without it rather than wait
             for it, and the overlay holds its last values over (up to 1 s) with their age
             in age_ms;
             a slow client loses frames (counted) rather than falling behind:
             frames over 250 ms old are dropped once a newer one is queued and
             the socket send buffer is small, so it runs at most its own
             receive buffer behind (measured: 3 s at 20 of 25 frames/s); a
             client that accepts nothing for 10 s is disconnected. The last
             frame of a live id has "ended":true (period 0, clock paused);
             a followed live id's frames come next on the same connection.
             Connections end with a websocket close: 1000 (normal) when the
             event is over, 1001 (going away) on Ctrl-C
  /metrics   Prometheus metrics
  /healthz   JSON health: status ok, connecting (503), handover (the previous
             live id's feed is read for the next, whose own is not up yet:
             handover_from names it), stalled (503) or finished;
             since_frame_s is the time since the newest overlay frame: while
             the feed stalls (or brings only duplicates, which since_message_s
             counts) no frame comes, so an overlay client should fade its
             sensors when frames stop. Once frames have come, 10 s without
             one while a feed is connected (counted from when it came up, if
             later) is "stalled", HTTP 503, and logged as a warning (and the
             frames coming again as a line): frames come at each grid tick
             while any tag sends, paused clock and dead balls included, so a
             break in which no tag sends (tags switched off) reads stalled too
--nats URL publishes frames and events to stmotion.<live_id>.frames / .events;
each live id's events open with a session_start event and close with a
session_end, which names the next live id ("next_live_id", as the
PLAY_NEXT / DRILL_NEXT marker event does): a subscriber follows the game
from one half's subjects to the next's.
A NATS server that is down, at the start too, does not stop the session:
the client logs it, retries every 0.5 s and meanwhile drops the frames
(a frame is stale by the time NATS is back: subscribers get the current
ones, not a backlog) and keeps the events (session_start, session_end,
segments) for when it connects, up to 8 MiB, oldest first; what does not
fit is dropped. On /metrics: stmotion_nats_connected (1 or 0),
stmotion_nats_published_messages_total (sent while connected),
stmotion_nats_buffered_messages_total (events kept while not) and
stmotion_nats_dropped_messages_total{kind="frame"|"event"}; the counts are
in each result line too. The outage is logged: a warning when NATS goes
away, one when messages are first dropped (then at most one a minute,
with counts), and on reconnect what the outage cost.

Credentials come from --user/--secret or SHOTTRACKER_USER/SHOTTRACKER_SECRET
(never printed); --username is --user under the name 'stmotion mock' gives
it. Without either, an --api on this machine (localhost, a loopback or
unspecified address such as 127.0.0.1, ::1 or 0.0.0.0: a local 'stmotion
mock') is signed with the mock's default credentials, those 'stmotion mock'
checks unless told otherwise and prints at its start (they are the API
description's, not secrets), and this is said on stderr. Every 'stmotion
mock' prints at its start a 'stmotion live' line that joins it.
--demo starts a local mock API on the built-in sample
game (written to the temporary directory, $TMPDIR or /tmp; looping, real time; --demo-speed 0 replays it as fast as it is
read, a whole game in seconds, recording some MB a second under --out
until stopped, and each half's feed comes twice, by the previous half's,
read on at the handover, then by its own: about half of each live id's
messages are duplicates) and joins it with the mock's own credentials
(the environment's are not used): one command to see it work. As in
a real game the second half is a live id of its own (named by the
half-time PLAY_NEXT), and each loop is a new pass in time under new live
ids, announced by a PLAY_NEXT at the end of the pass: the demo follows
them until Ctrl-C, one bundle under --out per half. With --no-follow it
stays on the first live id, whose feed goes on through every pass.
As each live id ends, a line with its counts (messages, duplicates (and
any duplicates.jsonl did not keep), gap-filled, reconnects, failed
connection attempts and the time offline; the feed time lost at a
handover; the stats, shots and markers the duplicate check forgot, when a feed sent
more distinct ones than it keeps (65 536 stats, 16 384 shots, 4 096
markers: far more than a game has; replays of them are recorded again);
with --nats, the NATS messages published and dropped so far), how it
ended, and its bundle goes to stdout, and to stderr the warnings analyze
would give about what the feed lacked (no locations, no ball, a roster
that misses the sensors, no player moving while the clock was live).
/metrics shows an outage as it happens: stmotion_live_connected is 0,
stmotion_live_connect_failures_total counts the failed attempts (and a
next live id's retried first requests), and stmotion_live_lag_seconds
(wall clock minus the newest occurred_at, computed at each scrape) grows.
Against a replay (--demo, 'stmotion mock') the occurred_at are the
recording's (the built-in sample's are of 2025-11-26; each loop adds only
the pass's span), so the lag starts at the recording's age, months, and
only its growth tells an outage: alert on its rise (deriv, delta), which
works against the real API too, not on its level.
During a handover the old feed is connected (1) and its messages counted
as they arrive; /healthz says "handover". If the old feed ends (a proxy
cutting it) before the next live id's is up, a warning is logged, both
say not connected (0; "connecting") and the time offline counts until
the next feed is up. Once the next live id's feed is up, its messages
wait (up to 64 MiB) while the old feed catches up with its start: after
a stall the old one may still be delivering minutes of backlog. The old
feed is given up once the new one has gone 2 s of feed time on while the
old one delivered nothing newer (a stalled connection; a server that
ends the old live id's data at the marker, whose frames then start 2 s
late), 30 s after the new feed is up, or when 64 MiB are waiting.
Whenever the old feed stops short of the new one's start (it ended, or
was given up), what came between the two was delivered by neither: a
warning says how much feed time, the result line counts it ('s of the
feed lost at the handover'; stmotion_live_handover_gap_seconds_total),
its stats and shots are filled from the next live id's /stats and
/shots (gap-filled), its locations are lost (the REST API has none). Ctrl-C flushes everything and exits
cleanly; during a handover, what the old feed delivered for the next live
id is recorded in that one's bundle (not analysed: joining it again
continues the bundle), as when the next live id never answers; replays
go to duplicates.jsonl, and the previous live id's court.json and
subscribe.json are copied into it (marked "stmotion_source":
"previous_live_id") so that analyze has the court and the names.

Logs go to stderr as log/slog text lines (time=... level=... msg=...),
with the result lines' warnings ('stmotion live: warning: ...') and the
few start-up lines ('stmotion live: ...'). With --log-format json each
log record is a JSON object on a line of its own ({"time":...,"level":
"INFO","msg":...} and the same keys), the result lines' warnings too (at
level WARN), for a log pipeline; the start-up lines and an error's last
line stay plain text. An error that stops the join
is logged at level=ERROR ("live: stopped by an error"), then printed as
the command's last line ('stmotion: ...' or 'stmotion live: ...'), and
the live id's result line says why it stopped ("ended: failed: " and the
error, a disk full say, followed by how the feed had ended when it
failed only at the last flush: "(after the server closed the feed ...)";
or "ended: gave up" and why). A
SIGINT (Ctrl-C) or SIGTERM is logged as it arrives ("live: stopping")
and the result line says which ("ended: interrupted (SIGTERM)").
Messages that do not decode are logged as a warning with the first
error, at once for the first of a live id, then at most once a minute
with the count since (the result line has the total).

Exit status: 0 when every live id ended as above (the event is over) or
on Ctrl-C or SIGTERM; 1 when the join failed (refused credentials, an unknown or
ended live id, a 403, a malformed response, errors for 2 minutes at the
start, of the API or of the websocket), the --listen address could not be listened on (in use, say: said
before the demo mock or the join starts), the --demo sample could not be
written (no temporary directory: $TMPDIR names none, say), another
stmotion live records into the live id's bundle (or into the bundle of a
live id it follows to), the bundle could not be written, or a result line could not be written to stdout (a full disk, a
stdout open read-only, a pipe whose reader has gone: said on stderr at the
end; recording goes on, and the next live ids are followed); 2 for a bad command line (a flag not defined, a value that does
not parse or is out of range, a --listen that is not host:port, a --ws
that is not a ws:// or wss:// address with a host, a --nats URL that does
not parse or a server of it that is not nats://, tls://, ws:// or wss:// with a host, missing credentials, a re-join with another --hz or --reorder-window than its
bundle's parts, a --court-template the court's size does not fit, or a
re-join on another court template than its bundle's parts); 3
when it gave up mid-event (credentials refused when reconnecting, the live
id answering 404 for 2 minutes, the next live id never answering, or
too long to name its bundle's directory): what
was received is recorded and its result line printed, ending with
"ended: gave up" and why; 4 when it stopped at --max-follow (the event
may go on: the same command run again goes on at the next live id, so
a supervisor that restarts on failure keeps it running).

` + definitionsHelp,
}

// maxReorderWindow bounds live's --reorder-window: a frame would run that
// much behind the feed, and each sensor's raw ring (track.Config.RingSize,
// 256 samples) holds the window: 2 s is 50 samples at 25 Hz, 200 at 100.
const maxReorderWindow = 2 * time.Second

func runLive(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("live", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		api, liveID, user, secret, listen, out, natsURL, wsURL, dt string
		courtPath, courtTemplate                                   string
		rate_Hz, demoSpeed, grid_Hz, cell_m                        float64
		queue, maxFollow                                           int
		part, flush, reorder                                       time.Duration
		demo, noFollow, verbose, fold, mirrored                    bool
	)
	fs.StringVar(&api, "api", "", "ShotTracker REST API base `URL`")
	fs.StringVar(&liveID, "live-id", "", "live `id` to join")
	fs.StringVar(&user, "user", "", "API `username` (default $SHOTTRACKER_USER; for an --api on this machine without either, the mock's)")
	fs.StringVar(&user, "username", "", "the same as --user: the API `username`, as 'stmotion mock' names the flag")
	fs.StringVar(&secret, "secret", "", "API `secret` (default $SHOTTRACKER_SECRET; for an --api on this machine without either, the mock's)")
	fs.StringVar(&listen, "listen", "127.0.0.1:8090", "`address` (host:port) of the preview, /overlay, /metrics and /healthz (empty: none)")
	fs.StringVar(&out, "out", "stmotion-live", "output `directory` (bundle and tables per live id)")
	fs.StringVar(&natsURL, "nats", "", "NATS server `URL` to publish frames and events to")
	fs.StringVar(&wsURL, "ws", "", "websocket base `URL`, ws://host/ or wss://host/ (default: ws://live.shottracker.com/ for the API at api.shottracker.com,\n"+
		"ws://mocklive.shottracker.com:8081/ for ShotTracker's mock service at mockapi.shottracker.com:8080, as the API\n"+
		"description gives them; for any other --api its own host, as 'stmotion mock' serves it)")
	fs.StringVar(&dt, "dt", "", "data `types` to subscribe to, comma-separated STATS,SHOTS,LOCATIONS (default: all granted)")
	dtAlias := aliasStringVar(fs, &dt, "data-types", "the same as --dt: the data `types` to subscribe to, as 'stmotion mock' names the flag of those it grants")
	fs.Float64Var(&grid_Hz, "hz", 0, "engine output grid `rate` in Hz, 1 to 1000, as analyze's --hz (0: the feed's median sample rate)")
	fs.DurationVar(&reorder, "reorder-window", time.Duration(track.DefaultConfig().ReorderWindow_ms)*time.Millisecond,
		"how long the engine waits for late samples, 0 to 2s; frames run this much (at least 3.5 sample periods\n"+
			"of the feed, 140 ms at 25 Hz, or of a coarser --hz grid) plus a grid step behind the feed: shorter for a\n"+
			"lower overlay delay, later samples are dropped as late (quality.late)")
	var defs definitionFlags
	defs.register(fs)
	fs.Float64Var(&cell_m, "cell", pipeline.DefaultCell_m, fmt.Sprintf("heatmap cell `size` in metres, %g to %g, as analyze's --cell", heatmap.MinCell_m, heatmap.MaxCell_m))
	fs.BoolVar(&fold, "fold", false, "fold the heatmaps onto one half court (each team's offence east), as analyze's --fold")
	fs.Float64Var(&rate_Hz, "rate", live.DefaultOverlayRate_Hz, "overlay frame `rate` cap in Hz")
	fs.IntVar(&queue, "queue", live.DefaultOverlayQueue, "overlay client queue `length` in frames (a slow client loses its oldest)")
	fs.DurationVar(&part, "part", live.DefaultPartInterval, "close the tables into a new part every `interval`")
	fs.DurationVar(&flush, "flush", live.DefaultFlushInterval, "flush messages.jsonl at least every `interval`")
	fs.BoolVar(&demo, "demo", false, "run a local mock on the built-in sample and join it")
	fs.Float64Var(&demoSpeed, "demo-speed", 1, "replay `speed` of the --demo mock (1 = real time, 0 as fast as it is read)")
	fs.BoolVar(&noFollow, "no-follow", false, "do not join the live id a PLAY_NEXT / DRILL_NEXT marker names: keep reading this live id's feed")
	fs.IntVar(&maxFollow, "max-follow", live.DefaultMaxFollow, "follow at most `n` next live ids in a run, then stop with exit status 4 (0: no bound; --demo: none\n"+
		"unless given); run again, the same command goes on at the live id not followed")
	fs.BoolVar(&mirrored, "allow-mirrored", false, "accept a court whose corners run counterclockwise (a left-handed sensor frame), as analyze's\n"+
		"--allow-mirrored (default: such a court from the API is not used: --court replaces it, or\n"+
		"positions stay in the sensor frame)")
	fs.StringVar(&courtPath, "court", "", "court.json `file` to use when the API serves no court (GET court fails) or one that is not\n"+
		"valid, e.g. the venue's; recorded as the bundle's court.json (the API's body it replaced as\n"+
		"court_api.json); a valid court from the API is used, not this one (default: such a session\n"+
		"stays in the sensor frame, and analyze of its bundle does the same)")
	fs.StringVar(&courtTemplate, "court-template", "", "the court's markings `template`, as analyze's --court-template: "+strings.Join(court.TemplateNames(), ", ")+";\n"+
		"an NBA-sized court (28.65 x 15.24 m) is also a WNBA, NCAA and hs94 one, taken for nba by size alone\n"+
		"(with a warning). Recorded in the bundle's court.json (\"template\") for analyze; a court whose size\n"+
		"it does not fit, or a re-join on another template than the bundle's parts, is refused (exit status 2)")
	fs.BoolVar(&verbose, "v", false, "debug logs")
	logFmt := logFormat("text")
	fs.Var(&logFmt, "log-format", "logs on stderr as log/slog `text` lines (time=... level=... msg=...) or json, one object per line\n"+
		"with the same keys (the result lines' warnings among them, at level WARN; the few start-up lines and a last error line\n"+
		"stay plain text)")
	fs.Usage = func() { writeHelp(stdout, fs, liveHelp) }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	bad := func(format string, a ...any) error {
		return usageError(fs, fmt.Errorf(format, a...))
	}
	if fs.NArg() > 0 {
		return bad("unexpected arguments %q", fs.Args())
	}
	var types []live.DataType
	for _, t := range strings.Split(dt, ",") {
		switch t = strings.ToUpper(strings.TrimSpace(t)); t {
		case "":
		case "STATS", "SHOTS", "LOCATIONS":
			types = append(types, live.DataType(t))
		default:
			// The flag whose value it is, the last given of the two.
			return bad("--%s %q: want STATS, SHOTS or LOCATIONS", dtAlias.name("dt", "data-types"), t)
		}
	}
	if !(rate_Hz > 0) {
		return bad("--rate %g: want > 0", rate_Hz)
	}
	if err := checkCell(cell_m); err != nil {
		return usageError(fs, err)
	}
	if err := checkGridRate(grid_Hz); err != nil {
		return usageError(fs, err)
	}
	if err := defs.check(); err != nil {
		return usageError(fs, err)
	}
	if reorder < 0 || reorder > maxReorderWindow {
		return bad("--reorder-window %v: want 0 to %v", reorder, maxReorderWindow)
	}
	// (Zero or less had silently meant the default.)
	if queue < 1 {
		return bad("--queue %d: want at least 1 frame", queue)
	}
	if part <= 0 {
		return bad("--part %v: want a positive interval", part)
	}
	if flush <= 0 {
		return bad("--flush %v: want a positive interval", flush)
	}
	if maxFollow < 0 {
		return bad("--max-follow %d: want 0 (no bound) or more", maxFollow)
	}
	// Checked before the sample is written for the demo mock, which had
	// then refused it (exit 1).
	if !(demoSpeed >= 0) || math.IsInf(demoSpeed, 1) {
		return bad("--demo-speed %g: want 0 (as fast as it is read) or more", demoSpeed)
	}
	if listen != "" {
		if err := checkListen(listen); err != nil {
			return bad("--listen %s: %v (want host:port, such as 127.0.0.1:8090; empty for none)", listen, err)
		}
	}
	if wsURL != "" {
		// Checked as --api is: a mistyped one had been retried without
		// end, and the run ended 0 at the SIGTERM that stopped it.
		if err := live.CheckFeedAddress(wsURL); err != nil {
			var fae *live.FeedAddressError
			if errors.As(err, &fae) {
				err = fae.Err
			}
			return bad("--ws %s: %v", decode.Printable(wsURL), err)
		}
	}
	if err := checkCourtTemplate(courtTemplate); err != nil {
		return usageError(fs, err)
	}
	courtBody, err := readCourtFlag("live", courtPath, mirrored, courtTemplate)
	if err != nil {
		// A --court that cannot be used is a bad command line, as for
		// analyze and mock: exit 2, before anything runs.
		return setupError(stderr, err)
	}
	tcfg := track.DefaultConfig()
	tcfg.Rate_Hz = grid_Hz
	tcfg.ReorderWindow_ms = reorder.Milliseconds()
	tcfg.Definitions = defs.d.Clone()
	log := newLogger(stderr, logFmt, verbose)

	// The command line is checked whole before anything starts: the
	// demo mock, the listener, the join.
	mockCreds := false // signing with the mock's defaults, none given
	if demo {
		if api != "" || liveID != "" {
			return bad("--demo runs its own mock: leave out --api and --live-id")
		}
		if user != "" || secret != "" {
			return bad("--demo runs its own mock with its own credentials: leave out --user (--username) and --secret")
		}
	} else {
		if api == "" || liveID == "" {
			return bad("--api and --live-id are required (or --demo)")
		}
		if user == "" {
			user = os.Getenv("SHOTTRACKER_USER")
		}
		if secret == "" {
			secret = os.Getenv("SHOTTRACKER_SECRET")
		}
		if user == "" && secret == "" && onThisMachine(api) {
			// A local 'stmotion mock': its defaults are the API
			// description's, not secrets, and one that takes any
			// (--no-auth) takes them too.
			user, secret, mockCreds = mock.DefaultUsername, mock.DefaultSecret, true
			fmt.Fprintf(stderr, "stmotion live: no credentials given: signing with the mock's defaults, as --api %s is on this machine (--username %s --secret %s)\n",
				decode.Printable(redactURL(api)), mock.DefaultUsername, mock.DefaultSecret)
		}
		if user == "" || secret == "" {
			// Every REST request is signed (live.Credentials.Sign): without
			// both, the first one would fail after the servers had started.
			return bad("--user and --secret (or $SHOTTRACKER_USER and $SHOTTRACKER_SECRET) are required: every API request is HMAC-signed (a 'stmotion mock' checks --username %s --secret %s unless told otherwise)",
				mock.DefaultUsername, mock.DefaultSecret)
		}
	}
	metrics := live.NewMetrics()
	var pub *live.NATSPublisher
	if natsURL != "" {
		// Only a URL that does not parse fails it (a server down is
		// retried): a bad command line, before the demo mock or the
		// listener starts.
		if pub, err = live.NewNATSPublisher(natsURL, live.NATSOptions{Logger: log, Metrics: metrics}); err != nil {
			var se *live.NATSServerError
			switch {
			case errors.As(err, &se) && strings.Contains(natsURL, ","):
				err = fmt.Errorf("server %q: %w", se.Server, se.Err) // which of the list
			case errors.Unwrap(err) != nil:
				err = errors.Unwrap(err) // the client's parse error, without "live: nats connect URL"
			}
			return bad("--nats %s: %v", live.RedactNATSURL(natsURL), err)
		}
		defer pub.Close()
	}
	newClient := func() (*live.Client, error) {
		return live.NewClient(live.ClientConfig{BaseURL: api, Credentials: live.Credentials{Username: user, Secret: secret}, Logger: log})
	}
	var client *live.Client
	if !demo {
		if client, err = newClient(); err != nil {
			return bad("%v", err)
		}
	}
	// The address is taken before the demo mock is generated or the
	// join starts: one in use fails at once (exit status 1, as a join
	// that fails), not after them.
	var ln net.Listener
	if listen != "" {
		if ln, err = net.Listen("tcp", listen); err != nil {
			fmt.Fprintf(stderr, "stmotion live: --listen %s: %v\n", listen, err)
			return exitError{code: 1}
		}
		defer ln.Close() // if the session never starts serving on it
	}

	if demo {
		dir, err := makeTempDir("live: --demo: built-in sample", "stmotion-demo-", "")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		fmt.Fprintln(stderr, "stmotion live: writing the built-in sample game for the demo mock…")
		path, err := pipeline.WriteSample(ctx, dir)
		if err != nil {
			return err
		}
		srv, err := mock.New(path, mock.Options{Speed: demoSpeed, Loop: true})
		if err != nil {
			return err
		}
		if err := srv.Start(ctx); err != nil {
			return err
		}
		defer srv.Close()
		// The mock's own credentials, whatever $SHOTTRACKER_USER and
		// $SHOTTRACKER_SECRET say: those are for the real API, and the
		// mock would refuse them (401).
		api, liveID = srv.URL(), srv.LiveID()
		user, secret = mock.DefaultUsername, mock.DefaultSecret
		fmt.Fprintf(stderr, "stmotion live: demo mock at %s (live id %s, speed %g, looping)\n", api, liveID, demoSpeed)
		if client, err = newClient(); err != nil {
			return err
		}
	}
	maxFollowSet := false
	fs.Visit(func(f *flag.Flag) { maxFollowSet = maxFollowSet || f.Name == "max-follow" })
	if maxFollow == 0 || demo && !maxFollowSet {
		// No bound; the demo's looping mock announces every pass's live
		// ids: follow them until Ctrl-C.
		maxFollow = -1
	}

	health := &live.Health{}
	ov := live.NewOverlay(live.OverlayOptions{Rate_Hz: rate_Hz, Queue: queue, Metrics: metrics, NATS: pub})
	defer ov.Close()
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go health.WatchStall(wctx, ov, log)

	if ln != nil {
		hs := &http.Server{Handler: live.NewHandler(ov, metrics, health), ReadHeaderTimeout: 10 * time.Second}
		go hs.Serve(ln)
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			ov.Close() // ends the overlay websockets, which Shutdown does not wait for
			hs.Shutdown(sctx)
		}()
		fmt.Fprintf(stderr, "stmotion live: preview http://%s/  overlay ws://%s/overlay  metrics http://%s/metrics\n", ln.Addr(), ln.Addr(), ln.Addr())
	}

	// Each live id's result is printed as it ends: the demo follows until
	// Ctrl-C, and kept results would grow with every half it has seen.
	var foldWarned sync.Once
	// The result lines' warnings: lines of their own, or with --log-format
	// json log records, so that every line a log pipeline reads after the
	// start-up lines parses.
	warn := func(w string) {
		if logFmt == "json" {
			log.Warn(w)
			return
		}
		fmt.Fprintf(stderr, "stmotion live: warning: %s\n", decode.Printable(w))
	}
	printResult := func(r live.SessionResult) {
		fmt.Fprintln(stdout, decode.Printable(r.String()))
		if r.Dir != "" {
			fmt.Fprintf(stdout, "  bundle %s (re-analyse: stmotion analyze %s)\n", r.Dir, r.Dir)
		}
		if r.Summary != nil {
			parts := fmt.Sprintf("%d table parts", len(r.Parts))
			if r.EarlierParts > 0 {
				parts += fmt.Sprintf(" (after the %d of earlier joins)", r.EarlierParts)
			}
			fmt.Fprintf(stdout, "  %d players, %d locations, %s\n", len(r.Summary.Players), r.Summary.Quality.Locations, parts)
			// A feed that delivered nothing (it never came up: the result
			// line counts the failed attempts) lacked nothing analyze
			// would warn of: "no location messages (a subscription
			// without locations?)" misled.
			if r.Messages > 0 || r.Replayed > 0 {
				for _, w := range pipeline.SummaryWarnings("live "+r.LiveID, r.Summary) {
					warn(w)
				}
			}
			if w := pipeline.FoldWarning("live "+r.LiveID, r.Summary, fold); w != "" {
				// Once: a practice's every drill has the one roster.
				foldWarned.Do(func() { warn(w) })
			}
		}
	}
	// A shutdown signal is logged as it arrives (its cause names it: see
	// signalContext), before the flushing it starts.
	noted := make(chan struct{})
	stopNote := context.AfterFunc(ctx, func() {
		defer close(noted)
		log.Info("live: stopping: flushing and closing", "cause", context.Cause(ctx))
	})
	defer func() {
		if !stopNote() {
			<-noted // no line after the command returns
		}
	}()
	_, err = live.Join(ctx, live.SessionConfig{
		Client: client, LiveID: liveID, WSURL: wsURL, DataTypes: types, Out: out,
		Track: tcfg, Overlay: ov, NATS: pub, Metrics: metrics, Health: health, Logger: log,
		FlushInterval: flush, PartInterval: part, NoFollow: noFollow, MaxFollow: maxFollow,
		// The demo's mock is new to each run, and so are the live ids of
		// its later passes: a demo does not go on where the one before
		// had followed to.
		NoResume: demo, AllowMirrored: mirrored, AllowMirroredName: "--allow-mirrored", Court: courtBody, CourtTemplate: courtTemplate,
		OnResult: printResult,
		// The analyzers analyze attaches, with the same settings, so that
		// a live session and 'stmotion analyze' of its bundle agree.
		Attach: func(sess *track.Session, meta track.Meta) error {
			return pipeline.Attach(sess, meta, pipeline.Options{Cell_m: cell_m, Fold: fold})
		},
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil
		}
		// For a log pipeline that alerts on level=ERROR; the line for
		// the operator follows, as for any command's error.
		log.Error("live: stopped by an error", "err", err)
		var tce *live.TrackConfigError
		if errors.As(err, &tce) {
			// The command line does not fit the bundle it continues:
			// exit 2, as for a bad command line, before anything ran.
			fmt.Fprintf(stderr, "stmotion live: %v\n%s", err, trackConfigHint(tce))
			return exitError{code: 2}
		}
		var cte *live.CourtTemplateError
		if errors.As(err, &cte) {
			// The court does not fit the template named, or a re-join
			// would mix templates: the command line's, exit 2.
			hint := "give a template its size fits (or none: by its size)"
			if cte.Err == nil {
				hint = "give --court-template " + cte.Recorded + ", as the parts were made with, or another --out"
			}
			fmt.Fprintf(stderr, "stmotion live: %s\nstmotion live: --court-template: %s\n", decode.Printable(err.Error()), hint)
			return exitError{code: 2}
		}
		var bhe *live.BundleHeldError
		if errors.As(err, &bhe) {
			// A resource another process holds, as a --listen address
			// in use: exit 1. The restart of a supervisor goes on once
			// the other has ended.
			fmt.Fprintf(stderr, "stmotion live: %s\nstmotion live: stop the other stmotion live (or let it end) and run this again to continue the bundle, or give another --out\n", decode.Printable(err.Error()))
			return exitError{code: 1}
		}
		var mfe *live.MaxFollowError
		if errors.As(err, &mfe) {
			// Not the event's end: exit status 4, so that a supervisor
			// restarts it (Restart=on-failure), and the restart, with the
			// same --live-id, goes on at the live id not followed.
			fmt.Fprintf(stderr, "stmotion live: %s\nstmotion live: --max-follow %d reached; run the same command again to go on at %s (it continues where this run stopped), or raise --max-follow\n",
				decode.Printable(err.Error()), mfe.MaxFollow, live.PrintableID(mfe.Next))
			return exitError{code: 4}
		}
		if errors.Is(err, live.ErrGaveUp) {
			// Not the event's end, nor a join that failed: exit status 3.
			fmt.Fprintf(stderr, "stmotion live: %s\n", decode.Printable(err.Error()))
			return exitError{code: 3}
		}
		if errors.Is(err, live.ErrUnauthorized) && onThisMachine(api) && !demo {
			// The error as main reports it, then which credentials a
			// local mock checks.
			fmt.Fprintf(stderr, "stmotion: %s\n", decode.Printable(err.Error()))
			if mockCreds {
				fmt.Fprintf(stderr, "stmotion live: the server refused the mock's default credentials, used as none were given: give the --username and --secret it checks ('stmotion mock' prints them at its start)\n")
			} else {
				fmt.Fprintf(stderr, "stmotion live: the server refused the credentials: 'stmotion mock' prints those it checks at its start (by default --username %s --secret %s)\n", mock.DefaultUsername, mock.DefaultSecret)
			}
			return exitError{code: 1}
		}
		return err
	}
	if ctx.Err() == nil {
		ov.Finish() // the event is over: close 1000, not Close's 1001
	}
	return nil
}

// trackConfigHint names the live flags that set the settings a re-join
// was refused for (live.TrackConfigError), with the values to give.
func trackConfigHint(e *live.TrackConfigError) string {
	var b strings.Builder
	for _, d := range e.Diffs {
		switch d.Field {
		case "Rate_Hz":
			feed := ""
			if d.Recorded == "0" {
				feed = " (the feed's rate)"
			}
			fmt.Fprintf(&b, "  the parts have --hz %s%s, this join --hz %s: give --hz %s\n", d.Recorded, feed, d.Now, d.Recorded)
		case "ReorderWindow_ms":
			fmt.Fprintf(&b, "  the parts have --reorder-window %sms, this join %sms: give --reorder-window %sms\n", d.Recorded, d.Now, d.Recorded)
		case "Sprint_mps", "SprintMin_s", "Accel_mps2", "AccelMin_s", "SpeedBands_mps":
			name := map[string]string{"Sprint_mps": "--sprint-mps", "SprintMin_s": "--sprint-min-s", "Accel_mps2": "--accel-mps2",
				"AccelMin_s": "--accel-min-s", "SpeedBands_mps": "--speed-bands-mps"}[d.Field]
			rec, now := strings.Trim(d.Recorded, "[]"), strings.Trim(d.Now, "[]")
			fmt.Fprintf(&b, "  the parts have %s %s, this join %s: give %s %s\n", name, rec, now, name, rec)
		case "DistRatioLo", "DistRatioHi":
			end := map[string]string{"DistRatioLo": "lo", "DistRatioHi": "hi"}[d.Field]
			fmt.Fprintf(&b, "  the parts have a --dist-band %s of %s, this join %s: give the --dist-band they were made with\n", end, d.Recorded, d.Now)
		default:
			fmt.Fprintf(&b, "  %s is %s there, %s in this stmotion (no flag sets it: use the release that wrote the bundle, or another --out)\n", d.Field, d.Recorded, d.Now)
		}
	}
	return b.String()
}

// redactURL is the API URL u with any password it carries (user:pass@)
// replaced, for messages: live never prints a credential given.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "<unparseable URL>"
	}
	return p.Redacted()
}
