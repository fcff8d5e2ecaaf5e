package heatmap

import (
	"math"
	"sort"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/geom"
)

// Scope says whose time a Grid holds.
type Scope uint8

const (
	ScopePlayer Scope = iota + 1
	ScopeTeam
	ScopeBall
)

var scopeNames = [...]string{"", "player", "team", "ball"}

// String returns "player", "team" or "ball" (the scope column of the
// heatmap table).
func (s Scope) String() string {
	if int(s) < len(scopeNames) {
		return scopeNames[s]
	}
	return "unknown"
}

// AttackFunc tells which way a team attacks in a period: +1 toward the east
// hoop (+x), −1 toward the west hoop, 0 when unknown (not folded).
type AttackFunc func(teamID int64, period int32) int

// Options configure an Accumulator.
type Options struct {
	Cell_m   float64 // cell side; default 0.5
	Margin_m float64 // the grid covers the court plus this much on each side; default 1
	// Court gives the size of the grid (default NBA).
	Court court.Template
	// LiveOnly drops samples taken while the clock is not live.
	LiveOnly bool
	// Fold maps each team's attacking half onto the east half (x > 0) by a
	// half turn about center court, (x, y) -> (−x, −y), for a team
	// attacking west; a whole game then reads as offence (x > 0) and
	// defence (x < 0). A half turn, not a mirror, keeps the offence's
	// left and right. Attack must be set when Fold is.
	Fold   bool
	Attack AttackFunc
}

func (o *Options) defaults() {
	if !(o.Cell_m > 0) {
		o.Cell_m = 0.5
	}
	if !(o.Margin_m >= 0) {
		o.Margin_m = 1
	}
	if o.Court.Length_m == 0 {
		o.Court = court.NBA
	}
}

// Grid is one occupancy map: seconds spent in each cell.
type Grid struct {
	Scope   Scope
	ID      int64 // player id, team id or ball id
	Geom    geom.Grid
	Seconds []float64 // by flat index iy·NX + ix
	Total_s float64   // every second added, inside the grid or not
	Out_s   float64   // seconds at positions outside the grid (or NaN)
}

// Cell is one non-empty cell in long form (the heatmap table's row).
type Cell struct {
	Scope   Scope
	ID      int64
	IX, IY  int32
	X_m     float64 // cell centre, canonical (or folded) frame
	Y_m     float64
	Seconds float64
}

type key struct {
	scope Scope
	id    int64
}

// Accumulator builds time-weighted occupancy grids while streaming: one per
// player, per team and per ball. Memory is one grid per id, whatever the
// length of the input; Add allocates only the first time it sees an id.
type Accumulator struct {
	opt   Options
	geom  geom.Grid
	grids map[key]*Grid
}

// New returns an Accumulator with o (zero fields take their defaults).
func New(o Options) *Accumulator {
	o.defaults()
	// Whole cells either side of both axes, so that center court is a
	// cell corner and a half turn maps cell (ix, iy) onto (NX−1−ix, NY−1−iy).
	nx := int(math.Ceil((o.Court.Length_m/2 + o.Margin_m) / o.Cell_m))
	ny := int(math.Ceil((o.Court.Width_m/2 + o.Margin_m) / o.Cell_m))
	g := geom.Grid{MinX_m: -float64(nx) * o.Cell_m, MinY_m: -float64(ny) * o.Cell_m, Cell_m: o.Cell_m, NX: 2 * nx, NY: 2 * ny}
	return &Accumulator{opt: o, geom: g, grids: make(map[key]*Grid)}
}

// Geom returns the grid geometry every Grid shares.
func (a *Accumulator) Geom() geom.Grid { return a.geom }

// Fold maps (x_m, y_m) of a team attacking in direction attack (see
// AttackFunc) onto the east-attacking frame: a half turn for attack < 0,
// unchanged otherwise.
func Fold(x_m, y_m float64, attack int) (float64, float64) {
	if attack < 0 {
		return -x_m, -y_m
	}
	return x_m, y_m
}

// AddPlayer adds dt_s seconds at (x_m, y_m) to the player's grid and to its
// team's grid (when teamID ≠ 0). period and teamID choose the fold.
func (a *Accumulator) AddPlayer(playerID, teamID int64, period int32, x_m, y_m, dt_s float64, live bool) {
	if a.opt.LiveOnly && !live {
		return
	}
	x_m, y_m = a.fold(teamID, period, x_m, y_m)
	a.add(ScopePlayer, playerID, x_m, y_m, dt_s)
	if teamID != 0 {
		a.add(ScopeTeam, teamID, x_m, y_m, dt_s)
	}
}

// AddBall adds dt_s seconds at (x_m, y_m) to the ball's grid. With folding,
// teamID is the team in possession (0: not folded).
func (a *Accumulator) AddBall(ballID, teamID int64, period int32, x_m, y_m, dt_s float64, live bool) {
	if a.opt.LiveOnly && !live {
		return
	}
	x_m, y_m = a.fold(teamID, period, x_m, y_m)
	a.add(ScopeBall, ballID, x_m, y_m, dt_s)
}

func (a *Accumulator) fold(teamID int64, period int32, x, y float64) (float64, float64) {
	if !a.opt.Fold || a.opt.Attack == nil || teamID == 0 {
		return x, y
	}
	return Fold(x, y, a.opt.Attack(teamID, period))
}

func (a *Accumulator) add(s Scope, id int64, x, y, dt float64) {
	g := a.grids[key{s, id}]
	if g == nil {
		g = &Grid{Scope: s, ID: id, Geom: a.geom, Seconds: make([]float64, a.geom.Len())}
		a.grids[key{s, id}] = g
	}
	g.Total_s += dt
	if i := a.geom.IndexOf(x, y); i >= 0 {
		g.Seconds[i] += dt
	} else {
		g.Out_s += dt
	}
}

// Grid returns the grid of (s, id), or nil if nothing was added to it. The
// Grid is live: later Adds change it.
func (a *Accumulator) Grid(s Scope, id int64) *Grid { return a.grids[key{s, id}] }

// Grids appends every grid to dst ordered by scope then id.
func (a *Accumulator) Grids(dst []*Grid) []*Grid {
	n := len(dst)
	for _, g := range a.grids {
		dst = append(dst, g)
	}
	s := dst[n:]
	sort.Slice(s, func(i, j int) bool {
		if s[i].Scope != s[j].Scope {
			return s[i].Scope < s[j].Scope
		}
		return s[i].ID < s[j].ID
	})
	return dst
}

// Cells appends the non-empty cells of every grid to dst in long form,
// ordered by scope, id, iy, ix.
func (a *Accumulator) Cells(dst []Cell) []Cell {
	var gs [64]*Grid
	for _, g := range a.Grids(gs[:0]) {
		dst = g.Cells(dst)
	}
	return dst
}

// Cells appends g's non-empty cells to dst, ordered by iy then ix.
func (g *Grid) Cells(dst []Cell) []Cell {
	for i, s := range g.Seconds {
		if s == 0 {
			continue
		}
		ix, iy := g.Geom.CellOf(i)
		x, y := g.Geom.Center(ix, iy)
		dst = append(dst, Cell{Scope: g.Scope, ID: g.ID, IX: int32(ix), IY: int32(iy), X_m: x, Y_m: y, Seconds: s})
	}
	return dst
}

// Max returns the largest cell value.
func (g *Grid) Max() float64 {
	m := 0.0
	for _, s := range g.Seconds {
		if s > m {
			m = s
		}
	}
	return m
}

// Sum returns the seconds inside the grid (Total_s − Out_s, summed exactly
// over cells).
func (g *Grid) Sum() float64 {
	t := 0.0
	for _, s := range g.Seconds {
		t += s
	}
	return t
}
