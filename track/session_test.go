package track

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/geom"
	"github.com/stmotion/stmotion/track/heatmap"
)

const t0 = int64(1_764_151_200_000)

// within checks |got/want − 1| ≤ rel.
func within(got, want, rel float64) bool { return math.Abs(got/want-1) <= rel }

// TestGeneratedAccuracy runs the engine on closed-form paths with Gaussian
// noise at the settings: a still sensor, a circle at constant speed
// and a shuttle run with hard accelerations.
func TestGeneratedAccuracy(t *testing.T) {
	const dur = 600.0
	paths := []struct {
		id  int64
		p   path
		top float64
	}{
		{1, still(3, 4), 0},
		{2, circle(5, 3), 3},
		{3, shuttle(20, 6, 3), 6},
		{4, shuttle(25, 8, 4), 8},
	}
	for _, c := range []struct {
		period_ms int64
		noise_m   float64
	}{{50, 0.05}, {40, 0.05}, {50, 0.02}} {
		var ss []genSensor
		for _, p := range paths {
			ss = append(ss, genSensor{id: p.id, p: p.p})
		}
		msgs := gen(genSpec{start_ms: t0, period_ms: c.period_ms, dur_s: dur, noise_m: c.noise_m, seed: 3, sensors: ss})
		_, sum, err := run(DefaultConfig(), Meta{}, msgs)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			ps := player(sum, p.id)
			truth := pathLength(p.p, 0, dur)
			if truth == 0 {
				t.Logf("%d ms σ %.0f mm: still sensor %.2f m in 10 min (raw step sum %.0f m)", c.period_ms, c.noise_m*1000, ps.Distance_m, ps.RawDistance_m)
				if ps.Distance_m >= 5 {
					t.Errorf("%d ms σ %.0f mm: still sensor accrued %.2f m in 10 min, want < 5", c.period_ms, c.noise_m*1000, ps.Distance_m)
				}
				continue
			}
			t.Logf("%d ms σ %.0f mm sensor %d: distance %+.2f%%, top speed %+.2f m/s, raw %+.1f%%", c.period_ms, c.noise_m*1000, p.id, 100*(ps.Distance_m/truth-1), ps.TopSpeed_mps-p.top, 100*(ps.RawDistance_m/truth-1))
			if !within(ps.Distance_m, truth, 0.01) {
				t.Errorf("%d ms σ %.0f mm sensor %d: distance %.1f m, truth %.1f m (%+.2f%%)", c.period_ms, c.noise_m*1000, p.id, ps.Distance_m, truth, 100*(ps.Distance_m/truth-1))
			}
			if math.Abs(ps.TopSpeed_mps-p.top) > 0.3 {
				t.Errorf("%d ms σ %.0f mm sensor %d: top speed %.2f, truth %.2f", c.period_ms, c.noise_m*1000, p.id, ps.TopSpeed_mps, p.top)
			}
			if ps.RawDistance_m < ps.Distance_m {
				t.Errorf("sensor %d: raw %.1f < filtered %.1f: noise should lengthen the raw path", p.id, ps.RawDistance_m, ps.Distance_m)
			}
		}
	}
}

// pathology runs a named transformation of a clean feed and checks what
// the engine counted and that the distances stay right.
func TestPathologies(t *testing.T) {
	base := func() []decode.Message {
		return gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 300, noise_m: 0.03, seed: 5, sensors: []genSensor{
			{id: 1, p: still(1, 1)}, {id: 2, p: circle(6, 2.5)}, {id: 3, p: shuttle(20, 5, 3)}, {id: 99, ball: true, p: circle(3, 6)},
		}})
	}
	truth2 := pathLength(circle(6, 2.5), 0, 300)
	truth3 := pathLength(shuttle(20, 5, 3), 0, 300)
	type check func(t *testing.T, c *collect, sum *Summary)
	distOK := func(rel2, rel3 float64) check {
		return func(t *testing.T, c *collect, sum *Summary) {
			if d := player(sum, 2).Distance_m; !within(d, truth2, rel2) {
				t.Errorf("circle distance %.2f, truth %.2f", d, truth2)
			}
			if d := player(sum, 3).Distance_m; !within(d, truth3, rel3) {
				t.Errorf("shuttle distance %.2f, truth %.2f", d, truth3)
			}
			if d := player(sum, 1).Distance_m; d > 2 {
				t.Errorf("still sensor distance %.2f", d)
			}
		}
	}
	cases := []struct {
		name  string
		cfg   func(*Config)
		meta  Meta
		feed  func([]decode.Message) []decode.Message
		check []check
	}{
		{name: "clean", check: []check{distOK(0.01, 0.01), func(t *testing.T, c *collect, sum *Summary) {
			q := sum.Quality
			if q.Duplicates+q.Late+q.Reordered+q.Gaps+q.Teleports+q.Outliers != 0 {
				t.Errorf("clean feed counted pathologies: %+v", q)
			}
			if !q.NoCourt || q.UnknownIDs != 3 {
				t.Errorf("quality %+v: want NoCourt and 3 unknown ids (no roster)", q)
			}
		}}},
		{name: "duplicates", feed: func(m []decode.Message) []decode.Message {
			var out []decode.Message
			for i := range m {
				out = append(out, m[i])
				if i%50 == 0 {
					out = append(out, m[i])
				}
			}
			return out
		}, check: []check{distOK(0.01, 0.01), func(t *testing.T, c *collect, sum *Summary) {
			if want := int64((24004 + 49) / 50); sum.Quality.Duplicates != want {
				t.Errorf("duplicates %d, want %d", sum.Quality.Duplicates, want)
			}
		}}},
		{name: "reordered within the window", feed: func(m []decode.Message) []decode.Message { return shuffleLate(m, 0.02, 9, 1) },
			check: []check{distOK(0.01, 0.01), func(t *testing.T, c *collect, sum *Summary) {
				if sum.Quality.Reordered < 300 || sum.Quality.Late != 0 {
					t.Errorf("reordered %d late %d: want ~480 reordered, none late", sum.Quality.Reordered, sum.Quality.Late)
				}
			}}},
		{name: "late beyond the window", feed: func(m []decode.Message) []decode.Message { return shuffleLate(m, 0.002, 200, 2) },
			check: []check{distOK(0.01, 0.01), func(t *testing.T, c *collect, sum *Summary) {
				if sum.Quality.Late < 20 {
					t.Errorf("late %d, want ~48", sum.Quality.Late)
				}
			}}},
		{name: "jitter", feed: func(m []decode.Message) []decode.Message {
			rng := rand.New(rand.NewPCG(4, 4))
			for i := range m {
				m[i].Location.OccurredAt_ms += int64(rng.IntN(17)) - 8
			}
			return m
		}, check: []check{distOK(0.015, 0.015), func(t *testing.T, c *collect, sum *Summary) {
			if len(c.of(2)) < 5990 {
				t.Errorf("%d samples of sensor 2 on the grid, want ~6000", len(c.of(2)))
			}
		}}},
		{name: "dropouts", feed: func(m []decode.Message) []decode.Message {
			var out []decode.Message
			for _, x := range m {
				tt := x.Location.OccurredAt_ms - t0
				if x.Location.ID == 2 && (tt > 100_000 && tt < 112_000 || tt > 200_000 && tt < 200_400 || tt > 250_000 && tt < 251_500 || tt > 270_000 && tt < 275_000) {
					continue
				}
				out = append(out, x)
			}
			return out
		}, check: []check{func(t *testing.T, c *collect, sum *Summary) {
			if sum.Quality.Gaps != 3 {
				t.Errorf("gaps %d, want 3 (12 s, 1.5 s, 5 s; the 0.4 s dropout is interpolated)", sum.Quality.Gaps)
			}
			// The 1.5 s dropout is bridged by a curve through both ends'
			// positions and velocities (nearly the 6 m circle's arc); the
			// 5 s and 12 s ones are longer than BridgeGap_ms (2 s), so the
			// 2.5 m/s run nobody saw during them is not counted.
			want := truth2 - (12+5)*2.5
			if d := player(sum, 2).Distance_m; !within(d, want, 0.001) {
				t.Errorf("distance %.2f, want %.2f (truth without the 12 s and 5 s dropouts)", d, want)
			}
			cfg := DefaultConfig()
			if cfg.BridgeGap_ms != 2000 {
				t.Fatalf("BridgeGap_ms %d: this case assumes 2000", cfg.BridgeGap_ms)
			}
			for _, s := range c.of(2) {
				if tt := s.T_ms - t0; tt > 100_000 && tt < 112_000 || tt > 250_000 && tt < 251_500 {
					t.Fatalf("a sample at %d ms inside the dropout", tt)
				}
			}
		}}},
		{name: "ball dropout", feed: func(m []decode.Message) []decode.Message {
			// The ball is lost for 0.65 s and found 15 m away, as real
			// optical tracking does (the SportVU fragment: 18.9 m after
			// 0.64 s); a player's sensor drops out for as long.
			var out []decode.Message
			for _, x := range m {
				tt := x.Location.OccurredAt_ms - t0
				if x.Location.ID == 99 && tt > 100_000 && tt < 100_650 || x.Location.ID == 2 && tt > 200_000 && tt < 200_650 {
					continue
				}
				if x.Location.ID == 99 && tt >= 100_650 {
					x.Location.X_mm += 15_000
				}
				out = append(out, x)
			}
			return out
		}, check: []check{distOK(0.01, 0.01), func(t *testing.T, c *collect, sum *Summary) {
			// The ball's gap is longer than its MaxGap_ms (0.4 s): the
			// track is split, not crossed at 23 m/s; the player's is not.
			if sum.Quality.Gaps != 1 || sum.Quality.Teleports != 0 {
				t.Errorf("gaps %d, teleports %d: want the ball's dropout as the one gap", sum.Quality.Gaps, sum.Quality.Teleports)
			}
			top := 0.0
			for _, s := range c.of(99) {
				top = max(top, s.Speed_mps)
				if tt := s.T_ms - t0; tt > 100_000 && tt < 100_650 {
					t.Fatalf("a ball sample at %d ms inside its dropout", tt)
				}
			}
			if top > 8 {
				t.Errorf("ball top speed %.1f m/s, want about its 6 m/s (nothing across the dropout)", top)
			}
			inside := 0
			for _, s := range c.of(2) {
				if tt := s.T_ms - t0; tt > 200_000 && tt < 200_650 {
					inside++
				}
			}
			if inside != 12 {
				t.Errorf("%d samples of player 2 inside its 0.65 s dropout, want 12 (interpolated)", inside)
			}
		}}},
		{name: "a ball with a player's id", feed: func(m []decode.Message) []decode.Message {
			// Ids are unique per sensor type only: ball 99 reports as
			// ball 2, the id of the player on the 6 m circle.
			for i := range m {
				if m[i].Location.ID == 99 {
					m[i].Location.ID = 2
				}
			}
			return m
		}, check: []check{distOK(0.01, 0.01), func(t *testing.T, c *collect, sum *Summary) {
			var player, ball int
			for _, s := range c.samples {
				if s.SensorID == 2 {
					switch s.Kind {
					case KindPlayer:
						player++
					case KindBall:
						ball++
					}
				}
			}
			if player < 5990 || ball < 5990 || sum.Quality.Teleports+sum.Quality.Outliers != 0 {
				t.Errorf("id 2: %d player rows, %d ball rows (want ~6000 each), %d teleports, %d outliers: the two sensors were mixed", player, ball, sum.Quality.Teleports, sum.Quality.Outliers)
			}
		}}},
		{name: "sensor from mid-session", feed: func(m []decode.Message) []decode.Message {
			var out []decode.Message
			for _, x := range m {
				if x.Location.ID == 3 && x.Location.OccurredAt_ms-t0 < 150_000 {
					continue
				}
				out = append(out, x)
			}
			return out
		}, check: []check{func(t *testing.T, c *collect, sum *Summary) {
			want := pathLength(shuttle(20, 5, 3), 150, 300)
			if d := player(sum, 3).Distance_m; !within(d, want, 0.01) {
				t.Errorf("late sensor distance %.2f, want %.2f", d, want)
			}
			if s := c.of(3); len(s) == 0 || s[0].T_ms < t0+150_000 {
				t.Errorf("late sensor's first sample at %v", s[0].T_ms-t0)
			}
		}}},
		{name: "roster and unknown ids", meta: Meta{Roster: []decode.RosterTeam{{ID: 7, Name: "Home", Players: []decode.Player{{ID: 1, DisplayName: "One", JerseyNumber: "1"}, {ID: 2, FirstName: "Two", LastName: "Tw"}, {ID: 5}}}}},
			check: []check{func(t *testing.T, c *collect, sum *Summary) {
				if sum.Quality.UnknownIDs != 1 {
					t.Errorf("unknown ids %d, want 1 (sensor 3)", sum.Quality.UnknownIDs)
				}
				if p := player(sum, 3); p == nil || p.TeamID != 0 || p.Distance_m == 0 {
					t.Errorf("unknown id 3 not kept: %+v", p)
				}
				if p := player(sum, 2); p.TeamID != 7 || p.Name != "Two Tw" {
					t.Errorf("roster player 2: %+v", p)
				}
				if p := player(sum, 5); p == nil || p.Distance_m != 0 {
					t.Errorf("roster player without data: %+v", p)
				}
				if c.of(1)[0].TeamID != 7 {
					t.Error("samples do not carry the roster team")
				}
			}}},
		{name: "teleport", feed: func(m []decode.Message) []decode.Message {
			for i := range m {
				if m[i].Location.ID == 1 && m[i].Location.OccurredAt_ms-t0 >= 150_000 {
					m[i].Location.X_mm += 10_000
				}
			}
			return m
		}, check: []check{distOK(0.01, 0.01), func(t *testing.T, c *collect, sum *Summary) {
			if sum.Quality.Teleports != 1 {
				t.Errorf("teleports %d, want 1", sum.Quality.Teleports)
			}
			if r := player(sum, 1).RawDistance_m; r > 300*20*0.03*2 {
				t.Errorf("raw path %.1f includes the 10 m jump?", r)
			}
		}}},
		{name: "outliers", feed: func(m []decode.Message) []decode.Message {
			// Jumps of 1.5 m: under the teleport bound over two sample
			// periods (12 m/s · 0.1 s + 0.5 m), so the sample before a jump
			// lies 0.75 m off the line from its predecessor to the jump,
			// and only the sample after the jump tells which is wrong.
			// (A track's first sample is no middle sample: a jump there
			// is not found, so the jumps start after the first frame.)
			for i := range m {
				if m[i].Location.Sensor == decode.SensorPlayer && i%997 == 0 && i > 0 {
					m[i].Location.Y_mm += 1500
				}
			}
			return m
		}, check: []check{distOK(0.01, 0.01), func(t *testing.T, c *collect, sum *Summary) {
			if q := sum.Quality; q.Outliers != 18 || q.Teleports != 0 {
				t.Errorf("outliers %d, teleports %d; want the 18 jumps as outliers, and no good sample dropped with them", q.Outliers, q.Teleports)
			}
			for _, id := range []int64{2, 3} {
				top := 0.0
				for _, s := range c.of(id) {
					top = max(top, s.Speed_mps)
				}
				if top > 6 {
					t.Errorf("player %d: top speed %.2f m/s in the rows (at most 5 in truth): an outlier got through", id, top)
				}
			}
		}}},
		{name: "an hour of silence and bad timestamps", feed: func(m []decode.Message) []decode.Message {
			for i := range m {
				if m[i].Location.OccurredAt_ms-t0 >= 150_000 {
					m[i].Location.OccurredAt_ms += 3_600_000
				}
			}
			bad := m[100]
			bad.Location.OccurredAt_ms = -5
			m = append(m, bad)
			bad.Location.OccurredAt_ms = math.MaxInt64
			return append(m, bad)
		}, check: []check{func(t *testing.T, c *collect, sum *Summary) {
			if sum.Quality.BadTimes != 2 {
				t.Errorf("bad times %d, want 2", sum.Quality.BadTimes)
			}
			if n := len(c.of(2)); n < 5990 || n > 6010 {
				t.Errorf("%d samples of sensor 2, want ~6000 (both halves, none in the silence)", n)
			}
			// The hour is not bridged (longer than BridgeGap_ms).
			if d := player(sum, 2).Distance_m; !within(d, truth2, 0.01) {
				t.Errorf("distance %.2f, want %.2f", d, truth2)
			}
		}}},
		{name: "unknown sensor types and messages", feed: func(m []decode.Message) []decode.Message {
			m[10].Location.Sensor = decode.SensorUnknown
			m = append(m, decode.Message{Kind: decode.KindUnknown}, decode.Message{Kind: decode.KindMarker, Marker: decode.Marker{Type: decode.MarkerUnknown}})
			return m
		}, check: []check{func(t *testing.T, c *collect, sum *Summary) {
			if sum.Quality.Unknown != 3 {
				t.Errorf("unknown %d, want 3", sum.Quality.Unknown)
			}
		}}},
		{name: "causal (live) mode", cfg: func(c *Config) { c.Causal = true }, check: []check{distOK(0.01, 0.01), func(t *testing.T, c *collect, sum *Summary) {
			// Rows come from the forward filter, the figures from the
			// smoothed track: the same figures as in batch mode.
			_, batch, _ := run(DefaultConfig(), Meta{}, base())
			for i, p := range sum.Players {
				if p.Distance_m != batch.Players[i].Distance_m || p.TopSpeed_mps != batch.Players[i].TopSpeed_mps {
					t.Errorf("player %d: live %.3f m %.3f m/s, batch %.3f m %.3f m/s", p.PlayerID, p.Distance_m, p.TopSpeed_mps, batch.Players[i].Distance_m, batch.Players[i].TopSpeed_mps)
				}
			}
		}}},
		{name: "fixed 10 Hz grid", cfg: func(c *Config) { c.Rate_Hz = 10 }, check: []check{distOK(0.01, 0.02), func(t *testing.T, c *collect, sum *Summary) {
			s := c.of(2)
			if s[1].T_ms-s[0].T_ms != 100 {
				t.Errorf("grid step %d ms, want 100", s[1].T_ms-s[0].T_ms)
			}
		}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			msgs := base()
			if tc.feed != nil {
				msgs = tc.feed(msgs)
			}
			c, sum, err := run(cfg, tc.meta, msgs)
			if err != nil {
				t.Fatal(err)
			}
			if c.closed != 1 || c.sum != sum {
				t.Fatalf("sink closed %d times", c.closed)
			}
			// Samples come in time order per sensor (kind and id), on the
			// grid.
			type key struct {
				kind SensorKind
				id   int64
			}
			last := map[key]int64{}
			for _, s := range c.samples {
				k := key{s.Kind, s.SensorID}
				if s.T_ms <= last[k] {
					t.Fatalf("sensor %v %d: sample at %d after %d", s.Kind, s.SensorID, s.T_ms, last[k])
				}
				last[k] = s.T_ms
			}
			for _, f := range tc.check {
				f(t, c, sum)
			}
		})
	}
}

// runJumps runs the engine on msgs, whose sensor 1 has jumps single-sample
// jumps, checks that exactly those were dropped as outliers and nothing
// split the track, and returns the summary and the top speed of sensor
// 1's rows.
func runJumps(t *testing.T, msgs []decode.Message, jumps int) (*Summary, float64) {
	t.Helper()
	c, sum, err := run(DefaultConfig(), Meta{}, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if q := sum.Quality; q.Outliers != int64(jumps) || q.Teleports != 0 {
		t.Errorf("outliers %d, teleports %d; want the %d jumps as outliers and nothing else", q.Outliers, q.Teleports, jumps)
	}
	top := 0.0
	for _, s := range c.of(1) {
		top = max(top, s.Speed_mps)
	}
	return sum, top
}

// At 12.5 Hz a 2.3 m single-sample jump is within the teleport bound of
// the samples two periods apart around the one before it, which then lies
// 1.15 m off their line: taken for the outlier, it was dropped, and with
// timestamp jitter the jump itself then fell outside the three-period
// window and went through (a simulated 12.5 Hz game's top speed came out
// 1.7 m/s too high). The sample after the jump tells them apart.
func TestOutlierAfterGoodSample(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 80, dur_s: 120, noise_m: 0.02, seed: 11, sensors: []genSensor{
		{id: 1, p: line(5, 0)},
	}})
	rng := rand.New(rand.NewPCG(3, 3))
	jumps := 0
	for i := range msgs {
		msgs[i].Location.OccurredAt_ms += int64(rng.IntN(13)) - 6
		if i%50 == 0 && i > 0 && i < len(msgs)-1 { // a middle sample
			msgs[i].Location.Y_mm += 2300
			jumps++
		}
	}
	sum, top := runJumps(t, msgs, jumps)
	if p := player(sum, 1); top > 5.5 || math.Abs(p.TopSpeed_mps-5) > 0.2 {
		t.Errorf("rows' top speed %.2f m/s, summary's %.2f m/s; want 5", top, p.TopSpeed_mps)
	}
}

// The line test of a middle sample needs the two samples after it to tell
// a jump from the good sample before it (nextWorse), so the engine holds
// at least 3.5 grid periods of samples. At 10 Hz the default 250 ms
// reorder window held one: the good sample before each jump was dropped
// and the jump kept (a simulated 10 Hz game's worst distance came out
// 3.1 % long, with 96 samples dropped for 60 jumps).
func TestOutlierLookAheadAt10Hz(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 100, dur_s: 120, noise_m: 0.03, seed: 17, sensors: []genSensor{
		{id: 1, p: line(1, 0)},
		{id: 2, p: still(3, 4)},
	}})
	rng := rand.New(rand.NewPCG(5, 5))
	jumps := 0
	for i := range msgs {
		msgs[i].Location.OccurredAt_ms += int64(rng.IntN(11)) - 5
		if msgs[i].Location.ID == 2 {
			// Sensor 2 reports 60 ms after sensor 1 (the sensors of a
			// real feed are not in phase): its sample 260 ms after a
			// tick moves the watermark past the tick while sensor 1's
			// third sample after the tick is still to come.
			msgs[i].Location.OccurredAt_ms += 60
		}
		if msgs[i].Location.ID == 1 && i%60 == 0 && i > 2 && i < len(msgs)-4 {
			msgs[i].Location.Y_mm += 1300 // under the teleport bound: 12 m/s · 0.1 s + 0.5 m
			jumps++
		}
	}
	_, top := runJumps(t, msgs, jumps)
	if top > 1.3 {
		t.Errorf("rows' top speed %.2f m/s, want 1: a jump got through", top)
	}
}

// A jump at either end of a track has no neighbour on one side for the
// line test. Before edgeJump, at 25 Hz it split off as a track of one row
// 1.5 m off the path; at 10 Hz (under the teleport bound) the good sample
// next to it was dropped instead and the rows ran at up to 9.7 m/s for a
// player walking at 2 m/s.
func TestJumpAtTrackEnds(t *testing.T) {
	for _, period := range []int64{40, 100} {
		for _, where := range []string{"sensor's first", "first after a gap", "last before a gap", "sensor's last"} {
			in := gen(genSpec{start_ms: t0, period_ms: period, dur_s: 60, noise_m: 0.02, seed: 3, sensors: []genSensor{
				{id: 1, p: line(2, 0)},
				{id: 2, p: still(3, 4)},
			}})
			const gapFrom, gapTo = t0 + 30_000, t0 + 32_000 // sensor 1 silent
			var msgs []decode.Message
			at := map[string]int{}
			for _, m := range in {
				if m.Location.ID == 1 {
					tt := m.Location.OccurredAt_ms
					if tt >= gapFrom && tt < gapTo {
						continue
					}
					if _, ok := at["sensor's first"]; !ok {
						at["sensor's first"] = len(msgs)
					}
					if _, ok := at["first after a gap"]; !ok && tt >= gapTo {
						at["first after a gap"] = len(msgs)
					}
					if tt < gapFrom {
						at["last before a gap"] = len(msgs)
					}
					at["sensor's last"] = len(msgs)
				}
				msgs = append(msgs, m)
			}
			msgs[at[where]].Location.Y_mm += 1500
			c, sum, err := run(DefaultConfig(), Meta{}, msgs)
			if err != nil {
				t.Fatal(err)
			}
			top, off := 0.0, 0.0
			for _, s := range c.of(1) {
				top, off = max(top, s.Speed_mps), max(off, math.Abs(s.Y_m))
			}
			if q := sum.Quality; q.Outliers != 1 || q.Teleports != 0 || top > 2.5 || off > 0.1 {
				t.Errorf("%d ms, jump on the %s sample: %d outliers, %d teleports, rows up to %.2f m/s and %.2f m off the path; want the jump alone dropped",
					period, where, q.Outliers, q.Teleports, top, off)
			}
		}
	}
}

// A jump right after dropped samples has neighbours too far apart in time
// for the line test; it is still a jump when it is a teleport from them
// while they agree (a fifth of a simulated game's samples dropped let one
// set a player's top speed 1.3 m/s too high).
func TestJumpBetweenDrops(t *testing.T) {
	in := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 120, noise_m: 0.03, seed: 13, sensors: []genSensor{
		{id: 1, p: line(3, 0)},
	}})
	var msgs []decode.Message
	jumps := 0
	for i, m := range in {
		switch {
		case i%100 == 98 || i%100 == 99:
			continue // two samples dropped before each jump
		case i%100 == 0 && i > 0 && i < len(in)-2:
			m.Location.Y_mm += 2400
			jumps++
		}
		msgs = append(msgs, m)
	}
	_, top := runJumps(t, msgs, jumps)
	if top > 3.5 {
		t.Errorf("rows' top speed %.2f m/s, want 3: a jump got through", top)
	}
}

// The outlier distance and the teleport slack grow with the feed's noise:
// at σ = 120 mm, 0.35 m off the neighbours' line is white noise for one
// sample in 20, and they were all dropped as outliers.
func TestNoisyFeedOutliers(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 300, noise_m: 0.12, seed: 12, sensors: []genSensor{
		{id: 1, p: still(1, 1)}, {id: 2, p: circle(6, 2.5)},
	}})
	jumps := 0
	for i := range msgs {
		if i%701 == 0 && i > 0 && i < len(msgs)-2 {
			msgs[i].Location.Y_mm += 4000
			jumps++
		}
	}
	_, sum, err := run(DefaultConfig(), Meta{}, msgs)
	if err != nil {
		t.Fatal(err)
	}
	q := sum.Quality
	if q.Noise_m < 0.1 || q.Noise_m > 0.14 {
		t.Fatalf("noise estimated at %.3f m, want about 0.12", q.Noise_m)
	}
	if q.Outliers < int64(jumps)-2 || q.Outliers > int64(jumps)+5 || q.Teleports != 0 {
		t.Errorf("outliers %d, teleports %d: want about the %d jumps, none of the noise", q.Outliers, q.Teleports, jumps)
	}
	if d, truth := player(sum, 2).Distance_m, pathLength(circle(6, 2.5), 0, 300); !within(d, truth, 0.01) {
		t.Errorf("distance %.1f m, truth %.1f m", d, truth)
	}
}

// The grid's rate is learnt over 40 frames, whatever the number of
// sensors: ten players and a ball at 25 Hz, each frame stamped with one
// jittered instant, start the grid after 1.6 s of feed (with 1024
// intervals alone it was 3.7 s), at the feed's 40 ms.
func TestRateLearntOverFrames(t *testing.T) {
	for _, n := range []int{11, 25} {
		var sensors []genSensor
		for i := range n {
			sensors = append(sensors, genSensor{id: int64(i + 1), p: circle(3+float64(i), 2)})
		}
		msgs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 10, noise_m: 0.03, seed: 3, sensors: sensors})
		rng := rand.New(rand.NewPCG(5, 5))
		jitter := int64(0)
		for i := range msgs {
			if i%n == 0 {
				jitter = int64(rng.IntN(13)) - 6 // one instant per frame
			}
			msgs[i].Location.OccurredAt_ms += jitter
		}
		s, err := NewSession(DefaultConfig(), Meta{}, &discard{})
		if err != nil {
			t.Fatal(err)
		}
		start := int64(-1)
		for i := range msgs {
			if err := s.Feed(&msgs[i]); err != nil {
				t.Fatal(err)
			}
			if start < 0 && s.gridStarted() {
				start = msgs[i].Location.OccurredAt_ms - t0
			}
		}
		if start < 0 || start > 2000 || s.Period_ms() != 40 {
			t.Errorf("%d sensors: grid started after %d ms of feed at %d ms; want within 2 s, at 40 ms", n, start, s.Period_ms())
		}
	}
}

// A ball reporting at twice the players' rate does not pull the grid
// between the two: the grid takes the typical sensor's rate. One median
// over all the intervals, refined by their mean within ±50 %, made a grid
// of 37 ms for players at 40 ms and a ball at 20 ms, and 73 ms for 80 and
// 40 ms.
func TestRateWithBallAtItsOwnRate(t *testing.T) {
	for _, c := range []struct{ player, ball int64 }{{40, 20}, {80, 40}, {100, 20}} {
		var sensors []genSensor
		for i := range 10 {
			sensors = append(sensors, genSensor{id: int64(i + 1), p: circle(3+float64(i), 2)})
		}
		players := gen(genSpec{start_ms: t0, period_ms: c.player, dur_s: 20, noise_m: 0.03, seed: 3, sensors: sensors})
		ball := gen(genSpec{start_ms: t0, period_ms: c.ball, dur_s: 20, noise_m: 0.03, seed: 4, sensors: []genSensor{{id: 99, ball: true, p: circle(5, 8)}}})
		msgs := append(players, ball...)
		slices.SortStableFunc(msgs, func(a, b decode.Message) int {
			return cmp.Compare(a.Location.OccurredAt_ms, b.Location.OccurredAt_ms)
		})
		c2, sum, err := run(DefaultConfig(), Meta{}, msgs)
		if err != nil {
			t.Fatal(err)
		}
		if g := sum.Quality.GridPeriod_ms; g != c.player {
			t.Errorf("players at %d ms, ball at %d ms: grid %d ms, want the players' %d ms", c.player, c.ball, g, c.player)
		}
		if len(c2.of(99)) == 0 {
			t.Errorf("players at %d ms, ball at %d ms: no ball rows", c.player, c.ball)
		}
	}
}

// TestCourtFrame: with a court, samples come out in the canonical frame.
func TestCourtFrame(t *testing.T) {
	toSensor := geom.NewSimilarity2(1000, 0.6, geom.Vec2{X: 4000, Y: -2500})
	body := court.BodyFor(court.NBA, toSensor)
	ct, err := court.New(&body, court.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A player walking along the court's x axis at 1 m/s from (-5, 2),
	// written in the sensor frame.
	var msgs []decode.Message
	for i := 0; i <= 400; i++ {
		tt := float64(i) * 0.05
		p := toSensor.Apply(geom.Vec2{X: -5 + tt, Y: 2})
		msgs = append(msgs, decode.Message{Kind: decode.KindLocation, Location: decode.Location{
			OccurredAt_ms: t0 + int64(i)*50, Sensor: decode.SensorPlayer, ID: 1,
			X_mm: int32(math.Round(p.X)), Y_mm: int32(math.Round(p.Y)), Z_mm: 60}})
	}
	c, sum, err := run(DefaultConfig(), Meta{Court: ct}, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Quality.NoCourt {
		t.Error("NoCourt with a court")
	}
	for _, s := range c.of(1)[40:360] {
		wx := -5 + float64(s.T_ms-t0)/1000
		if math.Abs(s.X_m-wx) > 0.01 || math.Abs(s.Y_m-2) > 0.01 || math.Abs(s.Vx_mps-1) > 0.02 || math.Abs(s.Heading_rad) > 0.02 || !s.InBounds {
			t.Fatalf("sample %+v, want x %.3f y 2 vx 1 heading 0 in bounds", s, wx)
		}
	}
}

func statsMsg(tt, player, version int64, class decode.Classification, kv map[decode.Stat]float64) decode.Message {
	m := decode.Message{Kind: decode.KindStats}
	st := &m.Stats
	st.OccurredAt_ms, st.PlayerID, st.TeamID, st.Version, st.Classification = tt, player, 7, version, class
	st.Present = decode.HasPlayerID | decode.HasTeamID | decode.HasVersion | decode.HasClassification
	for k, v := range kv {
		st.Values[k] = v
		st.Has.Add(k)
	}
	return m
}

// TestBoxScore: latest version wins per stat, stale and duplicate
// versions are ignored, corrections carry the corrected values.
func TestBoxScore(t *testing.T) {
	P, FGA, FG, AST := decode.StatPTS, decode.StatFGA, decode.StatFG, decode.StatAST
	msgs := []decode.Message{
		statsMsg(t0+1000, 10, 1, decode.ClassTwoPointMake, map[decode.Stat]float64{FGA: 1, FG: 1, P: 2}),
		statsMsg(t0+3000, 10, 3, decode.ClassThreePointMake, map[decode.Stat]float64{FGA: 3, FG: 2, P: 5, decode.StatFGA3: 1, decode.StatFG3: 1}),
		statsMsg(t0+2000, 10, 2, decode.ClassTwoPointMiss, map[decode.Stat]float64{FGA: 2, FG: 1, P: 2}),   // stale: arrives after 3
		statsMsg(t0+3000, 10, 3, decode.ClassThreePointMake, map[decode.Stat]float64{FGA: 3, FG: 2, P: 5}), // duplicate
		statsMsg(t0+2500, 11, 4, decode.ClassAssist, map[decode.Stat]float64{AST: 1}),
		statsMsg(t0+3000, 10, 5, decode.ClassDeletedThreePointMake, map[decode.Stat]float64{FGA: 2, FG: 1, P: 2, decode.StatFGA3: 0, decode.StatFG3: 0}),
		statsMsg(t0+2500, 11, 6, decode.ClassDeletedAssist, map[decode.Stat]float64{AST: 0}),
		statsMsg(t0+4000, 10, 7, decode.ClassDistance, map[decode.Stat]float64{decode.StatDIST: 12345}),
	}
	_, sum, err := run(DefaultConfig(), Meta{}, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Quality.StaleStats != 2 {
		t.Errorf("stale %d, want 2", sum.Quality.StaleStats)
	}
	want := map[int64]map[string]float64{
		10: {"FGA": 2, "FG": 1, "PTS": 2, "FGA3": 0, "FG3": 0, "DIST": 12345},
		11: {"AST": 0},
	}
	for _, b := range sum.BoxScore {
		w := want[b.PlayerID]
		if len(b.Values) != len(w) {
			t.Errorf("player %d: got %v, want %v", b.PlayerID, b.Values, w)
		}
		for k, v := range w {
			if b.Values[k] != v {
				t.Errorf("player %d %s: got %v, want %v", b.PlayerID, k, b.Values[k], v)
			}
		}
	}
	if p := player(sum, 10); p.DistStat_m != 123.45 {
		t.Errorf("DistStat_m %v", p.DistStat_m)
	}
	if sum.BoxScore[0].Version != 7 || sum.BoxScore[1].Version != 6 {
		t.Errorf("versions %d %d, want 7 6", sum.BoxScore[0].Version, sum.BoxScore[1].Version)
	}
}

func markerMsg(tt int64, typ decode.MarkerType) decode.Message {
	return decode.Message{Kind: decode.KindMarker, Marker: decode.Marker{OccurredAt_ms: tt, Type: typ}}
}

// merge interleaves extra messages into a feed by time (stable).
func merge(feed, extra []decode.Message) []decode.Message {
	var out []decode.Message
	j := 0
	for _, m := range feed {
		for j < len(extra) && extra[j].OccurredAt_ms() <= m.OccurredAt_ms() {
			out = append(out, extra[j])
			j++
		}
		out = append(out, m)
	}
	return append(out, extra[j:]...)
}

// TestMarkersAndDist: periods and clock follow the markers; the DIST
// cross-check compares the feed's distance with the engine's at the same
// time and explains a mismatch.
func TestMarkersAndDist(t *testing.T) {
	const speed = 2.0
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 320, noise_m: 0.05, seed: 8, sensors: []genSensor{{id: 1, p: circle(6, speed)}, {id: 2, p: circle(4, speed)}}})
	sec := func(s float64) int64 { return t0 + int64(s*1000) }
	marks := []decode.Message{
		markerMsg(sec(5), decode.MarkerPlayStart), markerMsg(sec(10), decode.MarkerLive),
		markerMsg(sec(60), decode.MarkerPaused), markerMsg(sec(70), decode.MarkerFoul), markerMsg(sec(80), decode.MarkerLive),
		markerMsg(sec(105), decode.MarkerEndFirstHalf), markerMsg(sec(150), decode.MarkerPlayNext),
		markerMsg(sec(200), decode.MarkerStartSecondHalf), markerMsg(sec(200), decode.MarkerLive),
		markerMsg(sec(300), decode.MarkerPlayEnd),
	}
	// Player 1's feed DIST is its whole distance; player 2's only counts
	// live time (a definition mismatch the flag must explain).
	var extra []decode.Message
	live := func(s float64) float64 { // live seconds up to s
		l := 0.0
		for _, iv := range [][2]float64{{10, 60}, {80, 105}, {200, 300}} {
			l += math.Max(0, math.Min(s, iv[1])-iv[0])
		}
		return l
	}
	v := int64(0)
	for s := 10.0; s <= 310; s += 10 {
		v++
		extra = append(extra, statsMsg(sec(s), 1, v, decode.ClassDistance, map[decode.Stat]float64{decode.StatDIST: math.Round(100 * speed * s)}))
		v++
		extra = append(extra, statsMsg(sec(s), 2, v, decode.ClassDistance, map[decode.Stat]float64{decode.StatDIST: math.Round(100 * speed * live(s))}))
	}
	all := merge(feed, merge(marks, extra))
	c, sum, err := run(DefaultConfig(), Meta{}, all)
	if err != nil {
		t.Fatal(err)
	}
	p := player(sum, 1)
	if len(p.DistancePeriod_m) != 2 || !within(p.DistancePeriod_m[0], speed*100, 0.01) || !within(p.DistancePeriod_m[1], speed*100, 0.01) {
		t.Errorf("per period %v, want [200 200]", p.DistancePeriod_m)
	}
	if !within(p.DistanceLive_m, speed*live(400), 0.01) {
		t.Errorf("live distance %.1f, want %.1f", p.DistanceLive_m, speed*live(400))
	}
	if !within(p.DistRatio, 1, 0.01) || p.DistFlag != "" {
		t.Errorf("player 1 DIST ratio %.4f flag %q, want 1.00 and no flag", p.DistRatio, p.DistFlag)
	}
	p2 := player(sum, 2)
	if !strings.Contains(p2.DistFlag, "matches live time only") {
		t.Errorf("player 2 flag %q: want it to name live time", p2.DistFlag)
	}
	checks := c.segs(SegDistCheck)
	if len(checks) != 62 {
		t.Fatalf("%d DIST checks, want 62", len(checks))
	}
	for _, g := range checks {
		if g.PlayerID == 1 && g.Start_ms > sec(30) && !within(g.EngineDist_cm, g.FeedDist_cm, 0.01) {
			t.Errorf("check at %d: feed %.0f cm engine %.0f cm", g.Start_ms-t0, g.FeedDist_cm, g.EngineDist_cm)
		}
	}
	if n := len(c.segs(SegMarker)); n != len(marks) {
		t.Errorf("%d marker segments, want %d", n, len(marks))
	}
	// Samples carry the period (0 at half time) and the clock.
	for _, s := range c.of(1) {
		tt := float64(s.T_ms-t0) / 1000
		var wp int32
		var wc ClockState
		switch {
		case tt < 5:
			wp, wc = 0, ClockUnknown
		case tt < 10:
			wp, wc = 1, ClockUnknown
		case tt < 60:
			wp, wc = 1, ClockLive
		case tt < 70:
			wp, wc = 1, ClockPaused
		case tt < 80:
			wp, wc = 1, ClockFoul
		case tt < 105:
			wp, wc = 1, ClockLive
		case tt < 200:
			wp, wc = 0, ClockPaused
		case tt < 300:
			wp, wc = 2, ClockLive
		default:
			wp, wc = 0, ClockPaused
		}
		if s.Period != wp || s.Clock != wc {
			t.Fatalf("sample at %.2f s: period %d clock %v, want %d %v", tt, s.Period, s.Clock, wp, wc)
		}
	}
}

func TestPracticeMarkers(t *testing.T) {
	var tl timeline
	tl.init(Periods{})
	for _, c := range []struct {
		m    decode.MarkerType
		want int32
	}{
		{decode.MarkerDrillStart, 1}, {decode.MarkerDrillNext, 2}, {decode.MarkerDrillStart, 2},
		{decode.MarkerDrillEnd, 0}, {decode.MarkerDrillNext, 0}, {decode.MarkerDrillStart, 3},
		{decode.MarkerPracticeEnd, 0},
		// A game: the halves with PLAY_NEXT at half time, then quarters
		// changed by PLAY_NEXT alone.
		{decode.MarkerPlayStart, 4}, {decode.MarkerEndFirstHalf, 0}, {decode.MarkerPlayNext, 0},
		{decode.MarkerStartSecondHalf, 5}, {decode.MarkerPlayNext, 6}, {decode.MarkerPlayNext, 7},
		{decode.MarkerPlayEnd, 0},
	} {
		tl.apply(c.m)
		if got := tl.samplePeriod(); got != c.want {
			t.Fatalf("after %v: period %d, want %d", c.m, got, c.want)
		}
	}
}

// TestSecondHalfAlone: the second half's live id, a session of its own
// (joined live after the first half's PLAY_NEXT, or its bundle analysed
// alone), numbers its period 2, as the whole game's session does.
func TestSecondHalfAlone(t *testing.T) {
	for _, c := range []struct {
		name  string
		marks []decode.MarkerType
		want  int32
	}{
		{"alone", []decode.MarkerType{decode.MarkerStartSecondHalf}, 2},
		{"after the first", []decode.MarkerType{decode.MarkerPlayStart, decode.MarkerEndFirstHalf, decode.MarkerPlayNext, decode.MarkerStartSecondHalf}, 2},
		{"after quarters", []decode.MarkerType{decode.MarkerPlayStart, decode.MarkerPlayNext, decode.MarkerEndFirstHalf, decode.MarkerStartSecondHalf}, 3},
	} {
		var tl timeline
		tl.init(Periods{})
		for _, m := range c.marks {
			tl.apply(m)
		}
		if got := tl.samplePeriod(); got != c.want {
			t.Errorf("%s: period %d, want %d", c.name, got, c.want)
		}
	}
	// Through the engine: the samples and the per-period distance.
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 60, noise_m: 0.02, seed: 2, sensors: []genSensor{{id: 1, p: circle(5, 2)}}})
	marks := []decode.Message{markerMsg(t0+1000, decode.MarkerStartSecondHalf), markerMsg(t0+50_000, decode.MarkerPlayEnd)}
	c, sum, err := run(DefaultConfig(), Meta{}, merge(feed, marks))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.of(1) {
		if s.T_ms > t0+2000 && s.T_ms < t0+49_000 && s.Period != 2 {
			t.Fatalf("sample at %d ms: period %d, want 2", s.T_ms-t0, s.Period)
		}
	}
	if p := player(sum, 1); len(p.DistancePeriod_m) != 2 || p.DistancePeriod_m[0] != 0 || p.DistancePeriod_m[1] < 50 {
		t.Errorf("per period %v, want [0, ~96]", p.DistancePeriod_m)
	}
}

type failSink struct{ discard }

var errSink = errors.New("disk full")

func (failSink) Samples([]Sample) error { return errSink }

func TestSinkError(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 120, seed: 1, sensors: []genSensor{{id: 1, p: line(1, 0)}}})
	s, _ := NewSession(DefaultConfig(), Meta{}, &failSink{})
	var err error
	for i := range msgs {
		if err = s.Feed(&msgs[i]); err != nil {
			break
		}
	}
	var se *SinkError
	if !errors.Is(err, errSink) || !errors.As(err, &se) || se.Op != "samples" {
		t.Fatalf("err %v, want a *SinkError wrapping errSink", err)
	}
	if _, cerr := s.Close(); cerr != err {
		t.Fatalf("close after a failed sink: %v, want %v", cerr, err)
	}
	if err := s.Feed(&msgs[0]); !errors.Is(err, ErrClosed) {
		t.Fatalf("feed after close: %v", err)
	}
}

// flakySink fails once, on its failOn-th Samples call (a broker briefly
// down); it counts its calls.
type flakySink struct {
	discard
	calls, failOn int
}

func (f *flakySink) Samples(b []Sample) error {
	if f.calls++; f.calls == f.failOn {
		return errSink
	}
	return f.discard.Samples(b)
}

// abortSink records rows and whether it was closed or aborted.
type abortSink struct {
	collect
	calls   int
	aborted bool
}

func (a *abortSink) Samples(b []Sample) error { a.calls++; return a.collect.Samples(b) }
func (a *abortSink) Abort()                   { a.aborted = true }

// A sink's error fails the session for good: every later Feed and the
// Close return it, the batch that failed still reaches the other sinks,
// and no sink is closed (told its output is complete), an Aborter is
// aborted, whether it comes before or after the failing sink.
func TestSinkErrorSticky(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 120, seed: 1, sensors: []genSensor{{id: 1, p: line(1, 0)}, {id: 2, p: still(3, 4)}}})
	for _, flakyFirst := range []bool{true, false} {
		f := &flakySink{failOn: 3}
		a := &abortSink{}
		sinks := []Sink{a, f}
		if flakyFirst {
			sinks = []Sink{f, a}
		}
		s, err := NewSession(DefaultConfig(), Meta{}, sinks...)
		if err != nil {
			t.Fatal(err)
		}
		var first error
		nErr := 0
		for i := range msgs {
			if err := s.Feed(&msgs[i]); err != nil {
				nErr++
				if first == nil {
					first = err
				} else if err != first {
					t.Errorf("flaky first %v: feed %d: %v, want the first error %v again", flakyFirst, i, err, first)
					break
				}
			}
		}
		var se *SinkError
		if !errors.As(first, &se) || !errors.Is(first, errSink) || se.Op != "samples" {
			t.Fatalf("flaky first %v: first error %v, want a samples *SinkError", flakyFirst, first)
		}
		if nErr < 2 {
			t.Errorf("flaky first %v: %d feeds failed, want every one after the failure", flakyFirst, nErr)
		}
		if f.calls != 3 || a.calls != 3 {
			t.Errorf("flaky first %v: Samples calls: flaky %d, other %d; want 3 each (the failed batch reaches every sink, nothing after it)", flakyFirst, f.calls, a.calls)
		}
		if _, err := s.Close(); err != first {
			t.Errorf("flaky first %v: Close: %v, want %v", flakyFirst, err, first)
		}
		if a.closed != 0 || !a.aborted {
			t.Errorf("flaky first %v: healthy sink closed %d times, aborted %v; want aborted, not closed", flakyFirst, a.closed, a.aborted)
		}
		if _, err := s.Close(); !errors.Is(err, ErrClosed) {
			t.Errorf("flaky first %v: second Close: %v", flakyFirst, err)
		}
	}
}

// An analyzer failing in Close (Finish) aborts the sinks too.
func TestFinishErrorAborts(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 10, seed: 1, sensors: []genSensor{{id: 1, p: line(1, 0)}}})
	a := &abortSink{}
	s, _ := NewSession(DefaultConfig(), Meta{}, a)
	if err := s.Attach(finishFail{}); err != nil {
		t.Fatal(err)
	}
	for i := range msgs {
		if err := s.Feed(&msgs[i]); err != nil {
			t.Fatal(err)
		}
	}
	var se *SinkError
	if _, err := s.Close(); !errors.As(err, &se) || se.Op != "finish" {
		t.Fatalf("Close: %v, want a finish *SinkError", err)
	}
	if a.closed != 0 || !a.aborted {
		t.Errorf("sink closed %d times, aborted %v; want aborted, not closed", a.closed, a.aborted)
	}
}

type finishFail struct{}

func (finishFail) Frame(*Frame, func(*Segment) error) error    { return nil }
func (finishFail) Finish(*Summary, func(*Segment) error) error { return errSink }

func TestConfigValidate(t *testing.T) {
	for _, f := range []func(*Config){
		func(c *Config) { c.Rate_Hz = -1 },
		func(c *Config) { c.MaxGap_ms = 0 },
		func(c *Config) { c.Ball.MaxGap_ms = -1 },
		func(c *Config) { c.Player.Noise_m = -0.01 },
		func(c *Config) { c.Ball.MaxSpeed_mps = math.Inf(1) },
		func(c *Config) { c.MoveOn_mps = 0.01 },
		func(c *Config) { c.SpeedBands_mps = []float64{2, 1} },
		func(c *Config) { c.DistRatioLo = 2 },
		func(c *Config) { c.RingSize = 2 },
		func(c *Config) { c.MarkerHold_s = -1 },
		func(c *Config) { c.MarkerHold_s = MaxMarkerHold_s + 1 },
		func(c *Config) { c.MarkerHold_s = math.NaN() },
	} {
		cfg := DefaultConfig()
		f(&cfg)
		if _, err := NewSession(cfg, Meta{}); !errors.Is(err, ErrConfig) {
			t.Errorf("config %+v: err %v, want ErrConfig", cfg, err)
		}
	}
}

// TestBoundedMemory: nothing the engine holds grows with the session.
func TestBoundedMemory(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 900, noise_m: 0.05, seed: 2, sensors: []genSensor{{id: 1, p: circle(5, 3)}, {id: 2, ball: true, p: circle(2, 8)}}})
	s, _ := NewSession(DefaultConfig(), Meta{}, &discard{})
	var capRaw, capTick, capRows int
	for i := range msgs {
		if err := s.Feed(&msgs[i]); err != nil {
			t.Fatal(err)
		}
		if i == len(msgs)/10 {
			capRaw, capTick, capRows = len(s.sensors[0].raw.s), len(s.sensors[0].ticks), cap(s.rows)
		}
	}
	sn := s.sensors[0]
	if len(sn.raw.s) != capRaw || len(sn.ticks) != capTick || cap(s.rows) != capRows || sn.raw.n > 32 {
		t.Fatalf("grew: raw %d→%d (holding %d), ticks %d→%d, rows %d→%d", capRaw, len(sn.raw.s), sn.raw.n, capTick, len(sn.ticks), capRows, cap(s.rows))
	}
}

// TestZeroAllocs: feeding a location sample allocates nothing in steady
// state (the grid, the filter, the emission and the batching included),
// also inside a period, whose figures per period (distance, efforts,
// time on court, speed bands) grow only when it opens.
func TestZeroAllocs(t *testing.T) {
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 300, noise_m: 0.05, seed: 2, sensors: []genSensor{
		{id: 1, p: circle(5, 3)}, {id: 2, p: shuttle(20, 6, 3)}, {id: 3, p: still(1, 2)}, {id: 9, ball: true, p: circle(2, 8)}}})
	for _, period := range []bool{false, true} {
		msgs := feed
		if period {
			msgs = merge(feed, []decode.Message{markerMsg(t0+1000, decode.MarkerDrillStart)})
		}
		for _, causal := range []bool{false, true} {
			cfg := DefaultConfig()
			cfg.Causal = causal
			s, _ := NewSession(cfg, Meta{}, &discard{})
			i := 0
			for ; i < len(msgs)/4; i++ {
				s.Feed(&msgs[i])
			}
			allocs := testing.AllocsPerRun(20000, func() {
				s.Feed(&msgs[i])
				i++
			})
			if allocs != 0 {
				t.Errorf("causal=%v, in a period %v: %.3f allocs per sample, want 0", causal, period, allocs)
			}
		}
	}
}

// TestCausalLatency: in live mode a sample is emitted as soon as the feed
// is past its time by the reorder window (and a grid period).
func TestCausalLatency(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 60, seed: 2, sensors: []genSensor{{id: 1, p: circle(5, 3)}, {id: 2, p: still(1, 1)}}})
	cfg := DefaultConfig()
	cfg.Causal = true
	c := &collect{}
	s, _ := NewSession(cfg, Meta{}, c)
	worst := int64(0)
	for i := range msgs {
		s.Feed(&msgs[i])
		if len(c.samples) == 0 {
			continue
		}
		lag := msgs[i].Location.OccurredAt_ms - c.samples[len(c.samples)-1].T_ms
		if i > 200 && lag > worst {
			worst = lag
		}
	}
	if max := cfg.ReorderWindow_ms + 2*40; worst > max {
		t.Fatalf("live output lags the feed by %d ms, want ≤ %d", worst, max)
	}
}

// TestRowAccuracy measures the rows themselves against a shuttle run
// (hard 3 m/s² accelerations, 6 m/s): smoothed (batch) rows and forward
// (live) rows. With -v it prints the figures of docs/kinematics.md.
func TestRowAccuracy(t *testing.T) {
	p := shuttle(20, 6, 3)
	for _, noise := range []float64{0.02, 0.05} {
		msgs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 300, noise_m: noise, seed: 9, sensors: []genSensor{{id: 3, p: p}}})
		for _, causal := range []bool{false, true} {
			cfg := DefaultConfig()
			cfg.Causal = causal
			c, _, err := run(cfg, Meta{}, msgs)
			if err != nil {
				t.Fatal(err)
			}
			var se, pe float64
			n := 0
			for _, s := range c.of(3) {
				tt := float64(s.T_ms-t0) / 1000
				if tt < 5 || tt > 295 {
					continue
				}
				x0, _ := p(tt - 0.0005)
				x1, _ := p(tt + 0.0005)
				x, _ := p(tt)
				v := math.Abs(x1-x0) / 0.001
				se += (s.Speed_mps - v) * (s.Speed_mps - v)
				pe += (s.X_m - x) * (s.X_m - x)
				n++
			}
			rs, rp := math.Sqrt(se/float64(n)), math.Sqrt(pe/float64(n))
			t.Logf("σ %.0f mm, live=%v: speed RMS error %.3f m/s, position RMS error %.1f mm", noise*1000, causal, rs, 1000*rp)
			if lim := map[bool]float64{false: 0.15, true: 0.5}[causal]; rs > lim {
				t.Errorf("σ %.0f mm, live=%v: speed RMS error %.3f m/s, want ≤ %.2f", noise*1000, causal, rs, lim)
			}
		}
	}
}

// TestDistFlagIgnoresIdlePlayers: a player who stays on the bench has a
// feed DIST of 0 and a few centimetres of smoothed noise in the engine;
// their ratio, 0, must not flag him (every idle player of every game was
// flagged). A player who ran while the feed says 0 still is.
func TestDistFlagIgnoresIdlePlayers(t *testing.T) {
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 60, noise_m: 0.05, seed: 3,
		sensors: []genSensor{{id: 3, p: still(5, 5)}, {id: 4, p: circle(5, 2)}}})
	var extra []decode.Message
	v := int64(0)
	for s := int64(10); s <= 60; s += 10 {
		for _, id := range []int64{3, 4} {
			v++
			extra = append(extra, statsMsg(t0+s*1000, id, v, decode.ClassDistance, map[decode.Stat]float64{decode.StatDIST: 0}))
		}
	}
	_, sum, err := run(DefaultConfig(), Meta{}, merge(feed, extra))
	if err != nil {
		t.Fatal(err)
	}
	if p := player(sum, 3); p.DistFlag != "" {
		t.Errorf("idle player (%.2f m, DIST 0) flagged: %q", p.Distance_m, p.DistFlag)
	}
	if p := player(sum, 4); !strings.Contains(p.DistFlag, "ratio 0.000 outside 0.95..1.05") {
		t.Errorf("player who ran %.0f m with DIST 0 not flagged as outside the band (%q)", p.Distance_m, p.DistFlag)
	}
	// A band finer than 0.01 is said as given, and the ratio one digit
	// finer (it read "outside 1.00..1.00").
	cfg := DefaultConfig()
	cfg.DistRatioLo, cfg.DistRatioHi = 1, 1.001
	if _, sum, err = run(cfg, Meta{}, merge(feed, extra)); err != nil {
		t.Fatal(err)
	}
	if p := player(sum, 4); !strings.Contains(p.DistFlag, "ratio 0.0000 outside 1..1.001") {
		t.Errorf("band 1..1.001: flag %q, want the band as given", p.DistFlag)
	}
}

// TestDistFlagNoDIST: a player who ran but for whom the feed sent no DIST
// had ratio 0 and an empty flag, as a bench player has, so a check for a
// non-empty dist_flag passed him unchecked. He is flagged DistFlagNoDIST,
// as is one whose stats held other stats but no DIST; an idle player
// without DIST is not flagged, and a runner with DIST 0 is outside the
// band.
func TestDistFlagNoDIST(t *testing.T) {
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 60, noise_m: 0.05, seed: 3,
		sensors: []genSensor{{id: 3, p: still(5, 5)}, {id: 4, p: circle(5, 2)}, {id: 5, p: circle(4, 2)}, {id: 6, p: circle(3, 2)}}})
	extra := []decode.Message{
		statsMsg(t0+30_000, 5, 1, decode.ClassDistance, map[decode.Stat]float64{decode.StatDIST: 0}),
		statsMsg(t0+30_000, 6, 1, decode.ClassTwoPointMake, map[decode.Stat]float64{decode.StatPTS: 2}),
	}
	_, sum, err := run(DefaultConfig(), Meta{}, merge(feed, extra))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id   int64
		want string
	}{{3, ""}, {4, DistFlagNoDIST}, {6, DistFlagNoDIST}} {
		if p := player(sum, c.id); p.DistFlag != c.want || p.DistRatio != 0 {
			t.Errorf("player %d (%.0f m, no DIST): ratio %g flag %q, want 0 and %q", c.id, p.Distance_m, p.DistRatio, p.DistFlag, c.want)
		}
	}
	if p := player(sum, 5); p.DistFlag == DistFlagNoDIST || !strings.Contains(p.DistFlag, "outside") {
		t.Errorf("player 5 (%.0f m, DIST 0): flag %q, want outside the band", p.Distance_m, p.DistFlag)
	}
}

// TestDistancePeriodEveryPeriod: every player's per-period distance has one
// entry per period the session opened, so that index i is period i+1 for
// everyone: a player who only came on in the second half, one who never
// moved and one known only from the box score included.
func TestDistancePeriodEveryPeriod(t *testing.T) {
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 320, noise_m: 0.02, seed: 3, sensors: []genSensor{
		{id: 1, p: circle(6, 2)}, {id: 2, p: circle(4, 2), from: 150}, {id: 3, p: still(1, 1)},
	}})
	sec := func(s float64) int64 { return t0 + int64(s*1000) }
	marks := []decode.Message{
		markerMsg(sec(5), decode.MarkerPlayStart), markerMsg(sec(105), decode.MarkerEndFirstHalf),
		markerMsg(sec(200), decode.MarkerStartSecondHalf), markerMsg(sec(300), decode.MarkerPlayEnd),
		statsMsg(sec(250), 4, 1, decode.ClassDistance, map[decode.Stat]float64{decode.StatDIST: 0}),
	}
	_, sum, err := run(DefaultConfig(), Meta{}, merge(feed, marks))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id     int64
		moving [2]bool
	}{{1, [2]bool{true, true}}, {2, [2]bool{false, true}}, {3, [2]bool{false, false}}, {4, [2]bool{false, false}}} {
		p := player(sum, c.id)
		if p == nil {
			t.Fatalf("player %d missing from the summary", c.id)
		}
		if len(p.DistancePeriod_m) != 2 {
			t.Errorf("player %d: per period %v, want 2 entries", c.id, p.DistancePeriod_m)
			continue
		}
		for i, moving := range c.moving {
			if d := p.DistancePeriod_m[i]; moving != (d > 100) || !moving && d > 5 {
				t.Errorf("player %d period %d: %.1f m, want moving=%v", c.id, i+1, d, moving)
			}
		}
	}
}

// TestDistFlagNamesGaps: a feed silent for longer than BridgeGap_ms while
// a player moves loses that movement from the engine's distance, not from
// the feed's DIST; the flag says so instead of blaming noise.
func TestDistFlagNamesGaps(t *testing.T) {
	const speed = 2.0
	sec := func(s float64) int64 { return t0 + int64(s*1000) }
	var feed []decode.Message
	for _, m := range gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 120, noise_m: 0.02, seed: 5, sensors: []genSensor{{id: 1, p: circle(6, speed)}}}) {
		if at := m.Location.OccurredAt_ms; at < sec(50) || at >= sec(58) {
			feed = append(feed, m)
		}
	}
	var stats []decode.Message
	for s, v := 10.0, int64(1); s <= 120; s, v = s+10, v+1 {
		stats = append(stats, statsMsg(sec(s), 1, v, decode.ClassDistance, map[decode.Stat]float64{decode.StatDIST: math.Round(100 * speed * s)}))
	}
	_, sum, err := run(DefaultConfig(), Meta{}, merge(feed, stats))
	if err != nil {
		t.Fatal(err)
	}
	p := player(sum, 1)
	if p.DistRatio < 1.05 {
		t.Fatalf("DIST ratio %.3f: the gap should have cost the engine more than 5 %%", p.DistRatio)
	}
	if !strings.Contains(p.DistFlag, "distance plus straight lines across gaps in the feed (ratio 1.0") {
		t.Errorf("flag %q: want it to name the gap", p.DistFlag)
	}
}

// TestFeedShotPlaced: the engine places a feed shot on the court itself,
// so every sink (the live tables, NATS, overlays) gets the position that
// analyze's shots table has, not only the batch writer.
func TestFeedShotPlaced(t *testing.T) {
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 10, seed: 1, sensors: []genSensor{{id: 1, p: still(0, 0)}}})
	var sh decode.Message
	sh.Kind = decode.KindShot
	sh.Shot = decode.Shot{OccurredAt_ms: t0 + 5000, PlayerID: 1, TeamID: 7, IsMake: true, Zone: 3,
		HoopPlayerX_mm: 1500, HoopPlayerY_mm: 2000, Present: decode.HasHoopPlayerXY}
	var bare decode.Message
	bare.Kind = decode.KindShot
	bare.Shot = decode.Shot{OccurredAt_ms: t0 + 6000, PlayerID: 1, TeamID: 7}
	c, _, err := run(DefaultConfig(), Meta{}, merge(feed, []decode.Message{sh, bare}))
	if err != nil {
		t.Fatal(err)
	}
	shots := c.segs(SegFeedShot)
	if len(shots) != 2 {
		t.Fatalf("%d feed shots, want 2", len(shots))
	}
	wx, wy := court.NBA.ShotToCourt(court.East, 1500, 2000)
	if g := shots[0]; g.StartX_m != wx || g.StartY_m != wy || g.EndX_m != wx || g.EndY_m != wy || wx == 0 {
		t.Errorf("placed at (%g, %g)-(%g, %g), want (%g, %g)", g.StartX_m, g.StartY_m, g.EndX_m, g.EndY_m, wx, wy)
	}
	if g := shots[1]; g.StartX_m != 0 || g.StartY_m != 0 {
		t.Errorf("a shot without hoop_player_x/y placed at (%g, %g)", g.StartX_m, g.StartY_m)
	}
}

// TestMisuseErrors: a nil sink or analyzer is refused up front (it made
// Feed or Close panic later), and Attach says why it is too late.
func TestMisuseErrors(t *testing.T) {
	if _, err := NewSession(DefaultConfig(), Meta{}, &discard{}, nil); err == nil {
		t.Error("NewSession with a nil sink: no error")
	}
	s, err := NewSession(DefaultConfig(), Meta{}, &discard{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Attach(nil); err == nil {
		t.Error("Attach(nil): no error")
	}
	msgs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 1, seed: 1, sensors: []genSensor{{id: 1, p: still(0, 0)}}})
	if err := s.Feed(&msgs[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.Attach(NewHeatmapAnalyzer(heatmap.Options{})); !errors.Is(err, ErrStarted) {
		t.Errorf("Attach after Feed: %v, want ErrStarted", err)
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Attach(NewHeatmapAnalyzer(heatmap.Options{})); !errors.Is(err, ErrClosed) {
		t.Errorf("Attach after Close: %v, want ErrClosed", err)
	}
}

// TestDistMidEvent: a session that starts mid-event (a live join, the
// second half of a followed game) has the feed's cumulative DIST count
// the movement before it; the cross-check compares what each counted
// from the player's first DIST at or after the session's first location
// sample. The same feed taken as a whole game keeps the old comparison.
func TestDistMidEvent(t *testing.T) {
	const speed = 2.0
	const before_cm = 250_000 // the first half's 2.5 km
	sec := func(s float64) int64 { return t0 + int64(s*1000) }
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 300, noise_m: 0.02, seed: 5, sensors: []genSensor{{id: 1, p: circle(6, speed)}, {id: 2, p: still(1, 1)}}})
	// The feed's DIST at the first message's time, then every 10 s;
	// player 3 sat on the bench this half (no sensor, DIST from the first
	// half only: its baseline, with nothing after it to compare). (A
	// join's box score made of REST state is no check: TestMadeStatsNoDistCheck.)
	stats := []decode.Message{
		statsMsg(sec(0), 1, 1, decode.ClassDistance, map[decode.Stat]float64{decode.StatDIST: before_cm}),
		statsMsg(sec(0), 3, 2, decode.ClassDistance, map[decode.Stat]float64{decode.StatDIST: 180_000}),
	}
	for s, v := 10.0, int64(3); s <= 300; s, v = s+10, v+1 {
		stats = append(stats, statsMsg(sec(s), 1, v, decode.ClassDistance, map[decode.Stat]float64{decode.StatDIST: before_cm + math.Round(100*speed*s)}))
	}
	msgs := merge(feed, stats)

	for _, c := range []struct {
		name       string
		eventStart int64
		mid        bool
	}{
		{"joined 20 minutes in", sec(-1200), true},
		{"whole game", sec(0), false},
		{"event start unknown", 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			col, sum, err := run(DefaultConfig(), Meta{EventStart_ms: c.eventStart}, msgs)
			if err != nil {
				t.Fatal(err)
			}
			p := player(sum, 1)
			if !c.mid {
				// The old comparison, with its false alarm on this feed.
				if p.DistRatio < 2 || !strings.Contains(p.DistFlag, "outside") || p.DistStat_m != (before_cm+100*speed*300)/100 {
					t.Errorf("ratio %.3f, DIST %.1f m, flag %q: want the whole-game comparison", p.DistRatio, p.DistStat_m, p.DistFlag)
				}
				return
			}
			if !within(p.DistRatio, 1, 0.01) || p.DistFlag != "" {
				t.Errorf("ratio %.3f, flag %q: want 1.00 and no flag", p.DistRatio, p.DistFlag)
			}
			if !within(p.DistStat_m, speed*300, 0.001) {
				t.Errorf("DistStat_m %.1f, want %.1f (the feed's DIST since the baseline)", p.DistStat_m, speed*300)
			}
			if p3 := player(sum, 3); p3 == nil || p3.DistFlag != "" || p3.DistRatio != 0 {
				t.Errorf("bench player: %+v, want no ratio and no flag", p3)
			}
			checks := col.segs(SegDistCheck)
			if len(checks) != 32 {
				t.Fatalf("%d checks, want 32", len(checks))
			}
			for _, g := range checks {
				switch {
				case g.Start_ms == sec(0):
					if g.FeedDist_cm != 0 || g.EngineDist_cm != 0 {
						t.Errorf("baseline check %+v: want 0 and 0", g)
					}
				case g.Start_ms > sec(30) && !within(g.EngineDist_cm, g.FeedDist_cm, 0.01):
					t.Errorf("check at %d s: feed %.0f cm engine %.0f cm", (g.Start_ms-t0)/1000, g.FeedDist_cm, g.EngineDist_cm)
				}
			}
		})
	}
}

// TestCausalDropoutLatency: in live mode one silent sensor does not hold
// the other sensors' rows back. A player goes silent for 800 ms and the
// ball for 300 ms (dropouts the grid bridges, under the kinds' MaxGap_ms):
// every row still leaves once the feed is past its tick by the reorder
// window (and a grid period), as in a steady feed, the silent sensor is
// absent from the ticks whose rows left without it, each tick's rows
// leave once, in time order, and the figures are batch's to the bit.
func TestCausalDropoutLatency(t *testing.T) {
	const per = 40
	all := gen(genSpec{start_ms: t0, period_ms: per, dur_s: 60, noise_m: 0.05, seed: 4, sensors: []genSensor{
		{id: 1, p: circle(5, 3)}, {id: 2, p: shuttle(20, 6, 3)}, {id: 3, p: still(1, 1)}, {id: 9, ball: true, p: circle(3, 6)}}})
	silent := func(m *decode.Message) bool {
		dt := m.Location.OccurredAt_ms - t0
		if m.Location.Sensor == decode.SensorBall {
			return dt >= 40_000 && dt < 40_300
		}
		return m.Location.ID == 2 && dt >= 20_000 && dt < 20_800
	}
	var msgs []decode.Message
	for i := range all {
		if !silent(&all[i]) {
			msgs = append(msgs, all[i])
		}
	}
	cfg := DefaultConfig()
	cfg.Causal = true
	// Known rate and noise: the run without player 2 below starts alike.
	cfg.Rate_Hz, cfg.Player.Noise_m, cfg.Ball.Noise_m = 1000/per, 0.05, 0.05
	c := &collect{}
	s, err := NewSession(cfg, Meta{}, c)
	if err != nil {
		t.Fatal(err)
	}
	worst, worstAt := int64(0), int64(0)
	for i := range msgs {
		if err := s.Feed(&msgs[i]); err != nil {
			t.Fatal(err)
		}
		if len(c.samples) == 0 || i < 400 {
			continue
		}
		newest := msgs[i].Location.OccurredAt_ms
		if lag := newest - c.samples[len(c.samples)-1].T_ms; lag > worst {
			worst, worstAt = lag, newest-t0
		}
	}
	if _, err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if lim := s.Window_ms() + 2*per; worst > lim {
		t.Errorf("live rows lag the feed by up to %d ms (feed at +%d ms), want ≤ %d ms", worst, worstAt, lim)
	}
	seen := map[[2]int64]bool{}
	prevT := int64(0)
	for _, r := range c.samples {
		k := [2]int64{r.SensorID, r.T_ms}
		if seen[k] || r.T_ms < prevT {
			t.Fatalf("row of %d at +%d ms: twice or out of order", r.SensorID, r.T_ms-t0)
		}
		seen[k], prevT = true, r.T_ms
		if dt := r.T_ms - t0; r.SensorID == 2 && dt > 20_000 && dt < 20_500 {
			t.Errorf("row of the silent player at +%d ms", dt)
		}
	}
	// The rows that left ahead of the grid are the forward filter's: the
	// same as in a feed without player 2, where nothing held the grid
	// while he was silent.
	var others []decode.Message
	for _, m := range msgs {
		if m.Location.ID != 2 || m.Location.Sensor == decode.SensorBall {
			others = append(others, m)
		}
	}
	ref, _, err := run(cfg, Meta{}, others)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{1, 3, 9} {
		got, want := c.of(id), ref.of(id)
		if len(got) < 60_000/per-100 || !slices.Equal(got, want) {
			t.Errorf("sensor %d: %d rows, want the %d of the feed without player 2", id, len(got), len(want))
		}
	}
	cfg.Causal = false
	_, batch, err := run(cfg, Meta{}, msgs)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{1, 2, 3} {
		if l, b := player(c.sum, id), player(batch, id); l.Distance_m != b.Distance_m || l.TopSpeed_mps != b.TopSpeed_mps || l.Sprints != b.Sprints {
			t.Errorf("player %d: live %+v, batch %+v", id, *l, *b)
		}
	}
}

// A Session not made by NewSession refuses work: it had taken a whole
// game and closed with no player and no error.
func TestZeroSessionRefuses(t *testing.T) {
	var s Session
	m := &decode.Message{Kind: decode.KindLocation}
	if err := s.Feed(m); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Feed: %v, want ErrNotBuilt", err)
	}
	if err := s.Feed(m); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("second Feed: %v, want ErrNotBuilt (sticky)", err)
	}
	if _, err := s.Close(); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Close: %v, want ErrNotBuilt", err)
	}
}
