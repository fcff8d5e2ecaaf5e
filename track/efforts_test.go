package track

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/stmotion/stmotion/synth"
)

// accelPath is a straight run along x with piecewise constant
// acceleration: each step holds acc_mps2 for dur_s, from rest.
func accelPath(steps ...[2]float64) path {
	return func(t float64) (float64, float64) {
		x, v := 0.0, 0.0
		for _, s := range steps {
			d, a := s[0], s[1]
			if t <= d {
				return x + v*t + a*t*t/2, 0
			}
			x += v*d + a*d*d/2
			v += a * d
			t -= d
		}
		return x + v*t, 0
	}
}

func repeatSteps(n int, steps ...[2]float64) [][2]float64 {
	var out [][2]float64
	for range n {
		out = append(out, steps...)
	}
	return out
}

// TestEffortCounts counts accelerations and decelerations (3 m/s² held
// 0.5 s) on runs whose efforts are known exactly, at 20 Hz with σ = 50 mm
// (four noise seeds). The smoothed acceleration carries 0.4–0.6 m/s² of
// noise there: before dips shorter than EffortGap_s were bridged, a 2 s
// effort counted twice on a dip (11–14 of 10) and 1.43 s efforts at
// 3.5 m/s² were cut into runs under 0.5 s (14–20 of 20).
//
// The tolerances: ramps at 4 m/s² held 2 s lie 1 m/s² (two noise SDs)
// above the threshold for four times the minimum, so every one is found
// and none split (10 ± 1). Stop-go efforts at 3.5 m/s² lie one SD above
// it, and a dip of EffortGap_s or more still splits one now and then
// (20 ± 3 of 20; 17–20 measured on seeds 1–6). Efforts shorter than about
// 0.8 s at 4 m/s² are at the smoother's limit and not asserted: its
// estimate of a 0.7 s effort stays above 3 m/s² for 0.52 s without noise
// (docs/kinematics.md).
func TestEffortCounts(t *testing.T) {
	for _, c := range []struct {
		name           string
		steps          [][2]float64
		accels, decels int
		tolA, tolD     int
	}{
		{"ramps ±4 m/s² held 2 s", repeatSteps(10, [2]float64{5, 0}, [2]float64{2, 4}, [2]float64{3, 0}, [2]float64{2, -4}), 10, 10, 1, 1},
		{"stop-go ±3.5 m/s² held 1.43 s", repeatSteps(20, [2]float64{2, 0}, [2]float64{5 / 3.5, 3.5}, [2]float64{2, 0}, [2]float64{5 / 3.5, -3.5}), 20, 20, 3, 3},
	} {
		dur := 0.0
		for _, s := range c.steps {
			dur += s[0]
		}
		for seed := uint64(1); seed <= 4; seed++ {
			msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: dur, noise_m: 0.05, seed: seed,
				sensors: []genSensor{{id: 7, p: accelPath(c.steps...)}}})
			_, sum, err := run(DefaultConfig(), Meta{}, msgs)
			if err != nil {
				t.Fatal(err)
			}
			p := player(sum, 7)
			t.Logf("%s, seed %d: %d accelerations, %d decelerations (truth %d, %d)", c.name, seed, p.Accels, p.Decels, c.accels, c.decels)
			if abs(p.Accels-c.accels) > c.tolA || abs(p.Decels-c.decels) > c.tolD {
				t.Errorf("%s, seed %d: %d accelerations and %d decelerations, want %d ± %d and %d ± %d",
					c.name, seed, p.Accels, p.Decels, c.accels, c.tolA, c.decels, c.tolD)
			}
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// TestSynthFigures checks top speed, sprints, accelerations and
// decelerations against the simulator's truth on four more games per
// setting of the issue than TestSynthAccuracy (seeds 5–8). Top speed is
// within 0.3 m/s for every player with ≥ 200 m but one: on seed 7
// player 6861 peaks at 7.89 m/s inside a 1.15 s dropout (a split track),
// and the engine's best observed speed is 0.33–0.37 m/s lower at 20 Hz
// (docs/kinematics.md, "Top speed"). The counts are compared in total
// over the four games: sprints within 4 % of the truth's, accelerations
// and decelerations (tangential acceleration of the noise-free frames,
// 3 m/s² held 0.5 s) within 8 % (the single-dip runs of the old rule
// were 7–15 % short at σ = 20 mm).
func TestSynthFigures(t *testing.T) {
	for _, st := range accuracySettings() {
		var sprT, sprE, accT, accE, decT, decE int
		worst, worstAt := 0.0, ""
		for seed := int64(5); seed <= 8; seed++ {
			sc := st.sc
			sc.Seed = seed
			truth, meta, messages := synthBundle(t, sc)
			accels, decels := synthEfforts(t, sc, 3, 0.5)
			s, err := NewSession(DefaultConfig(), meta, &discard{})
			if err != nil {
				t.Fatal(err)
			}
			feedRecording(t, s, messages, nil)
			sum, err := s.Close()
			if err != nil {
				t.Fatal(err)
			}
			for _, tp := range truth.Players {
				p := player(sum, tp.ID)
				if p == nil {
					continue
				}
				sprT, sprE = sprT+tp.Sprints, sprE+p.Sprints
				accT, accE = accT+accels[tp.ID], accE+p.Accels
				decT, decE = decT+decels[tp.ID], decE+p.Decels
				if tp.Distance_m < 200 {
					continue
				}
				e := p.TopSpeed_mps - tp.TopSpeed_mps
				if math.Abs(e) > math.Abs(worst) {
					worst, worstAt = e, fmt.Sprintf("seed %d player %d", seed, tp.ID)
				}
				bound := 0.3
				if seed == 7 && tp.ID == 6861 {
					bound = 0.4 // its peak lies in a dropout (above)
				}
				if math.Abs(e) > bound {
					t.Errorf("%s, seed %d, player %d: top speed %.2f m/s, truth %.2f", st.name, seed, tp.ID, p.TopSpeed_mps, tp.TopSpeed_mps)
				}
			}
		}
		t.Logf("%s, seeds 5–8: top speed worst %+.2f m/s (%s); sprints %d (truth %d), accelerations %d (%d), decelerations %d (%d)",
			st.name, worst, worstAt, sprE, sprT, accE, accT, decE, decT)
		for _, c := range []struct {
			what      string
			got, want int
			tol       float64
		}{{"sprints", sprE, sprT, 0.04}, {"accelerations", accE, accT, 0.08}, {"decelerations", decE, decT, 0.08}} {
			if math.Abs(float64(c.got)/float64(c.want)-1) > c.tol {
				t.Errorf("%s: %d %s over seeds 5–8, truth %d (want within %.0f%%)", st.name, c.got, c.what, c.want, 100*c.tol)
			}
		}
	}
}

// synthEfforts counts each player's accelerations and decelerations in
// the simulator's noise-free frames: tangential acceleration v·a/|v| at
// least a_mps2 (at most −a_mps2) held at least min_s, at the simulation
// step.
func synthEfforts(tb testing.TB, sc synth.Config, a_mps2, min_s float64) (accels, decels map[int64]int) {
	tb.Helper()
	accels, decels = map[int64]int{}, map[int64]int{}
	type held struct{ acc, dec float64 }
	runs := map[int64]*held{}
	h := float64(synth.StepMs) / 1000
	_, err := synth.Simulate(context.Background(), sc, nil, func(f *synth.Frame) {
		for _, p := range f.Players {
			r := runs[p.ID]
			if r == nil {
				r = &held{}
				runs[p.ID] = r
			}
			at := 0.0
			if v := math.Hypot(p.VX_mps, p.VY_mps); v > 1e-6 {
				at = (p.VX_mps*p.AX_mps2 + p.VY_mps*p.AY_mps2) / v
			}
			step := func(on bool, run *float64, count map[int64]int) {
				if !on {
					*run = 0
					return
				}
				*run += h
				if *run >= min_s-1e-9 && *run-h < min_s-1e-9 {
					count[p.ID]++
				}
			}
			step(at >= a_mps2, &r.acc, accels)
			step(-at >= a_mps2, &r.dec, decels)
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	return accels, decels
}

// TestTopSpeedClosedForm checks top speed on paths whose top speed is
// known, at 20 Hz with σ = 50 mm (four noise seeds): a circle at a
// constant 6 m/s whose track starts and ends at speed and is split by
// five 1.2 s dropouts (before top speed was taken only where its window
// lay within the track, its ends read up to 0.57 m/s high); ten sharp
// peaks at 8 m/s (±4 m/s², no hold: the held window loses a·window/4,
// 0.5 m/s with the old 0.5 s window, 0.3 m/s with 0.3 s, and the smoother
// rounds the corner too, hence 0.4 m/s allowed there); a still sensor
// (0.56 m/s before, from its track's ends; 0.25–0.29 now: 0.35 allowed).
func TestTopSpeedClosedForm(t *testing.T) {
	peaks := accelPath(repeatSteps(10, [2]float64{5, 0}, [2]float64{2, 4}, [2]float64{2, -4})...)
	for _, c := range []struct {
		name     string
		p        path
		dur_s    float64
		dropouts bool
		top, tol float64
	}{
		{"circle r 5 m at 6 m/s with 1.2 s dropouts", circle(5, 6), 60, true, 6, 0.3},
		{"peaks of 8 m/s at ±4 m/s²", peaks, 90, false, 8, 0.4},
		{"still sensor", still(3, 4), 600, false, 0, 0.35},
	} {
		for seed := uint64(1); seed <= 4; seed++ {
			msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: c.dur_s, noise_m: 0.05, seed: seed,
				sensors: []genSensor{{id: 7, p: c.p}}})
			if c.dropouts {
				msgs = dropWhere(msgs, 7, func(s float64) bool { return s >= 10 && math.Mod(s, 10) < 1.2 })
			}
			_, sum, err := run(DefaultConfig(), Meta{}, msgs)
			if err != nil {
				t.Fatal(err)
			}
			p := player(sum, 7)
			t.Logf("%s, seed %d: top speed %.2f m/s (truth %g)", c.name, seed, p.TopSpeed_mps, c.top)
			if math.Abs(p.TopSpeed_mps-c.top) > c.tol {
				t.Errorf("%s, seed %d: top speed %.2f m/s, truth %g ± %g", c.name, seed, p.TopSpeed_mps, c.top, c.tol)
			}
		}
	}
}
