package track

import (
	"math"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// dropWhere removes the samples of sensor id at the seconds after t0 for
// which drop is true.
func dropWhere(msgs []decode.Message, id int64, drop func(s float64) bool) []decode.Message {
	kept := msgs[:0]
	for _, m := range msgs {
		if m.Location.ID != id || !drop(float64(m.Location.OccurredAt_ms-t0)/1000) {
			kept = append(kept, m)
		}
	}
	return kept
}

// onOff is a tag that reports for on_s, then is silent for off_s, and so on.
func onOff(on_s, off_s float64) func(float64) bool {
	return func(s float64) bool { return math.Mod(s, on_s+off_s) >= on_s+1e-9 }
}

// TestTopSpeedShortTracks: a player whose track pieces are all too short
// for a tick topEdge_s from both ends (a tag that reports 0.5 s in every
// 1.7 s, a player on court for 0.4 s) still gets a top speed, from the
// ticks near the ends (topAtEnd). The edge rule alone left 0 beside 360 m.
func TestTopSpeedShortTracks(t *testing.T) {
	for _, c := range []struct {
		name     string
		p        path
		dur_s    float64
		drop     func(float64) bool
		top, tol float64
	}{
		// Top speed near a track's end reads high: +0.1..+0.8 m/s here,
		// the maximum over some 40 pieces of 0.45–0.5 s.
		{"circle r 5 m at 6 m/s, 0.5 s on / 1.2 s off", circle(5, 6), 60, onOff(0.5, 1.2), 6, 1},
		{"line at 8 m/s, 0.45 s on / 1.05 s off", line(8, 0), 60, onOff(0.45, 1.05), 8, 1},
		{"line at 5 m/s, on court for 0.4 s", line(5, 0), 20, func(s float64) bool { return s < 10 || s > 10.4 }, 5, 1},
	} {
		for seed := uint64(1); seed <= 2; seed++ {
			msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: c.dur_s, noise_m: 0.05, seed: seed,
				sensors: []genSensor{{id: 7, p: c.p}, {id: 8, p: still(3, 4)}}})
			msgs = dropWhere(msgs, 7, c.drop)
			_, sum, err := run(DefaultConfig(), Meta{}, msgs)
			if err != nil {
				t.Fatal(err)
			}
			p := player(sum, 7)
			t.Logf("%s, seed %d: top speed %.2f m/s, distance %.1f m", c.name, seed, p.TopSpeed_mps, p.Distance_m)
			if math.Abs(p.TopSpeed_mps-c.top) > c.tol {
				t.Errorf("%s, seed %d: top speed %.2f m/s, truth %g ± %g", c.name, seed, p.TopSpeed_mps, c.top, c.tol)
			}
		}
	}
}
