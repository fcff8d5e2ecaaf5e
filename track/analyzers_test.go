package track_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
	"github.com/stmotion/stmotion/track/possession"
)

// holdingGame feeds s 10 s at 25 Hz: player 1 (team 10) dribbles along x
// at 1 m/s with the ball 0.3 m ahead; player 2 (team 20) stands 5 m away.
func holdingGame(s *track.Session) {
	const t0 = 1_764_151_200_000
	var m decode.Message
	m.Kind = decode.KindMarker
	m.Marker = decode.Marker{OccurredAt_ms: t0, Type: decode.MarkerLive}
	s.Feed(&m)
	m.Kind = decode.KindLocation
	for i := range 250 {
		at := t0 + int64(i)*40
		for _, l := range []decode.Location{
			{Sensor: decode.SensorPlayer, ID: 1, X_mm: int32(i * 40)},
			{Sensor: decode.SensorPlayer, ID: 2, Y_mm: 5000},
			{Sensor: decode.SensorBall, ID: 99, X_mm: int32(i*40 + 300), Z_mm: 900},
		} {
			m.Location = l
			m.Location.OccurredAt_ms = at
			s.Feed(&m)
		}
	}
}

var roster = []decode.RosterTeam{
	{ID: 10, Name: "Home", Players: []decode.Player{{ID: 1}}},
	{ID: 20, Name: "Away", Players: []decode.Player{{ID: 2}}},
}

// The possession and heatmap analyzers attached to a session: possession
// first, so that the holder it marks reaches the heatmaps and the sinks.
func ExampleNewPossessionAnalyzer() {
	out := &segmentSink{}
	s, err := track.NewSession(track.DefaultConfig(), track.Meta{Roster: roster}, out)
	if err != nil {
		panic(err)
	}
	poss := track.NewPossessionAnalyzer(roster, possession.ConfigFor(court.NBA))
	heat := track.NewHeatmapAnalyzer(heatmap.Options{Cell_m: 1, Court: court.NBA})
	for _, a := range []track.Analyzer{poss, heat} {
		if err := s.Attach(a); err != nil {
			panic(err)
		}
	}
	holdingGame(s)
	sum, err := s.Close()
	if err != nil {
		panic(err)
	}
	for _, p := range sum.Players {
		fmt.Printf("player %d (team %d): possession %.1f s\n", p.PlayerID, p.TeamID, p.Possession_s)
	}
	var player1_s float64
	for _, c := range sum.Heatmaps {
		if c.Scope == "player" && c.ID == 1 {
			player1_s += c.Seconds
		}
	}
	fmt.Printf("%d rows holding the ball; player 1's heatmap: %.0f s\n", out.holders, player1_s)
	// Output:
	// segment marker LIVE
	// segment possession
	// segment team_possession
	// player 1 (team 10): possession 10.0 s
	// player 2 (team 20): possession 0.0 s
	// 245 rows holding the ball; player 1's heatmap: 10 s
}

// A roster player's team reaches the possession totals.
func TestPossessionAnalyzerTeams(t *testing.T) {
	s, err := track.NewSession(track.DefaultConfig(), track.Meta{Roster: roster}, &discardSink{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Attach(track.NewPossessionAnalyzer(roster, possession.ConfigFor(court.NBA))); err != nil {
		t.Fatal(err)
	}
	holdingGame(s)
	sum, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]float64{}
	for _, tm := range sum.Teams {
		got[tm.TeamID] = tm.Possession_s
	}
	if got[10] < 5 || got[20] != 0 {
		t.Errorf("team possession = %v, want team 10 holding most of the 10 s, team 20 none", got)
	}
}

// An error of a sink on a possession segment is returned by the session,
// not lost.
func TestPossessionAnalyzerEmitError(t *testing.T) {
	errSink := errors.New("sink full")
	s, err := track.NewSession(track.DefaultConfig(), track.Meta{Roster: roster}, failSegments{errSink})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Attach(track.NewPossessionAnalyzer(roster, possession.ConfigFor(court.NBA))); err != nil {
		t.Fatal(err)
	}
	holdingGame(s) // the error may surface in Feed or in Close
	var feedErr error
	var m decode.Message
	m.Kind = decode.KindMarker
	m.Marker = decode.Marker{OccurredAt_ms: 1_764_151_220_000, Type: decode.MarkerLive}
	feedErr = s.Feed(&m)
	_, closeErr := s.Close()
	if !errors.Is(feedErr, errSink) && !errors.Is(closeErr, errSink) {
		t.Errorf("Feed: %v, Close: %v; want one to wrap %v", feedErr, closeErr, errSink)
	}
}

// failSegments fails every possession segment with err.
type failSegments struct{ err error }

func (failSegments) Samples([]track.Sample) error { return nil }
func (f failSegments) Segment(g *track.Segment) error {
	if g.Type == track.SegPossession {
		return f.err
	}
	return nil
}
func (failSegments) Close(*track.Summary) error { return nil }

// segmentSink prints the segments' types (and labels) and counts the
// rows that hold the ball.
type segmentSink struct{ holders int }

func (p *segmentSink) Samples(b []track.Sample) error {
	for _, r := range b {
		if r.BallHolder {
			p.holders++
		}
	}
	return nil
}

func (p *segmentSink) Segment(g *track.Segment) error {
	if g.Label != "" {
		fmt.Printf("segment %s %s\n", g.Type, g.Label)
	} else {
		fmt.Printf("segment %s\n", g.Type)
	}
	return nil
}
func (p *segmentSink) Close(*track.Summary) error { return nil }

type discardSink struct{}

func (discardSink) Samples([]track.Sample) error { return nil }
func (discardSink) Segment(*track.Segment) error { return nil }
func (discardSink) Close(*track.Summary) error   { return nil }

// foldPos is where a heatmap cell of one map is expected, by its centre.
type foldPos struct {
	scope string
	id    int64
	x, y  float64
}

// HeatmapAnalyzer.Segment learns each team's attacking direction per
// period from detected shots only (other segments do not vote), and with
// Fold the team, player and ball maps are turned by it when Finish reads
// them, whenever the shot came.
func TestHeatmapAnalyzerFoldVotes(t *testing.T) {
	east := court.NBA.HoopX_m(1)
	shot := func(team int64, period int32, hoopX float64) track.Segment {
		return track.Segment{Type: track.SegShot, TeamID: team, Period: period, EndX_m: hoopX}
	}
	// Period 1: player 1 (team 7) at (10, 3) holding the ball, player 2
	// (team 8) at (−10, −3). Period 2: both cross over, player 1 holds,
	// then the ball is in flight at (−12, 0.5), no player on the grid.
	frames := []track.Frame{
		{Period: 1, Dt_s: 1, Clock: track.ClockLive,
			Players: []track.Sample{{SensorID: 1, TeamID: 7, X_m: 10, Y_m: 3, InBounds: true, BallHolder: true}, {SensorID: 2, TeamID: 8, X_m: -10, Y_m: -3, InBounds: true}},
			Balls:   []track.Sample{{SensorID: 9, X_m: 10, Y_m: 3}}},
		{Period: 2, Dt_s: 1, Clock: track.ClockLive,
			Players: []track.Sample{{SensorID: 1, TeamID: 7, X_m: -10, Y_m: 3, InBounds: true, BallHolder: true}, {SensorID: 2, TeamID: 8, X_m: 10, Y_m: -3, InBounds: true}},
			Balls:   []track.Sample{{SensorID: 9, X_m: -10, Y_m: 3}}},
		{Period: 2, Dt_s: 1, Clock: track.ClockLive, Balls: []track.Sample{{SensorID: 9, X_m: -12, Y_m: 0.5}}},
	}
	for _, c := range []struct {
		name   string
		votes  []track.Segment
		attack map[[2]int64]int // {team, period} -> direction
		want   []foldPos        // one cell each map
	}{
		{
			name:   "no shots: not folded",
			votes:  nil,
			attack: map[[2]int64]int{{7, 1}: 0, {8, 1}: 0, {7, 2}: 0},
			want: []foldPos{{"player", 1, 10, 3}, {"player", 1, -10, 3}, {"team", 8, -10, -3}, {"team", 8, 10, -3},
				{"ball", 9, 10, 3}, {"ball", 9, -10, 3}, {"ball", 9, -12, 0.5}},
		},
		{
			name: "team 7 east in 1, team 8 east in 2; the other team opposite",
			votes: []track.Segment{shot(7, 1, east), shot(7, 1, east), shot(7, 1, -east), shot(8, 2, east),
				// Not shots, or no team: no vote.
				{Type: track.SegPass, TeamID: 8, Period: 1, EndX_m: -east}, {Type: track.SegFeedShot, TeamID: 7, Period: 2, EndX_m: east}, shot(0, 2, -east)},
			attack: map[[2]int64]int{{7, 1}: 1, {8, 1}: -1, {7, 2}: -1, {8, 2}: 1},
			want: []foldPos{
				{"player", 1, 10, 3}, {"player", 1, 10, -3}, // period 2 turned
				{"team", 7, 10, 3}, {"team", 7, 10, -3},
				{"player", 2, 10, 3}, {"team", 8, 10, 3}, {"team", 8, 10, -3}, // period 1 turned
				// By the team in control: 7, attacking west in period 2,
				// also while the ball is in flight.
				{"ball", 9, 10, 3}, {"ball", 9, 10, -3}, {"ball", 9, 12, -0.5},
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := track.NewHeatmapAnalyzer(heatmap.Options{Cell_m: 1, Court: court.NBA, Fold: true})
			for i := range frames {
				f := frames[i]
				f.Players = append([]track.Sample(nil), f.Players...)
				if err := h.Frame(&f, nil); err != nil {
					t.Fatal(err)
				}
			}
			for i := range c.votes {
				h.Segment(&c.votes[i])
			}
			for k, want := range c.attack {
				if got := h.Attack(k[0], int32(k[1])); got != want {
					t.Errorf("votes %+v: Attack(team %d, period %d) = %d, want %d", c.votes, k[0], k[1], got, want)
				}
			}
			var sum track.Summary
			if err := h.Finish(&sum, nil); err != nil {
				t.Fatal(err)
			}
			got := map[foldPos]float64{}
			total := map[string]float64{}
			for _, hc := range sum.Heatmaps {
				got[foldPos{hc.Scope, hc.ID, hc.X_m, hc.Y_m}] += hc.Seconds
				total[hc.Scope] += hc.Seconds
			}
			for _, w := range c.want {
				// Cell centres are half a cell from the positions.
				var s float64
				for p, v := range got {
					if p.scope == w.scope && p.id == w.id && math.Abs(p.x-w.x) <= 0.5 && math.Abs(p.y-w.y) <= 0.5 {
						s += v
					}
				}
				if s != 1 {
					t.Errorf("%s %d: %.1f s at (%g, %g), want 1 s; cells %v", w.scope, w.id, s, w.x, w.y, got)
				}
			}
			// Folding moves time, never adds or drops it.
			if total["player"] != 4 || total["team"] != 4 || total["ball"] != 3 {
				t.Errorf("seconds per scope %v, want player 4, team 4, ball 3", total)
			}
		})
	}
}

// Once every player, team and period has been met, the analyzers' Frame
// does not allocate (the engine calls both at every grid tick).
func TestAnalyzersFrameNoAllocs(t *testing.T) {
	roster := []decode.RosterTeam{
		{ID: 10, Players: []decode.Player{{ID: 1}, {ID: 2}}},
		{ID: 20, Players: []decode.Player{{ID: 3}, {ID: 4}}},
	}
	for _, fold := range []bool{false, true} {
		poss := track.NewPossessionAnalyzer(roster, possession.ConfigFor(court.NBA))
		heat := track.NewHeatmapAnalyzer(heatmap.Options{Court: court.NBA, Fold: fold})
		f := track.Frame{Dt_s: 0.04, Period: 1, Clock: track.ClockLive,
			Players: make([]track.Sample, 5), Balls: make([]track.Sample, 1)}
		var segs [256]int // by SegmentType
		emit := func(g *track.Segment) error { segs[g.Type]++; return nil }
		i := 0
		step := func() {
			i++
			f.T_ms = int64(i) * 40
			// Players 1-4 on court, one on the bench; the ball goes from
			// one player's hands to the next every 2 s (passes, possessions,
			// turnovers).
			for k := range 5 {
				x := float64(k*4 - 8)
				if k == 4 {
					x = 20 // the bench
				}
				f.Players[k] = track.Sample{SensorID: int64(k + 1), TeamID: int64(10 + 10*(k/2)), X_m: x + 0.1*math.Sin(float64(i)/7), Y_m: 1, InBounds: k < 4}
			}
			h := (i / 50) % 4
			f.Balls[0] = track.Sample{SensorID: 99, X_m: float64(h*4-8) + 0.3, Y_m: 1, Z_m: 1}
			if err := poss.Frame(&f, emit); err != nil {
				t.Fatal(err)
			}
			if err := heat.Frame(&f, emit); err != nil {
				t.Fatal(err)
			}
		}
		for range 1000 { // meet everyone (and every team in control)
			step()
		}
		if segs[track.SegPossession] == 0 || segs[track.SegPass] == 0 || segs[track.SegTurnover] == 0 {
			t.Fatalf("fold %v: segments %v, want possessions, passes and turnovers", fold, segs)
		}
		if n := testing.AllocsPerRun(500, step); n != 0 {
			t.Errorf("fold %v: Frame allocates %.2f times per frame, want 0", fold, n)
		}
	}
}

// PossessionAnalyzer marks the ball it follows (Sample.GameBall) for the
// sinks: a spare ball at rest is seen first, the game ball that moves on
// the court takes over, and only one ball is marked at a time.
func TestPossessionAnalyzerMarksGameBall(t *testing.T) {
	a := track.NewPossessionAnalyzer(nil, possession.ConfigFor(court.NBA))
	emit := func(*track.Segment) error { return nil }
	var marked []int64
	for n := range 100 { // 4 s at 25 Hz
		f := track.Frame{T_ms: 1000 + int64(n)*40, Dt_s: 0.04, Period: 1, Clock: track.ClockLive,
			Balls: []track.Sample{
				{SensorID: 7, X_m: 13, Y_m: 7, Z_m: 0.1, InBounds: true},                                // spare, still
				{SensorID: 9, X_m: -10 + 0.24*float64(n), Y_m: 0, Z_m: 1, Speed_mps: 6, InBounds: true}, // in play
			}}
		if err := a.Frame(&f, emit); err != nil {
			t.Fatal(err)
		}
		id := int64(0)
		for _, b := range f.Balls {
			if b.GameBall {
				if id != 0 {
					t.Fatalf("frame %d: balls %d and %d both marked", n, id, b.SensorID)
				}
				id = b.SensorID
			}
		}
		marked = append(marked, id)
	}
	if marked[0] != 7 || marked[len(marked)-1] != 9 {
		t.Errorf("game ball %d at the first frame, %d at the last: want 7 (seen first, in bounds), then 9 (moving)", marked[0], marked[len(marked)-1])
	}
}

// The session passes the feed's shots to its analyzers (ShotObserver):
// a possession analyzer attached and fed as the package doc says, with
// nothing else wired by hand, checks the feed's shooter against the ball
// holder.
func TestPossessionAnalyzerGetsFeedShots(t *testing.T) {
	s, err := track.NewSession(track.DefaultConfig(), track.Meta{Roster: roster}, &discardSink{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Attach(track.NewPossessionAnalyzer(roster, possession.ConfigFor(court.NBA))); err != nil {
		t.Fatal(err)
	}
	holdingGame(s) // player 1 holds the ball from 0 to 10 s
	var m decode.Message
	m.Kind = decode.KindShot
	m.Shot = decode.Shot{OccurredAt_ms: 1_764_151_200_000 + 9000, PlayerID: 1, TeamID: 10, Present: decode.HasHoopPlayerXY, HoopPlayerX_mm: 100, HoopPlayerY_mm: 4000}
	if err := s.Feed(&m); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if sum.ShooterAgreement != 1 {
		t.Errorf("shooter agreement %.2f, want 1: the feed shot did not reach the possession detector", sum.ShooterAgreement)
	}
}
