package heatmap

import (
	"math"
	"testing"

	"github.com/stmotion/stmotion/court"
)

func TestSumEqualsTimeOnCourt(t *testing.T) {
	a := New(Options{})
	// Player 1 runs a lap of an ellipse for 60 s at 25 Hz; some steps go
	// outside the grid (x up to 16 m > 14.325 + 1).
	dt := 0.04
	want := 0.0
	for i := range 1500 {
		th := float64(i) * dt / 60 * 2 * math.Pi
		a.AddPlayer(1, 10, 1, 16*math.Cos(th), 7*math.Sin(th), dt, true)
		want += dt
	}
	g := a.Grid(ScopePlayer, 1)
	tm := a.Grid(ScopeTeam, 10)
	if g == nil || tm == nil {
		t.Fatal("missing player or team grid")
	}
	if math.Abs(g.Total_s-want) > 1e-9 || math.Abs(g.Sum()+g.Out_s-want) > 1e-9 {
		t.Errorf("total %.6f, cells %.6f + outside %.6f, want %.6f", g.Total_s, g.Sum(), g.Out_s, want)
	}
	if g.Out_s <= 0 || g.Out_s > want/2 {
		t.Errorf("outside = %.3f s, want some but not most of the lap", g.Out_s)
	}
	if tm.Total_s != g.Total_s {
		t.Errorf("team total %.6f != player total %.6f", tm.Total_s, g.Total_s)
	}
	var sum float64
	for _, c := range a.Cells(nil) {
		if c.Scope == ScopePlayer {
			sum += c.Seconds
		}
	}
	if math.Abs(sum-g.Sum()) > 1e-9 {
		t.Errorf("long-form cells sum %.6f, grid %.6f", sum, g.Sum())
	}
}

func TestLiveOnly(t *testing.T) {
	a := New(Options{LiveOnly: true})
	a.AddPlayer(1, 10, 1, 0, 0, 1, true)
	a.AddPlayer(1, 10, 1, 0, 0, 5, false)
	a.AddBall(99, 10, 1, 0, 0, 2, false)
	if g := a.Grid(ScopePlayer, 1); g.Total_s != 1 {
		t.Errorf("live-only total = %v, want 1", g.Total_s)
	}
	if a.Grid(ScopeBall, 99) != nil {
		t.Error("a dead-ball-only ball grid exists")
	}
}

func TestFold(t *testing.T) {
	// Team 10 attacks west in period 1 and east in period 2; team 20 the
	// opposite. Each sample must land where the table says.
	attack := func(team int64, period int32) int {
		east := period%2 == 0
		if team == 20 {
			east = !east
		}
		if east {
			return 1
		}
		return -1
	}
	cases := []struct {
		team   int64
		period int32
		x, y   float64
		wx, wy float64
	}{
		{10, 1, -10.2, 3.1, 10.2, -3.1}, // attacking west, deep in its offence: east half
		{10, 1, 10.2, 3.1, -10.2, -3.1}, // attacking west, back in defence: west half
		{10, 2, 10.2, -3.1, 10.2, -3.1}, // attacking east: unchanged
		{10, 2, -12.2, 5.1, -12.2, 5.1}, // attacking east, defending: unchanged
		{20, 1, 10.2, -3.1, 10.2, -3.1}, // team 20 attacks east in period 1
		{20, 2, -10.2, 3.1, 10.2, -3.1}, // and west in period 2
		{20, 3, 11.2, 2.1, 11.2, 2.1},   // period 3 like period 1
		{30, 1, -10.2, 3.1, -10.2, 3.1}, // unknown direction (0): unchanged
		{0, 1, -10.2, 3.1, -10.2, 3.1},  // no team: unchanged
	}
	for _, c := range cases {
		att := func(team int64, period int32) int {
			if team == 30 {
				return 0
			}
			return attack(team, period)
		}
		a := New(Options{Fold: true, Attack: att})
		a.AddPlayer(1, c.team, c.period, c.x, c.y, 1, true)
		cells := a.Grid(ScopePlayer, 1).Cells(nil)
		wx, wy, _ := a.Geom().Cell(c.wx, c.wy)
		if len(cells) != 1 || int(cells[0].IX) != wx || int(cells[0].IY) != wy {
			t.Errorf("team %d period %d at (%v, %v): got %+v, want cell (%d, %d) holding (%v, %v)",
				c.team, c.period, c.x, c.y, cells, wx, wy, c.wx, c.wy)
		}
	}
}

func TestFoldMapsCellsOntoCells(t *testing.T) {
	a := New(Options{})
	g := a.Geom()
	for ix := 0; ix < g.NX; ix++ {
		for iy := 0; iy < g.NY; iy++ {
			x, y := g.Center(ix, iy)
			fx, fy := Fold(x, y, -1)
			jx, jy, ok := g.Cell(fx, fy)
			if !ok || jx != g.NX-1-ix || jy != g.NY-1-iy {
				t.Fatalf("cell (%d, %d) folds to (%d, %d, %v), want (%d, %d)", ix, iy, jx, jy, ok, g.NX-1-ix, g.NY-1-iy)
			}
		}
	}
}

func TestFeedShotPlacement(t *testing.T) {
	hx := court.NBA.HoopX_m(court.East)
	cases := []struct {
		hx, hy int32
		x, y   float64
	}{
		{0, 0, hx, 0},                // at the hoop
		{0, 5000, hx - 5, 0},         // 5 m out toward center court
		{3000, 0, hx, 3},             // to the right of someone facing center court: north
		{-6706, 0, hx, -6.706},       // the south corner
		{685, -475, hx + .475, .685}, // the seed's example (behind the hoop)
	}
	for _, c := range cases {
		ch := NewShotChart(court.NBA)
		ch.AddFeed(0, 1, 2, c.hx, c.hy, true, false, 1)
		s := ch.Shots[0]
		if math.Abs(s.X_m-c.x) > 1e-9 || math.Abs(s.Y_m-c.y) > 1e-9 {
			t.Errorf("feed shot (%d, %d) at (%v, %v), want (%v, %v)", c.hx, c.hy, s.X_m, s.Y_m, c.x, c.y)
		}
	}
}

func TestShotChartZones(t *testing.T) {
	c := NewShotChart(court.NBA)
	c.AddFeed(1, 7, 10, 0, 5000, true, false, 3)
	c.AddFeed(2, 7, 10, 0, 7500, false, true, 9)
	c.AddFeed(3, 7, 10, 0, 7500, true, true, 9)
	// A detected shot at the west hoop from 2 m north of its lane line's
	// end: the same spot relative to the east hoop is 2 m south.
	c.AddDetected(4, 7, 10, -8, 2, c.Court.HoopX_m(court.West), true)
	d := c.Shots[3]
	if math.Abs(d.X_m-8) > 1e-9 || math.Abs(d.Y_m+2) > 1e-9 || math.Abs(d.Dist_m-math.Hypot(c.Court.HoopX_m(court.East)-8, 2)) > 1e-9 {
		t.Errorf("detected west shot not turned onto the east half: %+v", d)
	}
	if d.Zone == 0 || d.Is3Point {
		t.Errorf("detected shot zone %d three %v, want a two-point zone", d.Zone, d.Is3Point)
	}
	if c.Zones[3] != (ZoneCount{1, 1}) || c.Zones[9] != (ZoneCount{2, 1}) || c.Zones[d.Zone].Attempts == 0 {
		t.Errorf("zones = %+v", c.Zones)
	}
}

func TestAddNoAllocs(t *testing.T) {
	a := New(Options{Fold: true, Attack: func(int64, int32) int { return -1 }})
	a.AddPlayer(1, 10, 1, 0, 0, 0.04, true)
	a.AddBall(99, 10, 1, 0, 0, 0.04, true)
	x := 0.0
	if n := testing.AllocsPerRun(1000, func() {
		x += 0.01
		a.AddPlayer(1, 10, 1, x, 1, 0.04, true)
		a.AddBall(99, 10, 1, x, 1, 0.04, true)
	}); n != 0 {
		t.Errorf("Add allocates %.1f times, want 0", n)
	}
}

func TestFoldLearnedAfterwards(t *testing.T) {
	// The directions are learned from shots only after the positions were
	// added: folding happens when the grid is read.
	var votes AttackVotes
	a := New(Options{Fold: true, Attack: votes.Attack, Cell_m: 1})
	hx := court.NBA.HoopX_m(court.East)
	// Team 10 sits 3 m in front of the hoop it attacks, in both halves.
	a.AddPlayer(1, 10, 1, -(hx - 3), 0.5, 2, true) // period 1: attacks west
	a.AddPlayer(1, 10, 2, hx-3, -0.5, 3, true)     // period 2: attacks east
	a.AddBall(99, 10, 1, -(hx - 3), 0.5, 1, true)
	a.AddBall(99, 20, 1, -(hx - 3), 0.5, 1, true) // held by team 20, attacking east in period 1
	votes.Add(10, 1, -hx)
	votes.Add(10, 1, -hx)
	votes.Add(20, 2, -hx) // team 20 attacks west in period 2: team 10 east
	if got := votes.Attack(10, 2); got != 1 {
		t.Fatalf("team 10 period 2 direction = %d, want +1 (opposite of team 20)", got)
	}
	if got := votes.Attack(20, 1); got != 1 {
		t.Fatalf("team 20 period 1 direction = %d, want +1 (opposite of team 10)", got)
	}
	cells := a.Grid(ScopePlayer, 1).Cells(nil)
	if len(cells) != 1 || cells[0].Seconds != 5 || cells[0].X_m <= 0 {
		t.Errorf("player cells %+v, want one offence cell (x > 0) with 5 s", cells)
	}
	ball := a.Grid(ScopeBall, 99).Cells(nil)
	if len(ball) != 2 || ball[0].X_m != -ball[1].X_m {
		t.Errorf("ball cells %+v, want team 10's second in offence and team 20's in defence", ball)
	}
}

func TestGridFromCells(t *testing.T) {
	a := New(Options{})
	for i := range 200 {
		a.AddPlayer(7, 1, 1, float64(i%30)-15, float64(i%11)-5, 0.04, true)
	}
	want := a.Grid(ScopePlayer, 7)
	cells := a.Cells(nil) // player 7 and team 1
	got, skipped := GridFromCells(GeomFor(Options{}), ScopePlayer, 7, cells)
	if skipped != len(cells)/2 {
		t.Errorf("skipped %d of %d cells, want the team's half", skipped, len(cells))
	}
	for i := range want.Seconds {
		if got.Seconds[i] != want.Seconds[i] {
			t.Fatalf("cell %d: %v, want %v", i, got.Seconds[i], want.Seconds[i])
		}
	}
}

func TestIndexMatchesGeom(t *testing.T) {
	// index multiplies by 1/Cell_m when that is exact: it must give the
	// cell geom.Grid.IndexOf gives, bit for bit, on and around every cell
	// boundary, for power-of-two and other cell sizes.
	for _, cell := range []float64{0.5, 0.25, 1, 2, 0.3, 0.7, 0.125} {
		a := New(Options{Cell_m: cell})
		g := a.Geom()
		check := func(x, y float64) {
			if got, want := a.index(x, y), g.IndexOf(x, y); got != want {
				t.Fatalf("cell %v: index(%v, %v) = %d, geom.IndexOf = %d", cell, x, y, got, want)
			}
		}
		for ix := -1; ix <= g.NX+1; ix++ {
			x := g.MinX_m + float64(ix)*cell
			for iy := -1; iy <= g.NY+1; iy++ {
				y := g.MinY_m + float64(iy)*cell
				for _, dx := range []float64{math.Inf(-1), 0, math.Inf(1)} {
					for _, dy := range []float64{math.Inf(-1), 0, math.Inf(1)} {
						check(math.Nextafter(x, dx), math.Nextafter(y, dy))
					}
				}
				check(x+cell/3, y+cell/7)
			}
		}
		for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e300, -1e300, 0} {
			check(v, 0)
			check(0, v)
		}
	}
}

func TestManyUnits(t *testing.T) {
	// Enough units to grow the part table several times; every one keeps
	// its own time, and EachGrid, Grids and Grid agree bit for bit, whether
	// EachGrid merges (folding: two periods, one of them turned) or passes
	// a unit's only part.
	for _, fold := range []bool{false, true} {
		a := New(Options{Fold: fold, Attack: func(team int64, period int32) int { return int(period%2)*2 - 1 }})
		const n = 300
		for round := range 3 {
			for id := range int64(n) {
				a.AddPlayer(id+1, id%7+1, int32(round%2+1), float64(id%20)-10+0.1*float64(round), float64(id%9)-4, 0.1*float64(id+1), true)
			}
		}
		grids := a.Grids(nil)
		if len(grids) != n+7 {
			t.Fatalf("fold %v: %d grids, want %d players + 7 teams", fold, len(grids), n)
		}
		i := 0
		a.EachGrid(func(g *Grid) {
			w := grids[i]
			i++
			one := a.Grid(g.Scope, g.ID)
			for _, o := range []*Grid{w, one} {
				if g.Scope != o.Scope || g.ID != o.ID || math.Float64bits(g.Total_s) != math.Float64bits(o.Total_s) || g.Out_s != o.Out_s {
					t.Fatalf("fold %v: EachGrid %v %d total %v, Grids/Grid %v %d total %v", fold, g.Scope, g.ID, g.Total_s, o.Scope, o.ID, o.Total_s)
				}
				for c := range g.Seconds {
					if math.Float64bits(g.Seconds[c]) != math.Float64bits(o.Seconds[c]) {
						t.Fatalf("fold %v: %v %d cell %d: EachGrid %v, Grids/Grid %v", fold, g.Scope, g.ID, c, g.Seconds[c], o.Seconds[c])
					}
				}
			}
		})
		for id := range int64(n) {
			g := a.Grid(ScopePlayer, id+1)
			if want := 0.1 * float64(id+1); g == nil || math.Abs(g.Total_s-3*want) > 1e-9 {
				t.Fatalf("fold %v: player %d: grid %v, want total %v", fold, id+1, g, 3*want)
			}
		}
		if a.Grid(ScopePlayer, n+1) != nil {
			t.Errorf("fold %v: a grid for a player never added", fold)
		}
		if c := a.Cells(nil); len(c) != a.NonEmpty() {
			t.Errorf("fold %v: Cells gives %d rows, NonEmpty says %d", fold, len(c), a.NonEmpty())
		}
	}
}

// TestDefaultMargin: the default grid covers the court plus 1 m on each
// side, so an inbounder behind the baseline is on the map (the zero
// Options once left the margin at 0 and dropped such time); a negative
// margin asks for none.
func TestDefaultMargin(t *testing.T) {
	for _, c := range []struct {
		margin_m float64
		wantOut  bool
	}{{0, false}, {1, false}, {-1, true}} {
		a := New(Options{Margin_m: c.margin_m})
		hl := court.NBA.Length_m / 2
		a.AddPlayer(1, 10, 1, hl+0.8, 2, 1, true)
		a.AddPlayer(1, 10, 1, 0, -court.NBA.Width_m/2-0.8, 1, true)
		g := a.Grid(ScopePlayer, 1)
		if out := g.Out_s > 0; out != c.wantOut {
			t.Errorf("Margin_m %v: %.1f s outside the grid (outside: %v, want %v)", c.margin_m, g.Out_s, out, c.wantOut)
		}
	}
}

// TestCellBounds: a cell size outside MinCell_m..MaxCell_m is held to it
// (1e-6 m asked for a grid of 5·10¹⁴ cells), and none or a negative one
// is the default.
func TestCellBounds(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{1e-6, MinCell_m}, {1000, MaxCell_m}, {0, 0.5}, {-2, 0.5}, {math.NaN(), 0.5}, {0.25, 0.25},
	} {
		if g := GeomFor(Options{Cell_m: c.in}); g.Cell_m != c.want {
			t.Errorf("Cell_m %g: grid cell %g, want %g", c.in, g.Cell_m, c.want)
		}
	}
}
