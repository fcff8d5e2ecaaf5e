package track

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stmotion/stmotion/synth"
)

// segmentSink keeps the segments only (a 12-minute game's samples would
// take 57 MB).
type segmentSink struct{ segs []Segment }

func (c *segmentSink) Samples([]Sample) error   { return nil }
func (c *segmentSink) Segment(s *Segment) error { c.segs = append(c.segs, *s); return nil }
func (c *segmentSink) Close(*Summary) error     { return nil }

// TestPossessionThroughEngine runs a simulated game through the engine
// with its analyzers, as analyze does, and compares possession, passes
// and rebounds with the truth: the README's possession figures are
// measured by track/possession's TestAgainstSynth, which drives the
// detector with the feed resampled by the test itself; this is the same
// comparison on what the tables hold.
//
//	go test ./track -run TestPossessionThroughEngine -v
//
// SYNTH_SEED=n simulates another game (12 minutes, σ = 50 mm).
func TestPossessionThroughEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a 12-minute game")
	}
	sc := synth.DefaultConfig()
	sc.Noise_mm = 50
	if v := os.Getenv("SYNTH_SEED"); v != "" {
		if err := json.Unmarshal([]byte(v), &sc.Seed); err != nil {
			t.Fatalf("SYNTH_SEED=%s: %v", v, err)
		}
	}
	truth, meta, messages := synthBundle(t, sc)
	var c segmentSink
	s, err := NewSession(DefaultConfig(), meta, &c)
	if err != nil {
		t.Fatal(err)
	}
	attachAnalyzers(t, s, meta, false)
	feedRecording(t, s, messages, nil)
	sum, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}

	team := map[int64]float64{}
	for _, tm := range sum.Teams {
		team[tm.TeamID] = tm.Possession_s
	}
	for _, tm := range truth.Teams {
		rel := (team[tm.TeamID] - tm.Possession_s) / tm.Possession_s
		t.Logf("team %d possession: %.1f s, truth %.1f s (%+.1f%%)", tm.TeamID, team[tm.TeamID], tm.Possession_s, 100*rel)
		if math.Abs(rel) > 0.03 {
			t.Errorf("team %d possession off by %+.1f%% (target 3%%)", tm.TeamID, 100*rel)
		}
	}
	player := map[int64]float64{}
	for _, p := range sum.Players {
		player[p.PlayerID] = p.Possession_s
	}
	worst := 0.0
	for _, p := range truth.Players {
		if p.PossessionLive_s < 20 {
			continue
		}
		rel := (player[p.ID] - p.PossessionLive_s) / p.PossessionLive_s
		worst = math.Max(worst, math.Abs(rel))
		if math.Abs(rel) > 0.08 {
			t.Errorf("player %d possession %.1f s, truth %.1f s (%+.1f%%, target 8%%)", p.ID, player[p.ID], p.PossessionLive_s, 100*rel)
		}
	}
	t.Logf("worst player possession error (players with 20 s or more): %.1f%%", 100*worst)

	truePasses := truth.TeammatePasses()
	var passes, rebounds []Segment
	for _, g := range c.segs {
		switch g.Type {
		case SegPass:
			passes = append(passes, g)
		case SegRebound:
			rebounds = append(rebounds, g)
		}
	}
	rel := float64(len(passes)-truePasses) / float64(truePasses)
	t.Logf("passes: %d, truth %d (%+.1f%%)", len(passes), truePasses, 100*rel)
	if math.Abs(rel) > 0.05 {
		t.Errorf("pass count off by %+.1f%% (target 5%%)", 100*rel)
	}

	// Rebounds, matched by player within 8 s of the shot's release, as in
	// TestAgainstSynth.
	trueReb := truth.Rebounds()
	used := make([]bool, len(rebounds))
	matched := 0
	for _, r := range trueReb {
		for i, g := range rebounds {
			if !used[i] && g.PlayerID == r.By && g.Start_ms > r.Released_ms && g.Start_ms-r.Released_ms <= 8000 {
				used[i], matched = true, matched+1
				break
			}
		}
	}
	t.Logf("rebounds: %d, truth %d, matched %d", len(rebounds), len(trueReb), matched)
	// (Seeds 1-16, 2026-11-27: 239 of 250 matched, 15 of 19 on seed 1,
	// where a teammate's touch took two rebounds and a shot read as a
	// steal.)
	if len(trueReb) > 0 && float64(matched) < 0.75*float64(len(trueReb)) {
		t.Errorf("rebounds: %d of %d matched (target 75%%)", matched, len(trueReb))
	}
	// Turnovers and steals, as in TestAgainstSynth (its checkTurnovers):
	// at least 75 % of the detected ones match the truth, and 75 % of the
	// true ones are found. (Seed 1 had 9 steals for 4 true ones.)
	var calls []synth.TurnoverCall
	for _, g := range c.segs {
		if g.Type == SegTurnover {
			calls = append(calls, synth.TurnoverCall{PlayerID: g.PlayerID, ToPlayerID: g.ToPlayerID, At_ms: g.Start_ms, Steal: g.Label == "steal"})
		}
	}
	ts := truth.ScoreTurnovers(calls, 3000)
	t.Logf("turnovers: %d, truth %d (violations aside), matched %d; steals: %d, truth %d, matched %d (stealer too)",
		ts.Calls, ts.Truth, ts.Matched, ts.StealCalls, ts.TrueSteals, ts.StealsMatched)
	for _, i := range ts.FalseSteals {
		c := calls[i]
		t.Logf("  steal %d -> %d at %.2f s matches no true steal", c.PlayerID, c.ToPlayerID, float64(c.At_ms-truth.Start_ms)/1000)
	}
	for _, m := range ts.MissedSteals {
		t.Logf("  true steal %d -> %d at %.2f s not found", m.PlayerID, m.StolenBy, float64(m.At_ms-truth.Start_ms)/1000)
	}
	for _, f := range ts.Shortfalls(0.75) {
		t.Error(f)
	}
	t.Logf("shooter agreement %.3f", sum.ShooterAgreement)
	if sum.ShooterAgreement < 0.95 {
		t.Errorf("shooter agreement %.3f (target 0.95)", sum.ShooterAgreement)
	}
}
