package track

import (
	"math"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track/possession"
)

// runGameWithout runs the simulated game sc through the engine with the
// possession and heatmap analyzers, as analyze does, leaving out the
// messages for which skip is true (nil: none). It returns the sink's
// copies and the summary.
func runGameWithout(t *testing.T, sc synth.Config, skip func(*decode.Message) bool) *collect {
	t.Helper()
	_, meta, messages := synthBundle(t, sc)
	var c collect
	s, err := NewSession(DefaultConfig(), meta, &c)
	if err != nil {
		t.Fatal(err)
	}
	attachAnalyzers(t, s, meta, false)
	r, err := decode.OpenRecording(messages, decode.ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var m decode.Message
	for r.Next(&m) {
		if skip != nil && skip(&m) {
			continue
		}
		if err := s.Feed(&m); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return &c
}

// clockStops returns the times at which the clock stopped (PAUSED or FOUL
// after LIVE) in the markers of c.
func clockStops(c *collect) []int64 {
	var stops []int64
	live := false
	for _, g := range c.segments {
		if g.Type != SegMarker {
			continue
		}
		switch g.Label {
		case "LIVE":
			live = true
		case "PAUSED", "FOUL":
			if live {
				stops = append(stops, g.Start_ms)
			}
			live = false
		}
	}
	return stops
}

// TestPossessionAcrossFeedSilence: the whole feed falls silent 40 ms
// before the clock stops and stays silent for 7 s (as in the SportVU
// fragment). The frames resume in another state, seconds later; the time
// in between must be counted in the clock state of each part of it, not
// all as live. Before the markers reached the detector at their own
// instants, each such silence added up to 7 s to the team in control
// (the fragment's teams held 42.2 s of possession in 38.7 s of live time).
func TestPossessionAcrossFeedSilence(t *testing.T) {
	sc := synth.SampleConfig()
	full := runGameWithout(t, sc, nil)
	stops := clockStops(full)
	if len(stops) < 2 {
		t.Fatalf("the sample game has %d clock stops, want at least 2", len(stops))
	}
	silent := func(m *decode.Message) bool {
		if m.Kind != decode.KindLocation {
			return false
		}
		for _, tc := range stops {
			if t := m.Location.OccurredAt_ms; t >= tc-40 && t < tc+7000 {
				return true
			}
		}
		return false
	}
	cut := runGameWithout(t, sc, silent)
	for i, tm := range full.sum.Teams {
		got := cut.sum.Teams[i]
		// The silences take the ball away for 7 s after each stop, which
		// moves a few possessions; they must not add time.
		if got.Possession_s > tm.Possession_s+0.5 {
			t.Errorf("team %d: %.2f s of possession with %d silences at the clock stops, %.2f s without",
				tm.TeamID, got.Possession_s, len(stops), tm.Possession_s)
		}
	}
	for i, p := range full.sum.Players {
		if got := cut.sum.Players[i]; got.Possession_s > p.Possession_s+0.5 {
			t.Errorf("player %d: %.2f s of possession with the silences, %.2f s without", p.PlayerID, got.Possession_s, p.Possession_s)
		}
	}
}

// TestEventPeriods: an event takes the period of its start, not the
// period in force when the detector decides it, and a team possession
// ends with its period (one ran through half time). The detector decides a
// possession when it ends and a shot when its flight ends, so the last
// ones of a period were labelled with the next period, or with 0 after
// the period's end marker (a shot released 1.6 s before END_FIRST_HALF in
// this game), and the heatmaps' attacking directions took such shots for
// the wrong period.
func TestEventPeriods(t *testing.T) {
	sc := synth.DefaultConfig()
	sc.Seed = 1
	c := runGameWithout(t, sc, nil)
	// The period of the first row at or after each time, from the samples.
	periodAt := func(t_ms int64) int32 {
		for _, r := range c.samples {
			if r.T_ms >= t_ms {
				return r.Period
			}
		}
		return -1
	}
	// The period of the last row before a time.
	periodBefore := func(t_ms int64) int32 {
		p := int32(-1)
		for _, r := range c.samples {
			if r.T_ms < t_ms {
				p = r.Period
			}
		}
		return p
	}
	checked := map[SegmentType]int{}
	for _, g := range c.segments {
		switch g.Type {
		case SegPossession, SegTeamPossession, SegPass, SegShot, SegTurnover, SegRebound:
		default:
			continue
		}
		checked[g.Type]++
		if g.Type == SegTeamPossession && g.End_ms > g.Start_ms && periodBefore(g.End_ms) != periodAt(g.Start_ms) {
			t.Errorf("team possession %d..%d ms (team %d) runs from period %d into %d",
				g.Start_ms-c.sum.Start_ms, g.End_ms-c.sum.Start_ms, g.TeamID, periodAt(g.Start_ms), periodBefore(g.End_ms))
		}
		if want := periodAt(g.Start_ms); g.Period != want {
			t.Errorf("%v %d..%d ms (player %d, team %d): period %d, want %d, the period of its start",
				g.Type, g.Start_ms-c.sum.Start_ms, g.End_ms-c.sum.Start_ms, g.PlayerID, g.TeamID, g.Period, want)
		}
	}
	if checked[SegShot] == 0 || checked[SegPossession] == 0 {
		t.Fatalf("checked %v: the game has no shots or possessions", checked)
	}
}

// TestClockChangesBounded: a flood of LIVE / PAUSED markers (and period
// changes) with no location sample between them keeps the possession
// analyzer's clock changes within maxClockChanges; before, each marker
// added one until the next frame, which never came.
func TestClockChangesBounded(t *testing.T) {
	const markers = 100_000
	s, err := NewSession(DefaultConfig(), Meta{}, &discard{})
	if err != nil {
		t.Fatal(err)
	}
	poss := NewPossessionAnalyzer(nil, possession.ConfigFor(court.NBA))
	if err := s.Attach(poss); err != nil {
		t.Fatal(err)
	}
	types := []decode.MarkerType{decode.MarkerLive, decode.MarkerPaused, decode.MarkerPlayStart, decode.MarkerLive, decode.MarkerFoul, decode.MarkerPlayEnd}
	most := 0
	for i := range markers {
		m := markerMsg(t0+int64(i)*10, types[i%len(types)])
		if err := s.Feed(&m); err != nil {
			t.Fatal(err)
		}
		most = max(most, len(poss.changes))
	}
	if most > maxClockChanges {
		t.Errorf("%d markers without a frame: the possession analyzer held up to %d clock changes, want at most %d", markers, most, maxClockChanges)
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestBallSensorSilentInLivePlay: the ball's sensor falls silent for the
// longest live stretch of the sample game but 2 s at each end (a dead
// battery, out of range), while the players go on. Before, the team in
// control when it fell silent was credited the whole silence (the
// review's game: 162 s to one team, which held the ball 67 s of it), and
// nothing said so. No team is in control of a ball unseen for longer
// than LostBall_ms, and the time is Quality.BallUnseenLive_s.
func TestBallSensorSilentInLivePlay(t *testing.T) {
	sc := synth.SampleConfig()
	full := runGameWithout(t, sc, nil)
	// The longest live stretch, from the markers.
	var from, to, liveAt int64
	live := false
	for _, g := range full.segments {
		if g.Type != SegMarker {
			continue
		}
		switch {
		case g.Label == "LIVE" && !live:
			live, liveAt = true, g.Start_ms
		case (g.Label == "PAUSED" || g.Label == "FOUL") && live:
			live = false
			if g.Start_ms-liveAt > to-from {
				from, to = liveAt, g.Start_ms
			}
		}
	}
	from, to = from+2000, to-2000
	if to-from < 20_000 {
		t.Fatalf("the sample game's longest live stretch is %d ms, want 24 s or more", to-from+4000)
	}
	silent := func(m *decode.Message) bool {
		return m.Kind == decode.KindLocation && m.Location.Sensor == decode.SensorBall &&
			m.Location.OccurredAt_ms >= from && m.Location.OccurredAt_ms < to
	}
	cut := runGameWithout(t, sc, silent)
	silence_s := float64(to-from) / 1000
	// The silence is seen from 0.4 s after the ball's last sample (up to a
	// grid period before it) until its first one after.
	got, was := cut.sum.Quality.BallUnseenLive_s, full.sum.Quality.BallUnseenLive_s
	if want := silence_s - 0.4 + was; math.Abs(got-want) > 0.2 {
		t.Errorf("ball unseen in live play for %.2f s with a %.1f s silence (%.2f s without it), want %.2f", got, silence_s, was, want)
	}
	for i, tm := range full.sum.Teams {
		g := cut.sum.Teams[i]
		// The silence moves a few possessions; it must not add time.
		if g.Possession_s > tm.Possession_s+1 {
			t.Errorf("team %d: %.1f s of possession with the ball silent for %.1f s, %.1f s without",
				tm.TeamID, g.Possession_s, silence_s, tm.Possession_s)
		}
	}
	t.Logf("silence %.1f s of live play: ball unseen %.2f s (%.2f without); teams %v, without %v",
		silence_s, got, was, teamSeconds(cut.sum), teamSeconds(full.sum))
}

func teamSeconds(sum *Summary) map[int64]float64 {
	m := map[int64]float64{}
	for _, tm := range sum.Teams {
		m[tm.TeamID] = math.Round(tm.Possession_s*10) / 10
	}
	return m
}

// TestBallUnseenTellsFeedSilence: the game ball's time unseen
// (Quality.BallUnseenLive_s, which names the ball's sensor as silent in a
// warning from 30 s on) counts the ball's own silence in live play, not a
// silence of the whole feed, in which every sensor was missing (an outage
// of the feed, or the span of it stmotion live lost): a soak test's feed
// gaps of 30 to 65 s were reported as the ball's "dead battery". The
// sample game's longest live stretch loses, in one run, every location
// for its middle 15 s, in another only the ball's, and in a third every
// data message from there to the end (the markers go on).
func TestBallUnseenTellsFeedSilence(t *testing.T) {
	sc := synth.SampleConfig()
	full := runGameWithout(t, sc, nil)
	// The longest stretch of live clock, from the markers.
	var from, to, liveFrom int64
	live := false
	for _, g := range full.segments {
		if g.Type != SegMarker {
			continue
		}
		switch g.Label {
		case "LIVE":
			if !live {
				liveFrom = g.Start_ms
			}
			live = true
		case "PAUSED", "FOUL":
			if live && g.Start_ms-liveFrom > to-from {
				from, to = liveFrom, g.Start_ms
			}
			live = false
		}
	}
	const silence_ms = 15_000
	if to-from < silence_ms+4000 {
		t.Fatalf("the sample game's longest live stretch is %d ms, want %d ms or more", to-from, silence_ms+4000)
	}
	start := from + (to-from-silence_ms)/2
	in := func(m *decode.Message) bool {
		return m.Kind == decode.KindLocation && m.Location.OccurredAt_ms >= start && m.Location.OccurredAt_ms < start+silence_ms
	}
	feed := runGameWithout(t, sc, in)
	ball := runGameWithout(t, sc, func(m *decode.Message) bool { return in(m) && m.Location.Sensor == decode.SensorBall })
	base := full.sum.Quality.BallUnseenLive_s
	// (The silence may take a dropout of the ball's with it: less, not
	// more.)
	if got := feed.sum.Quality.BallUnseenLive_s - base; got > 0.1 {
		t.Errorf("every sensor silent for %d ms of live play: the ball unseen %.2f s more (%.2f s in all), want none: the feed was silent, not the ball",
			silence_ms, got, feed.sum.Quality.BallUnseenLive_s)
	}
	if got, want := ball.sum.Quality.BallUnseenLive_s-base, float64(silence_ms)/1000-0.4; math.Abs(got-want) > 0.1 {
		t.Errorf("the ball alone silent for %d ms of live play: unseen %.2f s more, want %.2f s (all but LostBall_ms)", silence_ms, got, want)
	}
	// A feed whose data stops there for good, its markers going on (what
	// live recorded of a live id whose feed stalled and came back past
	// its round's end, with the round's markers: 65 s "unseen" in a soak
	// test): no frame follows the silence.
	tail := runGameWithout(t, sc, func(m *decode.Message) bool { return m.Kind != decode.KindMarker && m.OccurredAt_ms() >= start })
	if tail.sum.End_ms < start+30_000 {
		t.Fatalf("the session without data from %d ms on ends at %d ms: want its markers' span", start, tail.sum.End_ms)
	}
	if got := tail.sum.Quality.BallUnseenLive_s - base; got > 0.1 {
		t.Errorf("no data from the middle of a live stretch on: the ball unseen %.2f s more (%.2f s in all), want none",
			got, tail.sum.Quality.BallUnseenLive_s)
	}
}
