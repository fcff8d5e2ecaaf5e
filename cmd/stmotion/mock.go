package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/synth"
)

func init() {
	register("mock", "serve a session bundle as a local ShotTracker API (REST + websocket) for development", runMock)
}

// mockHelp is mock's -h: the synopsis, then (after the flags) the
// reference.
var mockHelp = help{
	usage: `Usage: stmotion mock [--bundle PATH] [flags]

Serves a session bundle (without --bundle, the built-in sample game) as a
local ShotTracker API, REST and websocket, replaying its feed at --speed:
for developing against, and for 'stmotion live'. Requests are HMAC-signed
with the API description's mock credentials (--username, --secret; --no-auth
accepts unsigned ones). At the start it prints the base URL and live id on
stdout, and on stderr the credentials it checks and a 'stmotion live'
command line that joins it.
`,
	details: `Serves a session bundle as a local ShotTracker API: the REST endpoints of the
API description (HMAC-signed unless --no-auth), one-time subscription
tokens, and a websocket that replays the bundle's messages verbatim at
--speed, filtered by the token's data types (their occurred_at too: the
recording's, not today's; each --loop pass adds its span, so that a
client's lag metric, stmotion_live_lag_seconds, starts at the recording's
age and only its rise tells an outage). /stats and /shots are those
of stats.json and shots.json (the state at the join) and of the stats and
shot messages the replay has reached, each shot listed once. The lines
'stmotion live' made of REST state (marked "stmotion_source": the state
at its join, the shots and stats a reconnect recovered) were never
received over the websocket and are not replayed; they count in /stats
and /shots from the next line replayed on. Each live id a PLAY_NEXT /
DRILL_NEXT marker names (a game's second half, a practice's next drill) is
served too, its feed starting after the marker, its /stats, /stats/details
and /shots its own (those of its part of the feed, as the API gives each
round its own: /stats the running totals its stats lines carry, which are
the event's, /stats/details what its lines changed them by), its live information the bundle's rounds.json
entry for it (synth --practice writes one: each drill's type, SCRIMMAGE or
SHOOTING) or else live.json's under its id. The team history endpoints give
the bundle's session as the one event, each round (half, drill) listed with
its live id, type, span and links: practice/scrimmage and practice/shooting
the stats and shots of its rounds of that type, practice all of a
practice's (a correction, such as a make turned into a miss, counts in the
most recent round where the player's stat rose, so no round's stats are
negative). Without --bundle it serves the built-in sample
game, generated into the temporary directory ($TMPDIR, or /tmp). A bundle without live.json, or
a bare recording, is served under made-up live information (a live id
derived from its path, the same in every run); --court and --roster give it
the /court body and roster it lacks.

The first line on stdout is
  <base URL> live_id=<id> ws=<websocket URL> auth=<hmac|none>
then, at --speed > 0, a line for each round as the replay clock starts it
(the first, a game's second half, and with --loop every pass's rounds under
their new live ids):
  round pass=<n> index=<k> live_id=<id> started_at=<epoch ms>
Logs go to stderr: after the line saying it serves, what to join it
with: the credentials it
checks (the defaults are printed, a --secret of your own is not) and a
'stmotion live' command line, ready to paste:
  join it: stmotion live --api <base URL> --live-id <id> --username <u> --secret <s>
(without the credentials under --no-auth on this machine, where live
needs none). Stop with Ctrl-C (also while the bundle is read: a named
pipe or standard input whose writer is silent does not hold it).

Live notifies registered with PUT /v1/data/live/notify are called only
through the simulation endpoints (PUT /mock/{key}/do/live/notify/start|end,
naming the round the clock is in), as on ShotTracker's mock service; with
--auto-notify the mock also calls them itself, START and END for each
round, as the real service does. The simulation endpoints PUT to any URL
they are given, so, as on ShotTracker's mock, whose {key} ShotTracker
hands out, they are not open to anyone: with authentication on (the
default) they need --notify-key as the {key}, or a request signed as the
/v1 ones are (then any {key}); with --no-auth any {key} passes unless
--notify-key names one: keep such a mock on localhost (the default). A
notify call does not follow redirects: a 3xx answer is a failed call (the
simulation answers 502 with the status and where it pointed).

After those lines, what it logs (with -v every request) is log/slog text
lines, or with --log-format json one JSON object per line.

Signed requests use the API description's mock credentials unless
--username/--secret say otherwise. Fault injection (--drop-every, --delay,
--corrupt-every) helps harden clients.

A compressed recording cut short (a .gz or .zst whose stream breaks at the
end of the file, or where the rest of the file is zero bytes) is served up
to the break, with a warning, as analyze analyses it up to there: its
complete lines, not the part of a line the break cut off. Zero bytes after
its complete stream, or between its gzip members or zstd frames, are
skipped, with a warning.

The exit status is 0 after Ctrl-C; 1 when the bundle cannot be served (not
found, unreadable, a corrupt compressed stream, no messages; without
--bundle, no temporary directory for the sample: TMPDIR), the address
not listened on, or a line cannot be written to stdout (a full disk, a
stdout open read-only, a pipe whose reader has gone: it stops serving at once, as a script waiting for the
line would wait in vain); 2 for a bad
command line (a flag not defined, a value that does not parse or is out of
range, a --listen or --ws-listen that is not host:port, a --court or --roster
that cannot be read), before anything starts.
`,
}

func runMock(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { writeHelp(stdout, fs, mockHelp) }
	var opts mock.Options
	bundle := fs.String("bundle", "", "session bundle directory or recording to serve (default: the built-in sample)")
	courtPath := fs.String("court", "", "court.json `file` to serve as /court when the bundle has none of its own (a bare recording)")
	rosterPath := fs.String("roster", "", "roster `file` (a subscribe.json, or a JSON array of teams with their players) to serve\n"+
		"when the bundle has no subscribe.json of its own (a bare recording)")
	fs.StringVar(&opts.Listen, "listen", "127.0.0.1:8080", "REST (and websocket) listen address; port 0 picks a free port")
	fs.StringVar(&opts.WSListen, "ws-listen", "", "serve the websocket on its own address instead of the REST one")
	fs.Float64Var(&opts.Speed, "speed", 1, "replay speed: 1 real time, 2 twice as fast, 0 as fast as the client reads")
	fs.BoolVar(&opts.Loop, "loop", false, "replay the feed continuously, like ShotTracker's mock service (each loop is a new pass in time under new live ids,\n"+
		"announced by a PLAY_NEXT, DRILL_NEXT in a practice; at --speed 0 too, each connection going on through the passes)")
	fs.BoolVar(&opts.EndOpen, "end-open", false, "at the end of the feed (without --loop) keep connections open instead of closing them, as a real\n"+
		"server may after PLAY_END; the live ids then answer 400 (no longer active)")
	fs.BoolVar(&opts.NoAuth, "no-auth", false, `accept unsigned requests ("No Security Required")`)
	fs.StringVar(&opts.Username, "username", mock.DefaultUsername, "API username accepted in signatures")
	fs.StringVar(&opts.Secret, "secret", mock.DefaultSecret, "API secret signatures are checked with")
	fs.StringVar(&opts.UserToken, "user-token", "", "bearer token accepted by /v1/data/user/profile (default: any)")
	dataTypes := fs.String("data-types", "STATS,SHOTS,LOCATIONS", "data types the credentials are granted (others get 403)")
	inactive := fs.String("inactive", "", "comma-separated live ids to answer with 400 (no longer active); matched in any case")
	fs.StringVar(&opts.NotifyKey, "notify-key", "", "the {key} of PUT /mock/{key}/do/live/notify/start|end (default: none, the calls must\n"+
		"be HMAC-signed; any key with --no-auth)")
	fs.DurationVar(&opts.ConnectionTimeout, "conn-timeout", 120*time.Second, "close websocket connections idle this long (sent in the ack)")
	fs.DurationVar(&opts.DropEvery, "drop-every", 0, "fault: drop each websocket connection this long after it opened")
	fs.DurationVar(&opts.Delay, "delay", 0, "fault: extra delay before every websocket message")
	fs.IntVar(&opts.CorruptEvery, "corrupt-every", 0, "fault: truncate every Nth replayed line of a connection")
	fs.BoolVar(&opts.AutoNotify, "auto-notify", false, "call the registered live notifies at the start and end of each round (needs --speed > 0)")
	verbose := fs.Bool("v", false, "log every request")
	logFmt := logFormat("text")
	fs.Var(&logFmt, "log-format", "logs on stderr as log/slog `text` lines or json, one object per line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if opts.Speed < 0 {
		return usageError(fs, fmt.Errorf("--speed %g: want 0 (as fast as possible) or more", opts.Speed))
	}
	if opts.ConnectionTimeout <= 0 {
		return usageError(fs, fmt.Errorf("--conn-timeout %v: want a positive duration", opts.ConnectionTimeout))
	}
	if opts.DropEvery < 0 || opts.Delay < 0 || opts.CorruptEvery < 0 {
		return usageError(fs, errors.New("--drop-every, --delay and --corrupt-every: want 0 (off) or more"))
	}
	if opts.EndOpen && opts.Loop {
		return usageError(fs, errors.New("--end-open needs a feed that ends: leave out --loop"))
	}
	if opts.AutoNotify && opts.Speed == 0 {
		return usageError(fs, errors.New("--auto-notify needs a replay clock: --speed > 0"))
	}
	// A malformed address is a bad command line, said before the bundle
	// is read or the sample generated; one in use only listening tells.
	for _, l := range []struct{ name, addr string }{{"--listen", opts.Listen}, {"--ws-listen", opts.WSListen}} {
		if l.addr == "" {
			continue
		}
		if err := checkListen(l.addr); err != nil {
			return usageError(fs, fmt.Errorf("%s %s: %v (want host:port, such as 127.0.0.1:8080)", l.name, l.addr, err))
		}
	}
	// Rounds are printed by this goroutine, after the first line.
	rounds := make(chan mock.Round, 64)
	if opts.Speed > 0 {
		opts.OnRound = func(r mock.Round) {
			select {
			case rounds <- r:
			case <-ctx.Done():
			}
		}
	}
	opts.DataTypes = splitList(strings.ToUpper(*dataTypes))
	if len(opts.DataTypes) == 0 {
		return usageError(fs, errors.New("--data-types is empty: grant at least one of STATS, SHOTS, LOCATIONS"))
	}
	opts.InactiveIDs = splitList(*inactive)
	var err error
	if *courtPath != "" {
		// Served as it is, as an API would: only its JSON is checked.
		if opts.Court, err = decode.ReadCourt(*courtPath); err != nil {
			return setupError(stderr, fmt.Errorf("mock: --court: %w", err))
		}
	}
	if opts.Roster, err = readRosterFlag(stderr, "mock", *rosterPath); err != nil {
		return setupError(stderr, err)
	}
	opts.Logger = newLogger(stderr, logFmt, *verbose)

	dir := *bundle
	if dir == "" {
		tmp, err := makeTempDir("mock: built-in sample", "stmotion-mock-", "or give --bundle")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, "sample")
		fmt.Fprintln(stderr, "stmotion mock: no --bundle given: generating the built-in sample game")
		if _, err := synth.Write(ctx, synth.SampleConfig(), dir, nil); err != nil {
			return fmt.Errorf("mock: built-in sample: %w", err)
		}
	}
	// The bundle is read whole before anything is served; a recording
	// that is a named pipe or standard input may wait on a silent
	// writer, which no read can be interrupted in: Ctrl-C stops the mock
	// then too, leaving the read behind as the process ends.
	type made struct {
		s   *mock.Server
		err error
	}
	ready := make(chan made, 1)
	go func() {
		s, err := mock.New(dir, opts)
		ready <- made{s, err}
	}()
	var s *mock.Server
	select {
	case m := <-ready:
		if m.err != nil {
			return m.err
		}
		s = m.s
	case <-ctx.Done():
		fmt.Fprintln(stderr, "stmotion mock: stopping while reading the bundle")
		return nil
	}
	if err := s.Start(ctx); err != nil {
		return err
	}
	defer s.Close()
	wsURLFlag := "" // live's --ws: the websocket on an address of its own
	if opts.WSListen != "" {
		wsURLFlag = s.WSURL()
	}
	auth := "hmac"
	if opts.NoAuth {
		auth = "none"
	}
	// A line that cannot be written ends the mock: Run says why, exit
	// status 1.
	if _, err := fmt.Fprintf(stdout, "%s live_id=%s ws=%s auth=%s\n", s.URL(), decode.Printable(s.LiveID()), s.WSURL(), auth); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "stmotion mock: serving %s (%d messages per loop) at speed %g\n", decode.Printable(dir), s.Messages(), opts.Speed)
	fmt.Fprint(stderr, mockJoinText(s.URL(), s.LiveID(), wsURLFlag, opts))
	for {
		select {
		case r := <-rounds:
			if _, err := fmt.Fprintf(stdout, "round pass=%d index=%d live_id=%s started_at=%d\n", r.Pass, r.Index, decode.Printable(r.LiveID), r.StartedAt_ms); err != nil {
				return err
			}
		case <-ctx.Done():
			fmt.Fprintln(stderr, "stmotion mock: stopping")
			return nil
		}
	}
}

// splitList splits a comma-separated flag value, dropping blanks. It keeps
// the items' case: live ids are lowercase UUIDs (upper-cased, no
// --inactive id ever matched); --data-types is upper-cased by its caller.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// mockJoinText is what mock says on stderr once it serves: the
// credentials it checks and a 'stmotion live' command line that joins
// it, ready to paste (wsURL: live's --ws, "" for the REST address's),
// and a curl to try. The defaults are the API description's mock
// credentials, not secrets, and are printed; a --secret of the user's
// own is not.
func mockJoinText(base, liveID, wsURL string, opts mock.Options) string {
	var b strings.Builder
	cmd := []string{"stmotion", "live", "--api", base, "--live-id", decode.ShellWord(decode.Printable(liveID))}
	if wsURL != "" {
		cmd = append(cmd, "--ws", wsURL)
	}
	switch {
	case opts.NoAuth:
		b.WriteString("  unsigned requests accepted (--no-auth), signed ones with any credentials\n")
		// live signs every request: on this machine with the mock's
		// defaults when given none, elsewhere with those it is given.
		if !onThisMachine(base) {
			cmd = append(cmd, "--username", mock.DefaultUsername, "--secret", mock.DefaultSecret)
		}
	default:
		secret := decode.ShellWord(opts.Secret)
		what := "the API description's mock credentials, not secrets"
		if opts.Username != mock.DefaultUsername || opts.Secret != mock.DefaultSecret {
			what = "as --username and --secret told it"
		}
		if opts.Secret != mock.DefaultSecret {
			secret = "'<its --secret>'"
		}
		fmt.Fprintf(&b, "  requests HMAC-signed with --username %s --secret %s (%s; --no-auth accepts unsigned ones)\n",
			decode.ShellWord(decode.Printable(opts.Username)), secret, what)
		cmd = append(cmd, "--username", decode.ShellWord(decode.Printable(opts.Username)), "--secret", secret)
	}
	fmt.Fprintf(&b, "  join it: %s\n", strings.Join(cmd, " "))
	fmt.Fprintf(&b, "  or try:  curl %s/v1/data/live/%s/_subscribe", base, decode.ShellWord(decode.Printable(liveID)))
	if !opts.NoAuth {
		b.WriteString(" (with an HMAC signature)")
	}
	b.WriteString("\n")
	return b.String()
}
