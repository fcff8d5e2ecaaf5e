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

// runDropped runs, at 20 Hz with σ = 50 mm, player 7 on p beside player
// 8 standing still for dur_s, with the samples of the ids given (7 if
// none) dropped where drop says, and returns the summary.
func runDropped(t *testing.T, p path, dur_s float64, seed uint64, drop func(s float64) bool, ids ...int64) *Summary {
	t.Helper()
	msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: dur_s, noise_m: 0.05, seed: seed,
		sensors: []genSensor{{id: 7, p: p}, {id: 8, p: still(3, 4)}}})
	if len(ids) == 0 {
		ids = []int64{7}
	}
	for _, id := range ids {
		msgs = dropWhere(msgs, id, drop)
	}
	_, sum, err := run(DefaultConfig(), Meta{}, msgs)
	if err != nil {
		t.Fatal(err)
	}
	return sum
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
			sum := runDropped(t, c.p, c.dur_s, seed, c.drop)
			p := player(sum, 7)
			t.Logf("%s, seed %d: top speed %.2f m/s, distance %.1f m", c.name, seed, p.TopSpeed_mps, p.Distance_m)
			if math.Abs(p.TopSpeed_mps-c.top) > c.tol {
				t.Errorf("%s, seed %d: top speed %.2f m/s, truth %g ± %g", c.name, seed, p.TopSpeed_mps, c.top, c.tol)
			}
		}
	}
}

// TestBridgeTime: the ticks inside a bridged gap count toward the time on
// court and the speed bands, as their distance does (resume, bridge).
// Without them a tag 0.5 s on / 1.2 s off at 6 m/s read a mean speed of
// 20 m/s (18 s on court for 60 s), and five 1.2 s dropouts +11 %.
func TestBridgeTime(t *testing.T) {
	for _, c := range []struct {
		name string
		drop func(float64) bool
	}{
		{"0.5 s on / 1.2 s off", onOff(0.5, 1.2)},
		{"1.2 s dropouts every 10 s", func(s float64) bool { return s >= 10 && math.Mod(s, 10) < 1.2 }},
		{"one 1.5 s dropout", func(s float64) bool { return s > 30 && s < 31.5 }},
	} {
		sum := runDropped(t, circle(5, 6), 60, 1, c.drop)
		p := player(sum, 7)
		bands := 0.0
		for _, b := range p.SpeedBand_s {
			bands += b
		}
		t.Logf("%s: on court %.2f s, mean %.3f m/s, bands %.2f s %v", c.name, p.TimeOnCourt_s, p.MeanSpeed_mps, bands, p.SpeedBand_s)
		// 1201 ticks of 50 ms without a dropout; the player's last
		// samples may be up to 1.2 s before the end.
		if p.TimeOnCourt_s < 58.5 || p.TimeOnCourt_s > 60.05+1e-9 {
			t.Errorf("%s: time on court %.2f s, want 58.5..60.05", c.name, p.TimeOnCourt_s)
		}
		if math.Abs(p.MeanSpeed_mps-6) > 0.15 {
			t.Errorf("%s: mean speed %.3f m/s, truth 6", c.name, p.MeanSpeed_mps)
		}
		if math.Abs(bands-p.TimeOnCourt_s) > 1e-6 {
			t.Errorf("%s: speed bands sum to %.3f s, time on court %.3f s", c.name, bands, p.TimeOnCourt_s)
		}
		if p.SpeedBand_s[3] < 0.95*p.TimeOnCourt_s {
			t.Errorf("%s: %.2f s in the 5.5–7 m/s band of %.2f s at 6 m/s", c.name, p.SpeedBand_s[3], p.TimeOnCourt_s)
		}
	}
}

// TestSprintThroughBridge: a sprint goes on through a bridged gap at the
// bridge's speed (it counted twice, or not at all when each side was
// shorter than the minimum); a gap longer than BridgeGap_ms still ends it.
func TestSprintThroughBridge(t *testing.T) {
	sprints := repeatSteps(10, [2]float64{5, 0}, [2]float64{2, 4}, [2]float64{2, 0}, [2]float64{2, -4})
	for _, c := range []struct {
		name    string
		p       path
		dur_s   float64
		drop    func(float64) bool
		sprints int
	}{
		{"7.5 m/s for 20 s, one 1.5 s dropout", line(7.5, 0), 20, func(s float64) bool { return s > 10 && s < 11.5 }, 1},
		{"ten 2.5 s sprints, a 1.2 s dropout in each", accelPath(sprints...), 110,
			func(s float64) bool { m := math.Mod(s, 11); return m > 7.4 && m < 8.6 }, 10},
		{"7.5 m/s for 20 s, one 2.5 s dropout (not bridged)", line(7.5, 0), 20, func(s float64) bool { return s > 10 && s < 12.5 }, 2},
	} {
		for seed := uint64(1); seed <= 2; seed++ {
			sum := runDropped(t, c.p, c.dur_s, seed, c.drop)
			if p := player(sum, 7); p.Sprints != c.sprints {
				t.Errorf("%s, seed %d: %d sprints, want %d", c.name, seed, p.Sprints, c.sprints)
			}
		}
	}
}

// TestEffortThroughBridge: an acceleration or deceleration in progress
// goes on through a bridged gap when the speed change across the gap,
// over its length, is at or beyond the threshold with the same sign; a
// dropout of 1.1 s in the middle of a 1.5 s effort at ±4 m/s² left
// 0.2 s on each side and the effort was lost (0 of 10), and one of 2.4 s
// at ±3.5 m/s² counted twice or once. A dropout while
// the speed holds or changes slowly creates none, and a gap longer than
// BridgeGap_ms still ends the effort (each side is then too short).
func TestEffortThroughBridge(t *testing.T) {
	// 11 s cycles: 5 s standing, 0 → 6 m/s at 4 m/s² (5–6.5 s), 3 s at
	// 6 m/s, 6 → 0 m/s at −4 m/s² (9.5–11 s).
	ramps := accelPath(repeatSteps(10, [2]float64{5, 0}, [2]float64{1.5, 4}, [2]float64{3, 0}, [2]float64{1.5, -4})...)
	// 13 s cycles at ±3.2 m/s² held 3 s (5–8 s and 10–13 s).
	long := accelPath(repeatSteps(10, [2]float64{5, 0}, [2]float64{3, 3.2}, [2]float64{2, 0}, [2]float64{3, -3.2})...)
	// 7.1 s cycles: 0.35 s at 4 m/s², 1.2 s at 1.5 m/s², 0.35 s at
	// 4 m/s², then standing again after 1.2 s at −4.5 m/s².
	slow := accelPath(repeatSteps(10, [2]float64{4, 0}, [2]float64{0.35, 4}, [2]float64{1.2, 1.5}, [2]float64{0.35, 4}, [2]float64{1.2, -(1.4 + 1.8 + 1.4) / 1.2})...)
	// 11.8 s cycles at ±3.5 m/s² held 2.4 s (5–7.4 s and 9.4–11.8 s).
	split := accelPath(repeatSteps(10, [2]float64{5, 0}, [2]float64{2.4, 3.5}, [2]float64{2, 0}, [2]float64{2.4, -3.5})...)
	in := func(cycle, from, to float64) func(float64) bool {
		return func(s float64) bool { m := math.Mod(s, cycle); return m > from-0.01 && m < to+0.01 }
	}
	for _, c := range []struct {
		name           string
		p              path
		dur_s          float64
		drop           func(float64) bool
		accels, decels int
		tol            int // 3.5 m/s² lies one noise SD above the threshold (TestEffortCounts)
	}{
		{"±4 m/s² held 1.5 s, 1.1 s dropout in each acceleration", ramps, 110, in(11, 5.25, 6.25), 10, 10, 0},
		{"±4 m/s² held 1.5 s, 1.1 s dropout in each deceleration", ramps, 110, in(11, 9.75, 10.75), 10, 10, 0},
		{"±3.5 m/s² held 2.4 s, 1.15 s dropout in the middle of each", split, 118, func(s float64) bool {
			return in(11.8, 5.65, 6.75)(s) || in(11.8, 10.05, 11.15)(s)
		}, 10, 10, 1},
		{"±4 m/s² held 1.5 s, 1.15 s dropout at 6 m/s", ramps, 110, in(11, 7.5, 8.6), 10, 10, 0},
		{"±3.2 m/s² held 3 s, 2.4 s dropout in each (not bridged)", long, 130, func(s float64) bool {
			return in(13, 5.35, 7.65)(s) || in(13, 10.35, 12.65)(s)
		}, 0, 0, 0},
		{"4 m/s² for 0.35 s either side of a 1.25 s dropout at 1.5 m/s²", slow, 71, in(7.1, 4.35, 5.55), 0, 10, 0},
	} {
		for seed := uint64(1); seed <= 4; seed++ {
			sum := runDropped(t, c.p, c.dur_s, seed, c.drop, 7, 8)
			p, q := player(sum, 7), player(sum, 8)
			t.Logf("%s, seed %d: %d accelerations, %d decelerations (still sensor %d, %d)", c.name, seed, p.Accels, p.Decels, q.Accels, q.Decels)
			if abs(p.Accels-c.accels) > c.tol || abs(p.Decels-c.decels) > c.tol {
				t.Errorf("%s, seed %d: %d accelerations and %d decelerations, want %d and %d (± %d)", c.name, seed, p.Accels, p.Decels, c.accels, c.decels, c.tol)
			}
			if q.Accels != 0 || q.Decels != 0 {
				t.Errorf("%s, seed %d: still sensor with the same dropouts: %d accelerations and %d decelerations", c.name, seed, q.Accels, q.Decels)
			}
		}
	}
}
