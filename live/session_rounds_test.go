package live_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// tinyHalfID is the second round of tinyHalves.
const tinyHalfID = "7d3c1a52-5e0f-4c1a-9b7e-0000000000b2"

// tinyHalves writes the tiny bundle with a PLAY_NEXT naming tinyHalfID
// after its first second (steps 0-9), as a game's half time has one (the
// built-in sample game has one too).
func tinyHalves(t *testing.T) string {
	t.Helper()
	return tinyHalvesNaming(t, tinyHalfID)
}

// tinyHalvesNaming is tinyHalves with the PLAY_NEXT's live_id written as
// the JSON string contents wire (tinyHalfID, possibly with escapes).
func tinyHalvesNaming(t *testing.T, wire string) string {
	t.Helper()
	dir, p, data := tinyMessages(t)
	at := []byte(fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,`, mock.TinyStart_ms+1000))
	i := bytes.Index(data, at)
	if i < 0 {
		t.Fatal("tiny bundle: no location at 1 s")
	}
	next := fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"%s","type":"PLAY_NEXT"}}`+"\n", mock.TinyStart_ms+900, wire)
	data = append(data[:i:i], append([]byte(next), data[i:]...)...)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// onlyRepeats checks that every message a session dropped as a duplicate
// is one its bundle holds: received twice (the feed left at a PLAY_NEXT
// is read until the next one's is up, and both deliver their overlap),
// never a new one taken for an old one. A stats or shot message may also
// repeat one that the join fed from the REST state (recorded in its REST
// form, "stmotion_source":"rest_join"): the state fetched at the join can
// hold what the feed delivers after it (1 run in 7 failed on this before).
func onlyRepeats(t *testing.T, r live.SessionResult) {
	t.Helper()
	var dec decode.Decoder
	var m decode.Message
	// restKey is what the session's duplicate check compares for a stats
	// (player, version) or shot (player, time, place, zone, make) message.
	restKey := func(l []byte) (string, bool) {
		if dec.Decode(l, &m) != nil {
			return "", false
		}
		switch m.Kind {
		case decode.KindStats:
			return fmt.Sprintf("stats %d %d", m.Stats.PlayerID, m.Stats.Version), true
		case decode.KindShot:
			s := &m.Shot
			return fmt.Sprintf("shot %d %d %d %d %d %v", s.PlayerID, s.OccurredAt_ms, s.HoopPlayerX_mm, s.HoopPlayerY_mm, s.Zone, s.IsMake), true
		}
		return "", false
	}
	kept := map[string]bool{}
	joined := map[string]bool{}
	for _, l := range readLines(t, filepath.Join(r.Dir, decode.BundleMessages)) {
		kept[string(l)] = true
		if bytes.Contains(l, []byte(`"stmotion_source":"rest_join"`)) {
			if k, ok := restKey(l); ok {
				joined[k] = true
			}
		}
	}
	dups, err := os.ReadFile(filepath.Join(r.Dir, live.BundleDuplicates))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	n := 0
	for _, l := range mock.Lines(dups) {
		n++
		if kept[string(l)] {
			continue
		}
		if k, ok := restKey(l); ok && joined[k] {
			continue
		}
		t.Errorf("%s: dropped as a duplicate but never recorded: %s", r.LiveID, l)
	}
	if int64(n) != r.Duplicates {
		t.Errorf("%s: %d lines in %s, result says %d duplicates", r.LiveID, n, live.BundleDuplicates, r.Duplicates)
	}
}

// locationTimes returns the smallest and largest occurred_at of the
// locations in a bundle's messages.jsonl.
func locationTimes(t *testing.T, dir string) (lo, hi int64, n int) {
	t.Helper()
	var dec decode.Decoder
	var m decode.Message
	for _, l := range readLines(t, filepath.Join(dir, decode.BundleMessages)) {
		if dec.Decode(l, &m) != nil || m.Kind != decode.KindLocation {
			continue
		}
		if n == 0 || m.Location.OccurredAt_ms < lo {
			lo = m.Location.OccurredAt_ms
		}
		hi = max(hi, m.Location.OccurredAt_ms)
		n++
	}
	return lo, hi, n
}

// TestJoinFollowsHalvesAndPasses: a looping mock as `stmotion live --demo`
// runs it (a game with a half-time PLAY_NEXT, sped up): Join follows the
// PLAY_NEXT to the second half's live id, which the mock serves, and at
// the end of the pass to the next pass's first live id, whose locations
// are new ones (later than the first pass's; none dropped as a duplicate
// of another: only those both the old and the new feed delivered at a
// handover). At speed 0 too (`stmotion live --demo --demo-speed 0`),
// where the mock's loops had repeated the feed verbatim under the same
// live ids: the second half's session got the first half again, then
// the second, without end, and dropped all of it as duplicates (2 GB of
// duplicates.jsonl in 5 minutes of the demo); here Join is stopped once
// the duplicates pass those of a few passes' handovers.
func TestJoinFollowsHalvesAndPasses(t *testing.T) {
	for _, speed := range []float64{5, 0} {
		t.Run(fmt.Sprintf("speed=%g", speed), func(t *testing.T) { testJoinFollowsHalvesAndPasses(t, speed) })
	}
}

func testJoinFollowsHalvesAndPasses(t *testing.T, speed float64) {
	srv, c := liveMock(t, tinyHalves(t), mock.Options{Loop: true, Speed: speed, LoopGap: 2 * time.Second})
	out := t.TempDir()
	m := live.NewMetrics()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	watched := make(chan struct{})
	defer func() { cancel(); <-watched }()
	go func() {
		defer close(watched)
		for ctx.Err() == nil {
			if counterValue(t, m, "stmotion_live_duplicates_total") > 3*float64(srv.Messages()) {
				cancel()
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	res, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: out, MaxFollow: 2, Metrics: m})
	if !errors.Is(err, live.ErrMaxFollow) {
		t.Fatalf("Join: %v (results %+v); want it stopped at MaxFollow", err, res)
	}
	if len(res) != 3 {
		t.Fatalf("%d results, want the first half, the second, and the next pass's first", len(res))
	}
	if res[0].LiveID != mock.TinyLiveID || res[0].Next != tinyHalfID || res[1].LiveID != tinyHalfID ||
		res[1].Next == "" || res[2].LiveID != res[1].Next || res[2].LiveID == mock.TinyLiveID || res[2].Next == "" {
		t.Fatalf("live ids %s→%s, %s→%s, %s→%s: want the bundle's, its second half's, then new ones",
			res[0].LiveID, res[0].Next, res[1].LiveID, res[1].Next, res[2].LiveID, res[2].Next)
	}
	var firstPass_ms int64
	for i, r := range res {
		if r.DecodeErrors != 0 {
			t.Errorf("%s: %s; want no undecodable message", r.LiveID, r.String())
		}
		onlyRepeats(t, r)
		if r.Summary == nil || r.Summary.Quality.Locations == 0 {
			t.Fatalf("%s: no locations analysed (summary %+v)", r.LiveID, r.Summary)
		}
		lo, hi, n := locationTimes(t, r.Dir)
		if int64(n) != r.Summary.Quality.Locations {
			t.Errorf("%s: %d locations recorded, %d analysed", r.LiveID, n, r.Summary.Quality.Locations)
		}
		if i < 2 {
			firstPass_ms = max(firstPass_ms, hi)
		} else if lo <= firstPass_ms {
			t.Errorf("next pass's locations from %d ms: not after the first pass's (up to %d ms)", lo, firstPass_ms)
		}
	}
}

// TestJoinNoFollowLoops: without following, a session keeps reading its
// live id's feed through the half-time PLAY_NEXT and the looping mock's
// passes; each pass is new in time, so nothing of it is dropped as a
// duplicate and the engine takes every pass's locations. The only
// duplicates are the feed's copies of what the join fed from the REST
// state (onlyRepeats): on a loaded machine the state, fetched after the
// ack, already holds the first shot and its stats (500 ms of feed time,
// 25 ms of wall time at speed 20) when the feed delivers them. Asking for
// no duplicate at all failed 8 runs in 150 under load, with 0 reconnects.
func TestJoinNoFollowLoops(t *testing.T) {
	srv, c := liveMock(t, tinyHalves(t), mock.Options{Loop: true, Speed: 20, LoopGap: 100 * time.Millisecond})
	m := live.NewMetrics()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	perPass := float64(srv.Messages())
	go func() {
		waitFor(t, "three passes", func() bool { return counterValue(t, m, "stmotion_live_messages_total") >= 3*perPass })
		cancel()
	}()
	r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: t.TempDir(), Metrics: m, NoFollow: true})
	onlyRepeats(t, r)
	if r.Duplicates > r.JoinFilled {
		t.Errorf("%s: want no duplicates but of what the join fed", r.String())
	}
	if r.Summary == nil || r.Summary.Quality.Locations < 2*mock.TinySteps*5 {
		t.Fatalf("engine took %+v locations, want those of two passes or more (%d each)", r.Summary, mock.TinySteps*5)
	}
	fc := countFeed(readLines(t, filepath.Join(r.Dir, decode.BundleMessages)))
	if len(fc.locations) != fc.kinds[decode.KindLocation] {
		t.Errorf("%d locations recorded, %d distinct", fc.kinds[decode.KindLocation], len(fc.locations))
	}
}

// TestJoinOnResult: with OnResult, each followed live id's result is
// given as that live id ends, in order, and Join keeps none.
//
// The tiny feed is cut into four rounds (PLAY_NEXT at 450, 950 and 1450
// ms) and replayed at Speed 0, each connection from its round's first
// line: no clock runs, so every live id gets its round whatever the
// machine's load. It ran on a looping mock at speed 20, whose half is 50
// ms of wall time, and failed once under heavy load with "3 messages ...
// its feed named the next live id ...: no summary": a session whose
// setup took longer than its round joined where the mock's clock stood,
// past the round, and got only its markers and its PLAY_NEXT (the first
// live id's too: 3 messages, the ack, LIVE and the PLAY_NEXT, in a rerun).
func TestJoinOnResult(t *testing.T) {
	ids := []string{mock.TinyLiveID, tinyHalfID, "7d3c1a52-5e0f-4c1a-9b7e-0000000000b3", "7d3c1a52-5e0f-4c1a-9b7e-0000000000b4"}
	dir, p, data := tinyMessages(t)
	for i, at_ms := range []int64{500, 1000, 1500} {
		loc := fmt.Appendf(nil, `{"type":"location","data":{"occurred_at":%d,`, mock.TinyStart_ms+at_ms)
		k := bytes.Index(data, loc)
		if k < 0 {
			t.Fatalf("tiny bundle: no location at %d ms", at_ms)
		}
		next := fmt.Appendf(nil, `{"type":"marker","data":{"occurred_at":%d,"live_id":"%s","type":"PLAY_NEXT"}}`+"\n", mock.TinyStart_ms+at_ms-50, ids[i+1])
		data = append(data[:k:k], append(next, data[k:]...)...)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	srv, c := liveMock(t, dir, mock.Options{Speed: 0})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got []live.SessionResult
	res, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), MaxFollow: 2,
		OnResult: func(r live.SessionResult) { got = append(got, r) }})
	if !errors.Is(err, live.ErrMaxFollow) || res != nil {
		t.Fatalf("Join: %v, %d results returned; want it stopped at MaxFollow, and none (OnResult has them)", err, len(res))
	}
	if len(got) != 3 || got[0].LiveID != ids[0] || got[1].LiveID != ids[1] || got[2].LiveID != ids[2] || got[2].Next != ids[3] {
		t.Fatalf("OnResult got %+v, want the three live ids %v in follow order, the last naming %s", got, ids[:3], ids[3])
	}
	for _, r := range got {
		if r.Summary == nil || r.Summary.Quality.Locations == 0 {
			t.Errorf("%s: no summary", r.String())
		}
	}
}

// TestJoinFollowsTrailingNext: a bundle that ends with the PLAY_NEXT it
// was left by (what `stmotion live` records of a first half), served
// looping: Join follows that PLAY_NEXT (the mock serves its live id) and
// then the mock's to the next pass, instead of failing on a 404.
func TestJoinFollowsTrailingNext(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, decode.BundleMessages), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, `{"type":"marker","data":{"occurred_at":%d,"live_id":"%s","type":"PLAY_NEXT"}}`+"\n", mock.TinyStart_ms+mock.TinySteps*100, tinyHalfID)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// Speed 2: the 2 s of the tiny feed take 1 s, so that Join is
	// subscribed before the trailing PLAY_NEXT goes by also on a loaded
	// machine (at speed 20, 0.1 s, it once joined four messages before
	// the end and followed the mock's own next pass instead); and the
	// 4 s loop gap (2 s) leaves the second session time to come up
	// before the next pass's first round is over (at Speed 4 with a 2 s
	// gap, a loaded machine once brought it up after that round, and it
	// followed to the pass's empty trailing round instead).
	srv, c := liveMock(t, dir, mock.Options{Loop: true, Speed: 2, LoopGap: 4 * time.Second})
	res, err := live.Join(context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), MaxFollow: 2, Out: t.TempDir()})
	if !errors.Is(err, live.ErrMaxFollow) {
		t.Fatalf("Join: %v (results %+v); want it stopped at MaxFollow", err, res)
	}
	if len(res) != 3 || res[0].Next != tinyHalfID || res[1].LiveID != tinyHalfID || res[1].Next == "" || res[2].LiveID != res[1].Next {
		t.Fatalf("results %+v: want the bundle's live id, the one its PLAY_NEXT names, then the next pass's", res)
	}
	if res[2].Summary == nil || res[2].Summary.Quality.Locations == 0 {
		t.Errorf("next pass: %s, summary %+v; want its locations", res[2].String(), res[2].Summary)
	}
	onlyRepeats(t, res[2])
}

// TestJoinHandoverLosesNothing: following a PLAY_NEXT, the old feed is
// read on until the next live id's feed is up, so what the event
// delivered meanwhile reaches the next live id's bundle and engine. The
// next live id's setup is slowed down here (300 ms on its live
// information, 600 ms of a feed replayed at twice real time): every one
// of the second half's locations is recorded and analysed once.
func TestJoinHandoverLosesNothing(t *testing.T) {
	srv, _ := liveMock(t, tinyHalves(t), mock.Options{Speed: 2})
	u, _ := url.Parse(srv.URL())
	proxy := httputil.NewSingleHostReverseProxy(u)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/data/live/"+tinyHalfID {
			time.Sleep(300 * time.Millisecond)
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, front.URL), WSURL: srv.WSURL(), LiveID: srv.LiveID(), Out: t.TempDir()})
	if err != nil || len(res) != 2 || res[1].LiveID != tinyHalfID {
		t.Fatalf("Join: %v, results %+v; want both halves", err, res)
	}
	second := res[1]
	fc := countFeed(readLines(t, filepath.Join(second.Dir, decode.BundleMessages)))
	const want = mock.TinySteps / 2 * 5 // steps 10 to 19, after the PLAY_NEXT
	if len(fc.locations) != want || fc.kinds[decode.KindLocation] != want {
		t.Errorf("second half: %d locations recorded (%d distinct), want each of %d once", fc.kinds[decode.KindLocation], len(fc.locations), want)
	}
	if second.Summary == nil || second.Summary.Quality.Locations != want {
		t.Errorf("second half: engine took %+v locations, want %d", second.Summary, want)
	}
	onlyRepeats(t, second)
}

// tinyMessages writes the tiny bundle into a temporary directory and
// returns the directory, the path of its messages and their text, for a
// test to edit the feed.
func tinyMessages(t *testing.T) (dir, path string, data []byte) {
	t.Helper()
	dir = t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, decode.BundleMessages)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return dir, path, data
}

// TestJoinFollowFeedsNoEarlierState: the live id a PLAY_NEXT leads to gets
// none of the previous live id's shots and box scores from the REST state:
// neither from the mock, which serves each live id its own, nor from an
// API whose REST state for the second half holds the first half's (a
// proxy answers it with the first live id's here). The second half's
// bundle used to hold the first half's shots again, fed as
// "stmotion_source":"rest_join", and its start_ms was a first-half time.
func TestJoinFollowFeedsNoEarlierState(t *testing.T) {
	for _, whole := range []bool{false, true} {
		t.Run(fmt.Sprintf("earlier state served %v", whole), func(t *testing.T) {
			// Without HMAC: the proxy rewrites the path a request was
			// signed for.
			srv, _ := liveMock(t, tinyHalves(t), mock.Options{NoAuth: true})
			u, _ := url.Parse(srv.URL())
			proxy := httputil.NewSingleHostReverseProxy(u)
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for _, p := range []string{"/stats", "/stats/details", "/shots"} {
					if whole && r.URL.Path == "/v1/data/live/"+tinyHalfID+p {
						r.URL.Path = "/v1/data/live/" + mock.TinyLiveID + p
					}
				}
				proxy.ServeHTTP(w, r)
			}))
			defer front.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, front.URL), WSURL: srv.WSURL(), LiveID: srv.LiveID(), Out: t.TempDir()})
			if err != nil || len(res) != 2 || res[1].LiveID != tinyHalfID {
				t.Fatalf("Join: %v, results %+v; want both halves", err, res)
			}
			const half_ms = mock.TinyStart_ms + 900 // the PLAY_NEXT
			second := res[1]
			var dec decode.Decoder
			var m decode.Message
			shots := 0
			for _, l := range readLines(t, filepath.Join(second.Dir, decode.BundleMessages)) {
				if dec.Decode(l, &m) != nil {
					continue
				}
				if m.Kind == decode.KindShot {
					shots++
				}
				if bytes.Contains(l, []byte(`"rest_join"`)) && m.OccurredAt_ms() <= half_ms {
					t.Errorf("second half: the first half's state fed: %s", l)
				}
			}
			if shots != 1 {
				t.Errorf("second half: %d shot messages, want its one", shots)
			}
			if s := second.Summary; s == nil || s.Start_ms < half_ms {
				t.Fatalf("second half: summary %+v, want it to start at the PLAY_NEXT (%d) or later", s, half_ms)
			}
			for _, b := range second.Summary.BoxScore {
				if b.PlayerID == 101 {
					t.Errorf("second half: box score of player 101, who had stats in the first half only: %+v", b)
				}
			}
		})
	}
}
