package track

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/synth"
)

// synthResult is the engine's summary and DIST checks of a simulated
// bundle beside its truth.
type synthResult struct {
	truth  *synth.Truth
	sum    *Summary
	checks []Segment
}

// distChecks is a Sink that keeps the DIST checks.
type distChecks struct{ checks []Segment }

func (d *distChecks) Samples([]Sample) error { return nil }
func (d *distChecks) Segment(g *Segment) error {
	if g.Type == SegDistCheck {
		d.checks = append(d.checks, *g)
	}
	return nil
}
func (d *distChecks) Close(*Summary) error { return nil }

// synthBundle simulates sc into a temporary bundle and opens it the way
// `analyze` does: the court from court.json on sc's template, the roster
// from subscribe.json. It returns the truth, the engine's Meta and the
// path of the messages.
func synthBundle(tb testing.TB, sc synth.Config) (*synth.Truth, Meta, string) {
	tb.Helper()
	dir := tb.TempDir()
	truth, err := synth.Write(context.Background(), sc, dir, nil)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := decode.OpenBundle(dir)
	if err != nil {
		tb.Fatal(err)
	}
	ct, err := court.Parse(b.Court, court.Options{Template: sc.Court})
	if err != nil {
		tb.Fatal(err)
	}
	meta := Meta{SessionID: truth.LiveID, Court: ct}
	if b.Subscribe != nil {
		meta.Roster = b.Subscribe.Teams
	}
	return truth, meta, b.MessagesPath
}

// runSynth simulates cfg into a temporary bundle and runs the engine on it
// the way `analyze` does: roster from subscribe.json, court from
// court.json, messages in arrival order.
func runSynth(t testing.TB, sc synth.Config, cfg Config) synthResult {
	t.Helper()
	truth, meta, messages := synthBundle(t, sc)
	d := &distChecks{}
	s, err := NewSession(cfg, meta, d)
	if err != nil {
		t.Fatal(err)
	}
	feedRecording(t, s, messages, nil)
	sum, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	return synthResult{truth, sum, d.checks}
}

// checkMin_m is the DIST from which every update is held to the ratio
// target: below it, a metre (a tick's step at either end of a bridged
// gap, the smoother starting) is over 1 %.
const checkMin_m = 100

// worstCheck is the DIST update furthest from its engine distance (ratio
// feed / engine) among those of checkMin_m or more.
func (r synthResult) worstCheck() (worst Segment, ratio float64) {
	ratio = 1
	for _, g := range r.checks {
		if g.FeedDist_cm < checkMin_m*100 || g.EngineDist_cm <= 0 {
			continue
		}
		if q := g.FeedDist_cm / g.EngineDist_cm; math.Abs(q-1) > math.Abs(ratio-1) {
			worst, ratio = g, q
		}
	}
	return worst, ratio
}

// synthErrors are the worst errors of one run against the truth.
type synthErrors struct {
	maxDistErr   float64 // relative, players with ≥ 200 m
	meanDistErr  float64 // signed mean, same players
	maxLiveErr   float64 // relative, live distance, players with ≥ 200 m live
	maxStill     float64 // m per 10 min, players whose truth is < 1 m
	maxTopErr    float64 // m/s, |engine − truth|, players with ≥ 200 m
	maxRatioErr  float64 // |DIST ratio − 1|
	rawOver      float64 // mean raw path overshoot, players with ≥ 200 m
	players, ran int
	stills       int // players whose truth distance is < 1 m
}

func (r synthResult) errors() synthErrors {
	var e synthErrors
	for _, tp := range r.truth.Players {
		p := player(r.sum, tp.ID)
		if p == nil {
			continue
		}
		e.players++
		if tp.Distance_m < 1 {
			e.stills++
			e.maxStill = math.Max(e.maxStill, p.Distance_m*600/r.truth.Duration_s)
		}
		if tp.Distance_m >= 200 {
			e.ran++
			d := p.Distance_m/tp.Distance_m - 1
			e.meanDistErr += d
			e.maxDistErr = math.Max(e.maxDistErr, math.Abs(d))
			e.rawOver += p.RawDistance_m/tp.Distance_m - 1
			e.maxTopErr = math.Max(e.maxTopErr, math.Abs(p.TopSpeed_mps-tp.TopSpeed_mps))
		}
		if tp.DistanceLive_m >= 200 {
			e.maxLiveErr = math.Max(e.maxLiveErr, math.Abs(p.DistanceLive_m/tp.DistanceLive_m-1))
		}
		if p.DistRatio != 0 && tp.Distance_m >= 200 {
			e.maxRatioErr = math.Max(e.maxRatioErr, math.Abs(p.DistRatio-1))
		}
	}
	if e.ran > 0 {
		e.meanDistErr /= float64(e.ran)
		e.rawOver /= float64(e.ran)
	}
	return e
}

func (e synthErrors) String() string {
	still := "none still"
	if e.stills > 0 {
		still = fmt.Sprintf("%.2f m (%d)", e.maxStill, e.stills)
	}
	return fmt.Sprintf("| %+.2f%% | %.2f%% | %.2f%% | %s | %.2f m/s | %.3f | %+.1f%% | %d/%d |",
		100*e.meanDistErr, 100*e.maxDistErr, 100*e.maxLiveErr, still, e.maxTopErr, e.maxRatioErr, 100*e.rawOver, e.ran, e.players)
}

// accuracySettings are the settings: a 12-minute game with noise
// σ = 50 mm at 20 and 25 Hz and σ = 20 mm, the simulator's other feed
// degradations (drops, dropouts up to 1.5 s, duplicates, reordering,
// outliers, jitter) left at their defaults, except the dead-ball feed
// silences (reported separately).
func accuracySettings() []struct {
	name string
	sc   synth.Config
} {
	mk := func(hz, noise float64, seed int64) synth.Config {
		c := synth.DefaultConfig()
		c.Hz, c.Noise_mm, c.Seed = hz, noise, seed
		// Whole-feed silences of 2-8 s in dead balls hide movement no
		// estimator can see; they are measured separately below.
		c.FeedGapRate = 0
		return c
	}
	return []struct {
		name string
		sc   synth.Config
	}{
		{"20 Hz, σ 50 mm", mk(20, 50, 1)},
		{"25 Hz, σ 50 mm", mk(25, 50, 2)},
		{"25 Hz, σ 20 mm", mk(25, 20, 3)},
		{"20 Hz, σ 20 mm", mk(20, 20, 4)},
	}
}

// TestSynthAccuracy checks the accuracy targets against the
// simulator's truth. It prints the table of docs/kinematics.md with -v:
//
//	go test ./track -run TestSynthAccuracy -v
func TestSynthAccuracy(t *testing.T) {
	settings := accuracySettings()
	if testing.Short() {
		settings = settings[:1]
	}
	t.Log("| setting | mean distance error | max distance error | max live distance error | still sensors: worst per 10 min (how many) | max top speed error | max abs(DIST ratio − 1) | raw step sum overshoot | players ≥ 200 m / all |")
	for _, st := range settings {
		r := runSynth(t, st.sc, DefaultConfig())
		e := r.errors()
		t.Logf("| %s %s", st.name, e)
		if e.maxDistErr > 0.01 {
			t.Errorf("%s: distance error up to %.2f%%, want ≤ 1%%", st.name, 100*e.maxDistErr)
		}
		if e.maxStill >= 5 {
			t.Errorf("%s: a still sensor accrued %.2f m per 10 min, want < 5", st.name, e.maxStill)
		}
		if e.maxTopErr > 0.3 {
			t.Errorf("%s: top speed off by up to %.2f m/s, want ≤ 0.3", st.name, e.maxTopErr)
		}
		if e.maxRatioErr > 0.01 {
			t.Errorf("%s: DIST ratio off by up to %.3f, want ≤ 0.01", st.name, e.maxRatioErr)
		}
		// Every DIST update, not only each player's last (a check inside
		// a dropout read 1.038 between checks of 0.998 on seed 4's game).
		g, q := r.worstCheck()
		t.Logf("%s: worst DIST update of %d m or more: ratio %.4f (player %d at %+.1f s: feed %.2f m, engine %.2f m)",
			st.name, checkMin_m, q, g.PlayerID, float64(g.Start_ms-r.truth.Start_ms)/1000, g.FeedDist_cm/100, g.EngineDist_cm/100)
		if math.Abs(q-1) > 0.01 {
			t.Errorf("%s: DIST update of player %d at %+.1f s: ratio %.4f, want 1.00 ± 0.01 at every update of %d m or more",
				st.name, g.PlayerID, float64(g.Start_ms-r.truth.Start_ms)/1000, q, checkMin_m)
		}
		if e.ran < 10 {
			t.Errorf("%s: only %d players ran ≥ 200 m", st.name, e.ran)
		}
	}
	if testing.Short() {
		return
	}
	// What each part of the method is worth, on the first setting.
	for _, ab := range []struct {
		name string
		f    func(*Config)
	}{
		{"without the still detector", func(c *Config) { c.MoveOn_mps, c.MoveOff_mps = 0, 0 }},
		{"without gap bridging", func(c *Config) { c.BridgeGap_ms = 0 }},
		{"σ fixed at 20 mm (not estimated)", func(c *Config) { c.Player.Noise_m = 0.02 }},
		{"lag 0.5 s", func(c *Config) { c.Lag_s = 0.5 }},
	} {
		cfg := DefaultConfig()
		ab.f(&cfg)
		t.Logf("| %s, %s %s", settings[0].name, ab.name, runSynth(t, settings[0].sc, cfg).errors())
	}
	// Slower feeds (informational: the targets are set at 20 and 25 Hz).
	for _, hz := range []float64{12.5, 10, 8} {
		sc := settings[0].sc
		sc.Hz = hz
		native := runSynth(t, sc, DefaultConfig()).errors()
		t.Logf("| %g Hz, σ 50 mm %s", hz, native)
		if hz != 10 {
			continue
		}
		// The 10 Hz game on finer grids (`--hz 25`, `--hz 50`, as a
		// dataset of mixed rates is analysed) reads as on its own: it
		// read 0.94 % and 1.88 % worst (0.86 % natively) while the filter
		// took every interpolated tick for a measurement of its own
		// (TestUpsampledGrid).
		for _, grid := range []float64{25, 50} {
			cfg := DefaultConfig()
			cfg.Rate_Hz = grid
			e := runSynth(t, sc, cfg).errors()
			t.Logf("| %g Hz, σ 50 mm, on a %g Hz grid (`--hz %g`) %s", hz, grid, grid, e)
			if e.maxDistErr > native.maxDistErr+0.0025 || e.maxRatioErr > native.maxRatioErr+0.003 {
				t.Errorf("%g Hz feed on a %g Hz grid: distance error up to %.2f %%, DIST ratio off by %.3f; on its own grid %.2f %% and %.3f",
					hz, grid, 100*e.maxDistErr, e.maxRatioErr, 100*native.maxDistErr, native.maxRatioErr)
			}
		}
	}
	// The simulator's default feed also goes silent for 2-8 s in some dead
	// balls: the distance covered meanwhile is bridged, not observed.
	// The share of samples the silences took says whether a game had any
	// (a game with few dead balls may have none at the default rate).
	for _, st := range settings {
		sc := st.sc
		sc.FeedGapRate = synth.DefaultConfig().FeedGapRate
		r := runSynth(t, sc, DefaultConfig())
		f := r.truth.Feed
		t.Logf("| %s, with dead-ball feed silences (%.1f%% of samples) %s", st.name, 100*float64(f.GapSamples)/float64(f.Samples), r.errors())
	}
}

// TestSynthTimesPlausible checks that synth's bound on timestamps is the
// engine's: a session at either end of synth's StartTime_ms range has every
// location kept (none counted in Quality.BadTimes), and the bounds are
// PlausibleTime's.
func TestSynthTimesPlausible(t *testing.T) {
	if !PlausibleTime(1) || !PlausibleTime(synth.MaxTime_ms) || PlausibleTime(0) || PlausibleTime(synth.MaxTime_ms+1) {
		t.Fatalf("PlausibleTime does not accept exactly [1, synth.MaxTime_ms = %d]", int64(synth.MaxTime_ms))
	}
	sc := synth.DefaultConfig()
	sc.Minutes, sc.Jitter_ms = 0.1, 10
	for _, start := range []int64{1, synth.MaxTime_ms - int64(sc.Duration_s()*1000)} {
		sc.StartTime_ms = start
		r := runSynth(t, sc, DefaultConfig())
		if q := r.sum.Quality; q.BadTimes != 0 || q.Locations == 0 {
			t.Errorf("start %d ms: %d of %d locations with implausible times", start, q.BadTimes, q.Locations)
		}
	}
}
