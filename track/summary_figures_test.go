package track

import (
	"math"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/geom"
)

// The speed bands are half-open, [edge[i-1], edge[i]) (Definitions.
// SpeedBands_mps): a speed exactly on an edge is in the band above it.
func TestSpeedBandEdges(t *testing.T) {
	s := &Session{cfg: DefaultConfig()} // edges 2, 4, 5.5, 7 m/s
	for _, c := range []struct {
		speed_mps float64
		want      int
	}{{0, 0}, {1.999, 0}, {2, 1}, {3.999, 1}, {4, 2}, {5.5, 3}, {6.999, 3}, {7, 4}, {40, 4}} {
		if got := s.band(c.speed_mps); got != c.want {
			t.Errorf("band(%v m/s) = %d, want %d (edges %v)", c.speed_mps, got, c.want, s.cfg.SpeedBands_mps)
		}
	}
}

// A bridged gap slower than the still detector's MoveOn_mps counts its
// ticks' time but no distance (Session.resume): a player who stands,
// drops out for 1.5 s and comes back 0.15 m away, standing (0.1 m/s
// across the gap, under 0.12 m/s), has run 0 m; 1 m away (0.67 m/s)
// the bridge's 1 m counts. Noise-free samples with a configured noise,
// so that standing adds exactly nothing.
func TestStillGapNoDistance(t *testing.T) {
	for _, c := range []struct {
		shift_m, want_m float64
	}{{0.15, 0}, {1, 1}} {
		p := func(s float64) (float64, float64) {
			if s > 10.7 {
				return 1 + c.shift_m, 2
			}
			return 1, 2
		}
		msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 20, sensors: []genSensor{{id: 7, p: p}}})
		msgs = dropWhere(msgs, 7, func(s float64) bool { return s > 10 && s < 11.5 })
		for _, causal := range []bool{false, true} {
			cfg := DefaultConfig()
			cfg.Player.Noise_m, cfg.Causal = 0.05, causal
			_, sum, err := run(cfg, Meta{}, msgs)
			if err != nil {
				t.Fatal(err)
			}
			pl := player(sum, 7)
			if sum.Quality.Gaps != 1 || math.Abs(pl.Distance_m-c.want_m) > 1e-9 || pl.TimeOnCourt_s < 20 {
				t.Errorf("shift %v m (live %v): gaps %d, distance %v m, time on court %v s; want 1 gap, %v m, 20.05 s (the gap's ticks count)",
					c.shift_m, causal, sum.Quality.Gaps, pl.Distance_m, pl.TimeOnCourt_s, c.want_m)
			}
		}
	}
}

// A player runs 3 m/s along x from center court off the east end: on
// court (in bounds to x = 14.825 m) for about 4.94 s of his 10 s.
// mean_speed_mps is the distance on court over the time on court (not
// the whole distance), and the period that a PLAY_START at 2 s opened
// and nothing closed has the time on court from 2 s on, its speed bands
// adding up to it.
func TestOnCourtFigures(t *testing.T) {
	b := court.BodyFor(court.NBA, geom.NewSimilarity2(1000, 0, geom.Vec2{}))
	ct, err := court.New(&b, court.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const v = 3.0
	edge := court.NBA.Length_m/2 + DefaultConfig().InBoundsMargin_m
	msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 10, noise_m: 0.02, seed: 1,
		sensors: []genSensor{{id: 7, p: line(v, 0)}}})
	msgs = merge(msgs, []decode.Message{markerMsg(t0+2000, decode.MarkerPlayStart)})
	for _, causal := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.Causal = causal
		_, sum, err := run(cfg, Meta{Court: ct}, msgs)
		if err != nil {
			t.Fatal(err)
		}
		p := player(sum, 7)
		if math.Abs(p.DistanceCourt_m-edge) > 0.3 || math.Abs(p.Distance_m-10*v) > 0.5 || math.Abs(p.TimeOnCourt_s-edge/v) > 0.15 {
			t.Fatalf("live %v: distance %.2f m, on court %.2f m in %.2f s; want about %.2f m, %.2f m in %.2f s",
				causal, p.Distance_m, p.DistanceCourt_m, p.TimeOnCourt_s, 10*v, edge, edge/v)
		}
		if p.MeanSpeed_mps != p.DistanceCourt_m/p.TimeOnCourt_s || math.Abs(p.MeanSpeed_mps-v) > 0.15 {
			t.Errorf("live %v: mean speed %.3f m/s, want distance on court / time on court = %.3f (about %v)",
				causal, p.MeanSpeed_mps, p.DistanceCourt_m/p.TimeOnCourt_s, v)
		}
		if len(p.TimeOnCourtPeriod_s) != 1 || math.Abs(p.TimeOnCourtPeriod_s[0]-(p.TimeOnCourt_s-2)) > 0.051 {
			t.Fatalf("live %v: time on court per period %v s, want [%.2f] (the open period's, from 2 s)", causal, p.TimeOnCourtPeriod_s, p.TimeOnCourt_s-2)
		}
		bands := 0.0
		for _, b := range p.SpeedBandPeriod_s[0] {
			bands += b
		}
		if math.Abs(bands-p.TimeOnCourtPeriod_s[0]) > 1e-9 {
			t.Errorf("live %v: period 1's speed bands %v add up to %v s, its time on court is %v s", causal, p.SpeedBandPeriod_s[0], bands, p.TimeOnCourtPeriod_s[0])
		}
	}
}
