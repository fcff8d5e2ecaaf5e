package heatmap

import (
	"math"
	"math/bits"
	"slices"
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
	Cell_m   float64 // cell side; ≤ 0 or NaN: the default, 0.5; otherwise held within MinCell_m..MaxCell_m
	Margin_m float64 // the grid covers the court plus this much on each side; 0: the default, 1; negative: none
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

// MinCell_m and MaxCell_m bound Options.Cell_m. A cell finer than the
// sensors' noise (about 50 mm) shows noise, and a grid's memory and time
// grow as 1/cell² (on a 3-minute game, 0.01 m took 580 MB, 0.002 m 10 GB
// and 38 s; 1e-6 m would be a grid of 5·10¹⁴ cells); at 10 m an NBA court
// is 4 × 2 cells, coarser says nothing.
const MinCell_m, MaxCell_m float64 = 0.05, 10

func (o *Options) defaults() {
	if !(o.Cell_m > 0) {
		o.Cell_m = 0.5
	}
	o.Cell_m = min(max(o.Cell_m, MinCell_m), MaxCell_m)
	if o.Margin_m == 0 || math.IsNaN(o.Margin_m) {
		o.Margin_m = 1 // a negative margin stays: GeomFor reads it as none
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

// key names one accumulation unit (a part). team and period are 0 unless
// folding (a player's part keeps its team either way). Three plain int64
// (no padding) keep hashing and comparing cheap.
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
	parts partTable
	// perCell_m is 1/Cell_m when Cell_m is a power of two (then exact),
	// else 0 (index divides); see index.
	perCell_m float64
	scratch   Grid // EachGrid's merged grid, reused
}

// New returns an Accumulator with o (zero fields take their defaults).
func New(o Options) *Accumulator {
	o.defaults()
	a := &Accumulator{opt: o, geom: GeomFor(o), parts: newPartTable()}
	if frac, _ := math.Frexp(o.Cell_m); frac == 0.5 && !math.IsInf(1/o.Cell_m, 0) {
		a.perCell_m = 1 / o.Cell_m // exact: a power of two
	}
	return a
}

// GeomFor returns the grid an Accumulator with o uses: whole cells either
// side of both axes covering the court plus the margin, so that center
// court is a cell corner and a half turn maps cell (ix, iy) onto
// (NX−1−ix, NY−1−iy).
func GeomFor(o Options) geom.Grid {
	o.defaults()
	m := max(o.Margin_m, 0)
	nx := int(math.Ceil((o.Court.Length_m/2 + m) / o.Cell_m))
	ny := int(math.Ceil((o.Court.Width_m/2 + m) / o.Cell_m))
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
//
// This is the engine's busiest analysis call (once per player per grid
// tick), so it does the least it can: the cell index is computed once and
// added to both grids, and a single lookup in a flat hash table (see
// partTable) finds the player's part, whose slot also points to the team's
// part of the same period.
func (a *Accumulator) AddPlayer(playerID, teamID int64, period int32, x_m, y_m, dt_s float64, live bool) {
	if a.opt.LiveOnly && !live {
		return
	}
	if !a.opt.Fold {
		period = 0
	}
	i := a.index(x_m, y_m)
	k := mkey(ScopePlayer, playerID, teamID, period)
	s := a.parts.slot(k)
	if s == nil {
		s = a.newPlayerPart(k)
	}
	s.g.add(i, dt_s)
	if s.team != nil {
		s.team.add(i, dt_s)
	}
}

// newPlayerPart creates the player's part of unit k (not in a.parts yet)
// and, unless the team is 0, finds or creates its team's part of the same
// period, and returns the player's slot.
func (a *Accumulator) newPlayerPart(k key) *partSlot {
	var team *Grid
	if k.team != 0 {
		tk := mkey(ScopeTeam, k.team, k.team, k.period())
		if s := a.parts.slot(tk); s != nil {
			team = s.g
		} else {
			team = a.newPart(tk).g
		}
	}
	s := a.newPart(k)
	s.team = team
	return s
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
	k := mkey(ScopeBall, ballID, teamID, period)
	s := a.parts.slot(k)
	if s == nil {
		s = a.newPart(k)
	}
	s.g.add(a.index(x_m, y_m), dt_s)
}

// index returns geom.Grid.IndexOf(x_m, y_m) on a's grid, bit for bit: the
// flat index iy·NX + ix of cell ix = ⌊(x_m − MinX_m)/Cell_m⌋ (iy likewise),
// or −1 outside the grid or for NaN. When Cell_m is a power of two (the
// default 0.5 m) its reciprocal is exact, so v/Cell_m and v·(1/Cell_m) are
// the same real number rounded the same way: the same float64. index then
// multiplies; the two divisions were about half of BenchmarkAddPlayer's
// profile. Other cell sizes divide as geom does.
func (a *Accumulator) index(x_m, y_m float64) int {
	g := &a.geom
	if a.perCell_m == 0 {
		return a.indexDiv(x_m, y_m)
	}
	fx, fy := (x_m-g.MinX_m)*a.perCell_m, (y_m-g.MinY_m)*a.perCell_m
	// The negated comparisons also reject NaN.
	if !(fx >= 0 && fx < float64(g.NX) && fy >= 0 && fy < float64(g.NY)) {
		return -1
	}
	return int(fy)*g.NX + int(fx)
}

// indexDiv is index for a cell size that is not a power of two.
//
//go:noinline
func (a *Accumulator) indexDiv(x_m, y_m float64) int { return a.geom.IndexOf(x_m, y_m) }

// newPart creates the grid of unit k (not in a.parts yet), adds it and
// returns its slot.
func (a *Accumulator) newPart(k key) *partSlot {
	g := &Grid{Scope: k.scope(), ID: k.id, Geom: a.geom, Seconds: make([]float64, a.geom.Len())}
	return a.parts.put(k, g)
}

// add adds dt seconds to flat cell i (i < 0: outside the grid, Out_s).
func (g *Grid) add(i int, dt float64) {
	g.Total_s += dt
	if i >= 0 {
		g.Seconds[i] += dt
	} else {
		g.Out_s += dt
	}
}

// partTable maps keys to parts: an open-addressing hash table with linear
// probing, at most half full, whose slots hold the key beside the grid.
// It replaces a map[key]*Grid on the per-sample path: a lookup is one
// multiply-shift hash and, nearly always, one slot compare, inlined into
// the caller, where the map hashed its 24-byte key generically in a call.
// A player's slot also holds its team's grid (partSlot.team), so a player
// sample costs one lookup. Parts are never removed. Iteration order does
// not matter: readers sort the keys (sortedKeys).
type partTable struct {
	slots []partSlot // len a power of two; g == nil marks a free slot
	n     int        // slots in use
	shift uint       // 64 − log2(len(slots))
}

// newPartTable returns an empty table (16 free slots).
func newPartTable() partTable {
	return partTable{slots: make([]partSlot, 16), shift: 64 - 4}
}

type partSlot struct {
	k    key
	g    *Grid
	team *Grid // for a player's part: its team's part of the same period (nil: team 0)
}

// hash spreads k over the table (Fibonacci hashing: the top bits of a
// product by odd constants).
func (t *partTable) hash(k key) uint64 {
	h := uint64(k.id)*0x9e3779b97f4a7c15 ^ uint64(k.team)*0xc2b2ae3d27d4eb4f ^ uint64(k.sp)*0x165667b19e3779f9
	return h >> t.shift
}

// slot returns k's slot, or nil. The pointer is valid until the next put.
// (A free slot's key is zero, which no real key is: its scope is ≥ 1.)
func (t *partTable) slot(k key) *partSlot {
	mask := uint64(len(t.slots) - 1)
	for i := t.hash(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.k == k {
			return s
		}
		if s.g == nil {
			return nil
		}
	}
}

// get returns k's grid, or nil.
func (t *partTable) get(k key) *Grid {
	if s := t.slot(k); s != nil {
		return s.g
	}
	return nil
}

// put adds k (not yet in t) with grid g, doubling the table first when it
// would become more than half full, and returns k's slot (valid until the
// next put).
func (t *partTable) put(k key, g *Grid) *partSlot {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		size := 2 * len(old)
		t.slots = make([]partSlot, size)
		t.shift = uint(64 - bits.TrailingZeros(uint(size)))
		t.n = 0
		for _, s := range old {
			if s.g != nil {
				t.put(s.k, s.g).team = s.team
			}
		}
	}
	mask := uint64(len(t.slots) - 1)
	i := t.hash(k)
	for t.slots[i].g != nil {
		i = (i + 1) & mask
	}
	t.slots[i] = partSlot{k: k, g: g}
	t.n++
	return &t.slots[i]
}

// Grid returns a new Grid of (s, id) with every period folded as Options
// say, or nil if nothing was added to it. It is a copy: later Adds do not
// change it.
func (a *Accumulator) Grid(s Scope, id int64) *Grid {
	var out *Grid
	for _, k := range a.sortedKeys() {
		if k.scope() == s && k.id == id {
			if out == nil {
				out = &Grid{Scope: s, ID: id, Geom: a.geom, Seconds: make([]float64, a.geom.Len())}
			}
			a.merge(out, k, a.parts.get(k))
		}
	}
	return out
}

// sortedKeys returns the parts' keys ordered by scope, id, team, then
// period, so that merging sums parts in the same order on every run (float
// addition is not associative; hash order would change the last bits).
func (a *Accumulator) sortedKeys() []key {
	keys := make([]key, 0, a.parts.n)
	for _, p := range a.parts.slots {
		if p.g != nil {
			keys = append(keys, p.k)
		}
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

// flip reports whether part k is read turned half a turn (folding, and
// its team attacks west in its period).
func (a *Accumulator) flip(k key) bool {
	return a.opt.Fold && a.opt.Attack != nil && k.team != 0 && a.opt.Attack(k.team, k.period()) < 0
}

// merge adds part p (of unit k) into dst, folded.
func (a *Accumulator) merge(dst *Grid, k key, p *Grid) {
	dst.Total_s += p.Total_s
	dst.Out_s += p.Out_s
	if !a.flip(k) {
		for i, v := range p.Seconds {
			dst.Seconds[i] += v
		}
		return
	}
	// The half turn maps (ix, iy) to (NX−1−ix, NY−1−iy): flat index i to
	// n−1−i.
	n := len(p.Seconds)
	for i, v := range p.Seconds {
		dst.Seconds[n-1-i] += v
	}
}

// EachGrid calls fn with the Grid of every (scope, id), ordered by scope
// then id, folded as Options say: the grids Grids returns, without a copy
// each. The Grid passed to fn is valid only during the call and must not
// be modified: it is a reused buffer, or a's own part when the unit has
// only one part to read unturned (without folding, every unit). Passing
// the part is exact: merging it alone would add its values to zeros, and
// x + 0 is x for every value a part can hold (parts start at +0, so they
// never hold −0). fn must not call a's methods.
func (a *Accumulator) EachGrid(fn func(g *Grid)) {
	keys := a.sortedKeys()
	cur := &a.scratch
	for lo := 0; lo < len(keys); {
		k := keys[lo]
		hi := lo + 1
		for hi < len(keys) && keys[hi].sp>>32 == k.sp>>32 && keys[hi].id == k.id {
			hi++
		}
		if hi == lo+1 && !a.flip(k) {
			fn(a.parts.get(k))
			lo = hi
			continue
		}
		if cur.Seconds == nil {
			cur.Seconds = make([]float64, a.geom.Len())
		}
		clear(cur.Seconds)
		*cur = Grid{Scope: k.scope(), ID: k.id, Geom: a.geom, Seconds: cur.Seconds}
		for ; lo < hi; lo++ {
			a.merge(cur, keys[lo], a.parts.get(keys[lo]))
		}
		fn(cur)
	}
}

// Grids appends a new Grid for every (scope, id) to dst, ordered by scope
// then id, folded as Options say. They are copies.
func (a *Accumulator) Grids(dst []*Grid) []*Grid {
	a.EachGrid(func(g *Grid) {
		c := *g
		c.Seconds = slices.Clone(g.Seconds)
		dst = append(dst, &c)
	})
	return dst
}

// Cells appends the non-empty cells of every grid to dst in long form,
// ordered by scope, id, iy, ix. It merges the parts twice, once to count
// the cells and once to append them: merging is cheaper than growing a
// long dst step by step.
func (a *Accumulator) Cells(dst []Cell) []Cell {
	dst = slices.Grow(dst, a.NonEmpty())
	a.EachGrid(func(g *Grid) { dst = g.Cells(dst) })
	return dst
}

// NonEmpty returns the number of non-empty cells of every grid (the rows
// Cells appends).
func (a *Accumulator) NonEmpty() int {
	n := 0
	a.EachGrid(func(g *Grid) { n += g.NonEmpty() })
	return n
}

// NonEmpty returns the number of non-empty cells (the rows Cells appends).
func (g *Grid) NonEmpty() int {
	n := 0
	for _, s := range g.Seconds {
		if s != 0 {
			n++
		}
	}
	return n
}

// Cells appends g's non-empty cells to dst, ordered by iy then ix.
func (g *Grid) Cells(dst []Cell) []Cell {
	dst = slices.Grow(dst, g.NonEmpty())
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
