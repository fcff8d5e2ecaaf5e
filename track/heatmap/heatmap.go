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
	// left and right. The ball is folded by the team holding it.
	//
	// Time is kept per period (and per team for the ball) and Attack is
	// asked only when results are read, so the directions may be learned
	// during the session (AttackVotes). Attack nil or 0: not folded.
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

// key names one accumulation unit. team and period are 0 unless folding.
// Three plain int64 (no padding) keep the map's hashing cheap.
type key struct {
	id   int64
	team int64 // the player's team, or the team holding the ball
	sp   int64 // scope<<32 | period
}

func mkey(s Scope, id, team int64, period int32) key {
	return key{id: id, team: team, sp: int64(s)<<32 | int64(uint32(period))}
}

func (k key) scope() Scope  { return Scope(k.sp >> 32) }
func (k key) period() int32 { return int32(uint32(k.sp)) }

// Accumulator builds time-weighted occupancy grids while streaming: one per
// player, per team and per ball (per period when folding). Memory depends
// on the roster and the number of periods, not on the length of the input;
// Add allocates only the first time it meets a unit.
type Accumulator struct {
	opt   Options
	geom  geom.Grid
	parts map[key]*Grid
}

// New returns an Accumulator with o (zero fields take their defaults).
func New(o Options) *Accumulator {
	o.defaults()
	return &Accumulator{opt: o, geom: GeomFor(o), parts: make(map[key]*Grid)}
}

// GeomFor returns the grid an Accumulator with o uses: whole cells either
// side of both axes covering the court plus the margin, so that center
// court is a cell corner and a half turn maps cell (ix, iy) onto
// (NX−1−ix, NY−1−iy).
func GeomFor(o Options) geom.Grid {
	o.defaults()
	nx := int(math.Ceil((o.Court.Length_m/2 + o.Margin_m) / o.Cell_m))
	ny := int(math.Ceil((o.Court.Width_m/2 + o.Margin_m) / o.Cell_m))
	return geom.Grid{MinX_m: -float64(nx) * o.Cell_m, MinY_m: -float64(ny) * o.Cell_m, Cell_m: o.Cell_m, NX: 2 * nx, NY: 2 * ny}
}

// GridFromCells rebuilds the Grid of (s, id) on geometry g from long-form
// cells (e.g. read back from the heatmap table to draw it); cells of other
// scopes or ids, or outside g, are skipped and counted in skipped.
func GridFromCells(g geom.Grid, s Scope, id int64, cells []Cell) (out *Grid, skipped int) {
	out = &Grid{Scope: s, ID: id, Geom: g, Seconds: make([]float64, g.Len())}
	for _, c := range cells {
		i := g.Index(int(c.IX), int(c.IY))
		if c.Scope != s || c.ID != id || i < 0 {
			skipped++
			continue
		}
		out.Seconds[i] += c.Seconds
		out.Total_s += c.Seconds
	}
	return out, skipped
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
// team's grid (when teamID ≠ 0).
func (a *Accumulator) AddPlayer(playerID, teamID int64, period int32, x_m, y_m, dt_s float64, live bool) {
	if a.opt.LiveOnly && !live {
		return
	}
	if !a.opt.Fold {
		period = 0
	}
	a.add(mkey(ScopePlayer, playerID, teamID, period), x_m, y_m, dt_s)
	if teamID != 0 {
		a.add(mkey(ScopeTeam, teamID, teamID, period), x_m, y_m, dt_s)
	}
}

// AddBall adds dt_s seconds at (x_m, y_m) to the ball's grid. With folding,
// teamID is the team holding the ball (0: not folded).
func (a *Accumulator) AddBall(ballID, teamID int64, period int32, x_m, y_m, dt_s float64, live bool) {
	if a.opt.LiveOnly && !live {
		return
	}
	if !a.opt.Fold {
		teamID, period = 0, 0
	}
	a.add(mkey(ScopeBall, ballID, teamID, period), x_m, y_m, dt_s)
}

func (a *Accumulator) add(k key, x, y, dt float64) {
	g := a.parts[k]
	if g == nil {
		g = &Grid{Scope: k.scope(), ID: k.id, Geom: a.geom, Seconds: make([]float64, a.geom.Len())}
		a.parts[k] = g
	}
	g.Total_s += dt
	if i := a.geom.IndexOf(x, y); i >= 0 {
		g.Seconds[i] += dt
	} else {
		g.Out_s += dt
	}
}

// Grid returns a new Grid of (s, id) with every period folded as Options
// say, or nil if nothing was added to it. It is a copy: later Adds do not
// change it.
func (a *Accumulator) Grid(s Scope, id int64) *Grid {
	var out *Grid
	for _, k := range a.sortedKeys() {
		if k.scope() == s && k.id == id {
			out = a.merge(out, k, a.parts[k])
		}
	}
	return out
}

// sortedKeys returns the parts' keys ordered by scope, id, team, then
// period, so that merging sums parts in the same order on every run (float
// addition is not associative; map order would change the last bits).
func (a *Accumulator) sortedKeys() []key {
	keys := make([]key, 0, len(a.parts))
	for k := range a.parts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		x, y := keys[i], keys[j]
		switch {
		case x.scope() != y.scope():
			return x.scope() < y.scope()
		case x.id != y.id:
			return x.id < y.id
		case x.team != y.team:
			return x.team < y.team
		}
		return x.period() < y.period()
	})
	return keys
}

// merge adds part p (of unit k) into dst, folded, and returns dst (new if nil).
func (a *Accumulator) merge(dst *Grid, k key, p *Grid) *Grid {
	if dst == nil {
		dst = &Grid{Scope: k.scope(), ID: k.id, Geom: a.geom, Seconds: make([]float64, a.geom.Len())}
	}
	dst.Total_s += p.Total_s
	dst.Out_s += p.Out_s
	flip := a.opt.Fold && a.opt.Attack != nil && k.team != 0 && a.opt.Attack(k.team, k.period()) < 0
	n := len(p.Seconds)
	for i, v := range p.Seconds {
		if flip {
			// The half turn maps (ix, iy) to (NX−1−ix, NY−1−iy): flat
			// index i to n−1−i.
			dst.Seconds[n-1-i] += v
		} else {
			dst.Seconds[i] += v
		}
	}
	return dst
}

// Grids appends a new Grid for every (scope, id) to dst, ordered by scope
// then id, folded as Options say. They are copies.
func (a *Accumulator) Grids(dst []*Grid) []*Grid {
	var cur *Grid
	for _, k := range a.sortedKeys() {
		if cur == nil || cur.Scope != k.scope() || cur.ID != k.id {
			if cur != nil {
				dst = append(dst, cur)
			}
			cur = nil
		}
		cur = a.merge(cur, k, a.parts[k])
	}
	if cur != nil {
		dst = append(dst, cur)
	}
	return dst
}

// Cells appends the non-empty cells of every grid to dst in long form,
// ordered by scope, id, iy, ix.
func (a *Accumulator) Cells(dst []Cell) []Cell {
	for _, g := range a.Grids(nil) {
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

// AttackVotes learns which way each team attacks in each period from the
// hoops its shots went to (detected or feed shots), for Options.Attack.
// Its memory is one counter per (team, period).
type AttackVotes struct {
	votes map[attackKey]int
}

type attackKey struct {
	team   int64
	period int32
}

// Add records a shot of teamID in period at the hoop at x = hoopX_m.
func (v *AttackVotes) Add(teamID int64, period int32, hoopX_m float64) {
	if v.votes == nil {
		v.votes = make(map[attackKey]int)
	}
	switch {
	case hoopX_m > 0:
		v.votes[attackKey{teamID, period}]++
	case hoopX_m < 0:
		v.votes[attackKey{teamID, period}]--
	}
}

// Attack returns +1 (east) or −1 (west) by the majority of teamID's shots
// in period; without a majority, the opposite of the other teams' majority
// in that period; else 0. It is an AttackFunc.
func (v *AttackVotes) Attack(teamID int64, period int32) int {
	if n := v.votes[attackKey{teamID, period}]; n != 0 {
		return sign(n)
	}
	other := 0
	for k, n := range v.votes {
		if k.period == period && k.team != teamID {
			other += sign(n)
		}
	}
	return -sign(other)
}

func sign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}
