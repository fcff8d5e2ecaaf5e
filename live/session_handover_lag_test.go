package live_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// closeNormally ends a scripted connection with a normal close (1000)
// and waits for the client to close it.
func closeNormally(c *scriptConn) {
	c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.wait(c.closed)
}

// TestJoinHandoverWaitsForLaggingFeed: at a PLAY_NEXT handover right
// after a stall, the old feed is still delivering its backlog when the
// next live id's feed starts, at the server's current time, and goes on
// past the engine's reorder window before the old feed has caught up.
// The session must read the old feed until it has (holding the new
// feed's messages meanwhile), so that nothing is lost: it used to close
// the old feed once the new one was the reorder window past its start,
// and what lay between was lost, not gap-filled, not counted (in a soak
// test, 53 s of a practice drill at a handover after a 30 s stall: 7
// shots, 110 stats, 26k locations).
//
// The order is forced, not timed: the old feed sends its backlog (steps
// 11 to 19) only once the session has read the new feed's first 400 ms
// (steps 14 to 18: past the window, 350 ms at 10 Hz), and the new feed
// sends the rest only once the old one is closed.
func TestJoinHandoverWaitsForLaggingFeed(t *testing.T) {
	dir := tinyHalves(t)
	lines := readLines(t, filepath.Join(dir, decode.BundleMessages))
	at := func(t_ms int64) int { return locationAt(t, lines, t_ms) }
	step11, step14, step19 := at(mock.TinyStart_ms+1100), at(mock.TinyStart_ms+1400), at(mock.TinyStart_ms+1900)

	srv := serveMock(t, dir, mock.Options{Speed: 0})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	newRead, oldClosed := make(chan struct{}), make(chan struct{})
	ws := scriptedFeed(t, ctx, func(n int, c *scriptConn) {
		switch n {
		case 1: // the first half, the PLAY_NEXT and step 10; the backlog once the new feed has been read
			defer close(oldClosed)
			_ = c.send(c.ack()) && c.send(lines[:step11]...) && c.wait(newRead) && c.send(lines[step11:]...)
			c.wait(c.closed)
		case 2: // the second half's feed, from step 14 (where the server is)
			if !c.send(c.ack()) || !c.send(lines[step14:step19]...) || !c.read() {
				return
			}
			close(newRead)
			if c.wait(oldClosed) && c.send(lines[step19:]...) {
				closeNormally(c)
			}
		}
	})
	m := live.NewMetrics()
	res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, srv.URL()), WSURL: ws.URL, LiveID: srv.LiveID(), Out: t.TempDir(), Metrics: m,
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	if err != nil || len(res) != 2 || res[1].LiveID != tinyHalfID {
		t.Fatalf("Join: %v, results %+v; want both halves", err, res)
	}
	r := res[1]
	fc := countFeed(readLines(t, filepath.Join(r.Dir, decode.BundleMessages)))
	const want = mock.TinySteps / 2 * 5 // steps 10 to 19
	if len(fc.locations) != want || fc.kinds[decode.KindLocation] != want {
		var missing []string
		for step := int64(mock.TinySteps / 2); step < mock.TinySteps; step++ {
			if t_ms := mock.TinyStart_ms + step*100; fc.locations[[2]int64{mock.TinyBallID, t_ms}] == 0 {
				missing = append(missing, fmt.Sprint(t_ms-mock.TinyStart_ms))
			}
		}
		t.Errorf("second half: %d locations recorded (%d distinct), want each of %d once; the ball missing at +%v ms (%s)",
			fc.kinds[decode.KindLocation], len(fc.locations), want, missing, r.String())
	}
	if r.Summary == nil || r.Summary.Quality.Locations != want {
		t.Errorf("second half: the engine took %+v locations, want %d (%s)", r.Summary, want, r.String())
	}
	if fc.shots[[2]int64{201, mock.TinyStart_ms + 1200}] != 1 {
		t.Errorf("second half: the shot at +1200 ms recorded %d times, want once", fc.shots[[2]int64{201, mock.TinyStart_ms + 1200}])
	}
	if r.HandoverGap != 0 || r.GapFilled != 0 || r.Offline != 0 || counterValue(t, m, "stmotion_live_handover_gap_seconds_total") != 0 {
		t.Errorf("%s: the old feed caught up: want nothing lost, no gap filled, no time offline", r.String())
	}
	onlyRepeats(t, r)
}

// TestJoinHandoverStopsIdleFeed: the old feed delivers nothing after
// step 10 (its connection stalled; a server that ends the old live id's
// data at the marker looks the same), while the next live id's feed
// starts at step 14 and goes on. The session stops waiting for the old
// feed once the new one has gone 2 s of feed time on, and the span
// between (steps 11 to 13, with the away player's missed 3-pointer and
// its stats at step 12) was delivered by neither: it must be counted as
// lost at the handover (SessionResult.HandoverGap, the result line, the
// metric), logged, and its shot and stats filled from the REST state
// ("rest_gap"). It used to be dropped silently: "0 gap-filled".
//
// The order is forced: the new feed starts only once the old one has
// delivered step 10, and ends only once the session has closed the old.
func TestJoinHandoverStopsIdleFeed(t *testing.T) {
	dir := tinyHalves(t)
	lines := readLines(t, filepath.Join(dir, decode.BundleMessages))
	at := func(t_ms int64) int { return locationAt(t, lines, t_ms) }
	step11, step14 := at(mock.TinyStart_ms+1100), at(mock.TinyStart_ms+1400)
	end := len(lines) - 1 // the PLAY_END
	if !bytes.Contains(lines[end], []byte(`"PLAY_END"`)) {
		t.Fatalf("tiny bundle: last line %s, want the PLAY_END", lines[end])
	}
	// The second half goes on for 1.8 s more: the ball alone, 10 Hz.
	var more [][]byte
	for t_ms := mock.TinyStart_ms + 2000; t_ms <= mock.TinyStart_ms+3800; t_ms += 100 {
		more = append(more, fmt.Appendf(nil, `{"type":"location","data":{"occurred_at":%d,"type":"BALL","id":%d,"x":%d,"y":0,"z":1000}}`, t_ms, mock.TinyBallID, t_ms-mock.TinyStart_ms))
	}
	playEnd := fmt.Appendf(nil, `{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_END"}}`, mock.TinyStart_ms+3900)
	const gapShot_ms = mock.TinyStart_ms + 1200

	srv := serveMock(t, dir, mock.Options{Speed: 0})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	oldRead, oldClosed := make(chan struct{}), make(chan struct{})
	ws := scriptedFeed(t, ctx, func(n int, c *scriptConn) {
		switch n {
		case 1: // the first half, the PLAY_NEXT and step 10; then nothing
			defer close(oldClosed)
			if c.send(c.ack()) && c.send(lines[:step11]...) && c.read() {
				close(oldRead)
			}
			c.wait(c.closed)
		case 2: // the second half's feed, from step 14
			if c.wait(oldRead) && c.send(c.ack()) && c.send(lines[step14:end]...) && c.send(more...) && c.wait(oldClosed) && c.send(playEnd) {
				closeNormally(c)
			}
		}
	})
	var logs syncBuffer
	m := live.NewMetrics()
	res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, srv.URL()), WSURL: ws.URL, LiveID: srv.LiveID(), Out: t.TempDir(),
		Metrics: m, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	if err != nil || len(res) != 2 || res[1].LiveID != tinyHalfID {
		t.Fatalf("Join: %v, results %+v; want both halves", err, res)
	}
	r := res[1]
	const lost = 400 * time.Millisecond // from step 10 to step 14
	if r.HandoverGap != lost || !strings.Contains(r.String(), ", 0.4 s of the feed lost at the handover") {
		t.Errorf("%s: want %s lost at the handover", r.String(), lost)
	}
	if got := counterValue(t, m, "stmotion_live_handover_gap_seconds_total"); got != lost.Seconds() {
		t.Errorf("stmotion_live_handover_gap_seconds_total %g, want %g", got, lost.Seconds())
	}
	if !strings.Contains(logs.String(), `level=WARN msg="live: 0.4 s of the feed lost at the handover`) {
		t.Errorf("no warning of the span lost; logs:\n%s", logs.String())
	}
	var gapShot, gapStats bool
	for _, l := range readLines(t, filepath.Join(r.Dir, decode.BundleMessages)) {
		if !bytes.Contains(l, []byte(`"stmotion_source":"rest_gap"`)) {
			continue
		}
		gapShot = gapShot || bytes.Contains(l, []byte(`"type":"shot"`)) && bytes.Contains(l, fmt.Appendf(nil, `"occurred_at":%d`, gapShot_ms))
		gapStats = gapStats || bytes.Contains(l, []byte(`"type":"stats"`)) && bytes.Contains(l, []byte(`"player_id":201`))
	}
	if !gapShot || !gapStats || r.GapFilled == 0 {
		t.Errorf("second half: gap-filled shot at +1200 ms %v, player 201's stats %v; want both (%s)", gapShot, gapStats, r.String())
	}
	fc := countFeed(readLines(t, filepath.Join(r.Dir, decode.BundleMessages)))
	if wantLoc := 5 + 6*5 + len(more); fc.kinds[decode.KindLocation] != wantLoc || len(fc.locations) != wantLoc {
		t.Errorf("second half: %d locations recorded (%d distinct), want %d: step 10, steps 14 to 19 and the ball's %d after",
			fc.kinds[decode.KindLocation], len(fc.locations), wantLoc, len(more))
	}
	onlyRepeats(t, r)
}
