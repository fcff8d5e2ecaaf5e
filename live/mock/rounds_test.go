package mock_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live/mock"
)

// tinyHalvesID is the second round of tinyHalves.
const tinyHalvesID = "7d3c1a52-5e0f-4c1a-9b7e-0000000000b2"

// tinyHalves writes the tiny bundle with a PLAY_NEXT naming tinyHalvesID
// after its first second (steps 0-9), as a game's half time has one.
func tinyHalves(t *testing.T) string {
	t.Helper()
	dir := tinyDir(t)
	var feed bytes.Buffer
	next := fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"%s","type":"PLAY_NEXT"}}`, mock.TinyStart_ms+900, tinyHalvesID)
	at := []byte(fmt.Sprintf(`"occurred_at":%d,`, mock.TinyStart_ms+1000))
	for _, l := range feedLines(t, dir) {
		if next != "" && bytes.Contains(l, at) {
			feed.WriteString(next + "\n")
			next = ""
		}
		feed.Write(l)
		feed.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "messages.jsonl"), feed.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// subscribeTo requests a token for live id.
func subscribeTo(t *testing.T, s *mock.Server, id string) string {
	t.Helper()
	status, body, _ := do(t, s, "GET", "/v1/data/live/"+url.PathEscape(id)+"/_subscribe", signNow)
	if status != 200 {
		t.Fatalf("subscribe %s: %d %s", id, status, body)
	}
	var sub decode.Subscribe
	if err := json.Unmarshal(body, &sub); err != nil || sub.Token == "" {
		t.Fatalf("subscribe body %s: %v", body, err)
	}
	return sub.Token
}

// The live id a PLAY_NEXT names is served as a live id of its own: its
// information, subscription and stats answer, and its feed starts at the
// line after the marker.
func TestNextLiveIDServed(t *testing.T) {
	dir := tinyHalves(t)
	want := feedLines(t, dir)
	s := start(t, dir, mock.Options{})
	if ids := s.RoundIDs(); len(ids) != 2 || ids[0] != mock.TinyLiveID || ids[1] != tinyHalvesID {
		t.Fatalf("round ids %v, want the bundle's and the PLAY_NEXT's", ids)
	}
	status, body, _ := do(t, s, "GET", "/v1/data/live/"+tinyHalvesID, signNow)
	var info decode.LiveInfo
	if status != 200 || json.Unmarshal(body, &info) != nil || len(info.Teams) == 0 || info.Teams[0].Live.ID != tinyHalvesID ||
		info.Teams[0].Live.StartedAt_ms != mock.TinyStart_ms+1000 {
		t.Fatalf("GET second half: %d %s", status, body)
	}
	for _, p := range []string{"/court", "/stats", "/shots"} {
		if status, body, _ := do(t, s, "GET", "/v1/data/live/"+tinyHalvesID+p, signNow); status != 200 {
			t.Errorf("GET second half %s: %d %s", p, status, body)
		}
	}
	if status, _, _ := do(t, s, "GET", "/v1/data/live/7d3c1a52-5e0f-4c1a-9b7e-0000000000ff", signNow); status != 404 {
		t.Errorf("unknown live id: %d, want 404", status)
	}
	c := dial(t, s, subscribeTo(t, s, tinyHalvesID))
	readAck(t, c, 120000)
	got, err := readAll(c)
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("end of feed: %v, want a normal close", err)
	}
	first := 0
	for i, l := range want {
		if bytes.Contains(l, []byte(`"PLAY_NEXT"`)) {
			first = i + 1
		}
	}
	sameLines(t, "second half's feed", got, want[first:])
}

var (
	reTime    = regexp.MustCompile(`"occurred_at":(\d+)`)
	reVersion = regexp.MustCompile(`"version":(\d+)`)
	reLiveID  = regexp.MustCompile(`"live_id":"([^"]*)"`)
)

func firstInt(re *regexp.Regexp, l []byte) int64 {
	m := re.FindSubmatch(l)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return v
}

// With Loop each pass is a new stretch of time under live ids of its own:
// times move on by whole periods, stats versions by the largest version,
// the half-time PLAY_NEXT names the pass's own second half, and a
// DRILL_NEXT (PLAY_NEXT in a game) after the last line names the next
// pass. At speed 0 too, where there is no clock: its loops had repeated
// the lines verbatim, under the same live ids.
func TestLoopPassesAreNew(t *testing.T) {
	for _, speed := range []float64{100, 0} {
		t.Run(fmt.Sprintf("speed=%g", speed), func(t *testing.T) { testLoopPassesAreNew(t, speed) })
	}
}

func testLoopPassesAreNew(t *testing.T, speed float64) {
	dir := tinyHalves(t)
	want := feedLines(t, dir)
	const gap = 100 * time.Millisecond
	s := start(t, dir, mock.Options{Loop: true, Speed: speed, LoopGap: gap})
	const span_ms = int64(mock.TinySteps * 100) // the last line, PLAY_END, is 2 s after the first
	period_ms := span_ms + gap.Milliseconds() + 1
	const maxVersion = 4 // the tiny feed's largest stats version

	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	// Read up to the end of a pass, then one whole pass and its end.
	var ends []int
	var got [][]byte
	for len(ends) < 2 {
		if len(got) > 3*len(want) {
			t.Fatalf("no two pass ends in %d messages", len(got))
		}
		_, m, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		// The tiny bundle is a practice: DRILL_NEXT.
		if bytes.Contains(m, []byte(`"DRILL_NEXT"`)) && (firstInt(reTime, m)-mock.TinyStart_ms)%period_ms == span_ms {
			ends = append(ends, len(got))
		}
		got = append(got, m)
	}
	pass := got[ends[0]+1 : ends[1]]
	end0, end1 := got[ends[0]], got[ends[1]]
	p := (firstInt(reTime, pass[0]) - mock.TinyStart_ms) / period_ms
	if p < 1 {
		t.Fatalf("first line after a pass end %s: pass %d", pass[0], p)
	}
	if at := firstInt(reTime, end0); at != mock.TinyStart_ms+span_ms+(p-1)*period_ms {
		t.Errorf("pass end marker %s: at %d, want the last time of pass %d", end0, at, p-1)
	}
	if at := firstInt(reTime, end1); at != mock.TinyStart_ms+span_ms+p*period_ms {
		t.Errorf("pass end marker %s: at %d, want the last time of pass %d", end1, at, p)
	}
	// The pass's first live id is the one the marker before it named, and
	// the mock serves it.
	id := string(reLiveID.FindSubmatch(end0)[1])
	if id == mock.TinyLiveID || id == tinyHalvesID {
		t.Errorf("pass %d reuses the live id %s", p, id)
	}
	status, body, _ := do(t, s, "GET", "/v1/data/live/"+id, signNow)
	var info decode.LiveInfo
	if status != 200 || json.Unmarshal(body, &info) != nil || info.Teams[0].Live.ID != id {
		t.Errorf("GET pass %d's live id: %d %s", p, status, body)
	}
	if len(pass) != len(want) {
		t.Fatalf("pass %d has %d lines, want %d", p, len(pass), len(want))
	}
	var half string
	for i, l := range want {
		w := reTime.ReplaceAllFunc(l, func(b []byte) []byte {
			return []byte(`"occurred_at":` + strconv.FormatInt(firstInt(reTime, b)+p*period_ms, 10))
		})
		w = reVersion.ReplaceAllFunc(w, func(b []byte) []byte {
			return []byte(`"version":` + strconv.FormatInt(firstInt(reVersion, b)+p*maxVersion, 10))
		})
		if m := reLiveID.FindSubmatch(pass[i]); m != nil {
			half = string(m[1])
			w = reLiveID.ReplaceAll(w, []byte(`"live_id":"`+half+`"`))
		}
		if !bytes.Equal(pass[i], w) {
			t.Fatalf("pass %d line %d\n got %s\nwant %s", p, i, pass[i], w)
		}
	}
	if half == "" || half == tinyHalvesID || half == id {
		t.Errorf("pass %d's half time names %q, want a live id of its own", p, half)
	}
	// The second half's REST state is the pass's: shots at its times.
	status, body, _ = do(t, s, "GET", "/v1/data/live/"+half+"/shots", signNow)
	var shots decode.LiveShots
	if status != 200 || json.Unmarshal(body, &shots) != nil {
		t.Fatalf("GET pass %d's second half shots: %d %s", p, status, body)
	}
	for _, tm := range shots.Teams {
		for _, pl := range tm.PlayerShots {
			for _, sh := range pl.Shots {
				if sh.OccurredAt_ms < mock.TinyStart_ms+p*period_ms {
					t.Errorf("pass %d shot at %d: before the pass", p, sh.OccurredAt_ms)
				}
			}
		}
	}
}

// A live id whose pass is over (the bundle's own, which `stmotion mock
// --loop` prints, once the first pass has ended) is fed the pass the clock
// is in: its /stats and /shots must be that pass's state too (its times
// and versions), or a client joining it takes the end of the first pass
// as its baseline and its gap recovery finds nothing to fill.
func TestPastPassRESTFollowsTheClock(t *testing.T) {
	const gap = 100 * time.Millisecond
	const speed = 4
	s := start(t, tinyDir(t), mock.Options{Loop: true, Speed: speed, LoopGap: gap})
	const span_ms = int64(mock.TinySteps * 100)
	period_ms := span_ms + gap.Milliseconds() + 1
	const maxVersion = 4
	// Into the second pass, past its first shot (step 5).
	time.Sleep(time.Duration(float64(period_ms+700)/speed) * time.Millisecond)

	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	var p int64 = -1
	for p < 0 {
		_, m, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if at := firstInt(reTime, m); at > 0 {
			p = (at - mock.TinyStart_ms) / period_ms
		}
	}
	if p < 1 {
		t.Fatalf("the websocket of the bundle's live id serves pass %d, want a later one", p)
	}
	passStart_ms := mock.TinyStart_ms + p*period_ms

	status, body, _ := do(t, s, "GET", "/v1/data/live/"+mock.TinyLiveID+"/shots", signNow)
	var shots decode.LiveShots
	if status != 200 || json.Unmarshal(body, &shots) != nil {
		t.Fatalf("GET shots: %d %s", status, body)
	}
	n := 0
	for _, tm := range shots.Teams {
		for _, pl := range tm.PlayerShots {
			for _, sh := range pl.Shots {
				n++
				if sh.OccurredAt_ms < passStart_ms {
					t.Errorf("shot at %d: before pass %d (from %d), which the websocket serves", sh.OccurredAt_ms, p, passStart_ms)
				}
			}
		}
	}
	if n == 0 {
		t.Errorf("no shots: %s", body)
	}
	status, body, _ = do(t, s, "GET", "/v1/data/live/"+mock.TinyLiveID+"/stats", signNow)
	var stats decode.LiveStats
	if status != 200 || json.Unmarshal(body, &stats) != nil {
		t.Fatalf("GET stats: %d %s", status, body)
	}
	for _, tm := range stats.Teams {
		for _, pl := range tm.PlayerStats {
			if pl.Version != 0 && pl.Version <= p*maxVersion {
				t.Errorf("player %d: version %d, not newer than pass %d's versions (> %d)", pl.ID, pl.Version, p-1, p*maxVersion)
			}
		}
	}
}

// tinyTrailID is the live id the DRILL_NEXT ending tinyTrailing names.
const tinyTrailID = "7d3c1a52-5e0f-4c1a-9b7e-0000000000c3"

// tinyTrailing writes the tiny bundle ending with a DRILL_NEXT naming
// tinyTrailID, as a bundle `stmotion live` recorded of one drill or half
// ends (it records the marker, then follows it).
func tinyTrailing(t *testing.T) string {
	t.Helper()
	dir := tinyDir(t)
	f, err := os.OpenFile(filepath.Join(dir, "messages.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, `{"type":"marker","data":{"occurred_at":%d,"live_id":"%s","type":"DRILL_NEXT"}}`+"\n", mock.TinyStart_ms+mock.TinySteps*100, tinyTrailID)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The live id a DRILL_NEXT ending the feed names is served too (a client
// that follows it must not get 404): its round has no lines, so its
// connection ends normally without Loop, and with Loop at a speed above 0
// it is told where the feed goes on, the next pass.
func TestTrailingNextLiveIDServed(t *testing.T) {
	dir := tinyTrailing(t)
	s := start(t, dir, mock.Options{})
	if ids := s.RoundIDs(); len(ids) != 2 || ids[1] != tinyTrailID {
		t.Fatalf("round ids %v, want the bundle's and the trailing DRILL_NEXT's", ids)
	}
	status, body, _ := do(t, s, "GET", "/v1/data/live/"+tinyTrailID, signNow)
	var info decode.LiveInfo
	if status != 200 || json.Unmarshal(body, &info) != nil || info.Teams[0].Live.ID != tinyTrailID ||
		info.Teams[0].Live.StartedAt_ms != mock.TinyStart_ms+mock.TinySteps*100 {
		t.Fatalf("GET the trailing DRILL_NEXT's live id: %d %s", status, body)
	}
	c := dial(t, s, subscribeTo(t, s, tinyTrailID))
	readAck(t, c, 120000)
	if got, err := readAll(c); len(got) != 0 || !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("trailing round's feed: %d lines, end %v; want none and a normal close", len(got), err)
	}
	s.Close()

	// Looping at speed: the pass's trailing DRILL_NEXT names its own
	// empty round, whose connection gets the pass end (the LoopGap of
	// 30 s feed time is 300 ms of wall time to follow in).
	s = start(t, dir, mock.Options{Loop: true, Speed: 100, LoopGap: 30 * time.Second})
	c = dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	var named []string
	for len(named) < 2 {
		_, m, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(m, []byte(`"DRILL_NEXT"`)) {
			named = append(named, string(reLiveID.FindSubmatch(m)[1]))
		}
	}
	c.Close()
	if named[0] != tinyTrailID || named[1] == tinyTrailID || named[1] == mock.TinyLiveID {
		t.Fatalf("the pass ends with DRILL_NEXTs naming %v, want the trailing round's, then the next pass's", named)
	}
	c = dial(t, s, subscribeTo(t, s, named[0]))
	readAck(t, c, 120000)
	_, m, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(m, []byte(`"DRILL_NEXT"`)) || string(reLiveID.FindSubmatch(m)[1]) != named[1] {
		t.Errorf("the trailing round's first message %s, want the DRILL_NEXT naming the next pass's %s", m, named[1])
	}
}

// A connection to a round the clock has passed (a client reconnecting to
// the first half after half time) joins the clock in the later round,
// but first gets the markers since its round's start, the PLAY_NEXT
// ending its round among them: a following client moves on to the
// second half's live id instead of recording the second half under the
// first half's.
func TestLateConnectionGetsItsRoundsNext(t *testing.T) {
	const speed = 2
	s := start(t, tinyHalves(t), mock.Options{Speed: speed})
	time.Sleep(1400 / speed * time.Millisecond) // the second half starts at 1000 ms
	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	for {
		_, m, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(m, []byte(`"PLAY_NEXT"`)) {
			if id := string(reLiveID.FindSubmatch(m)[1]); id != tinyHalvesID {
				t.Errorf("PLAY_NEXT %s, want the one naming %s", m, tinyHalvesID)
			}
			return
		}
		if !bytes.Contains(m, []byte(`"marker"`)) {
			t.Fatalf("first line after the markers %s: no PLAY_NEXT to the round the clock is in", m)
		}
	}
}

// notifyHook is an HTTP server that records the live notifications it is
// sent.
type notifyHook struct {
	*httptest.Server
	mu    sync.Mutex
	calls []url.Values
}

func newNotifyHook(t *testing.T) *notifyHook {
	h := &notifyHook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.calls = append(h.calls, r.URL.Query())
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

// seen returns the notifications so far as "STATE live_id".
func (h *notifyHook) seen() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, q := range h.calls {
		out = append(out, q.Get("state")+" "+q.Get("data"))
	}
	return out
}

// With Loop, every round of every pass is announced as the replay clock
// reaches it (OnRound), under the live ids the feed names, and with
// AutoNotify the registered notifies get START and END for each one.
func TestRoundsAnnouncedAndNotified(t *testing.T) {
	rounds := make(chan mock.Round, 16)
	const speed = 4 // a round of 1 s of feed time lasts 250 ms
	s := start(t, tinyHalves(t), mock.Options{Loop: true, Speed: speed, LoopGap: 100 * time.Millisecond, AutoNotify: true,
		OnRound: func(r mock.Round) { rounds <- r }})
	hook := newNotifyHook(t)
	if status, body, h := do(t, s, "PUT", "/v1/data/live/notify?url="+url.QueryEscape(hook.URL), signNow); status != 204 {
		t.Fatalf("create notify: %d %s", status, body)
	} else if status, body, _ := do(t, s, "PUT", "/v1/data/live/notify/"+h.Get("X-ShotTracker-Notify-Id")+"/_enableEndNotify", signNow); status != 204 {
		t.Fatalf("enable end notify: %d %s", status, body)
	}
	const period_ms = mock.TinySteps*100 + 100 + 1 // span + LoopGap + 1 ms of feed time
	var got []mock.Round
	for len(got) < 5 { // both rounds of passes 0 and 1, and pass 2's first
		select {
		case r := <-rounds:
			got = append(got, r)
		case <-time.After(5 * time.Second):
			t.Fatalf("rounds announced: %+v; no more", got)
		}
	}
	for i, r := range got {
		if r.Pass != int64(i/2) || r.Index != i%2 {
			t.Errorf("round %d announced as pass %d round %d", i, r.Pass, r.Index)
		}
		want_ms := mock.TinyStart_ms - 60000 // live.json's started_at, for the first round
		if r.Index == 1 {
			want_ms = mock.TinyStart_ms + 1000 // the second half's first line
		}
		if want_ms += r.Pass * period_ms; r.StartedAt_ms != want_ms {
			t.Errorf("pass %d round %d started at %d, want %d", r.Pass, r.Index, r.StartedAt_ms, want_ms)
		}
	}
	if got[0].LiveID != mock.TinyLiveID || got[1].LiveID != tinyHalvesID {
		t.Errorf("the first pass's rounds are %s and %s, want the bundle's %s and %s", got[0].LiveID, got[1].LiveID, mock.TinyLiveID, tinyHalvesID)
	}
	ids := map[string]bool{}
	for _, r := range got {
		if ids[r.LiveID] {
			t.Errorf("live id %s announced twice", r.LiveID)
		}
		ids[r.LiveID] = true
		if status, body, _ := do(t, s, "GET", "/v1/data/live/"+r.LiveID, signNow); status != 200 {
			t.Errorf("GET announced live id %s: %d %s", r.LiveID, status, body)
		}
	}
	// Pass 2 started, so pass 1 ended: its notifications are all in, in
	// order (the first pass's first START may have come before the notify
	// was registered).
	want := []string{"START " + got[2].LiveID, "END " + got[2].LiveID, "START " + got[3].LiveID, "END " + got[3].LiveID}
	seen := hook.seen()
	i := slices.Index(seen, want[0])
	if i < 0 || !slices.Equal(seen[i:min(i+4, len(seen))], want) {
		t.Errorf("notifications %q, want %q in a row", seen, want)
	}
	if i >= 2 && !slices.Equal(seen[i-2:i], []string{"START " + got[1].LiveID, "END " + got[1].LiveID}) {
		t.Errorf("notifications %q: the first pass's second round is not just before the second pass", seen)
	}
}

// The simulated notifications name the live id of the round the replay
// clock is in.
func TestSimulatedNotifyNamesTheCurrentRound(t *testing.T) {
	rounds := make(chan mock.Round, 4)
	s := start(t, tinyHalves(t), mock.Options{Speed: 2, OnRound: func(r mock.Round) { rounds <- r }}) // the second round lasts 500 ms
	hook := newNotifyHook(t)
	for {
		r := <-rounds
		if r.Index == 0 {
			continue
		}
		if status, body, _ := do(t, s, "PUT", "/mock/any/do/live/notify/start?url="+url.QueryEscape(hook.URL), signNow); status != 204 {
			t.Fatalf("simulate start: %d %s", status, body)
		}
		if seen := hook.seen(); !slices.Equal(seen, []string{"START " + tinyHalvesID}) {
			t.Errorf("notifications %q during the second round, want START %s", seen, tinyHalvesID)
		}
		return
	}
}

// Each live id has its own REST state, as each round of the API's events
// has its own _stats and _shots: the second half's /shots and /stats hold
// the second half's shots and stats messages, the first half's the
// bundle's baseline and the first half's. Serving the game's for both had
// a client following PLAY_NEXT feed the first half's shots into the second
// half's bundle again.
func TestRESTStatePerLiveID(t *testing.T) {
	s := start(t, tinyHalves(t), mock.Options{})
	get := func(id, p string, v any) {
		t.Helper()
		status, body, _ := do(t, s, "GET", "/v1/data/live/"+id+p, signNow)
		if status != 200 || json.Unmarshal(body, v) != nil {
			t.Fatalf("GET %s%s: %d %s", id, p, status, body)
		}
	}
	for _, c := range []struct {
		id      string
		shots   []int64 // shooters
		players []int64 // with stats
		from_ms int64   // no stat changed before
	}{
		{mock.TinyLiveID, []int64{101}, []int64{101, 102}, 0}, // 102: stats.json's baseline
		{tinyHalvesID, []int64{201}, []int64{201, 102}, mock.TinyStart_ms + 1000},
	} {
		var shots decode.LiveShots
		get(c.id, "/shots", &shots)
		var shooters []int64
		for _, tm := range shots.Teams {
			for _, p := range tm.PlayerShots {
				for range p.Shots {
					shooters = append(shooters, p.ID)
				}
			}
		}
		if !slices.Equal(shooters, c.shots) {
			t.Errorf("%s /shots: shooters %v, want %v", c.id, shooters, c.shots)
		}
		var stats decode.LiveStats
		get(c.id, "/stats", &stats)
		var players []int64
		for _, tm := range stats.Teams {
			for _, p := range tm.PlayerStats {
				players = append(players, p.ID)
			}
		}
		slices.Sort(players)
		want := slices.Sorted(slices.Values(c.players))
		if !slices.Equal(players, want) {
			t.Errorf("%s /stats: players %v, want %v", c.id, players, want)
		}
		var details decode.LiveStatsDetails
		get(c.id, "/stats/details", &details)
		for _, tm := range details.Teams {
			for _, p := range tm.PlayerStats {
				for k, chs := range p.Stats {
					for _, ch := range chs {
						if ch.OccurredAt_ms < c.from_ms {
							t.Errorf("%s /stats/details: player %d %s changed at %d, before the live id started (%d)", c.id, p.ID, k, ch.OccurredAt_ms, c.from_ms)
						}
					}
				}
			}
		}
	}
}
