package live_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// tinyWithPause writes the tiny bundle with a PLAY_END 950 ms in and
// the rest of the feed 1.5 s later: an end marker the event goes on
// after (the live id is still active during the pause).
func tinyWithPause(t *testing.T) string {
	t.Helper()
	dir, p, data := tinyMessages(t)
	const pause_ms = 1500
	at := regexp.MustCompile(`"occurred_at":(\d+)`)
	var out []byte
	paused := false
	for _, l := range mock.Lines(data) {
		m := at.FindSubmatchIndex(l)
		t_ms, _ := strconv.ParseInt(string(l[m[2]:m[3]]), 10, 64)
		if t_ms >= mock.TinyStart_ms+1000 {
			if !paused {
				out = fmt.Appendf(out, `{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_END"}}`+"\n", mock.TinyStart_ms+950)
				paused = true
			}
			l = fmt.Appendf(nil, "%s%d%s", l[:m[2]], t_ms+pause_ms, l[m[3]:])
		}
		out = append(append(out, l...), '\n')
	}
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestJoinEndsWhenLiveIDInactive: a server that keeps the socket open
// after the feed's last PLAY_END (mock EndOpen). Join follows the feed
// through an earlier PLAY_END the event goes on after (the live id is
// still active: the rest of the feed is recorded), and once the feed is
// quiet after the last one and the API says the live id is no longer
// active, Join ends by itself, cleanly.
func TestJoinEndsWhenLiveIDInactive(t *testing.T) {
	srv, _ := liveMock(t, tinyWithPause(t), mock.Options{Speed: 1, EndOpen: true})
	c, pc := countingClient(t, srv.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	health := &live.Health{}
	r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: t.TempDir(), Health: health, EndCheck: 100 * time.Millisecond})
	if ctx.Err() != nil {
		t.Fatalf("Join ended only when its context did: the end of the event was not detected (%s)", r.String())
	}
	// The locations after the pause (the mock joins its clock, so the
	// very first step may be missed).
	_, hi, _ := locationTimes(t, r.Dir)
	after := 0
	fc := countFeed(readLines(t, filepath.Join(r.Dir, decode.BundleMessages)))
	for k, n := range fc.locations {
		if k[1] >= mock.TinyStart_ms+2500 {
			after += n
		}
	}
	if after != mock.TinySteps/2*5 || hi != mock.TinyStart_ms+3400 || fc.kinds[decode.KindMarker] != 3 {
		t.Errorf("recorded %d locations after the pause (the last at %d), %d markers; want %d (the last at %d) and LIVE and both PLAY_ENDs",
			after, hi, fc.kinds[decode.KindMarker], mock.TinySteps/2*5, mock.TinyStart_ms+3400)
	}
	if n := pc.count(srv.LiveID()); n < 3 {
		t.Errorf("live information asked %d times, want the join's, during the pause, and at the end", n)
	}
	if st := health.Report().Status; st != "finished" {
		t.Errorf("health %q, want finished", st)
	}
}
