package track

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stmotion/stmotion/synth"
)

// delayMarkers writes a copy of the recording at path whose marker lines
// (all of them, or those of the given types) come delay_ms late: each
// moved to just before the first location line at or after its
// occurred_at + delay_ms, its occurred_at unchanged, as a server that
// sends its markers late would deliver them.
func delayMarkers(tb testing.TB, path string, delay_ms int64, types ...string) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	at := regexp.MustCompile(`"occurred_at":(-?\d+)`)
	timeOf := func(l []byte) int64 {
		m := at.FindSubmatch(l)
		if m == nil {
			tb.Fatalf("no occurred_at in %s", l)
		}
		v, _ := strconv.ParseInt(string(m[1]), 10, 64)
		return v
	}
	delayed := func(l []byte) bool {
		if !bytes.HasPrefix(l, []byte(`{"type":"marker"`)) {
			return false
		}
		if len(types) == 0 {
			return true
		}
		for _, t := range types {
			if bytes.Contains(l, []byte(`"type":"`+t+`"`)) {
				return true
			}
		}
		return false
	}
	type held struct {
		due  int64
		line []byte
	}
	var out []byte
	var q []held
	for _, l := range bytes.SplitAfter(data, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		if delayed(l) {
			q = append(q, held{timeOf(l) + delay_ms, l})
			continue
		}
		if bytes.HasPrefix(l, []byte(`{"type":"location"`)) {
			for len(q) > 0 && timeOf(l) >= q[0].due {
				out = append(out, q[0].line...)
				q = q[1:]
			}
		}
		out = append(out, l...)
	}
	for _, h := range q {
		out = append(out, h.line...)
	}
	p := filepath.Join(tb.TempDir(), "late.jsonl")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// liveDistance is the players' total live distance.
func liveDistance(sum *Summary) float64 {
	var d float64
	for _, p := range sum.Players {
		d += p.DistanceLive_m
	}
	return d
}

// TestLateMarkers: markers delivered seconds after their occurred_at
// take effect at their own time wherever the engine can still give it,
// and the others are counted. On the built-in sample game (4 minutes,
// both halves) with every marker (LIVE, PAUSED, FOUL, the period
// markers) delivered late:
//
//   - batch holds its emission Config.MarkerHold_s (5 s) more, so
//     markers 5 s late (a START_SECOND_HALF or LIVE markers 5.5 s
//     late) change nothing: the same figures and rows as on time.
//     Before,
//     each took effect at the tick it was applied at: the live distance
//     was 4.4 % short (all markers 5 s late; LIVE alone 5 s late: 12 %),
//     and 8 s of the second half were period 0;
//   - live relabels the ticks whose figures are not in yet: markers
//     0.8 s late (later than its rows, which leave at the reorder
//     window) give the on-time figures; before, 0.4 % short;
//   - later than that, each is counted in Quality.LateMarkers with the
//     longest delay, and one older than a newer marker of its kind
//     already applied changes the state no more: a LIVE 20 s late had
//     made the clock live through the pause that followed it (96 000
//     rows of 147 000 live in batch where the clock was stopped).
func TestLateMarkers(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a game")
	}
	_, meta, path := synthBundle(t, synth.SampleConfig())
	run := func(causal bool, p string) (*Summary, *collect) {
		t.Helper()
		cfg := DefaultConfig()
		cfg.Causal = causal
		c := &collect{}
		s, err := NewSession(cfg, meta, c)
		if err != nil {
			t.Fatal(err)
		}
		attachAnalyzers(t, s, meta, false)
		feedRecording(t, s, p, nil)
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		return sum, c
	}
	for _, causal := range []bool{false, true} {
		base, baseRows := run(causal, path)
		if q := base.Quality; q.LateMarkers != 0 {
			t.Fatalf("causal %v: the feed on time has %d late markers", causal, q.LateMarkers)
		}
		on := liveDistance(base)
		type late struct {
			name    string
			p       string
			onTime  bool  // the figures are the on-time feed's
			atLeast int64 // else: at least these many late markers
			max_ms  int64 // and the longest delay at least this
			// stopped: only LIVE markers are late, so no row is live that
			// the on-time feed has stopped (a late marker never sets the
			// clock where a newer one had set it)
			stopped bool
		}
		cases := []late{
			{"every marker 5 s late", delayMarkers(t, path, 5000), !causal, 1, 5000, false},
			{"START_SECOND_HALF 5.5 s late", delayMarkers(t, path, 5500, "START_SECOND_HALF"), !causal, 1, 5500, false},
			{"LIVE 5.5 s late", delayMarkers(t, path, 5500, "LIVE"), !causal, 1, 5500, true},
			{"LIVE 12 s late", delayMarkers(t, path, 12_000, "LIVE"), false, 1, 12_000, true},
			{"LIVE 20 s late", delayMarkers(t, path, 20_000, "LIVE"), false, 5, 20_000, true},
		}
		if causal {
			cases = append(cases, late{"every marker 0.8 s late", delayMarkers(t, path, 800), true, 0, 0, false})
		}
		for _, c := range cases {
			sum, col := run(causal, c.p)
			q := sum.Quality
			got := liveDistance(sum)
			t.Logf("causal %v, %s: live distance %.1f m of %.1f (%+.2f %%), late markers %d, longest %d ms", causal, c.name, got, on, 100*(got/on-1), q.LateMarkers, q.LateMarkerMax_ms)
			if c.onTime {
				if q.LateMarkers != 0 || got != on {
					t.Errorf("causal %v, %s: %d late markers, live distance %.3f m; want none, the on-time %.3f m", causal, c.name, q.LateMarkers, got, on)
				}
				for i, p := range sum.Players {
					b := base.Players[i]
					if p.PlayerID != b.PlayerID || !slicesEqual(p.DistancePeriod_m, b.DistancePeriod_m) || p.TimeOnCourtPeriod_s[len(p.TimeOnCourtPeriod_s)-1] != b.TimeOnCourtPeriod_s[len(b.TimeOnCourtPeriod_s)-1] {
						t.Errorf("causal %v, %s: player %d per period %v, %v; want %v, %v", causal, c.name, p.PlayerID, p.DistancePeriod_m, p.TimeOnCourtPeriod_s, b.DistancePeriod_m, b.TimeOnCourtPeriod_s)
					}
				}
				if !causal {
					if len(col.samples) != len(baseRows.samples) {
						t.Fatalf("%s: %d rows, want %d", c.name, len(col.samples), len(baseRows.samples))
					}
					for i := range col.samples {
						if col.samples[i] != baseRows.samples[i] {
							t.Fatalf("%s: row %d %+v, want %+v", c.name, i, col.samples[i], baseRows.samples[i])
						}
					}
					for i, tm := range base.Teams {
						if sum.Teams[i].Possession_s != tm.Possession_s {
							t.Errorf("%s: team %d possession %.2f s, want %.2f", c.name, tm.TeamID, sum.Teams[i].Possession_s, tm.Possession_s)
						}
					}
				}
				continue
			}
			if q.LateMarkers < c.atLeast || q.LateMarkerMax_ms < c.max_ms-100 || q.LateMarkerMax_ms > c.max_ms+1000 {
				t.Errorf("causal %v, %s: %d late markers, longest %d ms; want at least %d, about %d ms", causal, c.name, q.LateMarkers, q.LateMarkerMax_ms, c.atLeast, c.max_ms)
			}
			if !c.stopped {
				continue
			}
			clock := make(map[[2]int64]ClockState, len(baseRows.samples))
			for _, r := range baseRows.samples {
				clock[[2]int64{r.T_ms, r.SensorID}] = r.Clock
			}
			wrong := 0
			for _, r := range col.samples {
				if c, ok := clock[[2]int64{r.T_ms, r.SensorID}]; ok && r.Clock == ClockLive && c != ClockLive {
					wrong++
				}
			}
			if wrong > 0 {
				t.Errorf("causal %v, %s: %d rows live where the clock was stopped", causal, c.name, wrong)
			}
		}
	}
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
