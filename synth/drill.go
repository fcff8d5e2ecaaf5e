package synth

import (
	"math"

	"github.com/stmotion/stmotion/decode"
)

// A practice alternates scrimmage drills (the game rules, one team split in
// two) with shooting drills: one rebounder under the attacked hoop passes
// to the shooters in turn, each catches at a spot around the arc or the
// elbows and shoots at once, then jogs to another spot; the rebounder
// collects makes and misses. There are no defenders, no assists and no
// rebound stats in a shooting drill (field goals are recorded); the clock
// is LIVE throughout.

// drillState is a shooting drill in progress.
type drillState struct {
	active   bool
	started  bool // the rebounder has had the ball once
	passer   int
	shooters []int
	next     int     // index in shooters of the next to get the ball
	shootAt  float64 // when the shooter who caught the ball shoots
	waitTil  float64 // the rebounder waits until then before passing
	tossed   bool
}

// shootingDrill reports whether drill number k of a practice is a shooting
// drill (every second one, the first being a scrimmage).
func shootingDrill(k int) bool { return k%2 == 1 }

// startShootingDrill sets up drill shooting at side 0's attacked hoop for
// all ten players on the floor.
func (g *game) startShootingDrill() {
	g.attack[1] = g.attack[0] // everybody shoots at the same hoop
	d := &g.dr
	*d = drillState{active: true, passer: g.five[0][4]}
	d.shooters = d.shooters[:0]
	for s := 0; s < 2; s++ {
		for _, i := range g.five[s] {
			if i != d.passer {
				d.shooters = append(d.shooters, i)
			}
		}
	}
	used := map[int]bool{}
	for _, i := range d.shooters {
		g.spotOf[i] = g.drillSpot(i, used)
		used[g.spotOf[i]] = true
	}
	g.ph = phDrill
	g.off = 0
	g.setClock(decode.MarkerLive)
	g.nextForm = g.t
}

// drillSpot picks a free spot for a shooter: the arc, the slots and the
// elbows (not the blocks and short corners).
func (g *game) drillSpot(i int, used map[int]bool) int {
	cands := []int{0, 1, 2, 3, 4, 5, 6, 11, 12}
	for try := 0; try < 12; try++ {
		s := cands[g.rng.IntN(len(cands))]
		if !used[s] {
			return s
		}
	}
	return cands[g.rng.IntN(len(cands))]
}

func (g *game) drillPhase() {
	d := &g.dr
	switch g.b.kind {
	case ballFlight:
		return
	case ballLoose:
		g.picker = d.passer
		return
	}
	h := g.holder()
	if h < 0 || g.act.active {
		return
	}
	if h != d.passer && !d.started {
		g.stopDribble()
		if !d.tossed {
			d.tossed = true
			g.prepRelease(flyToss, d.passer, 1.2, 0.25)
		}
		return
	}
	if h == d.passer {
		d.started = true
		s := d.shooters[d.next]
		sp := g.spots[g.spotOf[s]]
		sx, sy := g.courtXY(0, sp[0], sp[1])
		if g.near(d.waitTil) && dist(g.ag[s].x, g.ag[s].y, sx, sy) < 0.6 {
			g.prepRelease(flyPass, s, 1.2, g.uni(0.15, 0.3))
		}
		return
	}
	// A shooter has the ball: catch and shoot.
	if g.near(d.shootAt) {
		g.shoot(false)
	}
}

// drillShot is called at a shooting drill's release: the shooter moves on
// to another spot, the next shooter is up, and the rebounder goes for the
// ball.
func (g *game) drillShot(shooter int, make bool) {
	d := &g.dr
	used := map[int]bool{}
	for _, i := range d.shooters {
		used[g.spotOf[i]] = true
	}
	g.spotOf[shooter] = g.drillSpot(shooter, used)
	sp := g.spots[g.spotOf[shooter]]
	x, y := g.courtXY(0, sp[0], sp[1])
	g.ag[shooter].setTarget(x, y, g.uni(2.5, 4.5), g.uni(-0.3, 0.3))
	d.next = (d.next + 1) % len(d.shooters)
	d.waitTil = g.t + g.uni(1.5, 3)
	g.ph = phDrill
	if !make {
		g.rebounder = d.passer
		g.ag[d.passer].setTarget(g.rebX, g.rebY, 5, 0)
	}
}

// drillFormation keeps the shooters on their spots and the rebounder under
// the hoop when he has the ball.
func (g *game) drillFormation() {
	d := &g.dr
	for _, i := range d.shooters {
		if i == g.holder() || (g.b.kind == ballFlight && g.b.homing == i) {
			continue
		}
		sp := g.spots[g.spotOf[i]]
		x, y := g.courtXY(0, sp[0], sp[1])
		a := &g.ag[i]
		if dist(a.tx, a.ty, x, y) > 0.01 {
			a.setTarget(x, y, math.Max(a.gait_mps, 2.5), a.curve)
		}
	}
	if g.holder() == d.passer {
		x, y := g.courtXY(0, g.uni(-0.8, 0.8), g.uni(0.8, 1.6))
		a := &g.ag[d.passer]
		if dist(a.tx, a.ty, x, y) > 1.2 {
			a.setTarget(x, y, 2, 0)
		}
	}
}
