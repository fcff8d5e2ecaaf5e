package track

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// TestMarkerNextLiveID: a PLAY_NEXT / DRILL_NEXT marker's segment names
// the live id the marker names (unescaped, copied: the input is reused
// after FeedLine), other markers none; Feed, without the input, names
// none either. And each marker's period.
func TestMarkerNextLiveID(t *testing.T) {
	const t0 = int64(1_700_000_000_000)
	lines := []string{
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_START"}}`, t0),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"END_FIRST_HALF"}}`, t0+1000),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"half-2\/b","type":"PLAY_NEXT"}}`, t0+1001),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"drill-3","type":"DRILL_NEXT"}}`, t0+1002),
	}
	for _, withLine := range []bool{true, false} {
		c := &collect{}
		s, err := NewSession(DefaultConfig(), Meta{}, c)
		if err != nil {
			t.Fatal(err)
		}
		var dec decode.Decoder
		var m decode.Message
		buf := make([]byte, 0, 256)
		for _, l := range lines {
			buf = append(buf[:0], l...)
			if err := dec.Decode(buf, &m); err != nil {
				t.Fatal(err)
			}
			if withLine {
				err = s.FeedLine(&m, buf)
			} else {
				err = s.Feed(&m)
			}
			if err != nil {
				t.Fatal(err)
			}
			clear(buf[:cap(buf)]) // the engine must have copied what it keeps
		}
		if _, err := s.Close(); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"PLAY_START": "", "END_FIRST_HALF": "", "PLAY_NEXT": "half-2/b", "DRILL_NEXT": "drill-3"}
		if !withLine {
			want["PLAY_NEXT"], want["DRILL_NEXT"] = "", ""
		}
		got := map[string]string{}
		for _, g := range c.segs(SegMarker) {
			got[g.Label] = g.NextLiveID
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("with line %v: marker → next live id %v, want %v", withLine, got, want)
		}
		// The period: the one a start opens or an end closes; 0 for a
		// marker between periods (the PLAY_NEXT at half time had said 1).
		periods := map[string]int32{}
		for _, g := range c.segs(SegMarker) {
			periods[g.Label] = g.Period
		}
		if wantP := map[string]int32{"PLAY_START": 1, "END_FIRST_HALF": 1, "PLAY_NEXT": 0, "DRILL_NEXT": 0}; fmt.Sprint(periods) != fmt.Sprint(wantP) {
			t.Errorf("with line %v: marker periods %v, want %v", withLine, periods, wantP)
		}
	}
}

// TestDrillFollowedKeepsNumber: a drill's live id, a session of its own
// (followed live from the previous drill's DRILL_NEXT, or its bundle
// analysed alone), numbers its drill as the whole practice's session
// does when it starts from where the previous live id's session left
// the count (Meta.Periods from Session.NextPeriods); without it (a live
// join straight into the drill) its drill is period 1.
func TestDrillFollowedKeepsNumber(t *testing.T) {
	m := func(s int64, typ decode.MarkerType) decode.Message { return markerMsg(t0+s*1000, typ) }
	feed := func(from_s, to_s float64) []decode.Message {
		var out []decode.Message
		for _, x := range gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 90, noise_m: 0.02, seed: 3, sensors: []genSensor{{id: 1, p: circle(5, 2)}}}) {
			if tt := x.OccurredAt_ms(); tt >= t0+int64(from_s*1000) && tt < t0+int64(to_s*1000) {
				out = append(out, x)
			}
		}
		return out
	}
	// periodAt is the period of player 1's samples from t0+from_s to
	// t0+to_s, -1 when they differ.
	periodAt := func(c *collect, from_s, to_s int64) int32 {
		p := int32(-2)
		for _, s := range c.of(1) {
			if s.T_ms < t0+from_s*1000 || s.T_ms > t0+to_s*1000 {
				continue
			}
			if p != -2 && s.Period != p {
				return -1
			}
			p = s.Period
		}
		return p
	}
	// clockAt is the clock of player 1's samples from t0+from_s to
	// t0+to_s, ClockFoul+1 when they differ.
	clockAt := func(c *collect, from_s, to_s int64) ClockState {
		k, seen := ClockUnknown, false
		for _, s := range c.of(1) {
			if s.T_ms < t0+from_s*1000 || s.T_ms > t0+to_s*1000 {
				continue
			}
			if seen && s.Clock != k {
				return ClockFoul + 1
			}
			k, seen = s.Clock, true
		}
		return k
	}
	cases := []struct {
		name         string
		first, other []decode.Message // the marker of the first live id (up to its DRILL_NEXT), the next's
		carry        Periods          // the first's NextPeriods
		want         int32            // the next live id's drill, 50 s to 70 s
	}{
		{"after DRILL_END", // which paused the clock: the next drill is paused until its LIVE
			[]decode.Message{m(1, decode.MarkerDrillStart), m(2, decode.MarkerLive), m(20, decode.MarkerDrillStart), m(30, decode.MarkerDrillEnd), m(40, decode.MarkerDrillNext)},
			[]decode.Message{m(45, decode.MarkerDrillStart), m(47, decode.MarkerLive), m(80, decode.MarkerDrillEnd), m(81, decode.MarkerPracticeEnd)},
			Periods{Period: 2, Clock: ClockPaused}, 3},
		{"inside a drill", // the DRILL_NEXT opens the next drill; the DRILL_START after it opens none
			[]decode.Message{m(1, decode.MarkerDrillStart), m(2, decode.MarkerLive), m(40, decode.MarkerDrillNext)},
			[]decode.Message{m(45, decode.MarkerDrillStart), m(80, decode.MarkerDrillEnd)},
			Periods{Period: 2, Open: true, Clock: ClockLive}, 2},
		{"after PRACTICE_END", // the next pass of a looping mock: a new practice
			[]decode.Message{m(1, decode.MarkerDrillStart), m(30, decode.MarkerDrillEnd), m(31, decode.MarkerPracticeEnd), m(40, decode.MarkerDrillNext)},
			[]decode.Message{m(45, decode.MarkerDrillStart), m(80, decode.MarkerDrillEnd)},
			Periods{}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			whole, _, err := run(DefaultConfig(), Meta{}, merge(feed(0, 90), append(slices.Clone(c.first), c.other...)))
			if err != nil {
				t.Fatal(err)
			}
			s, err := NewSession(DefaultConfig(), Meta{}, &collect{})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range merge(feed(0, 40), c.first) {
				if err := s.Feed(&x); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Close(); err != nil {
				t.Fatal(err)
			}
			carry := s.NextPeriods()
			if carry != c.carry {
				t.Fatalf("NextPeriods %+v, want %+v", carry, c.carry)
			}
			next, sum, err := run(DefaultConfig(), Meta{Periods: carry}, merge(feed(40, 90), c.other))
			if err != nil {
				t.Fatal(err)
			}
			if got, w := periodAt(next, 50, 70), periodAt(whole, 50, 70); got != c.want || (c.name != "after PRACTICE_END" && w != c.want) {
				t.Errorf("the next live id's drill: period %d (the whole recording: %d), want %d", got, w, c.want)
			}
			// Before the next live id's first state marker its clock is
			// the one the first left, as in the whole recording (it was
			// unknown there, paused in the whole recording).
			if c.name != "after PRACTICE_END" {
				if got, w := clockAt(next, 41, 44), clockAt(whole, 41, 44); got != w || got == ClockUnknown && c.carry.Clock != ClockUnknown {
					t.Errorf("the next live id before its first state marker: clock %v, the whole recording's %v", got, w)
				}
			}
			for _, g := range next.segs(SegMarker) {
				if g.Label == "DRILL_START" && g.Period != c.want {
					t.Errorf("its DRILL_START: period %d, want %d", g.Period, c.want)
				}
			}
			if p := player(sum, 1); len(p.DistancePeriod_m) != int(c.want) || p.DistancePeriod_m[c.want-1] < 30 {
				t.Errorf("per period %v, want %d entries, the last ~60 m", p.DistancePeriod_m, c.want)
			}
			// A join straight into the drill knows no history: period 1
			// (docs/schema.md says so).
			if c.want > 1 {
				alone, _, err := run(DefaultConfig(), Meta{}, merge(feed(40, 90), c.other))
				if err != nil {
					t.Fatal(err)
				}
				if got := periodAt(alone, 50, 70); got != 1 {
					t.Errorf("joined without history: period %d, want 1", got)
				}
			}
		})
	}
	for _, p := range []Periods{{Period: -1}, {Open: true}, {Period: MaxPeriods + 1}, {Clock: ClockFoul + 1}} {
		if _, err := NewSession(DefaultConfig(), Meta{Periods: p}); err == nil {
			t.Errorf("Meta.Periods %+v accepted", p)
		}
	}
}

// TestPeriodsBounded: a feed that opens period after period stops at
// MaxPeriods: the markers beyond open none (counted in
// Quality.PeriodsRefused), the samples stay in the last period or
// between periods, each player's distance per period and NextPeriods
// stay within it. Without the bound every start marker opened one more
// (and each player's DistancePeriod_m grew with it).
func TestPeriodsBounded(t *testing.T) {
	const starts, nexts = 10, 1
	var extra []decode.Message
	for k := range int64(starts) {
		extra = append(extra, markerMsg(t0+k*2000, decode.MarkerDrillStart), markerMsg(t0+k*2000+1000, decode.MarkerDrillEnd))
	}
	// A DRILL_NEXT inside the last period (opened at 2 s) would open the
	// next one.
	extra = slices.Insert(extra, 3, markerMsg(t0+2500, decode.MarkerDrillNext))
	msgs := merge(gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 22, noise_m: 0.02, seed: 3, sensors: []genSensor{{id: 1, p: circle(5, 2)}}}), extra)
	c := &collect{}
	s, err := NewSession(DefaultConfig(), Meta{Periods: Periods{Period: MaxPeriods - 2}}, c)
	if err != nil {
		t.Fatal(err)
	}
	for i := range msgs {
		if err := s.Feed(&msgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Two periods opened (MaxPeriods-1 and MaxPeriods), the other starts
	// and the DRILL_NEXT refused.
	if want := int64(starts - 2 + nexts); sum.Quality.PeriodsRefused != want {
		t.Errorf("Quality.PeriodsRefused %d, want %d", sum.Quality.PeriodsRefused, want)
	}
	if p := s.NextPeriods(); p.Period > MaxPeriods {
		t.Errorf("NextPeriods %+v, beyond MaxPeriods %d", p, MaxPeriods)
	}
	top := int32(0)
	for _, x := range c.of(1) {
		top = max(top, x.Period)
	}
	if top != MaxPeriods {
		t.Errorf("samples' highest period %d, want MaxPeriods %d", top, MaxPeriods)
	}
	p := player(sum, 1)
	if p == nil {
		t.Fatal("player 1 missing")
	}
	if n := len(p.DistancePeriod_m); n != MaxPeriods {
		t.Errorf("%d distances per period, want MaxPeriods %d", n, MaxPeriods)
	}
	if d := p.DistancePeriod_m[MaxPeriods-1]; d <= 0 {
		t.Errorf("distance in period MaxPeriods %.1f m, want > 0", d)
	}
}

// TestPeriodsBoundedFromStart: a feed that opens 1 100 drills from the
// first stops at 1 024, so that the per-period figures of every player
// (six lists of one entry per period, in the players table and
// summary.json) stay small whatever a feed sends: with 100 000 periods
// allowed, 20 players' summary.json reached 280 MB.
func TestPeriodsBoundedFromStart(t *testing.T) {
	const drills, want = 1100, 1024
	var extra []decode.Message
	for k := range int64(drills) {
		extra = append(extra, markerMsg(t0+k*20, decode.MarkerDrillStart), markerMsg(t0+k*20+10, decode.MarkerDrillEnd))
	}
	msgs := merge(gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 30, noise_m: 0.02, seed: 3, sensors: []genSensor{{id: 1, p: circle(5, 2)}}}), extra)
	_, sum, err := run(DefaultConfig(), Meta{}, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Quality.PeriodsRefused != drills-want {
		t.Errorf("Quality.PeriodsRefused %d, want %d", sum.Quality.PeriodsRefused, drills-want)
	}
	p := player(sum, 1)
	if p == nil {
		t.Fatal("player 1 missing")
	}
	for name, n := range map[string]int{"distance": len(p.DistancePeriod_m), "sprints": len(p.SprintsPeriod),
		"time on court": len(p.TimeOnCourtPeriod_s), "speed bands": len(p.SpeedBandPeriod_s)} {
		if n != want {
			t.Errorf("%d %s entries, want %d", n, name, want)
		}
	}
}

// TestPeriodsContinuation: the clock a live id leaves goes into the next
// one's periods.json and back (decode.Continuation.Clock), by the names
// the samples table's clock column uses; a periods.json without one,
// written before it was recorded, starts the clock unknown.
func TestPeriodsContinuation(t *testing.T) {
	names := map[ClockState]string{ClockUnknown: decode.ClockUnknown, ClockLive: decode.ClockLive, ClockPaused: decode.ClockPaused, ClockFoul: decode.ClockFoul}
	for k, name := range names {
		if k.String() != name {
			t.Errorf("ClockState %d is %q, periods.json calls it %q", k, k, name)
		}
		p := Periods{Period: 3, Open: true, Clock: k}
		c := p.Continuation("a0")
		if want := map[bool]string{true: "", false: name}[k == ClockUnknown]; c.Clock != want || c.PreviousLiveID != "a0" || c.Period != 3 || !c.PeriodOpen {
			t.Errorf("%+v: Continuation %+v, want clock %q", p, c, want)
		}
		if back := ContinuedPeriods(&c); back != p {
			t.Errorf("%+v: read back as %+v", p, back)
		}
	}
	if p := ContinuedPeriods(&decode.Continuation{Period: 2}); p != (Periods{Period: 2}) {
		t.Errorf("a periods.json without clock: %+v, want the clock unknown", p)
	}
}
