package synth

import "math"

// Motion model. Every body is integrated with a fixed step of step_s whatever
// the output rate. Over one step [t, t+h) a player's acceleration a is
// constant, so the noise-free path is piecewise quadratic and C¹:
//
//	v(t+τ) = v + a·τ,   p(t+τ) = p + v·τ + a·τ²/2,   0 ≤ τ < h
//
// Samples at any instant are evaluated exactly from that formula, and the
// truth integrates |v| over each step with Simpson's rule (|v(τ)| is the
// norm of an affine function, so the error is far below a millimetre per
// game).
const (
	step_s         = 0.01 // integration step
	g_mps2         = 9.81
	ballR_m        = 0.12 // ball centre height when it touches the floor
	holdZ_m        = 1.05 // ball centre height when held (top of a dribble, catches)
	footZ_m        = 0.06 // player sensor height when the foot is down (shoe sensor)
	tau_s          = 0.5  // velocity-tracking time constant of the controller
	maxSpeed_mps   = 9.0  // no player is given a top speed above this (m/s)
	maxAccel_mps2  = 5.0  // no player is given an acceleration limit above this (m/s²)
	stopBand_m     = 0.03 // within this distance of its target a player stands (m)
	turnRate_radps = 7.0  // how fast the facing turns toward the velocity (rad/s)
	handSide_m     = 0.32 // dribbling: ball this far to the side of the body (m)
	handFront_m    = 0.26 // holding: ball this far in front of the body (m)
)

// mode is where a player is in the substitution cycle.
type mode uint8

const (
	modeCourt   mode = iota // in the lineup and on the floor
	modeToCourt             // subbed in, walking on
	modeToBench             // subbed out, walking to a seat
	modeSeated              // on the bench, still
)

// agent is one player: roster data, kinematic state, controller inputs and
// the truth accumulators.
type agent struct {
	id        int64
	side      int // 0 or 1 (in a practice both sides share a team id)
	first     string
	last      string
	jersey    int
	pos       string  // G, F or C
	vmax_mps  float64 // top speed
	amax_mps2 float64 // acceleration limit
	skill     float64 // shooting skill multiplier
	dribHz    float64 // dribbles per second
	rightHand bool

	x, y, vx, vy, ax, ay float64 // state at the start of the current step; a holds over the step
	tx, ty               float64 // target
	gait_mps             float64 // cruising speed toward the target
	curve                float64 // path bend (rad) while far from the target
	sepX, sepY           float64 // velocity added to keep bodies apart (m/s)
	heading              float64 // facing (rad), follows the velocity with a turn-rate limit
	stride               float64 // gait phase in cycles (foot lift of the shoe sensor)

	mode   mode
	lineup bool // one of the side's five: counts as time on court
	slot   int  // index in the five when lineup
	seatX  float64
	seatY  float64
	stint0 float64 // when the current stint on court began (s)

	// Truth.
	dist_m, distLive_m, top_mps             float64
	onCourt_s, inside_s, hold_s, holdLive_s float64
	touches                                 int
	sprints                                 int
	sprintRun_s                             float64
	box                                     [numBox]float64 // the true box score
	feedBox                                 [numBox]float64 // what the feed has said so far
	lastDIST_cm                             int64
}

// setTarget steers the player toward (x, y) at cruising speed gait with a
// path bend of curve radians (0 for a straight run).
func (a *agent) setTarget(x, y, gait, curve float64) {
	a.tx, a.ty, a.gait_mps, a.curve = x, y, math.Min(gait, a.vmax_mps), curve
}

// control chooses the acceleration for the next step: track a desired
// velocity toward the target (bent by curve while far, slowed so that the
// player can stop at the target with half its acceleration limit, 80 %
// out of a sprint, plus the
// separation push, capped at vmax_mps), with
// a first-order lag tau_s, the whole vector clipped to amax_mps2. The new
// velocity is a convex combination of the old and the desired one, so the
// speed never exceeds max(current speed, gait) ≤ vmax_mps.
func (a *agent) control() {
	dx, dy := a.tx-a.x, a.ty-a.y
	d := math.Hypot(dx, dy)
	if d <= stopBand_m && math.Abs(a.vx) < 2e-3 && math.Abs(a.vy) < 2e-3 && a.sepX == 0 && a.sepY == 0 {
		// Standing: settle exactly (a velocity step of at most 2 mm/s), which
		// also makes seated bench players free to simulate.
		a.vx, a.vy, a.ax, a.ay = 0, 0, 0, 0
		return
	}
	var wx, wy float64
	if d > stopBand_m {
		brake := 0.5 * a.amax_mps2 // easy stops, hard ones out of a sprint
		if a.gait_mps >= 6 {
			brake = 0.8 * a.amax_mps2
		}
		s := math.Min(a.gait_mps, math.Sqrt(2*brake*(d-stopBand_m*0.5)))
		ux, uy := dx/d, dy/d
		if a.curve != 0 {
			th := a.curve * math.Min(1, d/4)
			sn, cs := math.Sincos(th)
			ux, uy = cs*ux-sn*uy, sn*ux+cs*uy
		}
		wx, wy = ux*s, uy*s
	}
	if a.sepX != 0 || a.sepY != 0 {
		wx, wy = wx+a.sepX, wy+a.sepY
		if n := math.Hypot(wx, wy); n > a.vmax_mps {
			wx, wy = wx*a.vmax_mps/n, wy*a.vmax_mps/n
		}
	}
	ax, ay := (wx-a.vx)/tau_s, (wy-a.vy)/tau_s
	if n := math.Hypot(ax, ay); n > a.amax_mps2 {
		ax, ay = ax*a.amax_mps2/n, ay*a.amax_mps2/n
	}
	a.ax, a.ay = ax, ay
}

// speedAt is |v| at τ into the current step.
func (a *agent) speedAt(tau float64) float64 {
	return math.Hypot(a.vx+a.ax*tau, a.vy+a.ay*tau)
}

// advance integrates one step exactly and updates the facing and gait phase.
func (a *agent) advance(h float64) {
	if a.vx == 0 && a.vy == 0 && a.ax == 0 && a.ay == 0 {
		return
	}
	a.x += a.vx*h + 0.5*a.ax*h*h
	a.y += a.vy*h + 0.5*a.ay*h*h
	a.vx += a.ax * h
	a.vy += a.ay * h
	sp := math.Hypot(a.vx, a.vy)
	if sp > 0.4 {
		want := math.Atan2(a.vy, a.vx)
		d := math.Remainder(want-a.heading, 2*math.Pi)
		lim := turnRate_radps * h
		if d > lim {
			d = lim
		} else if d < -lim {
			d = -lim
		}
		a.heading = math.Remainder(a.heading+d, 2*math.Pi)
	}
	a.stride += strideHz(sp) * h
	if a.stride > 1e6 {
		a.stride -= 1e6
	}
}

// strideHz is the gait frequency at speed sp (0 when standing).
func strideHz(sp float64) float64 {
	if sp < 0.3 {
		return 0
	}
	return 1.2 + 0.22*sp
}

// liftAmp_m is how high the shoe sensor rises at speed sp.
func liftAmp_m(sp float64) float64 {
	if sp < 0.3 {
		return 0
	}
	return 0.03 + 0.022*math.Min(sp, maxSpeed_mps)
}

// hand returns the ball-centre xy when this player holds the ball: blend 0
// is held in front (catch, triple threat, gather), 1 is dribbling at the
// side of the dominant hand.
func (a *agent) hand(blend float64) (float64, float64) {
	sn, cs := math.Sincos(a.heading)
	side := handSide_m
	if !a.rightHand {
		side = -side
	}
	// forward f = (cs, sn); right r = (sn, -cs)
	fx := (1-blend)*handFront_m + blend*0.12
	rx := blend * side
	return a.x + fx*cs + rx*sn, a.y + fx*sn - rx*cs
}
