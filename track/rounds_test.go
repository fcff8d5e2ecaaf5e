package track

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// TestRounds: a session names which period each round of its feed (each
// live id: a practice's drills) starts in, with the name and type its
// live.json (Meta.Round) and rounds.json (Meta.Rounds) give, so that a
// reader can tell drill 2 is a shooting drill: the whole practice's
// recording, a followed drill's live id (its periods numbered on,
// Meta.Periods), a drill change without end marker (the *_NEXT opens
// the period), and a round of rounds.json the feed never reaches.
func TestRounds(t *testing.T) {
	const t0 = int64(1_700_000_000_000)
	line := func(dt int64, typ, next string) string {
		if next != "" {
			return fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":%q,"type":%q}}`, t0+dt, next, typ)
		}
		return fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":%q}}`, t0+dt, typ)
	}
	feed := func(t *testing.T, meta Meta, lines ...string) *Summary {
		t.Helper()
		s, err := NewSession(DefaultConfig(), meta, &collect{})
		if err != nil {
			t.Fatal(err)
		}
		var dec decode.Decoder
		var m decode.Message
		for _, l := range lines {
			buf := []byte(l)
			if err := dec.Decode(buf, &m); err != nil {
				t.Fatal(err)
			}
			if err := s.FeedLine(&m, buf); err != nil {
				t.Fatal(err)
			}
		}
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	drill1 := Round{LiveID: "d1", Name: "Scrimmage (drill 1)", Type: "SCRIMMAGE"}
	drill2 := Round{LiveID: "d2", Name: "Shooting drill (drill 2)", Type: "SHOOTING"}
	drill3 := Round{LiveID: "d3", Name: "Scrimmage (drill 3)", Type: "SCRIMMAGE"}
	drill4 := Round{LiveID: "d4", Name: "Shooting drill (drill 4)", Type: "SHOOTING"}
	at := func(r Round, period int32) Round { r.Period = period; return r }
	cases := []struct {
		name  string
		meta  Meta
		lines []string
		own   Round
		later []Round
	}{
		{"the whole practice",
			Meta{Round: drill1, Rounds: []Round{drill2, drill3, drill4}},
			[]string{
				line(0, "DRILL_START", ""), line(1000, "LIVE", ""), line(9000, "DRILL_END", ""), line(9500, "DRILL_NEXT", "d2"),
				line(10000, "DRILL_START", ""), line(19000, "DRILL_END", ""), line(19500, "DRILL_NEXT", "d3"),
				line(20000, "DRILL_START", ""), line(29000, "DRILL_END", ""), line(29001, "PRACTICE_END", ""),
			},
			at(drill1, 1), []Round{at(drill2, 2), at(drill3, 3), drill4}},
		{"a followed drill's live id, to its DRILL_NEXT",
			Meta{Round: drill2, Periods: Periods{Period: 1, Clock: ClockPaused}},
			[]string{line(10000, "DRILL_START", ""), line(19000, "DRILL_END", ""), line(19500, "DRILL_NEXT", "d3")},
			at(drill2, 2), []Round{{LiveID: "d3"}}},
		{"drill changes without end marker",
			Meta{Round: drill1, Rounds: []Round{drill2, drill3}},
			[]string{
				line(0, "DRILL_START", ""), line(9500, "DRILL_NEXT", "d2"), line(9600, "DRILL_START", ""),
				line(19500, "DRILL_NEXT", "d3"), line(29000, "DRILL_END", ""),
			},
			at(drill1, 1), []Round{at(drill2, 2), at(drill3, 3)}},
		{"a followed live id in the period its DRILL_NEXT opened",
			Meta{Round: drill3, Periods: Periods{Period: 3, Open: true}},
			[]string{line(20000, "DRILL_START", ""), line(29000, "DRILL_END", "")},
			at(drill3, 3), nil},
		{"no live.json, no period markers", Meta{}, []string{line(0, "LIVE", "")}, Round{}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sum := feed(t, c.meta, c.lines...)
			if sum.Round != c.own || !slices.Equal(sum.Rounds, c.later) {
				t.Errorf("round %+v, later %+v\nwant %+v, later %+v", sum.Round, sum.Rounds, c.own, c.later)
			}
		})
	}
}

// TestRoundOf: a live.json's round is its first team's live id, name and
// type; nil is none.
func TestRoundOf(t *testing.T) {
	info := &decode.LiveInfo{Teams: []decode.LiveTeam{{ID: 1}, {ID: 2, Live: decode.LiveMeta{ID: "x", Name: "Shooting drill (drill 2)", Type: "SHOOTING"}}}}
	if r := RoundOf(info); r != (Round{LiveID: "x", Name: "Shooting drill (drill 2)", Type: "SHOOTING"}) || r.Scrimmage() || !r.Known() {
		t.Errorf("RoundOf: %+v", r)
	}
	if r := RoundOf(nil); r.Known() {
		t.Errorf("RoundOf(nil): %+v", r)
	}
	if !(Round{Type: "Scrimmage"}).Scrimmage() {
		t.Error("a Scrimmage type is no scrimmage")
	}
}
