package track

import (
	"cmp"
	"fmt"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// TestMessageBadTime: a stats, marker or shot message with a wrong clock
// (occurred_at 1000, an hour ahead) is counted in Quality.BadTimes and
// leaves the session's span alone, and keeps its effect (the box score
// update applies, the shot and the marker leave as segments). Before,
// nothing counted it and it moved the span: a stats line at 1000 set a
// game's start to 1970, one an hour ahead made it last an hour. The
// messages a feed sends about its past (a resent marker, a join's REST
// shots) and after its locations stop still widen the span.
func TestMessageBadTime(t *testing.T) {
	const hour = 3_600_000
	locs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 30, noise_m: 0.02, seed: 4, sensors: []genSensor{
		{id: 1, p: circle(4, 3)}, {id: 2, p: still(3, 3)}, {id: 99, ball: true, p: circle(2, 5)},
	}})
	last := locs[len(locs)-1].Location.OccurredAt_ms
	stats := func(t_ms int64) string {
		return fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":7,"player_id":1,"stats":{"PTS":99},"classification":"TWO_POINT_MAKE","version":5}}`, t_ms)
	}
	marker := func(t_ms int64, kind string) string {
		return fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"%s"}}`, t_ms, kind)
	}
	shot := func(t_ms int64, src string) string {
		return fmt.Sprintf(`{"type":"shot",%s"data":{"occurred_at":%d,"team_id":7,"player_id":1,"is_make":true,"is_3point":false,"zone":3}}`, src, t_ms)
	}
	const join = `"stmotion_source":"rest_join",`
	// runWith feeds the locations with line at position at (first, mid
	// or last).
	runWith := func(t *testing.T, meta Meta, line, at string) (*collect, *Summary) {
		t.Helper()
		c := &collect{}
		s, err := NewSession(DefaultConfig(), meta, c)
		if err != nil {
			t.Fatal(err)
		}
		feedLine := lineFeeder(t, s, true)
		i := map[string]int{"first": 0, "mid": len(locs) / 2, "last": len(locs), "": -1}[at]
		for k := range locs {
			if k == i {
				feedLine(line)
			}
			if err := s.Feed(&locs[k]); err != nil {
				t.Fatal(err)
			}
		}
		if i == len(locs) {
			feedLine(line)
		}
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		return c, sum
	}
	_, clean := runWith(t, Meta{}, "", "")
	mid := locs[len(locs)/2].Location.OccurredAt_ms
	// The newest location time when a line comes mid-feed, and the first
	// location time: what a shot or marker with a bad time before them
	// takes (the time it came at).
	var cameMid int64
	for _, m := range locs[:len(locs)/2] {
		cameMid = max(cameMid, m.Location.OccurredAt_ms)
	}
	first := locs[0].Location.OccurredAt_ms
	cases := []struct {
		name       string
		meta       Meta
		line, at   string
		bad        int64
		start, end int64 // the span; 0: the clean feed's
		t_ms       int64 // the shot's or marker's time; 0: its own
	}{
		{"stats at 1000", Meta{}, stats(1000), "mid", 1, 0, 0, 0},
		{"stats an hour ahead", Meta{}, stats(mid + hour), "mid", 1, 0, 0, 0},
		{"stats at 1000 first", Meta{}, stats(1000), "first", 1, 0, 0, 0},
		{"stats at 0", Meta{}, stats(0), "mid", 1, 0, 0, 0},
		{"stats two days before, event unknown", Meta{}, stats(t0 - 48*hour), "mid", 1, 0, 0, 0},
		{"marker an hour ahead", Meta{}, marker(mid+hour, "PAUSED"), "mid", 1, 0, 0, 0},
		{"shot at 1000", Meta{}, shot(1000, ""), "mid", 1, 0, 0, cameMid},
		{"shot an hour ahead first", Meta{}, shot(t0+hour, ""), "first", 1, 0, 0, 0},
		{"marker an hour before the event", Meta{EventStart_ms: t0}, marker(t0-hour, "PLAY_START"), "first", 1, 0, 0, first},
		{"marker at 1000", Meta{}, marker(1000, "PAUSED"), "mid", 1, 0, 0, cameMid},
		{"marker at 1000 first", Meta{}, marker(1000, "PLAY_START"), "first", 1, 0, 0, first},
		// Not wrong clocks.
		{"stats on time", Meta{}, stats(mid), "mid", 0, 0, 0, 0},
		{"marker after the locations stop", Meta{}, marker(last+120_000, "PLAY_END"), "last", 0, 0, last + 120_000, 0},
		{"marker resent from an hour before, event unknown", Meta{}, marker(t0-hour, "PLAY_START"), "first", 0, t0 - hour, 0, 0},
		{"marker from an hour before mid-session, event unknown", Meta{}, marker(t0-hour, "PLAY_START"), "mid", 0, t0 - hour, 0, 0},
		{"marker within the event", Meta{EventStart_ms: t0 - hour}, marker(t0-hour, "PLAY_START"), "mid", 0, t0 - hour, 0, 0},
		{"REST shot from an hour before", Meta{}, shot(t0-hour, join), "first", 0, t0 - hour, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			col, sum := runWith(t, c.meta, c.line, c.at)
			start, end := cmp.Or(c.start, clean.Start_ms), cmp.Or(c.end, clean.End_ms)
			if q := sum.Quality; q.BadTimes != c.bad || q.Late != 0 || q.Duplicates != 0 {
				t.Errorf("bad times %d, late %d, duplicates %d; want %d, 0, 0", q.BadTimes, q.Late, q.Duplicates, c.bad)
			}
			if sum.Start_ms != start || sum.End_ms != end {
				t.Errorf("span %d..%d ms, want %d..%d (clean %d..%d)", sum.Start_ms, sum.End_ms, start, end, clean.Start_ms, clean.End_ms)
			}
			// The message keeps its effect.
			var m decode.Message
			var dec decode.Decoder
			if err := dec.Decode([]byte(c.line), &m); err != nil {
				t.Fatal(err)
			}
			switch m.Kind {
			case decode.KindStats:
				if b := sum.BoxScore; len(b) != 1 || b[0].Values["PTS"] != 99 {
					t.Errorf("box score %+v, want PTS 99", b)
				}
			case decode.KindShot:
				if g := col.segs(SegFeedShot); len(g) != 1 || g[0].Start_ms != cmp.Or(c.t_ms, m.Shot.OccurredAt_ms) {
					t.Errorf("shots %+v, want the one at %d", g, cmp.Or(c.t_ms, m.Shot.OccurredAt_ms))
				}
			case decode.KindMarker:
				if g := col.segs(SegMarker); len(g) != 1 || g[0].Start_ms != cmp.Or(c.t_ms, m.Marker.OccurredAt_ms) {
					t.Errorf("markers %+v, want the one at %d", g, cmp.Or(c.t_ms, m.Marker.OccurredAt_ms))
				}
			}
			own := map[decode.Kind]int64{decode.KindStats: m.Stats.OccurredAt_ms, decode.KindShot: m.Shot.OccurredAt_ms, decode.KindMarker: m.Marker.OccurredAt_ms}[m.Kind]
			if want := own * min(c.bad, 1); sum.FirstBadMessage_ms != want {
				t.Errorf("FirstBadMessage_ms %d, want %d", sum.FirstBadMessage_ms, want)
			}
		})
	}
}

// TestMessageAheadReached: a stats or marker message ahead of the
// location feed is a bad time only when the feed goes on without it.
// Reached by the feed, it widens the span: the feed resuming after a
// silence (a dead ball with the feed off) past a message sent during it,
// and a feed whose clock jumped as a whole, its messages on the new
// clock arriving just before its locations. Both had been counted bad
// once the newest location time moved a reorder window on, whether it
// reached the messages or not.
func TestMessageAheadReached(t *testing.T) {
	const hour = 3_600_000
	sensors := []genSensor{{id: 1, p: circle(4, 3)}, {id: 2, p: still(3, 3)}, {id: 99, ball: true, p: circle(2, 5)}}
	locs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 20, noise_m: 0.02, seed: 5, sensors: sensors})
	stats := func(t_ms int64) string {
		return fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":7,"player_id":1,"stats":{"PTS":2},"classification":"TWO_POINT_MAKE","version":5}}`, t_ms)
	}
	marker := func(t_ms int64) string {
		return fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PAUSED"}}`, t_ms)
	}
	run := func(t *testing.T, locs []decode.Message, at int, lines ...string) *Summary {
		t.Helper()
		s, err := NewSession(DefaultConfig(), Meta{})
		if err != nil {
			t.Fatal(err)
		}
		feedLine := lineFeeder(t, s, true)
		for k := range locs {
			if k == at {
				for _, l := range lines {
					feedLine(l)
				}
			}
			if err := s.Feed(&locs[k]); err != nil {
				t.Fatal(err)
			}
		}
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	check := func(t *testing.T, sum *Summary, start, end int64) {
		t.Helper()
		if q := sum.Quality; q.BadTimes != 0 || q.BadTimeMessages != 0 {
			t.Errorf("bad times %d (messages %d), want 0", q.BadTimes, q.BadTimeMessages)
		}
		if sum.Start_ms != start || sum.End_ms != end {
			t.Errorf("span %d..%d ms, want %d..%d", sum.Start_ms, sum.End_ms, start, end)
		}
	}
	t.Run("silence", func(t *testing.T) {
		// The feed silent from 10 s to 13.1 s; a stats line and a marker
		// 2 s into the silence.
		var cut []decode.Message
		at := -1
		for _, m := range locs {
			if d := m.Location.OccurredAt_ms - t0; d >= 10_000 && d < 13_100 {
				continue
			} else if d >= 13_100 && at < 0 {
				at = len(cut)
			}
			cut = append(cut, m)
		}
		sum := run(t, cut, at, stats(t0+12_000), marker(t0+12_000))
		check(t, sum, t0, cut[len(cut)-1].Location.OccurredAt_ms)
	})
	t.Run("whole feed jumps", func(t *testing.T) {
		// From 10 s on, every sensor's clock an hour ahead; the stats
		// line and the marker on the new clock come first.
		jumped := append([]decode.Message(nil), locs...)
		at := -1
		for i := range jumped {
			if jumped[i].Location.OccurredAt_ms-t0 >= 10_000 {
				if at < 0 {
					at = i
				}
				jumped[i].Location.OccurredAt_ms += hour
			}
		}
		newT := jumped[at].Location.OccurredAt_ms
		sum := run(t, jumped, at, stats(newT+200), marker(newT+300))
		check(t, sum, t0, jumped[len(jumped)-1].Location.OccurredAt_ms)
	})
}

// TestMessageSecondsKeptOut: stats and shot messages whose occurred_at
// is in seconds (the locations in ms) keep their content, not their
// time. Before, each DIST was checked as a point of January 1970 (against
// the engine's distance before its first tick: DIST checks dated 1970,
// and players flagged "feed counts more than any engine definition" for
// a time unit), and each shot landed in 1970 with period 0. Now a DIST
// in seconds is no check (the box score takes it), and a shot takes the
// period and time the feed had reached when it came; a marker in
// seconds is applied where it came (a PAUSED in seconds had been applied
// at the first tick, the whole game paused).
func TestMessageSecondsKeptOut(t *testing.T) {
	locs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 30, noise_m: 0.02, seed: 6, sensors: []genSensor{
		{id: 1, p: circle(4, 3)}, {id: 2, p: line(1, 0)}, {id: 99, ball: true, p: circle(2, 5)},
	}})
	for _, sec := range []bool{false, true} {
		unit := func(t_ms int64) int64 {
			if sec {
				return t_ms / 1000
			}
			return t_ms
		}
		c := &collect{}
		s, err := NewSession(DefaultConfig(), Meta{}, c)
		if err != nil {
			t.Fatal(err)
		}
		feedLine := lineFeeder(t, s, true)
		feedLine(fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_START"}}`, t0))
		feedLine(fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"LIVE"}}`, t0))
		var came int64 // the newest location time when the shot came
		for k := range locs {
			tm := locs[k].Location.OccurredAt_ms
			if k > 0 && k%250 == 0 {
				// A DIST every 3 s or so, for player 1 (the feed's own
				// distance: the circle's).
				d_cm := 100 * float64(tm-t0) / 1000 * 3
				feedLine(fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":7,"player_id":1,"stats":{"DIST":%.0f},"classification":"DISTANCE","version":%d}}`, unit(tm), d_cm, k))
			}
			if k == len(locs)/2 {
				came = locs[k-1].Location.OccurredAt_ms
				for _, l := range locs[:k] {
					came = max(came, l.Location.OccurredAt_ms)
				}
				feedLine(fmt.Sprintf(`{"type":"shot","data":{"occurred_at":%d,"team_id":7,"player_id":1,"is_make":true,"is_3point":false,"zone":3}}`, unit(tm)))
			}
			if k == 3*len(locs)/4 {
				feedLine(fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PAUSED"}}`, unit(tm)))
			}
			if err := s.Feed(&locs[k]); err != nil {
				t.Fatal(err)
			}
		}
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		checks := c.segs(SegDistCheck)
		shots := c.segs(SegFeedShot)
		q := sum.Quality
		t.Logf("seconds %v: %d DIST checks, shots %+v, bad time messages %d", sec, len(checks), shots, q.BadTimeMessages)
		if len(shots) != 1 || shots[0].Period != 1 {
			t.Fatalf("seconds %v: shots %+v, want one in period 1", sec, shots)
		}
		live := player(sum, 2).DistanceLive_m
		if !sec {
			if len(checks) == 0 || q.BadTimeMessages != 0 {
				t.Fatalf("ms: %d DIST checks, %d bad times: want checks, no bad time", len(checks), q.BadTimeMessages)
			}
			if live < 0.6*player(sum, 2).Distance_m {
				t.Fatalf("ms: live distance %.1f of %.1f m: the PAUSED at 3/4 came early", live, player(sum, 2).Distance_m)
			}
			continue
		}
		for _, g := range checks {
			if g.Start_ms < t0 {
				t.Errorf("a DIST check at %d, before the session (%d)", g.Start_ms, t0)
			}
		}
		if p := player(sum, 1); p.DistFlag != "" || sum.BoxScore[0].Values["DIST"] == 0 {
			t.Errorf("player 1: DIST flag %q, box score %+v: want no flag, the feed's DIST kept", p.DistFlag, sum.BoxScore)
		}
		if shots[0].Start_ms != came {
			t.Errorf("shot at %d, want %d (the newest location time when it came)", shots[0].Start_ms, came)
		}
		if n := int64(len(locs)/250 + 2); q.BadTimeMessages != n-1 && q.BadTimeMessages != n {
			t.Errorf("bad time messages %d, want every DIST, the shot and the PAUSED (%d)", q.BadTimeMessages, n)
		}
		if live < 0.6*player(sum, 2).Distance_m {
			t.Errorf("live distance %.1f of %.1f m: the PAUSED in seconds paused the game from its start", live, player(sum, 2).Distance_m)
		}
		if sum.FirstBadMessage_ms >= t0/100 {
			t.Errorf("FirstBadMessage_ms %d, want the first DIST's time in seconds", sum.FirstBadMessage_ms)
		}
	}
}
