package track

import (
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track/possession"
)

// analyzerSegment hands e to a's event mapping, as the detector does,
// and returns the segment it emits (nil: none).
func analyzerSegment(t *testing.T, a *PossessionAnalyzer, e possession.Event) *Segment {
	t.Helper()
	var got *Segment
	a.emit = func(s *Segment) error {
		c := *s
		got = &c
		return nil
	}
	a.event(&e)
	if err := a.takeErr(); err != nil {
		t.Fatal(err)
	}
	return got
}

// The labels of the events a detector reports, with a roster of two
// teams that does not name player 99 (LabelUnverified's doc): a steal is
// "steal", any other turnover unlabelled; a rebound offensive or
// defensive, but unverified when the roster does not name the rebounder
// or the shooter (a guest's shot: his team is unknown, so which side
// rebounded it is too); a pass or turnover to or from player 99
// unverified.
func TestAnalyzerEventLabels(t *testing.T) {
	roster := []decode.RosterTeam{
		{ID: 10, Players: []decode.Player{{ID: 1}, {ID: 2}}},
		{ID: 20, Players: []decode.Player{{ID: 3}, {ID: 4}}},
	}
	cases := []struct {
		name string
		e    possession.Event
		typ  SegmentType
		want string
	}{
		{"steal", possession.Event{Kind: possession.KindTurnover, PlayerID: 1, TeamID: 10, ToPlayerID: 3, Steal: true}, SegTurnover, "steal"},
		{"turnover", possession.Event{Kind: possession.KindTurnover, PlayerID: 1, TeamID: 10, ToPlayerID: 3}, SegTurnover, ""},
		{"turnover to an unrostered player", possession.Event{Kind: possession.KindTurnover, PlayerID: 1, TeamID: 10, ToPlayerID: 99, Steal: true}, SegTurnover, LabelUnverified},
		{"turnover of an unrostered player", possession.Event{Kind: possession.KindTurnover, PlayerID: 99, ToPlayerID: 3, Steal: true}, SegTurnover, LabelUnverified},
		{"offensive rebound", possession.Event{Kind: possession.KindRebound, PlayerID: 2, TeamID: 10, FromPlayerID: 1, Offensive: true}, SegRebound, "offensive"},
		{"defensive rebound", possession.Event{Kind: possession.KindRebound, PlayerID: 3, TeamID: 20, FromPlayerID: 1}, SegRebound, "defensive"},
		{"rebound of an unrostered shooter's shot", possession.Event{Kind: possession.KindRebound, PlayerID: 3, TeamID: 20, FromPlayerID: 99}, SegRebound, LabelUnverified},
		{"offensive rebound of an unrostered shooter's shot", possession.Event{Kind: possession.KindRebound, PlayerID: 3, TeamID: 20, FromPlayerID: 99, Offensive: true}, SegRebound, LabelUnverified},
		{"rebound by an unrostered player", possession.Event{Kind: possession.KindRebound, PlayerID: 99, FromPlayerID: 1}, SegRebound, LabelUnverified},
		{"pass", possession.Event{Kind: possession.KindPass, PlayerID: 1, TeamID: 10, ToPlayerID: 2}, SegPass, ""},
		{"pass to an unrostered player", possession.Event{Kind: possession.KindPass, PlayerID: 1, TeamID: 10, ToPlayerID: 99}, SegPass, LabelUnverified},
	}
	for _, c := range cases {
		a := NewPossessionAnalyzer(roster, possession.Config{})
		g := analyzerSegment(t, a, c.e)
		if g == nil {
			t.Errorf("%s: no segment", c.name)
			continue
		}
		if g.Type != c.typ || g.Label != c.want {
			t.Errorf("%s: segment %v label %q, want %v %q", c.name, g.Type, g.Label, c.typ, c.want)
		}
	}
}

// An event takes the period of its start, not of its end nor of the
// frame in which the detector decides it: a pass released in period 1
// and caught after the marker that opened period 2 is period 1's; one
// released before any period is in none (0).
func TestAnalyzerEventPeriodAtStart(t *testing.T) {
	a := NewPossessionAnalyzer(nil, possession.Config{})
	a.Clock(1_000, 1, ClockLive)
	a.Clock(5_000, 0, ClockPaused)
	a.Clock(6_000, 2, ClockLive)
	for _, c := range []struct {
		start, end int64
		want       int32
	}{{500, 1_500, 0}, {4_000, 6_500, 1}, {5_500, 6_500, 0}, {6_000, 6_100, 2}} {
		g := analyzerSegment(t, a, possession.Event{Kind: possession.KindPass, Start_ms: c.start, End_ms: c.end, PlayerID: 1, ToPlayerID: 2})
		if g == nil || g.Period != c.want {
			t.Errorf("pass %d–%d ms: segment %+v, want period %d", c.start, c.end, g, c.want)
		}
	}
}
