package live_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// liveMock serves the tiny bundle (or dir when not empty) with opts and
// returns it with a client.
func liveMock(t *testing.T, dir string, opts mock.Options) (*mock.Server, *live.Client) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
		if err := mock.WriteTinyBundle(dir); err != nil {
			t.Fatal(err)
		}
	}
	s := serveMock(t, dir, opts)
	return s, liveClient(t, s.URL())
}

// serveMock starts a mock of the bundle in dir, closed when the test ends.
func serveMock(t *testing.T, dir string, opts mock.Options) *mock.Server {
	t.Helper()
	s, err := mock.New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); s.Close() })
	return s
}

func liveClient(t *testing.T, url string) *live.Client {
	t.Helper()
	c, err := live.NewClient(live.ClientConfig{
		BaseURL:     url,
		Credentials: live.Credentials{Username: mock.DefaultUsername, Secret: mock.DefaultSecret},
		Retry:       live.RetryPolicy{MaxAttempts: 2, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond},
		Timeout:     5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readLines returns the non-empty lines of a file.
func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			out = append(out, bytes.Clone(sc.Bytes()))
		}
	}
	return out
}

// feedKinds decodes lines and counts them by kind, and counts how often
// each location (sensor, occurred_at) and each shot occurs.
type feedCount struct {
	kinds     map[decode.Kind]int
	bad       int
	locations map[[2]int64]int
	shots     map[[2]int64]int
}

func countFeed(lines [][]byte) feedCount {
	fc := feedCount{kinds: map[decode.Kind]int{}, locations: map[[2]int64]int{}, shots: map[[2]int64]int{}}
	var dec decode.Decoder
	var m decode.Message
	for _, l := range lines {
		if dec.Decode(l, &m) != nil {
			fc.bad++
			continue
		}
		fc.kinds[m.Kind]++
		switch m.Kind {
		case decode.KindLocation:
			fc.locations[[2]int64{m.Location.ID, m.Location.OccurredAt_ms}]++
		case decode.KindShot:
			fc.shots[[2]int64{m.Shot.PlayerID, m.Shot.OccurredAt_ms}]++
		}
	}
	return fc
}

func joinOne(t *testing.T, ctx context.Context, cfg live.SessionConfig) live.SessionResult {
	t.Helper()
	res, err := live.Join(ctx, cfg)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	if len(res) != 1 {
		t.Fatalf("Join gave %d results, want 1", len(res))
	}
	return res[0]
}

func TestJoinRecordsBundle(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{})
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: out, FlushInterval: -1})

	// The whole tiny feed (ack first), once each, verbatim, and the
	// join's REST state: player 102's rebound of stats.json, from before
	// the feed (the other box scores /stats has changed later, in the
	// feed, which a mock at speed 0 replays from its start).
	lines := readLines(t, filepath.Join(r.Dir, decode.BundleMessages))
	if got, want := len(lines), srv.Messages()+2; got != want {
		t.Fatalf("messages.jsonl has %d lines, want %d (ack + the join's box score + %d feed lines)", got, want, srv.Messages())
	}
	fc := countFeed(lines)
	if fc.kinds[decode.KindAck] != 1 || fc.kinds[decode.KindLocation] != mock.TinySteps*5 || fc.kinds[decode.KindShot] != 2 || fc.bad != 0 {
		t.Errorf("recorded kinds %v (bad %d), want 1 ack, %d locations, 2 shots", fc.kinds, fc.bad, mock.TinySteps*5)
	}
	if r.Messages != int64(len(lines))-1 || r.JoinFilled != 1 || r.Duplicates != 0 || r.Reconnects != 0 {
		t.Errorf("result %s, want %d messages, 1 from the join, no duplicates, no reconnects", r.String(), len(lines)-1)
	}

	// The bundle opens as one, with its REST files, and the token is redacted.
	b, err := decode.OpenBundle(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Live == nil || b.Subscribe == nil || b.Court == nil || b.Stats == nil || b.Shots == nil {
		t.Errorf("bundle files missing: live %v subscribe %v court %v stats %v shots %v", b.Live != nil, b.Subscribe != nil, b.Court != nil, b.Stats != nil, b.Shots != nil)
	}
	if b.Subscribe != nil && (b.Subscribe.Token != "" || len(b.Subscribe.Teams) != 2) {
		t.Errorf("subscribe.json token %q, %d teams; want redacted, 2 teams", b.Subscribe.Token, len(b.Subscribe.Teams))
	}
	sub, _ := os.ReadFile(filepath.Join(r.Dir, decode.BundleSubscribe))
	if bytes.Contains(sub, []byte(`"token": "`)) && !bytes.Contains(sub, []byte(`"token": ""`)) {
		t.Errorf("subscribe.json holds a token:\n%s", sub)
	}

	// The engine ran: four players with distance, and the tables and summary exist.
	if r.Summary == nil || r.Summary.Quality.Locations != int64(mock.TinySteps*5) {
		t.Fatalf("summary %+v, want %d locations", r.Summary, mock.TinySteps*5)
	}
	moving := 0
	for _, p := range r.Summary.Players {
		if p.Distance_m > 0 {
			moving++
		}
	}
	if moving != 4 {
		t.Errorf("%d players with distance, want 4: %+v", moving, r.Summary.Players)
	}
	if len(r.Parts) != 1 {
		t.Errorf("parts %v, want 1", r.Parts)
	}
	for _, f := range []string{"summary.json", "tables/part-00001/samples.parquet", "tables/part-00001/players.parquet"} {
		if _, err := os.Stat(filepath.Join(r.Dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
}

func TestJoinUnknownLiveID(t *testing.T) {
	_, c := liveMock(t, "", mock.Options{})
	_, err := live.Join(context.Background(), live.SessionConfig{Client: c, LiveID: "no-such-id"})
	if !errors.Is(err, live.ErrNotFound) {
		t.Fatalf("Join(unknown id) = %v, want ErrNotFound", err)
	}
}

// TestJoinDroppedConnections: the mock drops every connection (no close
// frame, possibly mid-message) every 300 ms while replaying at half
// speed. The session reconnects with new tokens, and every location and
// shot reaches the bundle at most once, the shots exactly once (from the
// feed or recovered from /shots).
func TestJoinDroppedConnections(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{Speed: 0.5, DropEvery: 300 * time.Millisecond})
	out := t.TempDir()
	m := live.NewMetrics()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: out, Metrics: m,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	if r.Reconnects < 2 {
		t.Fatalf("%d reconnects, want ≥ 2 (a 4 s replay dropped every 300 ms)", r.Reconnects)
	}
	t.Logf("%s", r.String())
	fc := countFeed(readLines(t, filepath.Join(r.Dir, decode.BundleMessages)))
	for k, n := range fc.locations {
		if n != 1 {
			t.Errorf("location %v recorded %d times", k, n)
		}
	}
	if len(fc.shots) != 2 {
		t.Errorf("shots recorded %v, want both tiny shots", fc.shots)
	}
	for k, n := range fc.shots {
		if n != 1 {
			t.Errorf("shot %v recorded %d times", k, n)
		}
	}
	if fc.kinds[decode.KindAck] != int(r.Reconnects)+1 {
		t.Errorf("%d acks recorded, want one per connection (%d)", fc.kinds[decode.KindAck], r.Reconnects+1)
	}
	if got := counterValue(t, m, "stmotion_live_reconnects_total"); got != float64(r.Reconnects) {
		t.Errorf("reconnects metric %g, want %d", got, r.Reconnects)
	}
}

// replayingJoin joins a mock that drops each connection after 150 ms and
// replays, at speed 0, every new connection's feed from its start: all
// it had delivered before is a duplicate. Looping (each pass new in time)
// it never ends; the session does not follow its passes (NoFollow), and
// is cancelled after two reconnects.
func replayingJoin(t *testing.T, cfg live.SessionConfig) (live.SessionResult, *mock.Server) {
	t.Helper()
	srv, c := liveMock(t, "", mock.Options{Loop: true, DropEvery: 150 * time.Millisecond})
	m := live.NewMetrics()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		waitFor(t, "two reconnects", func() bool { return counterValue(t, m, "stmotion_live_reconnects_total") >= 2 })
		cancel()
	}()
	cfg.Client, cfg.LiveID, cfg.Out, cfg.Metrics, cfg.NoFollow = c, srv.LiveID(), t.TempDir(), m, true
	cfg.MinBackoff, cfg.MaxBackoff = time.Millisecond, 5*time.Millisecond
	r := joinOne(t, ctx, cfg)
	if r.Reconnects < 2 || r.Duplicates < int64(srv.Messages()) {
		t.Fatalf("result %s: want ≥ 2 reconnects and ≥ %d duplicates", r.String(), srv.Messages())
	}
	return r, srv
}

// TestJoinReplayDuplicatesDropped: what a new connection replays goes to
// duplicates.jsonl, and the engine sees each message once.
func TestJoinReplayDuplicatesDropped(t *testing.T) {
	r, _ := replayingJoin(t, live.SessionConfig{})
	fc := countFeed(readLines(t, filepath.Join(r.Dir, decode.BundleMessages)))
	if n := fc.kinds[decode.KindLocation]; n != len(fc.locations) || n < mock.TinySteps*5 {
		t.Errorf("recorded %d locations (%d distinct), want each once, and the first pass's %d at least", n, len(fc.locations), mock.TinySteps*5)
	}
	if len(fc.shots) < 2 {
		t.Errorf("recorded shots %v, want the first pass's 2 at least", fc.shots)
	}
	for k, n := range fc.shots {
		if n != 1 {
			t.Errorf("shot %v recorded %d times", k, n)
		}
	}
	dups := readLines(t, filepath.Join(r.Dir, live.BundleDuplicates))
	if int64(len(dups)) != r.Duplicates || r.DuplicatesNotKept != 0 {
		t.Errorf("duplicates.jsonl has %d lines, result says %d (%d not kept)", len(dups), r.Duplicates, r.DuplicatesNotKept)
	}
	if r.Summary.Quality.Locations != int64(fc.kinds[decode.KindLocation]) {
		t.Errorf("engine saw %d locations, want the %d recorded", r.Summary.Quality.Locations, fc.kinds[decode.KindLocation])
	}
}

// TestJoinDuplicatesBounded: duplicates.jsonl keeps the first duplicates
// up to SessionConfig.MaxDuplicates_B, and the rest are counted (the
// result, duplicates_not_kept.json) and logged once. It had no bound: a
// mock looping its feed verbatim at speed 0 filled 2 GB of it in 5
// minutes of `stmotion live --demo --demo-speed 0`.
func TestJoinDuplicatesBounded(t *testing.T) {
	const max_B = 2000 // about 20 lines
	var logs syncBuffer
	r, _ := replayingJoin(t, live.SessionConfig{MaxDuplicates_B: max_B, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	path := filepath.Join(r.Dir, live.BundleDuplicates)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	kept := int64(len(readLines(t, path)))
	if fi.Size() > max_B || kept == 0 || r.DuplicatesNotKept == 0 || kept+r.DuplicatesNotKept != r.Duplicates {
		t.Errorf("duplicates.jsonl: %d B, %d lines; result %d duplicates, %d not kept; want at most %d B, and the rest counted",
			fi.Size(), kept, r.Duplicates, r.DuplicatesNotKept, max_B)
	}
	var nk struct{ Messages, Size_B, Max_B int64 }
	if b, err := os.ReadFile(filepath.Join(r.Dir, live.BundleDuplicatesNotKept)); err != nil || json.Unmarshal(b, &nk) != nil ||
		nk.Messages != r.DuplicatesNotKept || nk.Size_B < nk.Messages || nk.Max_B != max_B {
		t.Errorf("%s: %+v (%v), want %d messages not kept of a %d B bound", live.BundleDuplicatesNotKept, nk, err, r.DuplicatesNotKept, max_B)
	}
	if !strings.Contains(r.String(), fmt.Sprintf(", %d duplicates not kept (duplicates.jsonl full)", r.DuplicatesNotKept)) {
		t.Errorf("result line %q does not say how many duplicates were not kept", r.String())
	}
	if n := strings.Count(logs.String(), "duplicates.jsonl is full"); n != 1 {
		t.Errorf("logged %d times that duplicates.jsonl is full, want once:\n%s", n, logs.String())
	}
}

// TestJoinCorruptLines: truncated lines are recorded verbatim, counted
// and skipped; the good lines around them are kept.
func TestJoinCorruptLines(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{CorruptEvery: 7})
	out := t.TempDir()
	m := live.NewMetrics()
	r := joinOne(t, context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: out, Metrics: m})
	want := srv.Messages() / 7
	if r.DecodeErrors != int64(want) {
		t.Errorf("%d decode errors, want %d (every 7th of %d lines)", r.DecodeErrors, want, srv.Messages())
	}
	lines := readLines(t, filepath.Join(r.Dir, decode.BundleMessages))
	fc := countFeed(lines)
	if fc.bad != want || int64(len(lines)) != int64(srv.Messages()+1)+r.JoinFilled {
		t.Errorf("recorded %d lines with %d bad; want %d with %d bad", len(lines), fc.bad, int64(srv.Messages()+1)+r.JoinFilled, want)
	}
	if r.Summary.Quality.BadLines != int64(want) {
		t.Errorf("engine BadLines %d, want %d", r.Summary.Quality.BadLines, want)
	}
	if r.Summary.Quality.Locations != int64(fc.kinds[decode.KindLocation]) {
		t.Errorf("engine took %d locations, %d good ones were received", r.Summary.Quality.Locations, fc.kinds[decode.KindLocation])
	}
	if got := counterValue(t, m, "stmotion_live_decode_errors_total"); got != float64(want) {
		t.Errorf("decode error metric %g, want %d", got, want)
	}
}

// TestJoinServerRestart: the API goes away mid-session and comes back on
// the same address (tokens forgotten); the session keeps retrying with
// backoff and finishes on the new server.
func TestJoinServerRestart(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	start := func() *mock.Server {
		s, err := mock.New(dir, mock.Options{Listen: addr, Speed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := start()
	c := liveClient(t, first.URL())
	m := live.NewMetrics()
	health := &live.Health{}
	var (
		res  []live.SessionResult
		jerr error
		wg   sync.WaitGroup
	)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	wg.Add(1)
	go func() {
		defer wg.Done()
		res, jerr = live.Join(ctx, live.SessionConfig{Client: c, LiveID: first.LiveID(), Out: t.TempDir(), Metrics: m, Health: health,
			MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	}()
	waitFor(t, "the first messages", func() bool { return health.Report().Messages > 10 })
	first.Close()
	time.Sleep(300 * time.Millisecond) // the server is down: connects fail and are retried
	second := start()
	defer second.Close()
	wg.Wait()
	if jerr != nil {
		t.Fatalf("Join: %v", jerr)
	}
	if len(res) != 1 || res[0].Reconnects < 1 {
		t.Fatalf("results %v, want one session with a reconnect", res)
	}
	if health.Report().Status != "finished" {
		t.Errorf("health %+v, want finished", health.Report())
	}
}

// TestJoinCancelFlushes: cancelling the context (Ctrl-C) ends the session
// cleanly with everything received on disk.
func TestJoinCancelFlushes(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{Speed: 0.5})
	out := t.TempDir()
	health := &live.Health{}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		waitFor(t, "messages", func() bool { return health.Report().Messages > 20 })
		cancel()
	}()
	r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: out, Health: health, FlushInterval: time.Hour})
	lines := readLines(t, filepath.Join(r.Dir, decode.BundleMessages))
	if int64(len(lines)) != r.Messages-r.Duplicates+r.JoinFilled || len(lines) < 20 {
		t.Errorf("%d lines on disk after cancel, result %s", len(lines), r.String())
	}
	if r.Summary == nil {
		t.Fatal("no summary after cancel")
	}
	if _, err := os.Stat(filepath.Join(r.Dir, "summary.json")); err != nil {
		t.Error(err)
	}
}

// TestJoinFollowsNext: a PLAY_NEXT marker moves the session to the live
// id it names; each live id gets its own bundle.
func TestJoinFollowsNext(t *testing.T) {
	dirA, dirB := t.TempDir(), t.TempDir()
	for _, d := range []string{dirA, dirB} {
		if err := mock.WriteTinyBundle(d); err != nil {
			t.Fatal(err)
		}
	}
	const idB = "7d3c1a52-5e0f-4c1a-9b7e-00000000000b"
	// Bundle B is the tiny bundle under another live id.
	for _, f := range []string{decode.BundleLive} {
		p := filepath.Join(dirB, f)
		data, _ := os.ReadFile(p)
		os.WriteFile(p, bytes.ReplaceAll(data, []byte(mock.TinyLiveID), []byte(idB)), 0o644)
	}
	// Bundle A ends with PLAY_NEXT to B.
	p := filepath.Join(dirA, decode.BundleMessages)
	data, _ := os.ReadFile(p)
	data = append(data, []byte(`{"type":"marker","data":{"occurred_at":1700000002100,"live_id":"`+idB+`","type":"PLAY_NEXT"}}`+"\n")...)
	os.WriteFile(p, data, 0o644)

	a, _ := liveMock(t, dirA, mock.Options{})
	b, _ := liveMock(t, dirB, mock.Options{})
	// One REST front for both (the API serves every live id from one
	// host); each live id's websocket is its mock's.
	c := liveClient(t, a.URL())
	router := newLiveRouter(map[string]string{mock.TinyLiveID: a.URL(), idB: b.URL()})
	defer router.Close()
	c = liveClient(t, router.URL)
	out := t.TempDir()
	res, err := live.Join(context.Background(), live.SessionConfig{Client: c, LiveID: mock.TinyLiveID, Out: out,
		WSURLFor: func(id string) string {
			if id == idB {
				return b.WSURL()
			}
			return a.WSURL()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Next != idB || res[1].LiveID != idB {
		t.Fatalf("results %+v, want A then B", res)
	}
	for _, r := range res {
		if r.Summary == nil || r.Summary.Quality.Locations != int64(mock.TinySteps*5) {
			t.Errorf("%s: summary %+v", r.LiveID, r.Summary)
		}
		if !strings.HasSuffix(r.Dir, r.LiveID) {
			t.Errorf("bundle dir %s does not name %s", r.Dir, r.LiveID)
		}
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Errorf("timed out waiting for %s", what)
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}
