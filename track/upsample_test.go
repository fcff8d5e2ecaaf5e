package track

import (
	"math"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// TestUpsampledGrid: a grid finer than the feed (Config.Rate_Hz, `--hz`
// above the feed's rate) reads the figures of the feed's own grid. A
// 10 Hz feed (σ = 50 mm) of a walk at 0.5 m/s, with a 0.8 m jump every
// 7.3 s, on its own 100 ms grid and on 40 and 20 ms ones: the distance
// within 0.3 % of the native grid's, the same jumps dropped as outliers,
// and the rows' acceleration no noisier. `--hz 10` is the native run.
//
// Before, the filter took each interpolated tick for a measurement of its
// own (the walk read 1.6 % long natively, 2.4 % at 25 Hz and 3.3 % at
// 50 Hz; the rows' acceleration RMS went from 0.55 to 1.0 m/s²), and the
// outlier test, counting three grid periods for "close in time", never
// had two samples close enough on the finer grid: the jumps went through.
func TestUpsampledGrid(t *testing.T) {
	const start_ms, feed_ms, dur_s = 1_000_000, 100, 400
	const v_mps = 0.5
	ang := 0.6
	msgs := gen(genSpec{start_ms: start_ms, period_ms: feed_ms, dur_s: dur_s, noise_m: 0.05, seed: 11,
		sensors: []genSensor{{id: 7, p: line(v_mps*math.Cos(ang), v_mps*math.Sin(ang))}}})
	for i := range msgs {
		msgs[i].Location.OccurredAt_ms += int64(i*5%7) - 3 // ±3 ms of jitter
	}
	jumps := 0
	for i := 50; i < len(msgs)-50; i += 73 {
		msgs[i].Location.X_mm += 800
		jumps++
	}
	truth := v_mps * dur_s
	type result struct {
		dist_m, accRMS_mps2 float64
		outliers            int64
		grid_ms             int64
	}
	analyse := func(rate_Hz float64) result {
		t.Helper()
		cfg := DefaultConfig()
		cfg.Rate_Hz = rate_Hz
		c, sum, err := run(cfg, Meta{}, msgs)
		if err != nil {
			t.Fatal(err)
		}
		p := player(sum, 7)
		if p == nil {
			t.Fatalf("--hz %g: no player 7 in the summary", rate_Hz)
		}
		var a2 float64
		rows := c.of(7)
		for _, r := range rows {
			a2 += r.Accel_mps2 * r.Accel_mps2 // the truth has none
		}
		return result{p.Distance_m, math.Sqrt(a2 / float64(len(rows))), sum.Quality.Outliers, sum.Quality.GridPeriod_ms}
	}
	native := analyse(0)
	if native.grid_ms != feed_ms || native.outliers != int64(jumps) {
		t.Fatalf("native: grid %d ms, %d outliers; want %d ms and the %d jumps", native.grid_ms, native.outliers, feed_ms, jumps)
	}
	t.Logf("native %d ms grid: distance %+.2f %%, accel RMS %.2f m/s², %d outliers", native.grid_ms, 100*(native.dist_m/truth-1), native.accRMS_mps2, native.outliers)
	// The feed's own rate given as the grid's is the native run, to the
	// bit (the feed's interval is taken rounded, as the grid's is).
	if own := analyse(1000 / feed_ms); own != native {
		t.Errorf("--hz %d: %+v, native grid %+v", 1000/feed_ms, own, native)
	}
	for _, hz := range []float64{25, 50} {
		got := analyse(hz)
		t.Logf("--hz %g (%d ms grid): distance %+.2f %%, accel RMS %.2f m/s², %d outliers", hz, got.grid_ms, 100*(got.dist_m/truth-1), got.accRMS_mps2, got.outliers)
		if d := (got.dist_m - native.dist_m) / truth; math.Abs(d) > 0.003 {
			t.Errorf("--hz %g: distance %.2f m, native grid %.2f m (truth %.0f m): %+.2f %% apart, want within 0.3 %%", hz, got.dist_m, native.dist_m, truth, 100*d)
		}
		if got.outliers != native.outliers {
			t.Errorf("--hz %g: %d outliers dropped, native grid %d (%d jumps)", hz, got.outliers, native.outliers, jumps)
		}
		if got.accRMS_mps2 > 1.15*native.accRMS_mps2 {
			t.Errorf("--hz %g: rows' acceleration RMS %.2f m/s², native grid %.2f", hz, got.accRMS_mps2, native.accRMS_mps2)
		}
	}
}

// TestUpsampledGridWaitsForTheRate: with Rate_Hz set, the grid waits for
// the feed's rate as without (40 frames), since the outlier test counts
// in the feed's periods to the millisecond. Ten players at 10 Hz whose
// first frames run up to 10 ms early, more and more: over the 26 frames
// the noise estimate waits for, the mean interval is 99.3 ms, over 40
// frames 99.7 ms. A grid started with the noise took 99 ms for the
// feed's period, and a jump whose neighbours lay 300 ms apart (a sample
// dropped between) then went past the test's three periods: a 10 Hz
// game read a player's distance 0.95 % long on a 50 Hz grid, 0.57 % with
// the wait.
func TestUpsampledGridWaitsForTheRate(t *testing.T) {
	const start_ms, feed_ms = 1_000_000, 100
	jitter := func(k int) int64 { // ms, frame k
		switch {
		case k <= 24:
			return int64(math.Round(10 - 20*float64(k)/24))
		case k <= 39:
			return int64(math.Round(-10 + 10*float64(k-24)/15))
		}
		return 0
	}
	cfg := DefaultConfig()
	cfg.Rate_Hz = 50
	s, err := NewSession(cfg, Meta{}, &discard{})
	if err != nil {
		t.Fatal(err)
	}
	for k := range 60 {
		for id := int64(1); id <= 10; id++ {
			var m decode.Message
			m.Kind = decode.KindLocation
			m.Location = decode.Location{OccurredAt_ms: start_ms + int64(k)*feed_ms + jitter(k), Sensor: decode.SensorPlayer, ID: id,
				X_mm: int32(1000*id + 50*int64(k)), Y_mm: int32(37 * (k * int(id) % 3)), Z_mm: 60}
			if err := s.Feed(&m); err != nil {
				t.Fatal(err)
			}
		}
		if k == 30 && s.gridStarted() {
			t.Errorf("the grid started within %d frames, before the feed's rate was learnt", k+1)
		}
	}
	if !s.gridStarted() || s.sample_ms != feed_ms || s.upsample() != 5 {
		t.Errorf("grid started %v, the feed's period %d ms (upsampled %g times), want %d ms (5 times)", s.gridStarted(), s.sample_ms, s.upsample(), feed_ms)
	}
}
