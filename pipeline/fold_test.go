package pipeline

import (
	"cmp"
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/geom"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
)

// sampleSink keeps copies of the samples the engine emits.
type sampleSink struct{ samples []track.Sample }

func (s *sampleSink) Samples(b []track.Sample) error {
	s.samples = append(s.samples, b...)
	return nil
}
func (s *sampleSink) Segment(*track.Segment) error { return nil }
func (s *sampleSink) Close(*track.Summary) error   { return nil }

// analyseEngine runs the bundle at path through OpenEngine with opt.
func analyseEngine(t *testing.T, path string, opt Options) (*track.Summary, []track.Sample) {
	t.Helper()
	b, err := decode.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	sink := &sampleSink{}
	r, err := OpenEngine(b, "fold", opt, sink)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sum, sink.samples
}

type heatKey struct {
	scope string
	id    int64
}

// heatSums sums each (scope, id)'s cells.
func heatSums(cells []track.HeatCell) map[heatKey]float64 {
	m := map[heatKey]float64{}
	for _, c := range cells {
		m[heatKey{c.Scope, c.ID}] += c.Seconds
	}
	return m
}

// Folding a simulated game keeps every heatmap's time and puts each team
// where the simulator's attacking directions say: the folded team maps
// are the samples turned by the truth's direction of each half.
func TestFoldSimulatedGame(t *testing.T) {
	cfg := synth.SampleConfig()
	cfg.Minutes = 4
	path := filepath.Join(t.TempDir(), "game")
	truth, err := synth.Write(context.Background(), cfg, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := analyseEngine(t, path, Options{})
	folded, samples := analyseEngine(t, path, Options{Fold: true})
	if !folded.Heatmap.Folded || plain.Heatmap.Folded {
		t.Errorf("Summary.Heatmap.Folded %v with --fold, %v without: want true, false", folded.Heatmap.Folded, plain.Heatmap.Folded)
	}
	ps, fs := heatSums(plain.Heatmaps), heatSums(folded.Heatmaps)
	for k, want := range ps {
		if got := fs[k]; math.Abs(got-want) > 1e-6 {
			t.Errorf("%s %d: folded map holds %.6f s, unfolded %.6f s", k.scope, k.id, got, want)
		}
	}
	if len(fs) != len(ps) {
		t.Errorf("%d folded maps, %d unfolded", len(fs), len(ps))
	}
	// The expected folded team maps: the samples turned by the truth's
	// direction (side attacking west in a half: a half turn), on the
	// engine's grid period.
	attack := map[int64]int{} // first half
	for _, tt := range truth.Teams {
		attack[tt.TeamID] = map[string]int{"east": 1, "west": -1}[tt.AttacksFirstHalf]
	}
	var dt_s float64
	for i := 1; i < len(samples) && dt_s == 0; i++ {
		if d := samples[i].T_ms - samples[0].T_ms; d > 0 {
			dt_s = float64(d) / 1000
		}
	}
	want := heatmap.New(heatmap.Options{Court: court.NBA})
	periods := map[int32]bool{}
	for _, s := range samples {
		if s.Kind != track.KindPlayer || !s.InBounds || s.TeamID == 0 {
			continue
		}
		periods[s.Period] = true
		dir := 0 // outside the periods: not folded (no shots there)
		switch s.Period {
		case 1:
			dir = attack[s.TeamID]
		case 2:
			dir = -attack[s.TeamID]
		}
		x, y := heatmap.Fold(s.X_m, s.Y_m, dir)
		want.AddPlayer(s.SensorID, s.TeamID, s.Period, x, y, dt_s, true)
	}
	if !periods[1] || !periods[2] {
		t.Fatalf("periods of the samples %v: want both halves", periods)
	}
	for _, tt := range truth.Teams {
		w := want.Grid(heatmap.ScopeTeam, tt.TeamID)
		g := gridOf(folded.Heatmaps, "team", tt.TeamID, w.Geom)
		u := gridOf(plain.Heatmaps, "team", tt.TeamID, w.Geom)
		var diff float64
		for i := range w.Seconds {
			diff += math.Abs(w.Seconds[i] - g.Seconds[i])
		}
		if diff > 1e-6*w.Sum() {
			t.Errorf("team %d (attacks %s first): folded map differs from the samples folded by the truth by %.3f of %.3f s", tt.TeamID, tt.AttacksFirstHalf, diff, w.Sum())
		}
		t.Logf("team %d: east half %.0f%% folded, %.0f%% unfolded", tt.TeamID, 100*eastShare(g), 100*eastShare(u))
	}
	// The ball folds by the team in control: the team of the last holder
	// in the period. Its offence is the east half: most of the live time
	// the ball is held there while it attacks.
	holder := map[int64]int64{} // T_ms -> holder's team
	var balls []track.Sample
	for _, s := range samples {
		if s.BallHolder {
			holder[s.T_ms] = s.TeamID
		}
		if s.Kind == track.KindBall {
			balls = append(balls, s)
		}
	}
	slices.SortStableFunc(balls, func(a, b track.Sample) int { return cmp.Compare(a.T_ms, b.T_ms) })
	var ctrl int64
	var period int32
	var heldEast, held float64
	for _, b := range balls {
		if b.Period != period {
			ctrl, period = 0, b.Period
		}
		if h := holder[b.T_ms]; h != 0 {
			ctrl = h
		}
		dir := 0
		switch b.Period {
		case 1:
			dir = attack[ctrl]
		case 2:
			dir = -attack[ctrl]
		}
		x, y := heatmap.Fold(b.X_m, b.Y_m, dir)
		want.AddBall(b.SensorID, 0, b.Period, x, y, dt_s, true)
		if holder[b.T_ms] != 0 && b.Clock == track.ClockLive {
			held += dt_s
			if x > 0 {
				heldEast += dt_s
			}
		}
	}
	if len(balls) == 0 || held == 0 {
		t.Fatalf("%d ball samples, %.1f s held live", len(balls), held)
	}
	for k := range fs {
		if k.scope != "ball" {
			continue
		}
		w := want.Grid(heatmap.ScopeBall, k.id)
		g := gridOf(folded.Heatmaps, "ball", k.id, w.Geom)
		var diff float64
		for i := range w.Seconds {
			diff += math.Abs(w.Seconds[i] - g.Seconds[i])
		}
		if diff > 1e-6*w.Sum() {
			t.Errorf("ball %d: folded map differs from the samples folded by the team in control by %.3f of %.3f s", k.id, diff, w.Sum())
		}
		t.Logf("ball %d: east half %.0f%% folded, %.0f%% unfolded", k.id, 100*eastShare(g), 100*eastShare(gridOf(plain.Heatmaps, "ball", k.id, w.Geom)))
	}
	if e := heldEast / held; e <= 0.5 {
		t.Errorf("folded, the ball is held live on the east half (offence) %.0f%% of %.1f s, want more than half", 100*e, held)
	} else {
		t.Logf("folded, the ball is held live on the east half %.0f%% of %.1f s", 100*e, held)
	}
}

// gridOf rebuilds one map of the engine's long-form cells on geometry g.
func gridOf(cells []track.HeatCell, scope string, id int64, g geom.Grid) *heatmap.Grid {
	out := &heatmap.Grid{Geom: g, Seconds: make([]float64, g.Len())}
	for _, c := range cells {
		if c.Scope == scope && c.ID == id {
			out.Seconds[g.Index(int(c.IX), int(c.IY))] += c.Seconds
		}
	}
	return out
}

// eastShare is the part of g's time on cells with x > 0.
func eastShare(g *heatmap.Grid) float64 {
	var east, all float64
	for i, v := range g.Seconds {
		all += v
		if x, _ := g.Geom.Center(g.Geom.CellOf(i)); x > 0 {
			east += v
		}
	}
	return east / all
}
