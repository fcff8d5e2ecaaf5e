package track

import (
	"math"
	"slices"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/synth"
)

// periodCycles is five 12 s cycles along x: rest 5 s, +4 m/s² for 2 s
// (to 8 m/s), 3 s at 8 m/s, −4 m/s² for 2 s, then 5 s of rest. In cycle
// k (from s = 12(k−1)) the acceleration starts at +5 s, the sprint (≥ 7
// m/s) at +6.75 s and runs to +10.25 s, the deceleration starts at +10 s.
func periodCycles() path {
	return accelPath(append(repeatSteps(5, [2]float64{5, 0}, [2]float64{2, 4}, [2]float64{3, 0}, [2]float64{2, -4}), [2]float64{5, 0})...)
}

// periodMarks are the drills of the per-period tests: drill 1 from 1 s
// to 19.2 s, a break, drill 2 from 29.3 s, drill 3 from a DRILL_NEXT at
// 43.2 s to 60 s. Each boundary falls inside an effort after its start
// and before it has lasted its minimum (when it is counted): cycle 2's
// sprint (from 18.75 s, counted at 19.75 s), cycle 3's acceleration
// (from 29 s, counted at 29.5 s), cycle 4's sprint (from 42.75 s,
// counted at 43.75 s).
func periodMarks() []decode.Message {
	sec := func(s float64) int64 { return t0 + int64(s*1000) }
	return []decode.Message{
		markerMsg(sec(1), decode.MarkerDrillStart), markerMsg(sec(19.2), decode.MarkerDrillEnd),
		markerMsg(sec(29.3), decode.MarkerDrillStart), markerMsg(sec(43.2), decode.MarkerDrillNext),
		markerMsg(sec(60), decode.MarkerDrillEnd), markerMsg(sec(64), decode.MarkerPracticeEnd),
	}
}

// TestPeriodFigures: the per-period sprints, accelerations and
// decelerations of a run whose efforts are known, in three drills with
// breaks, efforts crossing the boundaries and a dropout across one: an
// effort is counted once, under the period it starts in (none when it
// starts in a break), and the entries plus what happened outside any
// period add up to the totals, for the efforts, the time on court and
// every speed band. Batch and live mode agree to the bit. (Before, only
// the distance had entries per period.)
func TestPeriodFigures(t *testing.T) {
	type want struct {
		sprints, accels, decels []int
		// outside any period
		accels0, decels0 int
		// seconds in each drill
		court_s []float64
	}
	w := want{
		// Cycle 2's sprint started in drill 1 and ends in the break;
		// cycle 4's started in drill 2 and ends in drill 3.
		sprints: []int{2, 2, 1},
		// Cycle 3's started in the break.
		accels: []int{2, 1, 1}, accels0: 1,
		// Cycle 2's is in the break, cycle 4's in drill 3.
		decels: []int{1, 1, 2}, decels0: 1,
		court_s: []float64{18.2, 13.9, 16.8},
	}
	for _, c := range []struct {
		name string
		drop func(s float64) bool
	}{
		{"whole", nil},
		// A 1.4 s dropout across the DRILL_NEXT, inside cycle 4's sprint:
		// longer than MaxGap_ms, so the track splits and the gap is
		// bridged, each of its ticks credited to its own period.
		{"dropout across a boundary", func(s float64) bool { return s > 42.9 && s < 44.3 }},
	} {
		for seed := uint64(1); seed <= 3; seed++ {
			msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 64, noise_m: 0.02, seed: seed,
				sensors: []genSensor{{id: 7, p: periodCycles()}}})
			if c.drop != nil {
				msgs = dropWhere(msgs, 7, c.drop)
			}
			msgs = merge(msgs, periodMarks())
			var sums [2]*PlayerSummary
			for i, causal := range []bool{false, true} {
				cfg := DefaultConfig()
				cfg.Causal = causal
				col, sum, err := run(cfg, Meta{}, msgs)
				if err != nil {
					t.Fatal(err)
				}
				p := player(sum, 7)
				sums[i] = p
				t.Logf("%s, seed %d, causal %v: sprints %d %v, accels %d %v, decels %d %v, court %.2f %v",
					c.name, seed, causal, p.Sprints, p.SprintsPeriod, p.Accels, p.AccelsPeriod, p.Decels, p.DecelsPeriod, p.TimeOnCourt_s, p.TimeOnCourtPeriod_s)
				if !slices.Equal(p.SprintsPeriod, w.sprints) || !slices.Equal(p.AccelsPeriod, w.accels) || !slices.Equal(p.DecelsPeriod, w.decels) {
					t.Errorf("%s, seed %d: per drill sprints %v accels %v decels %v, want %v %v %v",
						c.name, seed, p.SprintsPeriod, p.AccelsPeriod, p.DecelsPeriod, w.sprints, w.accels, w.decels)
				}
				sum0 := func(v []int) (n int) {
					for _, x := range v {
						n += x
					}
					return n
				}
				if p.Sprints != sum0(p.SprintsPeriod) || p.Accels != sum0(p.AccelsPeriod)+w.accels0 || p.Decels != sum0(p.DecelsPeriod)+w.decels0 {
					t.Errorf("%s, seed %d: totals sprints %d accels %d decels %d, want the entries plus %d, %d outside the drills",
						c.name, seed, p.Sprints, p.Accels, p.Decels, w.accels0, w.decels0)
				}
				if len(p.TimeOnCourtPeriod_s) != 3 || len(p.SpeedBandPeriod_s) != 3 {
					t.Fatalf("%s: %d times and %d speed band lists per period, want 3", c.name, len(p.TimeOnCourtPeriod_s), len(p.SpeedBandPeriod_s))
				}
				for k, s := range p.TimeOnCourtPeriod_s {
					// The markers apply at the first tick at or after their
					// time: a tick (0.05 s) either way.
					if math.Abs(s-w.court_s[k]) > 0.11 {
						t.Errorf("%s, seed %d: drill %d on court %.3f s, want %.1f s", c.name, seed, k+1, s, w.court_s[k])
					}
				}
				if i == 0 && c.drop != nil && sum.Quality.Gaps == 0 {
					t.Errorf("%s: no gap: the dropout did not split the track", c.name)
				}
				if causal {
					continue // the rows are the forward estimate's, the figures the smoothed track's
				}
				// Outside any period from the rows (no court: every row
				// in bounds; the breaks hold no gap, so no bridged tick
				// without a row), by speed band.
				dt_s := float64(sum.Quality.GridPeriod_ms) / 1000
				bands0 := make([]float64, len(p.SpeedBand_s))
				court0 := 0.0
				for _, r := range col.of(7) {
					if r.Period == 0 && r.InBounds {
						court0 += dt_s
						bands0[bandOf(cfg.SpeedBands_mps, r.Speed_mps)] += dt_s
					}
				}
				court := court0
				for _, s := range p.TimeOnCourtPeriod_s {
					court += s
				}
				if math.Abs(court-p.TimeOnCourt_s) > 1e-9 {
					t.Errorf("%s, seed %d: per drill on court %v + %.3f s outside = %.6f s, time_on_court_s %.6f",
						c.name, seed, p.TimeOnCourtPeriod_s, court0, court, p.TimeOnCourt_s)
				}
				for k := range p.SpeedBand_s {
					b := bands0[k]
					for _, per := range p.SpeedBandPeriod_s {
						b += per[k]
					}
					if math.Abs(b-p.SpeedBand_s[k]) > 1e-9 {
						t.Errorf("%s, seed %d: band %d: per drill %v + %.3f s outside = %.6f s, speed_band_s %.6f",
							c.name, seed, k, p.SpeedBandPeriod_s, bands0[k], b, p.SpeedBand_s[k])
					}
				}
				// Each drill's bands add up to its time on court.
				for k, per := range p.SpeedBandPeriod_s {
					b := 0.0
					for _, x := range per {
						b += x
					}
					if math.Abs(b-p.TimeOnCourtPeriod_s[k]) > 1e-9 {
						t.Errorf("%s, seed %d: drill %d bands %v sum to %.6f s, on court %.6f s", c.name, seed, k+1, per, b, p.TimeOnCourtPeriod_s[k])
					}
				}
			}
			b, l := sums[0], sums[1]
			if !slices.Equal(b.SprintsPeriod, l.SprintsPeriod) || !slices.Equal(b.AccelsPeriod, l.AccelsPeriod) || !slices.Equal(b.DecelsPeriod, l.DecelsPeriod) ||
				!slices.Equal(b.TimeOnCourtPeriod_s, l.TimeOnCourtPeriod_s) || !slices.EqualFunc(b.SpeedBandPeriod_s, l.SpeedBandPeriod_s, slices.Equal) {
				t.Errorf("%s, seed %d: per period batch %+v\n live %+v", c.name, seed, b, l)
			}
		}
	}
}

// bandOf is the speed band index of v for the band edges.
func bandOf(edges []float64, v float64) int {
	for k, e := range edges {
		if v < e {
			return k
		}
	}
	return len(edges)
}

// TestPeriodFiguresOpenedOnly: every player has one entry per period the
// session opened, a player who left before the last period 0 there, and
// a session that opened none has empty lists.
func TestPeriodFiguresOpenedOnly(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 64, noise_m: 0.02, seed: 4,
		sensors: []genSensor{{id: 7, p: periodCycles()}, {id: 8, p: periodCycles()}}})
	// Player 8 leaves at 25 s, in the break after drill 1.
	msgs = dropWhere(msgs, 8, func(s float64) bool { return s > 25 })
	_, sum, err := run(DefaultConfig(), Meta{}, merge(msgs, periodMarks()))
	if err != nil {
		t.Fatal(err)
	}
	p := player(sum, 8)
	if len(p.SprintsPeriod) != 3 || len(p.TimeOnCourtPeriod_s) != 3 || len(p.SpeedBandPeriod_s) != 3 || len(p.SpeedBandPeriod_s[2]) != len(p.SpeedBand_s) {
		t.Fatalf("player 8: per period %v %v %v, want 3 entries each", p.SprintsPeriod, p.TimeOnCourtPeriod_s, p.SpeedBandPeriod_s)
	}
	if p.SprintsPeriod[0] != 2 || p.SprintsPeriod[1]+p.SprintsPeriod[2] != 0 || p.TimeOnCourtPeriod_s[1] != 0 || p.TimeOnCourtPeriod_s[2] != 0 {
		t.Errorf("player 8, gone after drill 1: sprints %v, on court %v", p.SprintsPeriod, p.TimeOnCourtPeriod_s)
	}
	_, sum, err = run(DefaultConfig(), Meta{}, msgs)
	if err != nil {
		t.Fatal(err)
	}
	p = player(sum, 7)
	if len(p.SprintsPeriod)+len(p.AccelsPeriod)+len(p.DecelsPeriod)+len(p.TimeOnCourtPeriod_s)+len(p.SpeedBandPeriod_s) != 0 || p.Sprints != 5 {
		t.Errorf("no markers: per period %v %v %v %v %v (sprints %d), want none", p.SprintsPeriod, p.AccelsPeriod, p.DecelsPeriod, p.TimeOnCourtPeriod_s, p.SpeedBandPeriod_s, p.Sprints)
	}
}

// TestPeriodFiguresPractice: on a simulated practice of several drills
// with a degraded feed (dropouts, feed silences, reordering), batch and
// live mode give every player the same per-drill figures, to the bit, and
// each player's drills plus the breaks add up to his totals: the time on
// court and the speed bands exactly (the breaks' part from the batch
// rows), the efforts with the breaks' part at least 0.
func TestPeriodFiguresPractice(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a practice")
	}
	sc := synth.DefaultConfig()
	sc.Practice, sc.Minutes, sc.Seed = true, 6, 3
	sc.DuplicateRate, sc.ReorderRate, sc.OutlierRate = 0.01, 0.02, 0.005
	sc.DropoutsPerMin, sc.FeedGapRate = 2, 1
	_, meta, messages := synthBundle(t, sc)
	var sums [2]*Summary
	var rows collect
	for i, causal := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.Causal = causal
		c := &collect{}
		s, err := NewSession(cfg, meta, c)
		if err != nil {
			t.Fatal(err)
		}
		feedRecording(t, s, messages, nil)
		if sums[i], err = s.Close(); err != nil {
			t.Fatal(err)
		}
		if !causal {
			rows = *c
		}
	}
	batch, live := sums[0], sums[1]
	dt_s := float64(batch.Quality.GridPeriod_ms) / 1000
	edges := DefaultConfig().SpeedBands_mps
	drills := 0
	for k, b := range batch.Players {
		l := live.Players[k]
		if !slices.Equal(b.SprintsPeriod, l.SprintsPeriod) || !slices.Equal(b.AccelsPeriod, l.AccelsPeriod) || !slices.Equal(b.DecelsPeriod, l.DecelsPeriod) ||
			!slices.Equal(b.TimeOnCourtPeriod_s, l.TimeOnCourtPeriod_s) || !slices.EqualFunc(b.SpeedBandPeriod_s, l.SpeedBandPeriod_s, slices.Equal) {
			t.Errorf("player %d: per drill\n batch %v %v %v %v %v\n live  %v %v %v %v %v", b.PlayerID,
				b.SprintsPeriod, b.AccelsPeriod, b.DecelsPeriod, b.TimeOnCourtPeriod_s, b.SpeedBandPeriod_s,
				l.SprintsPeriod, l.AccelsPeriod, l.DecelsPeriod, l.TimeOnCourtPeriod_s, l.SpeedBandPeriod_s)
		}
		drills = len(b.SprintsPeriod)
		if b.TimeOnCourt_s == 0 {
			continue
		}
		// Outside any period, from the rows. A bridged gap's ticks have no
		// rows: those of a gap next to a break's row may be the break's,
		// at most tol seconds of them.
		court0, tol := 0.0, 1e-9
		bands0 := make([]float64, len(b.SpeedBand_s))
		var prev *Sample
		for _, r := range rows.of(b.PlayerID) {
			if r.Period == 0 && r.InBounds {
				court0 += dt_s
				bands0[bandOf(edges, r.Speed_mps)] += dt_s
			}
			if prev != nil && (prev.Period == 0 || r.Period == 0) {
				if gap := r.T_ms - prev.T_ms; gap <= DefaultConfig().BridgeGap_ms {
					tol += float64(gap/batch.Quality.GridPeriod_ms-1) * dt_s
				}
			}
			prev = &r
		}
		court := court0
		for _, s := range b.TimeOnCourtPeriod_s {
			court += s
		}
		t.Logf("player %d: drills %v, breaks %.2f s (+ up to %.2f s of bridged ticks), total %.2f s", b.PlayerID, b.TimeOnCourtPeriod_s, court0, tol, b.TimeOnCourt_s)
		if d := b.TimeOnCourt_s - court; d < -1e-9 || d > tol {
			t.Errorf("player %d: drills %v + breaks %.2f s = %.4f s on court, time_on_court_s %.4f", b.PlayerID, b.TimeOnCourtPeriod_s, court0, court, b.TimeOnCourt_s)
		}
		for j := range b.SpeedBand_s {
			x := bands0[j]
			for _, per := range b.SpeedBandPeriod_s {
				x += per[j]
			}
			if d := b.SpeedBand_s[j] - x; d < -1e-9 || d > tol {
				t.Errorf("player %d band %d: drills + breaks %.4f s, speed_band_s %.4f", b.PlayerID, j, x, b.SpeedBand_s[j])
			}
		}
		for _, c := range []struct {
			what  string
			total int
			per   []int
		}{{"sprints", b.Sprints, b.SprintsPeriod}, {"accels", b.Accels, b.AccelsPeriod}, {"decels", b.Decels, b.DecelsPeriod}} {
			n := 0
			for _, x := range c.per {
				n += x
			}
			if n > c.total {
				t.Errorf("player %d: %s per drill %v sum to %d, more than the total %d", b.PlayerID, c.what, c.per, n, c.total)
			}
		}
	}
	if drills < 2 {
		t.Fatalf("%d drills: the practice should have several", drills)
	}
}

// TestSummaryPractice: a session is a practice's when live.json says so,
// or, unless it says a game, when the feed sends drill markers; a game's
// markers make none.
func TestSummaryPractice(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 10, noise_m: 0.02, seed: 1, sensors: []genSensor{{id: 7, p: line(1, 0)}}})
	sec := func(s float64) int64 { return t0 + int64(s*1000) }
	drills := []decode.Message{markerMsg(sec(1), decode.MarkerDrillStart), markerMsg(sec(8), decode.MarkerDrillEnd)}
	game := []decode.Message{markerMsg(sec(1), decode.MarkerPlayStart), markerMsg(sec(8), decode.MarkerPlayEnd)}
	for _, c := range []struct {
		name  string
		event EventKind
		marks []decode.Message
		want  bool
	}{
		{"drill markers", EventUnknown, drills, true},
		{"game markers", EventUnknown, game, false},
		{"no markers", EventUnknown, nil, false},
		{"live.json practice", EventPractice, nil, true},
		{"live.json game, drill markers", EventGame, drills, false},
	} {
		_, sum, err := run(DefaultConfig(), Meta{Event: c.event}, merge(slices.Clone(msgs), c.marks))
		if err != nil {
			t.Fatal(err)
		}
		if sum.Practice != c.want {
			t.Errorf("%s: Practice %v, want %v", c.name, sum.Practice, c.want)
		}
	}
}
