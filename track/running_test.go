package track

import (
	"math"
	"testing"
)

// figuresSink reads the engine's running figures each time rows leave,
// as an overlay does.
type figuresSink struct {
	s        *Session
	buf      []RunningFigures
	newest   int64             // newest row time
	dist     map[int64]float64 // last running distance per player
	moving   map[int64]int     // rows read with Moving set, per player
	reads    map[int64]int
	lags     []int64 // newest row time minus through_ms, per batch
	through  int64
	problems []string
}

func (f *figuresSink) Samples(b []Sample) error {
	for i := range b {
		f.newest = max(f.newest, b[i].T_ms)
	}
	var through int64
	f.buf, through = f.s.AppendRunningFigures(f.buf[:0])
	if through < f.through {
		f.problems = append(f.problems, "through_ms went back")
	}
	f.through = through
	f.lags = append(f.lags, f.newest-through)
	for _, r := range f.buf {
		if r.Distance_m < f.dist[r.PlayerID] {
			f.problems = append(f.problems, "a distance went back")
		}
		f.dist[r.PlayerID] = r.Distance_m
		f.reads[r.PlayerID]++
		if r.Moving {
			f.moving[r.PlayerID]++
		}
	}
	return nil
}
func (f *figuresSink) Segment(*Segment) error { return nil }
func (f *figuresSink) Close(*Summary) error   { return nil }

// TestRunningFigures: live (causal), the running distance of each player
// only grows, ends equal to the summary's, and reads 0 for a player who
// stands (the still detector's gate), whose Moving is false; the figures
// run a grid period more than Lag_s to 3·Lag_s behind the newest rows.
func TestRunningFigures(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 60, noise_m: 0.05, seed: 3, sensors: []genSensor{
		{id: 1, p: circle(5, 3)}, {id: 2, p: still(1, 2)}, {id: 9, ball: true, p: circle(2, 8)}}})
	cfg := DefaultConfig()
	cfg.Causal = true
	f := &figuresSink{dist: map[int64]float64{}, moving: map[int64]int{}, reads: map[int64]int{}}
	s, err := NewSession(cfg, Meta{}, f)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	for i := range msgs {
		if err := s.Feed(&msgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	end, through := s.AppendRunningFigures(nil)
	if through != f.newest {
		t.Errorf("after Close the figures are in through %d, want the last tick %d", through, f.newest)
	}
	if len(f.problems) > 0 {
		t.Errorf("running figures: %v", f.problems[:1])
	}
	if len(end) != 2 {
		t.Fatalf("figures of %d players, want 2: %+v", len(end), end)
	}
	for _, r := range end {
		var p *PlayerSummary
		for i := range sum.Players {
			if sum.Players[i].PlayerID == r.PlayerID {
				p = &sum.Players[i]
			}
		}
		if p == nil || r.Distance_m != p.Distance_m {
			t.Errorf("player %d: running distance at the end %g m, summary %+v", r.PlayerID, r.Distance_m, p)
		}
	}
	if d := f.dist[1]; math.Abs(d-180*0.97) > 180*0.05 { // 3 m/s for 60 s, less the last lag
		t.Errorf("runner: running distance %.1f m before Close, want about %.0f", d, 180*0.97)
	}
	if d := end[1].Distance_m; d > 0.5 {
		t.Errorf("standing player: distance %.2f m, want about 0", d)
	}
	if f.moving[2] > 0 || f.moving[1] < f.reads[1]*9/10 {
		t.Errorf("moving in %d of %d reads for the standing player (want 0), %d of %d for the runner", f.moving[2], f.reads[2], f.moving[1], f.reads[1])
	}
	lo, hi := int64(math.MaxInt64), int64(0)
	for _, l := range f.lags[len(f.lags)/10:] { // once the first block is in
		lo, hi = min(lo, l), max(hi, l)
	}
	if lag_ms := int64(cfg.Lag_s * 1000); lo < lag_ms+40 || hi > 3*lag_ms {
		t.Errorf("figures lag the newest rows by %d-%d ms, want %d-%d ms (Lag_s and a grid period to 3·Lag_s)", lo, hi, lag_ms+40, 3*lag_ms)
	}
	t.Logf("figures lag the newest rows by %d-%d ms", lo, hi)
}
