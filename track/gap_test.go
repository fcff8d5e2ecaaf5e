package track

import (
	"fmt"
	"math"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/geom"
)

// gapFeed is a player (id 7) on path p from 0 to dur_s seconds, sampled
// every period_ms with noise σ = 20 mm and silent during the dropouts
// (each [from, to) in seconds), with another player (id 8) running a
// circle throughout when others is set, and the extra messages (markers,
// stats) merged in by time.
func gapFeed(p path, dur_s float64, period_ms int64, drops [][2]float64, others bool, extra []decode.Message) []decode.Message {
	sensors := []genSensor{{id: 7, p: p}}
	if others {
		sensors = append(sensors, genSensor{id: 8, p: circle(4, 3)})
	}
	all := gen(genSpec{start_ms: t0, period_ms: period_ms, dur_s: dur_s, noise_m: 0.02, seed: 3, sensors: sensors})
	var feed []decode.Message
	for _, m := range all {
		ts := float64(m.Location.OccurredAt_ms-t0) / 1000
		dropped := false
		for _, d := range drops {
			if m.Location.ID == 7 && ts >= d[0] && ts < d[1] {
				dropped = true
			}
		}
		if !dropped {
			feed = append(feed, m)
		}
	}
	return merge(feed, extra)
}

// TestDistCheckInDropout: a DIST update that falls inside a player's
// dropout is compared with the engine's distance at its own time. Across
// a gap the engine bridges (up to BridgeGap_ms), that is the distance
// before the gap plus the bridge's length up to the update; across a
// longer one, which counts nothing, the distance before the gap. The
// feed's DIST is the truth (6 m/s along a line), so every check of a
// bridged gap reads 1.00 ± 0.01. Before, the update was resolved against
// the figures before the gap when other sensors kept the grid going
// (ratio up to 1.09 here; 1.038 on a simulated game) and, with the whole
// feed silent (the grid skips those ticks), against the figures after the
// bridge to the track's resumption (0.89). Batch and live mode, with and
// without other sensors, at 20 Hz and with a 10 Hz feed on a 25 Hz grid;
// the checks leave in time order for the player, none lost.
func TestDistCheckInDropout(t *testing.T) {
	const v = 6.0 // m/s
	drops := [][2]float64{{10, 11.2}, {20, 23}}
	times := []float64{5, 10, 10.4, 10.8, 11, 11.2, 15, 20.5, 22, 25}
	var stats []decode.Message
	for i, ts := range times {
		stats = append(stats, statsMsg(t0+int64(ts*1000), 7, int64(i+1), decode.ClassDistance,
			map[decode.Stat]float64{decode.StatDIST: math.Round(v * ts * 100)}))
	}
	for _, c := range []struct {
		name      string
		period_ms int64
		rate_Hz   float64
	}{
		{"20 Hz", 50, 0},
		{"10 Hz feed on a 25 Hz grid", 100, 25},
	} {
		for _, others := range []bool{true, false} {
			for _, causal := range []bool{false, true} {
				name := fmt.Sprintf("%s, other sensors %v, live %v", c.name, others, causal)
				cfg := DefaultConfig()
				cfg.Rate_Hz, cfg.Causal = c.rate_Hz, causal
				col, _, err := run(cfg, Meta{}, gapFeed(line(v, 0), 30, c.period_ms, drops, others, stats))
				if err != nil {
					t.Fatal(err)
				}
				checks := col.segs(SegDistCheck)
				if len(checks) != len(times) {
					t.Fatalf("%s: %d checks, want %d", name, len(checks), len(times))
				}
				for i, g := range checks {
					ts := times[i]
					if g.Start_ms != t0+int64(ts*1000) {
						t.Fatalf("%s: check %d at %+d ms, want the time order %v s", name, i, g.Start_ms-t0, times)
					}
					feed, eng := g.FeedDist_cm/100, g.EngineDist_cm/100
					before := v * (20 - float64(c.period_ms)/1000) // the 3 s dropout's last sample before it
					switch {
					case ts > 20 && ts < 23:
						// Not bridged: the distance before the gap.
						if math.Abs(eng-before) > 0.6 {
							t.Errorf("%s: check at %g s inside a 3 s dropout: engine %.2f m, want the %.2f m before it", name, ts, eng, before)
						}
						continue
					case ts >= 23:
						// Without the 3 s dropout's distance.
						feed -= v*23 - before
					}
					if r := feed / eng; math.Abs(r-1) > 0.01 {
						t.Errorf("%s: check at %g s: feed %.2f m, engine %.2f m, ratio %.4f, want 1.00 ± 0.01", name, ts, feed, eng, r)
					}
				}
			}
		}
	}
}

// TestBridgeCredit: the distance across a bridged dropout is credited to
// the ticks inside the gap by their own clock, period and side of the
// boundary line, not all to the tick where the track resumes. A player
// runs 8 m/s along a line with a 1.5 s dropout that spans a FOUL → LIVE
// change, a period change (PLAY_NEXT) or the boundary line; the live,
// period and on-court distances are checked against the closed form,
// within a tick's step or so. Before, the whole 12 m bridge took the
// resuming tick's state: 8 m too much live distance, 7 m in the wrong
// period, 5 m too little on court.
func TestBridgeCredit(t *testing.T) {
	const v, dur = 8.0, 30.0 // m/s, s
	toSensor := geom.NewSimilarity2(1000, 0, geom.Vec2{})
	body := court.BodyFor(court.NBA, toSensor)
	ct, err := court.New(&body, court.Options{})
	if err != nil {
		t.Fatal(err)
	}
	edge := court.NBA.Length_m/2 + DefaultConfig().InBoundsMargin_m // x where the player leaves the court
	start := []decode.Message{markerMsg(t0, decode.MarkerPlayStart), markerMsg(t0, decode.MarkerLive)}
	at := func(s float64, typ decode.MarkerType) decode.Message { return markerMsg(t0+int64(s*1000), typ) }
	for _, c := range []struct {
		name    string
		drop    [2]float64
		markers []decode.Message
		x0      float64 // the line starts at (x0, 0)
		meta    Meta
		figure  func(p *PlayerSummary) float64
		want    float64
	}{
		{
			name: "FOUL until 21 s, gap 20-21.5 s: live distance", drop: [2]float64{20, 21.5},
			markers: []decode.Message{at(10, decode.MarkerFoul), at(21, decode.MarkerLive)},
			figure:  func(p *PlayerSummary) float64 { return p.DistanceLive_m },
			want:    v * (10 + dur - 21),
		},
		{
			name: "period 2 from 20.9 s, gap 20-21.5 s: period 1's distance", drop: [2]float64{20, 21.5},
			markers: []decode.Message{at(20.9, decode.MarkerPlayNext)},
			figure:  func(p *PlayerSummary) float64 { return p.DistancePeriod_m[0] },
			want:    v * 20.9,
		},
		{
			name: "period 2 from 20.9 s, gap 20-21.5 s: period 2's distance", drop: [2]float64{20, 21.5},
			markers: []decode.Message{at(20.9, decode.MarkerPlayNext)},
			figure:  func(p *PlayerSummary) float64 { return p.DistancePeriod_m[1] },
			want:    v * (dur - 20.9),
		},
		{
			name: "off the court at 3.35 s, gap 2.8-4.3 s: distance on court", drop: [2]float64{2.8, 4.3},
			x0: -12, meta: Meta{Court: ct},
			figure: func(p *PlayerSummary) float64 { return p.DistanceCourt_m },
			want:   edge + 12,
		},
	} {
		for _, mode := range []struct{ others, causal bool }{{false, false}, {false, true}, {true, false}, {true, true}} {
			name := fmt.Sprintf("%s (other sensors %v, live %v)", c.name, mode.others, mode.causal)
			cfg := DefaultConfig()
			cfg.Causal = mode.causal
			x0 := c.x0
			p := func(s float64) (float64, float64) { return x0 + v*s, 0 }
			_, sum, err := run(cfg, c.meta, gapFeed(p, dur, 50, [][2]float64{c.drop}, mode.others, append(start, c.markers...)))
			if err != nil {
				t.Fatal(err)
			}
			pl := player(sum, 7)
			if math.Abs(pl.Distance_m-v*dur) > 0.01*v*dur {
				t.Fatalf("%s: distance %.2f m, want %.2f m", name, pl.Distance_m, v*dur)
			}
			// Ticks take the step that ends at them: a tick's step (0.4 m)
			// may fall on either side of a change, the track's ends a few
			// tenths more.
			got := c.figure(pl)
			t.Logf("%s: %.2f m, want %.2f m", name, got, c.want)
			if math.Abs(got-c.want) > 0.8 {
				t.Errorf("%s: %.2f m, want %.2f m", name, got, c.want)
			}
		}
	}
}
