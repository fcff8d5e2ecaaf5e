package synth

import "math"

// ballKind is what the ball is doing.
type ballKind uint8

const (
	ballStatic ballKind = iota // held still by a referee (before the opening toss)
	ballHeld                   // in a player's hands or dribbled by him
	ballFlight                 // in the air: pass, shot, rebound, toss
	ballLoose                  // bouncing or rolling on the floor, or at rest
)

// purpose says what a flight is, so that its arrival can be handled.
type purpose uint8

const (
	flyPass    purpose = iota // live pass to a teammate (or intercepted)
	flyInbound                // inbound pass from out of bounds
	flyToss                   // dead-ball toss to the next inbounder or free-throw shooter
	flyShot                   // field goal attempt toward the rim
	flyFT                     // free throw
	flyRebound                // off the rim toward the rebounder
	flyTipToss                // referee's toss at the jump ball
	flyTip                    // tipped from the jump ball to a player
	flyOut                    // errant pass landing out of bounds
	flySteal                  // ball poked from a dribbler to the defender
	flyPickup                 // a player picks a loose ball up
)

// ball is the ball's state. Its position at the start of each step is a
// function of this state and of the holder's state (ballPos); the feed
// interpolates linearly between steps.
type ball struct {
	kind ballKind
	t0   float64 // when the current kind began

	// static / loose
	px, py, pz float64
	vx, vy, vz float64

	// held
	holder    int
	dribbling bool
	dribT0    float64 // dribble phase origin: tops at dribT0 + n/dribHz
	dribHz    float64
	dribEnd   float64 // the dribble stops at this top (inf while it goes on)
	blend     float64 // 0 held in front … 1 dribbled at the side
	rampT0    float64 // z ramps from ramp0 to ramp1 over [rampT0, rampT0+rampDur]
	rampDur   float64
	ramp0     float64
	ramp1     float64

	// flight
	fly      purpose
	f0x, f0y float64 // start
	f0z      float64
	fT       float64 // duration
	vz0      float64
	fEndX    float64 // fixed end (when homing < 0)
	fEndY    float64
	fEndZ    float64
	homing   int // agent whose hand the flight ends in, or -1
	intended int // flyPass: the intended receiver
	passer   int
}

// heldZ is the ball height of a held ball at time t.
func (b *ball) heldZ(t float64) float64 {
	if b.dribbling && t < b.dribEnd {
		c := math.Cos(math.Pi * b.dribHz * (t - b.dribT0))
		return ballR_m + (holdZ_m-ballR_m)*math.Abs(c)
	}
	if b.rampDur > 0 {
		s := (t - b.rampT0) / b.rampDur
		switch {
		case s <= 0:
			return b.ramp0
		case s >= 1:
			return b.ramp1
		}
		s = s * s * (3 - 2*s)
		return b.ramp0 + (b.ramp1-b.ramp0)*s
	}
	return holdZ_m
}

// nextTop returns the first dribble top at or after t.
func (b *ball) nextTop(t float64) float64 {
	n := math.Ceil((t - b.dribT0) * b.dribHz)
	return b.dribT0 + n/b.dribHz
}
