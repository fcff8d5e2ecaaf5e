package track

import (
	"math/rand"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/synth"
)

// practiceRun runs the recording at messages through the engine with the
// analyzers, as analyze does, with roster in place of meta's (nil:
// meta's) and before (as feedRecording's) to feed more. It returns the
// segments, the live time of the game ball's samples (s) and the summary.
func practiceRun(t *testing.T, meta Meta, messages string, roster []decode.RosterTeam, before func(s *Session, meta Meta, m *decode.Message)) ([]Segment, float64, *Summary) {
	t.Helper()
	if roster != nil {
		meta.Roster = roster
	}
	var c collect
	s, err := NewSession(DefaultConfig(), meta, &c)
	if err != nil {
		t.Fatal(err)
	}
	var feed func(*decode.Message)
	if before != nil {
		feed = func(m *decode.Message) { before(s, meta, m) }
	}
	attachAnalyzers(t, s, meta, false)
	feedRecording(t, s, messages, feed)
	sum, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	live_s := 0.0
	for _, b := range c.samples {
		if b.Kind == KindBall && b.SensorID == synth.BallID && b.Clock == ClockLive {
			live_s += float64(sum.Quality.GridPeriod_ms) / 1000
		}
	}
	return c.segments, live_s, sum
}

// scrimmage is a simulated practice of one scrimmage drill (seed 5: its
// first drill is one, of about three minutes).
func scrimmage() synth.Config {
	sc := synth.DefaultConfig()
	sc.Practice, sc.Minutes, sc.Seed = true, 3, 5
	return sc
}

// A practice's roster has one team, and both sides of its scrimmages are
// that team. Possession tells teams apart by the roster only, so every
// change of hands between the sides read as a pass, every rebound as
// offensive, there was no turnover, and a drill was one team possession
// (on a simulated 12-minute practice: 8 defensive rebounds all
// "offensive", none of 4 turnovers, 5 team possessions for 92), with no
// word of it. Those events are labelled unverified, as without a roster,
// no team possession is emitted, and Summary.OneTeam says why. With the
// roster split by the simulator's sides, the same feed has defensive
// rebounds and nothing unverified: the one team is what hid them.
func TestOneTeamRoster(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a practice")
	}
	truth, meta, messages := synthBundle(t, scrimmage())
	segs, _, sum := practiceRun(t, meta, messages, nil, nil)
	if !sum.OneTeam {
		t.Errorf("a practice's one-team roster: Summary.OneTeam false")
	}
	count := map[SegmentType]map[string]int{}
	for _, g := range segs {
		if count[g.Type] == nil {
			count[g.Type] = map[string]int{}
		}
		count[g.Type][g.Label]++
	}
	if n := count[SegPass][LabelUnverified]; n == 0 || n != sum0(count[SegPass]) {
		t.Errorf("passes by label %v: want every one %q", count[SegPass], LabelUnverified)
	}
	if n := count[SegRebound][LabelUnverified]; n == 0 || n != sum0(count[SegRebound]) {
		t.Errorf("rebounds by label %v: want every one %q", count[SegRebound], LabelUnverified)
	}
	if n := sum0(count[SegTeamPossession]); n != 0 {
		t.Errorf("%d team possessions: with one team the run ends only with the drill; want none", n)
	}
	if count[SegShot][LabelUnverified] != 0 || sum0(count[SegShot]) == 0 {
		t.Errorf("shots by label %v: want some, none %q (a shot needs no team)", count[SegShot], LabelUnverified)
	}
	if len(sum.Teams) != 1 || sum.Teams[0].Possession_s <= 0 {
		t.Errorf("teams %+v: want the one team, with both sides' possession time", sum.Teams)
	}

	// The same feed with the roster split by side.
	var split []decode.RosterTeam
	for side := range 2 {
		tm := decode.RosterTeam{ID: int64(1000 + side), Name: "side"}
		for _, p := range truth.Players {
			if p.Side == side {
				tm.Players = append(tm.Players, decode.Player{ID: p.ID})
			}
		}
		split = append(split, tm)
	}
	segs, _, sum = practiceRun(t, meta, messages, split, nil)
	labels := map[string]int{}
	teamPoss := 0
	for _, g := range segs {
		switch g.Type {
		case SegPass, SegTurnover, SegRebound:
			labels[g.Type.String()+"/"+g.Label]++
		case SegTeamPossession:
			teamPoss++
		}
	}
	if sum.OneTeam || labels["pass/"+LabelUnverified] != 0 || labels["rebound/defensive"] == 0 || teamPoss < 4 {
		t.Errorf("sides on the roster: OneTeam %v, events %v, %d team possessions: want no unverified event, defensive rebounds, team possessions",
			sum.OneTeam, labels, teamPoss)
	}
}

func sum0(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestOneTeamRosterRule(t *testing.T) {
	team := func(id int64, players ...int64) decode.RosterTeam {
		tm := decode.RosterTeam{ID: id}
		for _, p := range players {
			tm.Players = append(tm.Players, decode.Player{ID: p})
		}
		return tm
	}
	cases := []struct {
		name   string
		roster []decode.RosterTeam
		want   bool
	}{
		{"none", nil, false},
		{"a team without players", []decode.RosterTeam{team(1)}, false},
		{"one team", []decode.RosterTeam{team(1, 10, 11)}, true},
		{"one team and an empty one", []decode.RosterTeam{team(2), team(1, 10, 11)}, true},
		{"one team listed twice", []decode.RosterTeam{team(1, 10), team(1, 11)}, true},
		{"two teams", []decode.RosterTeam{team(1, 10), team(2, 20)}, false},
	}
	for _, c := range cases {
		if got := OneTeamRoster(c.roster); got != c.want {
			t.Errorf("%s: OneTeamRoster = %v, want %v", c.name, got, c.want)
		}
	}
}

// Two groups shooting with a ball each: possession follows one ball (by
// design), so the other group had no touches or possession, and
// shooter_agreement dropped, without a word. The live time with two
// balls moving on the court at once is Summary.SeveralBalls_s; a spare
// ball at rest in bounds, even with noisy samples, adds none.
func TestSeveralBalls(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a practice")
	}
	const second = 999
	// other feeds a second ball just before each sample of the game
	// ball, at where(court position of the game ball).
	other := func(where func(x_m, y_m float64) (float64, float64)) func(*Session, Meta, *decode.Message) {
		return func(s *Session, meta Meta, m *decode.Message) {
			if m.Kind != decode.KindLocation || m.Location.Sensor != decode.SensorBall {
				return
			}
			l := m.Location
			cx, cy, _ := meta.Court.ToCourt(float64(l.X_mm), float64(l.Y_mm), float64(l.Z_mm))
			wx, wy := where(cx, cy)
			x, y, _ := meta.Court.ToSensor(wx, wy, 0)
			sm := decode.Message{Kind: decode.KindLocation, Location: decode.Location{
				OccurredAt_ms: l.OccurredAt_ms, Sensor: decode.SensorBall, ID: second,
				X_mm: int32(x), Y_mm: int32(y), Z_mm: l.Z_mm,
			}}
			if err := s.Feed(&sm); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, meta, messages := synthBundle(t, scrimmage())
	_, live, sum := practiceRun(t, meta, messages, nil, nil)
	if sum.SeveralBalls_s != 0 {
		t.Errorf("one ball: %.1f s of several balls moving, want 0", sum.SeveralBalls_s)
	}
	if live < 60 {
		t.Fatalf("%.1f s live: the practice is too short to test", live)
	}

	// A second group's ball: the game ball's path mirrored about center
	// court (the other hoop).
	_, _, sum = practiceRun(t, meta, messages, nil, other(func(x, y float64) (float64, float64) { return -x, -y }))
	if sum.SeveralBalls_s < 0.9*live || sum.SeveralBalls_s < SeveralBallsMin_s {
		t.Errorf("two balls in play: %.1f s of several balls moving of %.1f s live, want nearly all", sum.SeveralBalls_s, live)
	}
	t.Logf("two balls in play: %.1f s of several balls moving of %.1f s live", sum.SeveralBalls_s, live)

	// A spare ball at rest in a corner of the court, its samples noisy
	// (σ 80 mm per axis, more than twice the players' usual).
	rng := rand.New(rand.NewSource(1))
	_, _, sum = practiceRun(t, meta, messages, nil, other(func(float64, float64) (float64, float64) {
		return 12 + 0.08*rng.NormFloat64(), 6 + 0.08*rng.NormFloat64()
	}))
	if sum.SeveralBalls_s != 0 {
		t.Errorf("a noisy spare ball at rest: %.1f s of several balls moving, want 0", sum.SeveralBalls_s)
	}
}

// The sides rule (sides): when the events cannot tell the two sides
// apart, and why, from the roster, the event kind and the players
// tracked. It looked at the roster alone: a game whose roster lists one
// team, the other team tracked unrostered, was a practice, and a game
// with both teams rostered but one tracked was told apart.
func TestSidesRule(t *testing.T) {
	team := func(id int64, players ...int64) decode.RosterTeam {
		tm := decode.RosterTeam{ID: id}
		for _, p := range players {
			tm.Players = append(tm.Players, decode.Player{ID: p})
		}
		return tm
	}
	one := []decode.RosterTeam{team(1, 10, 11)}
	two := []decode.RosterTeam{team(1, 10, 11), team(2, 20, 21)}
	cases := []struct {
		name           string
		roster         []decode.RosterTeam
		event          EventKind
		tracked        []int64
		oneTeam, other bool // the verdict: Summary.OneTeam, Summary.OneTeamTracked
	}{
		{"practice", one, EventPractice, []int64{10, 11}, true, false},
		{"practice with a guest off the roster", one, EventPractice, []int64{10, 11, 99}, true, false},
		{"one-team roster, no live info", one, EventUnknown, []int64{10, 11}, true, false},
		{"one-team roster, no live info, others tracked", one, EventUnknown, []int64{10, 11, 99}, false, false},
		{"game, one-team roster, other team tracked", one, EventGame, []int64{10, 99, 11}, false, false},
		{"game, one-team roster, other team not tracked", one, EventGame, []int64{10, 11}, false, true},
		{"game, two teams tracked", two, EventGame, []int64{10, 20}, false, false},
		{"game, one of two teams tracked", two, EventGame, []int64{10, 11}, false, true},
		{"no live info, one of two teams tracked", two, EventUnknown, []int64{20}, false, true},
		{"no roster", nil, EventGame, []int64{10, 20}, false, false},
		{"nobody tracked", two, EventGame, nil, false, false},
	}
	for _, c := range cases {
		teamOf := map[int64]int64{}
		for _, tm := range c.roster {
			for _, p := range tm.Players {
				teamOf[p.ID] = tm.ID
			}
		}
		s := newSides(c.roster, func(id int64) int64 { return teamOf[id] }, c.event)
		for _, id := range c.tracked {
			s.see(id)
		}
		if oneTeam, other := s.verdict(); oneTeam != c.oneTeam || other != c.other {
			t.Errorf("%s: OneTeam %v, OneTeamTracked %v; want %v, %v", c.name, oneTeam, other, c.oneTeam, c.other)
		}
	}
	// Per event: a game's one-team roster is told apart once a player off
	// it is seen, not before.
	teams := map[int64]int64{10: 1, 11: 1}
	s := newSides(one, func(id int64) int64 { return teams[id] }, EventGame)
	s.see(10)
	if !s.oneSide() {
		t.Errorf("game, one-team roster, only its players seen so far: sides told apart")
	}
	s.see(99)
	if s.oneSide() {
		t.Errorf("game, one-team roster, the other team seen: sides not told apart")
	}
}
