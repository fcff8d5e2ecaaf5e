package track

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// TestBlockedNewSensor: a sensor that first reports mid-session, with a
// sample behind the newest one (inside the reorder window, so not late),
// and then drops out for less than MaxGap_ms must hold the grid back
// (blocked) until its next sample brackets the ticks in between, so that
// its track goes on through the dropout. blocked skips its scan below a
// lower bound of every ring's newest sample; a new sensor's ring must
// lower that bound, or the ticks up to the stale bound are processed
// without waiting and the sensor has no estimate there. The first sample
// comes at several phases of the grid, so that some fall below a bound
// set by an earlier scan.
func TestBlockedNewSensor(t *testing.T) {
	const (
		start_ms  = 1_000_000
		period_ms = 40
		end_ms    = start_ms + 12_000
		drop_ms   = 600 // the new sensor's dropout, < MaxGap_ms
	)
	cfg := DefaultConfig()
	cfg.Rate_Hz = 1000 / period_ms
	loc := func(tt, id int64, x, y int32) decode.Message {
		var m decode.Message
		m.Kind = decode.KindLocation
		m.Location = decode.Location{OccurredAt_ms: tt, Sensor: decode.SensorPlayer, ID: id, X_mm: x, Y_mm: y, Z_mm: 60}
		return m
	}
	for _, behind_ms := range []int64{130, 170, 210, 245} {
		for k := range int64(10) {
			arrive_ms := start_ms + 6_000 + k*period_ms // when C's first sample arrives
			first_ms := arrive_ms - behind_ms           // its timestamp
			var msgs []decode.Message
			for tt := int64(start_ms); tt <= end_ms; tt += period_ms {
				msgs = append(msgs, loc(tt, 1, 0, 0), loc(tt, 2, 5000, 0))
				if tt == arrive_ms {
					msgs = append(msgs, loc(first_ms, 3, 2000, 2000))
				}
				// C again from first_ms + drop_ms on, in time order.
				for c := first_ms + drop_ms; c > tt-period_ms && c <= tt; c += period_ms {
					msgs = append(msgs, loc(c, 3, 2000, 2000))
				}
			}
			c, sum, err := run(cfg, Meta{}, msgs)
			if err != nil {
				t.Fatal(err)
			}
			if q := sum.Quality; q.Late != 0 || q.Gaps != 0 {
				t.Fatalf("behind %d ms, first sample at %d: %d late, %d gaps, want none", behind_ms, first_ms, q.Late, q.Gaps)
			}
			// A row at every tick from the first sample's on, none missing
			// in the dropout.
			want := ceilDiv(first_ms, period_ms) * period_ms
			for _, r := range c.of(3) {
				if r.T_ms != want {
					t.Fatalf("behind %d ms, first sample at %d, dropout to %d: row at %d, want %d (ticks missing)", behind_ms, first_ms, first_ms+drop_ms, r.T_ms, want)
				}
				want += period_ms
			}
			if want <= first_ms+drop_ms {
				t.Fatalf("behind %d ms, first sample at %d: rows end at %d", behind_ms, first_ms, want-period_ms)
			}
		}
	}
}

// TestLateAtLastTick: a sample of a sensor in a dropout stamped exactly at
// the newest processed tick is late (its tick has its rows), one a
// millisecond after it is placed. The steady-state path of location and
// place must agree on that boundary.
func TestLateAtLastTick(t *testing.T) {
	const start_ms, period_ms = 1_000_000, 40
	cfg := DefaultConfig()
	cfg.Rate_Hz = 1000 / period_ms
	cfg.Player.Noise_m, cfg.Ball.Noise_m = 0.05, 0.05 // the grid starts at once,
	cfg.RateSamples = 0                               // the feed's rate unlearnt
	s, err := NewSession(cfg, Meta{}, &discard{})
	if err != nil {
		t.Fatal(err)
	}
	feed := func(tt, id int64) {
		var m decode.Message
		m.Kind = decode.KindLocation
		m.Location = decode.Location{OccurredAt_ms: tt, Sensor: decode.SensorPlayer, ID: id, X_mm: 1000 * int32(id), Z_mm: 60}
		if err := s.Feed(&m); err != nil {
			t.Fatal(err)
		}
	}
	// Sensor 2 stops after a second; sensor 1 goes on for five, so the
	// grid runs past 2's newest sample (a confirmed dropout).
	for tt := int64(start_ms); tt <= start_ms+5000; tt += period_ms {
		feed(tt, 1)
		if tt <= start_ms+1000 {
			feed(tt, 2)
		}
	}
	last := (s.nextTick - 1) * period_ms
	if last < start_ms+2000 {
		t.Fatalf("grid at %d, want past %d", last, start_ms+2000)
	}
	for _, c := range []struct {
		t_ms       int64
		late, held int64 // Quality.Late and sensor 2's raw samples after it
	}{
		{last, 1, 1},
		{last + 1, 1, 2},
	} {
		feed(c.t_ms, 2)
		if got, held := s.q.Late, int64(s.ids.get(2).raw.n); got != c.late || held != c.held {
			t.Fatalf("sample at %d (newest tick %d): late %d, sensor holds %d, want %d and %d", c.t_ms, last, got, held, c.late, c.held)
		}
	}
}

// TestBallHeightSmoothed: the ball's height is smoothed like its x and y
// (sensor.sz, beside the tick ring), and the smoothed rows carry it: with
// noise on z, their height error is well below the forward (live) rows'.
func TestBallHeightSmoothed(t *testing.T) {
	const start_ms, period_ms = 1_000_000, 40
	rng := rand.New(rand.NewPCG(3, 4))
	height := func(t_s float64) float64 { return 1.5 + math.Sin(t_s) } // m
	var msgs []decode.Message
	for i := range 60 * 1000 / period_ms {
		t_s := float64(i*period_ms) / 1000
		var m decode.Message
		m.Kind = decode.KindLocation
		m.Location = decode.Location{
			OccurredAt_ms: start_ms + int64(i*period_ms), Sensor: decode.SensorBall, ID: 9,
			X_mm: int32(math.Round(1000 * (t_s/10 + 0.05*rng.NormFloat64()))),
			Y_mm: int32(math.Round(1000 * 0.05 * rng.NormFloat64())),
			Z_mm: int32(math.Round(1000 * (height(t_s) + 0.05*rng.NormFloat64()))),
		}
		msgs = append(msgs, m)
	}
	rmsZ := map[bool]float64{}
	for _, causal := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.Causal = causal
		c, _, err := run(cfg, Meta{}, msgs)
		if err != nil {
			t.Fatal(err)
		}
		var se float64
		n := 0
		for _, r := range c.of(9) {
			if t_s := float64(r.T_ms-start_ms) / 1000; t_s >= 2 && t_s <= 58 {
				e := r.Z_m - height(t_s)
				se += e * e
				n++
			}
		}
		if n < 1000 {
			t.Fatalf("live=%v: %d ball rows, want ~1400", causal, n)
		}
		rmsZ[causal] = math.Sqrt(se / float64(n))
	}
	t.Logf("ball height RMS error: smoothed %.1f mm, forward %.1f mm", 1000*rmsZ[false], 1000*rmsZ[true])
	if rmsZ[false] > 0.8*rmsZ[true] {
		t.Errorf("smoothed rows' height RMS error %.1f mm, want below 0.8× the forward rows' %.1f mm", 1000*rmsZ[false], 1000*rmsZ[true])
	}
}

// TestStillThreshold: the still detector's statistic is the displacement
// over StillWindow_s divided by the window's duration, compared with
// MoveOn_mps to start moving and MoveOff_mps to stop. A player who
// stands, then walks a little faster than MoveOn_mps starts moving and
// his path counts; a little slower, none of it counts. A player who walks
// briskly, then slows down to a little more than MoveOff_mps stays moving
// and all his path counts; a little less, he stops and the slow part does
// not count. A window of the wrong length moves these decisions.
func TestStillThreshold(t *testing.T) {
	const start_ms, period_ms, stand_s, brisk_s, ramp_s, dur_s = 1_000_000, 40, 5, 10, 2, 60
	cfg := DefaultConfig()
	cfg.Rate_Hz = 1000 / period_ms
	cfg.Player.Noise_m, cfg.Ball.Noise_m = 0.05, 0.05 // thresholds as configured
	on, off := cfg.MoveOn_mps, cfg.MoveOff_mps
	for _, c := range []struct {
		brisk_mps, slow_mps float64 // speeds from stand_s and from stand_s + brisk_s on
		counted             bool    // whether the slow part counts
	}{
		{1.03 * on, 1.03 * on, true},
		{0.97 * on, 0.97 * on, false},
		{0.5, 1.03 * off, true},
		{0.5, 0.97 * off, false},
	} {
		// Stand, brisk, then slow down evenly over ramp_s (no jolt for
		// the smoother to overshoot), then slow.
		walk := func(t_s float64) (x, y float64) {
			b := min(max(0, t_s-stand_s), brisk_s)
			u := min(max(0, t_s-stand_s-brisk_s), ramp_s)
			return c.brisk_mps*b + c.brisk_mps*u - (c.brisk_mps-c.slow_mps)*u*u/(2*ramp_s) +
				c.slow_mps*max(0, t_s-stand_s-brisk_s-ramp_s), 0
		}
		msgs := gen(genSpec{start_ms: start_ms, period_ms: period_ms, dur_s: dur_s, sensors: []genSensor{{id: 3, p: walk}}})
		_, sum, err := run(cfg, Meta{}, msgs)
		if err != nil {
			t.Fatal(err)
		}
		slow := c.slow_mps * (dur_s - stand_s - brisk_s - ramp_s)
		want := 0.0
		if c.brisk_mps > on {
			want = c.brisk_mps*brisk_s + (c.brisk_mps+c.slow_mps)*ramp_s/2
		}
		if c.counted {
			want += slow
		}
		if got := player(sum, 3).Distance_m; math.Abs(got-want) > 0.05*slow {
			t.Errorf("%.4f m/s for %d s, then %.4f m/s (MoveOn %.3f, MoveOff %.3f): distance %.3f m, want %.3f", c.brisk_mps, brisk_s, c.slow_mps, on, off, got, want)
		}
	}
}
