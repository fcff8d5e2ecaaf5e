package synth

import (
	"context"
	"io"
	"math"

	"github.com/stmotion/stmotion/decode"
)

// Frame is the noise-free state of the session at one simulation step
// (every 10 ms), in the canonical court frame. Simulate hands the same
// Frame to every call of its callback: it and its Players slice are valid
// only during the call.
type Frame struct {
	T_ms    int64             // epoch ms of the step (the feed's clock)
	Clock   decode.MarkerType // MarkerLive, MarkerPaused or MarkerFoul
	Players []FramePlayer     // every roster player, in roster order (truth.Players order)
	BallX_m float64
	BallY_m float64
	BallZ_m float64
	Holder  int64 // id of the player holding the ball, 0 when nobody does
}

// FramePlayer is one player's noise-free state at a step: position and
// velocity at the step's start and the acceleration held over the step, so
// that the path inside the step is p + v·τ + a·τ²/2 exactly. Z_m is the
// shoe sensor's height.
type FramePlayer struct {
	ID      int64
	X_m     float64
	Y_m     float64
	Z_m     float64
	VX_mps  float64
	VY_mps  float64
	AX_mps2 float64
	AY_mps2 float64
	OnCourt bool // one of the side's five (see time_on_court_s)
}

// StepMs is the simulation step in ms: the resolution of Frame and of the
// truth integrals.
const StepMs = 10

// Simulate runs cfg like WriteMessages, writing the recording to w (nil
// discards it), and calls observe (when not nil) at every step with the
// noise-free state. It is how tests compute ground truth the Truth does
// not hold (speeds at sample times, heatmaps, accelerations).
func Simulate(ctx context.Context, cfg Config, w io.Writer, observe func(*Frame)) (*Truth, error) {
	if w == nil {
		w = io.Discard
	}
	var fr Frame
	var obs func(*game)
	if observe != nil {
		obs = func(g *game) {
			if fr.Players == nil {
				fr.Players = make([]FramePlayer, len(g.ag))
			}
			fr.T_ms, fr.Clock = g.ms(g.t), g.clock
			fr.BallX_m, fr.BallY_m, fr.BallZ_m = g.ballPos(g.t)
			fr.Holder = 0
			if h := g.holder(); h >= 0 {
				fr.Holder = g.ag[h].id
			}
			for i := range g.ag {
				a := &g.ag[i]
				z := footZ_m
				if sp := math.Hypot(a.vx, a.vy); sp >= 0.3 {
					z += liftAmp_m(sp) * math.Max(0, math.Sin(2*math.Pi*a.stride))
				}
				fr.Players[i] = FramePlayer{ID: a.id, X_m: a.x, Y_m: a.y, Z_m: z, VX_mps: a.vx, VY_mps: a.vy,
					AX_mps2: a.ax, AY_mps2: a.ay, OnCourt: a.lineup}
			}
			observe(&fr)
		}
	}
	g, err := run(ctx, cfg, w, nil, obs)
	if err != nil {
		return nil, err
	}
	return g.tr, nil
}
