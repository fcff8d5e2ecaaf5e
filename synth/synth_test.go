package synth

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
)

// small is a short game: 3 minutes is long enough for shots, rebounds and
// dead balls (halves start at 4 minutes).
func small(seed int64) Config {
	c := DefaultConfig()
	c.Minutes = 3
	c.Seed = seed
	return c
}

func messages(t *testing.T, cfg Config) ([]byte, *Truth) {
	t.Helper()
	var buf bytes.Buffer
	tr, err := WriteMessages(context.Background(), cfg, &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), tr
}

func TestDeterministic(t *testing.T) {
	a, _ := messages(t, small(3))
	b, _ := messages(t, small(3))
	if !bytes.Equal(a, b) {
		t.Fatalf("same seed, different bytes (%d vs %d)", len(a), len(b))
	}
	c, _ := messages(t, small(4))
	if bytes.Equal(a, c) {
		t.Fatal("seeds 3 and 4 gave the same bytes")
	}
	// The whole bundle too, compressed or not.
	for _, comp := range []string{"", "gz"} {
		d1, d2 := t.TempDir(), t.TempDir()
		cfg := small(5)
		cfg.Minutes = 1
		cfg.Compress = comp
		for _, d := range []string{d1, d2} {
			if _, err := Write(context.Background(), cfg, d, nil); err != nil {
				t.Fatal(err)
			}
		}
		for _, n := range []string{FileLive, FileSubscribe, FileCourt, FileStats, FileShots, FileTruth, MessagesFile(comp)} {
			x, err1 := os.ReadFile(filepath.Join(d1, n))
			y, err2 := os.ReadFile(filepath.Join(d2, n))
			if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
				t.Errorf("compress %q: %s differs between runs (%v %v)", comp, n, err1, err2)
			}
		}
	}
}

// decoded is a recording decoded line by line with the project's decoder.
type decoded struct {
	locs    map[int64][]decode.Location
	stats   []decode.Stats
	shots   []decode.Shot
	markers []decode.Marker
	kinds   [decode.NumKinds]int
}

func decodeAll(t *testing.T, data []byte) *decoded {
	t.Helper()
	var d decode.Decoder
	var m decode.Message
	out := &decoded{locs: map[int64][]decode.Location{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if err := d.Decode(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d %q: %v", line, sc.Bytes(), err)
		}
		out.kinds[m.Kind]++
		switch m.Kind {
		case decode.KindLocation:
			out.locs[m.Location.ID] = append(out.locs[m.Location.ID], m.Location)
		case decode.KindStats:
			out.stats = append(out.stats, m.Stats)
		case decode.KindShot:
			out.shots = append(out.shots, m.Shot)
		case decode.KindMarker:
			out.markers = append(out.markers, m.Marker)
		default:
			t.Fatalf("line %d: unexpected kind %v: %s", line, m.Kind, sc.Bytes())
		}
	}
	return out
}

func TestEveryLineDecodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(*Config)
	}{
		{"game", func(c *Config) {}},
		{"practice", func(c *Config) { c.Practice = true; c.Minutes = 5 }},
		{"fiba-10hz", func(c *Config) { c.Court = "fiba"; c.Hz = 10 }},
		{"hs-noiseless", func(c *Config) { c.Court = "hs"; c.Noise_mm = 0; c.Bias_mm = 0; c.Jitter_ms = 0 }},
		{"no-bench-100hz", func(c *Config) { c.BenchPerTeam = 0; c.Hz = 100; c.Minutes = 1 }},
		{"big-bench-wnba", func(c *Config) { c.BenchPerTeam = 15; c.Court = "wnba"; c.Minutes = 5 }},
		{"jitter-per-sensor", func(c *Config) { c.JitterPerSensor = true; c.Jitter_ms = 8 }},
		{"clean", func(c *Config) {
			c.DropRate, c.DropoutsPerMin, c.DuplicateRate, c.ReorderRate, c.OutlierRate, c.FeedGapRate = 0, 0, 0, 0, 0, 0
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := small(11)
			tc.cfg(&cfg)
			data, tr := messages(t, cfg)
			d := decodeAll(t, data)
			ids := map[int64]bool{BallID: true}
			for _, p := range tr.Players {
				ids[p.ID] = true
			}
			for id := range d.locs {
				if !ids[id] {
					t.Errorf("location of unknown sensor %d", id)
				}
			}
			if len(d.locs) != len(ids) {
				t.Errorf("%d sensors report, want %d (bench included)", len(d.locs), len(ids))
			}
			for _, l := range d.locs[BallID] {
				if l.Sensor != decode.SensorBall {
					t.Fatalf("ball sample typed %v", l.Sensor)
				}
			}
			first, last := decode.MarkerPlayStart, decode.MarkerPlayEnd
			if cfg.Practice {
				first, last = decode.MarkerDrillStart, decode.MarkerPracticeEnd
			}
			if len(d.markers) < 3 || d.markers[0].Type != first || d.markers[len(d.markers)-1].Type != last {
				t.Fatalf("markers do not run %v … %v: %v", first, last, d.markers)
			}
			// Versions increase in arrival order; a repeat is a duplicate delivery.
			var prev decode.Stats
			for _, s := range d.stats {
				dup := s.Version == prev.Version && s.PlayerID == prev.PlayerID && s.Values == prev.Values
				if s.Classification == decode.ClassUnknown || (s.Version <= prev.Version && !dup) {
					t.Fatalf("stats class %v version %d after %d", s.Classification, s.Version, prev.Version)
				}
				prev = s
			}
			if n := int64(d.kinds[decode.KindLocation]); n < tr.Feed.Locations || n > tr.Feed.Locations+tr.Feed.Duplicated {
				t.Errorf("%d location lines, truth counts %d + %d duplicates", d.kinds[decode.KindLocation], tr.Feed.Locations, tr.Feed.Duplicated)
			}
			fc := tr.Feed
			if fc.Locations+fc.Dropped+fc.DropoutSamples+fc.GapSamples != fc.Samples {
				t.Errorf("feed counts do not add up: %+v", fc)
			}
			if int64(len(bytes.Split(bytes.TrimSpace(data), []byte("\n")))) != tr.Feed.Lines {
				t.Errorf("line count differs from truth.feed.lines %d", tr.Feed.Lines)
			}
			if cfg.Practice {
				next := 0
				for _, m := range d.markers {
					if m.Type == decode.MarkerDrillNext {
						next++
						if m.LiveID.Len() != 36 {
							t.Errorf("DRILL_NEXT without a live_id")
						}
					}
				}
				if next == 0 {
					t.Errorf("a 5-minute practice has no DRILL_NEXT")
				}
			}
		})
	}
}

// TestTruthConsistent checks truth against itself and against the feed:
// distance is the integral of the noise-free speed, the last DIST stat of
// every player is the truth distance to the cm, possession fits in the
// live time, and the final box score of the feed (after corrections)
// equals the truth box score.
func TestTruthConsistent(t *testing.T) {
	cfg := small(21)
	cfg.Minutes = 7 // halves included
	var buf bytes.Buffer
	// Independent integral: trapezoid of |v| at step boundaries.
	var integ []float64
	g, err := run(context.Background(), cfg, &buf, nil, func(g *game) {
		if integ == nil {
			integ = make([]float64, len(g.ag))
		}
		for i := range g.ag {
			a := &g.ag[i]
			integ[i] += step_s / 2 * (math.Hypot(a.vx, a.vy) + a.speedAt(step_s))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	tr := g.tr
	d := decodeAll(t, buf.Bytes())
	lastDIST := map[int64]float64{}
	box := map[int64]*[decode.NumStats]float64{}
	for _, s := range d.stats {
		if box[s.PlayerID] == nil {
			box[s.PlayerID] = new([decode.NumStats]float64)
		}
		for k := 0; k < decode.NumStats; k++ {
			if s.Has.Has(decode.Stat(k)) {
				box[s.PlayerID][k] = s.Values[k]
			}
		}
		if v, ok := s.DIST_cm(); ok {
			lastDIST[s.PlayerID] = v
		}
	}
	names := decode.StatNames()
	for i, p := range tr.Players {
		if math.Abs(p.Distance_m-integ[i]) > 1e-3*math.Max(1, p.Distance_m) {
			t.Errorf("player %d: distance %.4f m, integral of speed %.4f m", p.ID, p.Distance_m, integ[i])
		}
		if p.DIST_cm != int64(math.Round(p.Distance_m*100)) || lastDIST[p.ID] != float64(p.DIST_cm) {
			t.Errorf("player %d: last DIST %v cm, truth %d cm (%.4f m)", p.ID, lastDIST[p.ID], p.DIST_cm, p.Distance_m)
		}
		if p.DistanceLive_m > p.Distance_m+1e-9 || p.PossessionLive_s > p.Possession_s+1e-9 {
			t.Errorf("player %d: live part exceeds the whole", p.ID)
		}
		if p.TopSpeed_mps > 9+1e-9 {
			t.Errorf("player %d: top speed %.3f", p.ID, p.TopSpeed_mps)
		}
		for k, name := range names {
			want := p.Box[name]
			got := 0.0
			if box[p.ID] != nil {
				got = box[p.ID][k]
			}
			if got != want {
				t.Errorf("player %d %s: feed says %v, truth %v", p.ID, name, got, want)
			}
		}
	}
	// Clock spans tile the session.
	at := tr.Start_ms
	for _, c := range tr.Clock {
		if c.From_ms != at || c.To_ms < c.From_ms {
			t.Fatalf("clock span %+v does not start where the previous ended (%d)", c, at)
		}
		at = c.To_ms
	}
	if at != tr.End_ms {
		t.Errorf("clock spans end at %d, session at %d", at, tr.End_ms)
	}
	var live, poss float64
	for _, c := range tr.Clock {
		if c.State == "LIVE" {
			live += float64(c.To_ms-c.From_ms) / 1000
		}
	}
	for _, tm := range tr.Teams {
		poss += tm.Possession_s
	}
	if poss > live+0.02 || live > tr.Duration_s {
		t.Errorf("team possession %.2f s, live %.2f s, duration %.0f s", poss, live, tr.Duration_s)
	}
	// The team possession timeline: disjoint intervals summing to each
	// team's possession_s.
	var tp [2]float64
	var tpPrev int64
	for _, p := range tr.TeamPossessions {
		if p.From_ms < tpPrev || p.To_ms <= p.From_ms {
			t.Fatalf("team possession %+v overlaps or is empty (previous ended %d)", p, tpPrev)
		}
		tpPrev = p.To_ms
		tp[p.Side] += float64(p.To_ms-p.From_ms) / 1000
	}
	for _, tm := range tr.Teams {
		if math.Abs(tp[tm.Side]-tm.Possession_s) > 0.01 || tm.Possessions < 5 {
			t.Errorf("team %d: intervals sum to %.3f s, possession_s %.3f, %d possessions", tm.Side, tp[tm.Side], tm.Possession_s, tm.Possessions)
		}
	}
	if poss < 0.5*live {
		t.Errorf("team possession %.2f s is implausibly small for %.2f s live", poss, live)
	}
	// Holds: ordered, disjoint, one per touch, summing to each player's possession.
	sum := map[int64]float64{}
	touches := map[int64]int{}
	for _, h := range tr.Holds {
		touches[h.PlayerID]++
	}
	for _, p := range tr.Players {
		if touches[p.ID] != p.Touches {
			t.Errorf("player %d: %d holds, %d touches", p.ID, touches[p.ID], p.Touches)
		}
	}
	for _, p := range tr.Passes {
		if !p.OutOfBounds && (p.Caught_ms <= p.Released_ms || p.Distance_m <= 0) {
			t.Errorf("pass %+v: not caught after release", p)
		}
		// 8-15 m/s as thrown; a receiver running at the ball can shorten a
		// short pass's flight distance more than the passer expected.
		lo := 7.0
		if p.Distance_m < 3 {
			lo = 4
		}
		if p.Kind == "pass" && !p.OutOfBounds && (p.AirSpeed_mps < lo || p.AirSpeed_mps > 17) {
			t.Errorf("pass at %.1f m/s, want about 8-15: %+v", p.AirSpeed_mps, p)
		}
	}
	var prevTo int64
	for i, h := range tr.Holds {
		if h.From_ms < prevTo || h.To_ms < h.From_ms {
			t.Fatalf("hold %d [%d, %d] overlaps the previous (to %d)", i, h.From_ms, h.To_ms, prevTo)
		}
		prevTo = h.To_ms
		sum[h.PlayerID] += float64(h.To_ms-h.From_ms) / 1000
	}
	for _, p := range tr.Players {
		if math.Abs(sum[p.ID]-p.Possession_s) > 0.02 {
			t.Errorf("player %d: holds sum to %.3f s, possession_s %.3f", p.ID, sum[p.ID], p.Possession_s)
		}
	}
	// Points: the feed's PTS per team equals the truth score.
	pts := map[int64]float64{}
	for _, p := range tr.Players {
		pts[p.TeamID] += p.Box["PTS"]
	}
	for _, tm := range tr.Teams {
		if pts[tm.TeamID] != float64(tm.Points) {
			t.Errorf("team %d: PTS sum %v, points %d", tm.TeamID, pts[tm.TeamID], tm.Points)
		}
	}
	var seq []string
	for _, m := range tr.Markers {
		switch m.Type {
		case "PLAY_START", "END_FIRST_HALF", "PLAY_NEXT", "START_SECOND_HALF", "PLAY_END":
			seq = append(seq, m.Type)
			if m.Type == "PLAY_NEXT" && len(m.LiveID) != 36 {
				t.Errorf("PLAY_NEXT live_id %q", m.LiveID)
			}
		}
	}
	if fmt.Sprint(seq) != "[PLAY_START END_FIRST_HALF PLAY_NEXT START_SECOND_HALF PLAY_END]" {
		t.Errorf("game markers %v", seq)
	}
	if len(tr.Shots) == 0 || len(tr.Passes) == 0 || len(tr.Substitutions) == 0 {
		t.Errorf("a 7-minute game without shots (%d), passes (%d) or substitutions (%d)", len(tr.Shots), len(tr.Passes), len(tr.Substitutions))
	}
}

// TestPhysicalLimits watches the noise-free motion at every step.
func TestPhysicalLimits(t *testing.T) {
	cfg := small(31)
	cfg.Minutes = 4
	var worstV, worstA, minBallZ float64 = 0, 0, math.Inf(1)
	var bx, by, bz, worstBall float64
	first := true
	_, err := run(context.Background(), cfg, discard{}, nil, func(g *game) {
		// The ball never jumps: its speed between steps stays that of a
		// hard pass.
		x, y, z := g.ballPos(g.t)
		if v := math.Sqrt((x-bx)*(x-bx)+(y-by)*(y-by)+(z-bz)*(z-bz)) / step_s; !first && v > worstBall {
			worstBall = v
		}
		bx, by, bz, first = x, y, z, false
		for i := range g.ag {
			a := &g.ag[i]
			if v := math.Hypot(a.vx, a.vy); v > worstV {
				worstV = v
			}
			if acc := math.Hypot(a.ax, a.ay); acc > worstA {
				worstA = acc
			}
		}
		if _, _, z := g.ballPos(g.t); z < minBallZ {
			minBallZ = z
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if worstV > 9.0+1e-9 || worstV < 5 {
		t.Errorf("top speed %.3f m/s, want in [5, 9]", worstV)
	}
	if worstA > maxAccel_mps2+1e-9 || worstA < 2 {
		t.Errorf("largest acceleration %.3f m/s², want in [2, %v]", worstA, maxAccel_mps2)
	}
	if worstBall > 18 {
		t.Errorf("ball moved at %.1f m/s between two steps", worstBall)
	}
	if minBallZ < ballR_m-0.01 {
		t.Errorf("ball centre went to %.3f m (floor contact is %v)", minBallZ, ballR_m)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestShots checks every shot message against the truth and the geometry:
// hoop_player_x/y is the shooter's release position relative to the
// attacked hoop, is_3point and zone follow from it, and the shooter's own
// (noisy) samples around the release are where the shot says.
func TestShots(t *testing.T) {
	cfg := small(41)
	cfg.Minutes = 8
	data, tr := messages(t, cfg)
	d := decodeAll(t, data)
	tpl, _ := court.TemplateByName(cfg.Court)
	if len(d.shots) != len(tr.Shots) || len(d.shots) < 5 {
		t.Fatalf("%d shot messages, %d shots in truth", len(d.shots), len(tr.Shots))
	}
	byTime := map[int64]ShotTruth{}
	for _, s := range tr.Shots {
		byTime[s.Released_ms] = s
	}
	s2c := (&game{cfg: cfg}).sensorFromCourt()
	for _, m := range d.shots {
		s, ok := byTime[m.OccurredAt_ms]
		if !ok || s.PlayerID != m.PlayerID {
			t.Fatalf("shot message at %d by %d has no truth", m.OccurredAt_ms, m.PlayerID)
		}
		hx := tpl.Length_m/2 - tpl.HoopFromBaseline_m
		sg := 1.0
		if s.Hoop == "west" {
			sg = -1
		}
		// +y from the hoop toward center court, +x to the right of an
		// observer at the hoop facing center court.
		wantX := sg * s.Y_m * 1000
		wantY := sg * (hx*sg - s.X_m) * 1000
		if math.Abs(float64(m.HoopPlayerX_mm)-wantX) > 1 || math.Abs(float64(m.HoopPlayerY_mm)-wantY) > 1 {
			t.Errorf("shot at %d: hoop_player (%d, %d), want (%.0f, %.0f)", m.OccurredAt_ms, m.HoopPlayerX_mm, m.HoopPlayerY_mm, wantX, wantY)
		}
		xh, yh := float64(m.HoopPlayerX_mm)/1000, float64(m.HoopPlayerY_mm)/1000
		if m.Is3Point != tpl.IsThreeFromHoop(xh, yh) || int(m.Zone) != zone(tpl, xh, yh) || m.IsMake != s.Make {
			t.Errorf("shot at %d: is_3point %v zone %d make %v disagree with position (%.2f, %.2f)", m.OccurredAt_ms, m.Is3Point, m.Zone, m.IsMake, xh, yh)
		}
		if m.Is3Point && math.Hypot(xh, yh) < tpl.ThreePointCorner_m-0.01 {
			t.Errorf("three-pointer from %.2f m", math.Hypot(xh, yh))
		}
		// The shooter's samples within 60 ms of the release.
		sx, sy := s2c.ApplyXY(s.X_m, s.Y_m)
		for _, l := range d.locs[m.PlayerID] {
			if dt := l.OccurredAt_ms - m.OccurredAt_ms; dt < -60 || dt > 60 {
				continue
			}
			if e := math.Hypot(float64(l.X_mm)-sx, float64(l.Y_mm)-sy); e > 600 {
				t.Errorf("shooter sample %.0f mm from the release position", e)
			}
		}
	}
}

func TestCompressedRecordings(t *testing.T) {
	cfg := small(51)
	cfg.Minutes = 0.5
	plain, _ := messages(t, cfg)
	for _, comp := range []string{"gz", "zst"} {
		cfg.Compress = comp
		dir := t.TempDir()
		if _, err := Write(context.Background(), cfg, dir, nil); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, MessagesFile(comp)))
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if comp == "gz" {
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = got.ReadFrom(zr)
			if err != nil {
				t.Fatal(err)
			}
		} else {
			zr, err := zstd.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = got.ReadFrom(zr)
			zr.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		f.Close()
		if !bytes.Equal(got.Bytes(), plain) {
			t.Errorf("%s recording differs from the plain one", comp)
		}
		if _, err := ReadTruth(filepath.Join(dir, FileTruth)); err != nil {
			t.Error(err)
		}
	}
}

func TestBundleFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := small(61)
	cfg.Minutes = 0.5
	tr, err := Write(context.Background(), cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileCourt))
	if err != nil {
		t.Fatal(err)
	}
	body, err := court.ParseBody(b)
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := court.TemplateByName(cfg.Court)
	s2c := (&game{cfg: cfg}).sensorFromCourt()
	ne := s2c.Apply(struct{ X, Y float64 }{tpl.Length_m / 2, tpl.Width_m / 2})
	if math.Abs(body.XNE-ne.X) > 1 || math.Abs(body.YNE-ne.Y) > 1 {
		t.Errorf("court.json NE (%v, %v), want (%.0f, %.0f)", body.XNE, body.YNE, ne.X, ne.Y)
	}
	if len(body.Hoops) != 2 || body.Hoops[0].Z != 3048 {
		t.Errorf("hoops %+v", body.Hoops)
	}
	sub, err := os.ReadFile(filepath.Join(dir, FileSubscribe))
	if err != nil || !bytes.Contains(sub, []byte(`"token": "REDACTED"`)) {
		t.Errorf("subscribe.json token not redacted (%v)", err)
	}
	// court_from_sensor undoes sensor_from_court.
	cf := tr.CourtFromSensor
	r := cf.Rotation_deg * math.Pi / 180
	bx := cf.Scale_m_per_mm*(math.Cos(r)*body.XNE-math.Sin(r)*body.YNE) + cf.TX_m
	by := cf.Scale_m_per_mm*(math.Sin(r)*body.XNE+math.Cos(r)*body.YNE) + cf.TY_m
	if math.Abs(bx-tpl.Length_m/2) > 0.001 || math.Abs(by-tpl.Width_m/2) > 0.001 {
		t.Errorf("court_from_sensor maps NE to (%.4f, %.4f)", bx, by)
	}
	got, err := ReadTruth(filepath.Join(dir, FileTruth))
	if err != nil {
		t.Fatal(err)
	}
	if got.LiveID != tr.LiveID || len(got.Players) != len(tr.Players) || got.Definitions["distance_m"] == "" {
		t.Errorf("truth.json does not round-trip")
	}
	if _, err := ReadTruth(filepath.Join(dir, FileCourt)); !errors.Is(err, ErrTruth) {
		t.Errorf("ReadTruth(court.json) = %v, want ErrTruth", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		field string
		mod   func(*Config)
	}{
		{"Minutes", func(c *Config) { c.Minutes = 0 }},
		{"Hz", func(c *Config) { c.Hz = -1 }},
		{"Court", func(c *Config) { c.Court = "moon" }},
		{"Compress", func(c *Config) { c.Compress = "xz" }},
		{"DropRate", func(c *Config) { c.DropRate = 1 }},
		{"Noise_mm", func(c *Config) { c.Noise_mm = math.NaN() }},
		{"StartTime_ms", func(c *Config) { c.StartTime_ms = 0 }},
		{"StartTime_ms", func(c *Config) { c.StartTime_ms = MaxTime_ms - 12*60_000 + 1 }}, // ends 1 ms too late
		{"StartTime_ms", func(c *Config) { c.StartTime_ms = 2e14 }},
	} {
		c := DefaultConfig()
		tc.mod(&c)
		err := c.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Validate() = %v, want a ConfigError on %s", tc.field, err, tc.field)
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("DefaultConfig: %v", err)
	}
	if err := SampleConfig().Validate(); err != nil {
		t.Errorf("SampleConfig: %v", err)
	}
	for _, start := range []int64{1, MaxTime_ms - 12*60_000} {
		c := DefaultConfig() // 12 minutes
		c.StartTime_ms = start
		if err := c.Validate(); err != nil {
			t.Errorf("StartTime_ms %d: %v", start, err)
		}
	}
}

// TestSampleRate: whatever Hz, each sensor's samples are about 1/Hz apart.
func TestSampleRate(t *testing.T) {
	for _, hz := range []float64{10, 25, 60} {
		cfg := small(71)
		cfg.Minutes = 0.5
		cfg.Hz = hz
		cfg.DropRate, cfg.DropoutsPerMin, cfg.ReorderRate, cfg.DuplicateRate = 0, 0, 0, 0
		data, tr := messages(t, cfg)
		d := decodeAll(t, data)
		l := d.locs[tr.Players[0].ID]
		gaps := make([]float64, 0, len(l))
		for i := 1; i < len(l); i++ {
			gaps = append(gaps, float64(l[i].OccurredAt_ms-l[i-1].OccurredAt_ms))
		}
		sort.Float64s(gaps)
		med := gaps[len(gaps)/2]
		if math.Abs(med-1000/hz) > 1.5 || gaps[0] <= 0 {
			t.Errorf("%v Hz: median gap %v ms, smallest %v", hz, med, gaps[0])
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := small(81)
	_, err := WriteMessages(ctx, cfg, discard{}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err %v, want context.Canceled", err)
	}
	var calls int
	var last float64
	_, err = WriteMessages(context.Background(), cfg, discard{}, func(done, total float64) {
		calls++
		if done < last || done > total || total != cfg.Duration_s() {
			t.Errorf("progress %v of %v after %v", done, total, last)
		}
		last = done
	})
	if err != nil || calls < 3 || last != cfg.Duration_s() {
		t.Errorf("progress called %d times, last %v (err %v)", calls, last, err)
	}
}

// TestRecordingReader reads every compression of a bundle's recording with
// the project's recording reader.
func TestRecordingReader(t *testing.T) {
	for _, comp := range []string{"", "gz", "zst"} {
		cfg := small(91)
		cfg.Minutes = 0.5
		cfg.Compress = comp
		dir := t.TempDir()
		tr, err := Write(context.Background(), cfg, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := decode.OpenRecording(filepath.Join(dir, MessagesFile(comp)), decode.ReaderOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var m decode.Message
		for r.Next(&m) {
		}
		st := r.Stats()
		r.Close()
		if r.Err() != nil || st.Bad != 0 || st.Messages != tr.Feed.Lines || st.ByKind[decode.KindShot] != tr.Feed.Shots {
			t.Errorf("compress %q: err %v, stats %+v, truth lines %d", comp, r.Err(), st, tr.Feed.Lines)
		}
	}
}

// TestSamplesExact: without noise and outliers, every location sample is
// the noise-free path (Simulate's frames) at its occurred_at, mapped to the
// sensor frame and rounded to the mm; the ball is interpolated between
// steps.
func TestSamplesExact(t *testing.T) {
	cfg := small(101)
	cfg.Minutes = 0.5
	cfg.Noise_mm, cfg.Bias_mm, cfg.OutlierRate = 0, 0, 0
	type st struct {
		p    []FramePlayer
		b    [3]float64
		t_ms int64
	}
	var frames []st
	var buf bytes.Buffer
	tr, err := Simulate(context.Background(), cfg, &buf, func(f *Frame) {
		frames = append(frames, st{append([]FramePlayer(nil), f.Players...), [3]float64{f.BallX_m, f.BallY_m, f.BallZ_m}, f.T_ms})
	})
	if err != nil {
		t.Fatal(err)
	}
	idx := map[int64]int{}
	for i, p := range tr.Players {
		idx[p.ID] = i
	}
	s2c := (&game{cfg: cfg}).sensorFromCourt()
	d := decodeAll(t, buf.Bytes())
	checked := 0
	for id, ls := range d.locs {
		for _, l := range ls {
			rel := l.OccurredAt_ms - tr.Start_ms
			j := int(rel / StepMs)
			if j >= len(frames)-1 {
				continue
			}
			dt := float64(rel-int64(j)*StepMs) / 1000
			var x, y float64
			if id == BallID {
				u := dt * 1000 / StepMs
				a, b := frames[j].b, frames[j+1].b
				x, y = a[0]+u*(b[0]-a[0]), a[1]+u*(b[1]-a[1])
			} else {
				p := frames[j].p[idx[id]]
				x = p.X_m + p.VX_mps*dt + 0.5*p.AX_mps2*dt*dt
				y = p.Y_m + p.VY_mps*dt + 0.5*p.AY_mps2*dt*dt
			}
			X, Y := s2c.ApplyXY(x, y)
			if math.Abs(float64(l.X_mm)-X) > 0.5+1e-6 || math.Abs(float64(l.Y_mm)-Y) > 0.5+1e-6 {
				t.Fatalf("sensor %d at %d: sample (%d, %d), path (%.2f, %.2f)", id, l.OccurredAt_ms, l.X_mm, l.Y_mm, X, Y)
			}
			checked++
		}
	}
	if checked < 10000 {
		t.Errorf("only %d samples checked", checked)
	}
}

// FuzzConfig: any Config either fails Validate with a ConfigError or
// simulates without panicking into lines that all decode.
func FuzzConfig(f *testing.F) {
	f.Add(0.1, 25.0, int64(1), 30.0, uint8(0), false, 3.0, 0.004, 0.0008, 0.002, -31.0)
	f.Add(0.2, 7.0, int64(-5), 0.0, uint8(4), true, 0.0, 0.5, 0.5, 0.5, 400.0)
	f.Add(0.05, 1000.0, int64(99), 500.0, uint8(3), false, 100.0, 0.0, 0.0, 0.9, 0.0)
	courts := []string{"nba", "wnba", "ncaa", "hs", "fiba", "moon"}
	f.Fuzz(func(t *testing.T, minutes, hz float64, seed int64, noise float64, court uint8, practice bool,
		jitter, drop, dup, reorder, rot float64) {
		cfg := DefaultConfig()
		cfg.Minutes, cfg.Hz, cfg.Seed, cfg.Noise_mm = minutes, hz, seed, noise
		cfg.Court, cfg.Practice = courts[int(court)%len(courts)], practice
		cfg.Jitter_ms, cfg.DropRate, cfg.DuplicateRate, cfg.ReorderRate, cfg.Rotation_deg = jitter, drop, dup, reorder, rot
		if err := cfg.Validate(); err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("Validate: %v is not a ConfigError", err)
			}
			return
		}
		if cfg.Minutes > 0.5 || cfg.Minutes*cfg.Hz > 60*5 { // keep each case small
			return
		}
		data, _ := messages(t, cfg)
		decodeAll(t, data)
	})
}

// TestFrameStamps: by default the samples of a tick share one occurred_at
// (as real feeds stamp a frame); with JitterPerSensor they differ.
func TestFrameStamps(t *testing.T) {
	for _, per := range []bool{false, true} {
		cfg := small(111)
		cfg.Minutes = 0.3
		cfg.DropRate, cfg.DropoutsPerMin, cfg.DuplicateRate, cfg.ReorderRate, cfg.OutlierRate, cfg.FeedGapRate = 0, 0, 0, 0, 0, 0
		cfg.JitterPerSensor = per
		data, _ := messages(t, cfg)
		var d decode.Decoder
		var m decode.Message
		var frameT int64
		mixed := 0
		for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			if d.Decode(line, &m) != nil || m.Kind != decode.KindLocation {
				continue
			}
			if m.Location.Sensor == decode.SensorBall {
				frameT = m.Location.OccurredAt_ms
			} else if m.Location.OccurredAt_ms != frameT {
				mixed++
			}
		}
		if (mixed > 0) != per {
			t.Errorf("JitterPerSensor %v: %d samples stamped off their frame's time", per, mixed)
		}
	}
}

// TestPractice: scrimmages alternate with shooting drills; a shooting
// drill is a stream of catch-and-shoot field goals without rebound or
// assist stats.
func TestPractice(t *testing.T) {
	cfg := small(121)
	cfg.Minutes = 6
	cfg.Practice = true
	data, tr := messages(t, cfg)
	var drill []int64 // DRILL_START times
	var ends []int64
	for _, m := range tr.Markers {
		switch m.Type {
		case "DRILL_START":
			drill = append(drill, m.At_ms)
		case "DRILL_END":
			ends = append(ends, m.At_ms)
		}
	}
	if len(drill) < 2 || len(ends) != len(drill) {
		t.Fatalf("drills start %v end %v", drill, ends)
	}
	from, to := drill[1], ends[1] // the second drill shoots
	shots := 0
	for _, s := range tr.Shots {
		if s.Released_ms >= from && s.Released_ms < to {
			shots++
			if s.ReboundBy != 0 || s.AssistBy != 0 {
				t.Errorf("shooting drill shot with a rebound or assist: %+v", s)
			}
		}
	}
	if shots < 10 {
		t.Errorf("%d shots in a %.0f s shooting drill", shots, float64(to-from)/1000)
	}
	d := decodeAll(t, data)
	for _, s := range d.stats {
		if s.OccurredAt_ms >= from && s.OccurredAt_ms < to {
			switch s.Classification {
			case decode.ClassAssist, decode.ClassDefensiveRebound, decode.ClassOffensiveRebound, decode.ClassSteal, decode.ClassTurnover:
				t.Errorf("%v during a shooting drill", s.Classification)
			}
		}
	}
	for _, p := range tr.Players {
		if p.TeamID != tr.Teams[0].TeamID {
			t.Errorf("practice player %d on team %d", p.ID, p.TeamID)
		}
	}
}

// TestSprints recounts sprints (7 m/s held 1 s) from Simulate's frames.
func TestSprints(t *testing.T) {
	cfg := small(131)
	cfg.Minutes = 6
	var run []float64
	count := map[int64]int{}
	tr, err := Simulate(context.Background(), cfg, nil, func(f *Frame) {
		if run == nil {
			run = make([]float64, len(f.Players))
		}
		for i, p := range f.Players {
			if math.Hypot(p.VX_mps, p.VY_mps) < 7 {
				run[i] = 0
				continue
			}
			run[i] += float64(StepMs) / 1000
			if run[i] >= 1-1e-9 && run[i]-float64(StepMs)/1000 < 1-1e-9 {
				count[p.ID]++
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range tr.Players {
		total += p.Sprints
		if p.Sprints != count[p.ID] {
			t.Errorf("player %d: truth %d sprints, frames %d", p.ID, p.Sprints, count[p.ID])
		}
	}
	if total == 0 {
		t.Errorf("no sprint in a 6-minute game")
	}
}

// TestDISTAlongTheWay: every DIST stat is the distance covered up to its
// occurred_at (integral of the frames' speed), to the cm.
func TestDISTAlongTheWay(t *testing.T) {
	cfg := small(141)
	var cum [][]float64 // per step, per player: distance before the step
	var run []float64
	var buf bytes.Buffer
	tr, err := Simulate(context.Background(), cfg, &buf, func(f *Frame) {
		if run == nil {
			run = make([]float64, len(f.Players))
		}
		cum = append(cum, append([]float64(nil), run...))
		h := float64(StepMs) / 1000
		for i, p := range f.Players {
			v0 := math.Hypot(p.VX_mps, p.VY_mps)
			v1 := math.Hypot(p.VX_mps+p.AX_mps2*h, p.VY_mps+p.AY_mps2*h)
			run[i] += h / 2 * (v0 + v1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	cum = append(cum, run)
	idx := map[int64]int{}
	for i, p := range tr.Players {
		idx[p.ID] = i
	}
	n := 0
	for _, s := range decodeAll(t, buf.Bytes()).stats {
		v, ok := s.DIST_cm()
		if !ok {
			continue
		}
		j := int((s.OccurredAt_ms - tr.Start_ms) / StepMs)
		want := 100 * cum[j][idx[s.PlayerID]]
		if math.Abs(v-want) > 1.01 {
			t.Fatalf("player %d DIST %v cm at %d, distance so far %.2f cm", s.PlayerID, v, s.OccurredAt_ms, want)
		}
		n++
	}
	if n < 100 {
		t.Errorf("only %d DIST stats", n)
	}
}

// TestFeedSettingsKeepTheGame checks the promise of Config.Seed: the feed's
// settings (silences, delays, DIST cadence, noise, rate, losses, frame)
// change what the feed says, never the game. For one seed the noise-free
// motion at every step and the truth (players, events, clock) are the same
// whatever the feed settings.
func TestFeedSettingsKeepTheGame(t *testing.T) {
	// game returns a digest of the noise-free motion at every step and the
	// truth without its feed-dependent parts (config, frame, feed counts).
	game := func(cfg Config) (uint64, []byte) {
		t.Helper()
		h := fnv.New64a()
		var b [8]byte
		put := func(v float64) {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			h.Write(b[:])
		}
		g, err := run(context.Background(), cfg, discard{}, nil, func(g *game) {
			for i := range g.ag {
				put(g.ag[i].x)
				put(g.ag[i].y)
			}
			x, y, z := g.ballPos(g.t)
			put(x)
			put(y)
			put(z)
		})
		if err != nil {
			t.Fatal(err)
		}
		tr := *g.tr
		tr.Config, tr.Feed = Config{}, FeedCounts{}
		tr.SensorFromCourt, tr.CourtFromSensor = Transform{}, InverseTransform{}
		js, err := json.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		return h.Sum64(), js
	}
	for _, practice := range []bool{false, true} {
		base := DefaultConfig()
		base.Minutes, base.Seed, base.Practice = 4, 3, practice
		wantMotion, wantTruth := game(base)
		for _, c := range []struct {
			name string
			set  func(*Config)
		}{
			{"feed gaps always", func(c *Config) { c.FeedGapRate = 1 }},
			{"feed gaps never", func(c *Config) { c.FeedGapRate = 0 }},
			{"DIST every 2 s", func(c *Config) { c.DistInterval_s = 2 }},
			{"DIST every 0.1 s", func(c *Config) { c.DistInterval_s = 0.1 }},
			{"stats without delay", func(c *Config) { c.StatsDelayMax_ms = 0 }},
			{"stats delay 100 ms", func(c *Config) { c.StatsDelayMax_ms = 100 }},
			{"stats delay 5 s", func(c *Config) { c.StatsDelayMax_ms = 5000 }},
			{"clean 10 Hz feed", func(c *Config) {
				c.Hz, c.Noise_mm, c.Bias_mm, c.Jitter_ms, c.DropRate, c.DropoutsPerMin = 10, 0, 0, 0, 0, 0
				c.DuplicateRate, c.ReorderRate, c.OutlierRate = 0, 0, 0
			}},
			{"rough feed", func(c *Config) {
				c.Noise_mm, c.JitterPerSensor, c.DropRate, c.DropoutsPerMin, c.DuplicateRate, c.ReorderRate, c.OutlierRate = 200, true, 0.2, 5, 0.1, 0.1, 0.05
			}},
			{"other frame, start and compression", func(c *Config) {
				c.Rotation_deg, c.TX_mm, c.TY_mm, c.StartTime_ms, c.Compress = 90, 0, 0, 1700000000000, "zst"
			}},
		} {
			cfg := base
			c.set(&cfg)
			motion, truth := game(cfg)
			if motion != wantMotion {
				t.Errorf("practice %v, %s: the noise-free motion differs from the default feed's", practice, c.name)
			}
			if c.name == "other frame, start and compression" {
				continue // its times are another epoch; the motion is the check
			}
			if !bytes.Equal(truth, wantTruth) {
				t.Errorf("practice %v, %s: the truth differs from the default feed's\n got %.300s\nwant %.300s", practice, c.name, truth, wantTruth)
			}
		}
	}
}

// TestEndMarkerLast checks that PLAY_END / PRACTICE_END ends the recording:
// no location line (the final tick's, or one held back) comes after it.
func TestEndMarkerLast(t *testing.T) {
	f := func(name string, cfg Config) {
		t.Helper()
		data, _ := messages(t, cfg)
		var d decode.Decoder
		var m decode.Message
		sc := bufio.NewScanner(bytes.NewReader(data))
		line, end := 0, 0
		for sc.Scan() {
			line++
			if err := d.Decode(sc.Bytes(), &m); err != nil {
				t.Fatalf("%s: line %d: %v", name, line, err)
			}
			switch {
			case m.Kind == decode.KindMarker && (m.Marker.Type == decode.MarkerPlayEnd || m.Marker.Type == decode.MarkerPracticeEnd):
				if end == 0 {
					end = line
				}
			case end > 0 && m.Kind == decode.KindLocation:
				t.Errorf("%s: line %d of %d is a location after the end marker (line %d): %s", name, line, bytes.Count(data, []byte{'\n'}), end, sc.Bytes())
				return
			}
		}
		if end == 0 {
			t.Errorf("%s: no end marker", name)
		}
	}
	cfg := small(6)
	cfg.Minutes = 0.5
	f("game 25 Hz", cfg)
	cfg.Hz = 7 // the last tick falls before the end
	f("game 7 Hz", cfg)
	cfg.Hz, cfg.ReorderRate = 25, 0.5
	f("lines held back", cfg)
	cfg.ReorderRate, cfg.Practice = 0, true
	f("practice", cfg)
}

// TestFreeThrowsInTruth checks that truth.json lists exactly the free
// throws the feed sends an FTA for (one released in the last second, whose
// stat never comes, is in neither), and that a missed free throw's
// rebound_by is the player who then holds the rebound.
func TestFreeThrowsInTruth(t *testing.T) {
	// Sessions that end with a free throw in the air.
	for _, c := range []struct {
		minutes float64
		seed    int64
	}{{0.45, 80}, {0.6, 21}, {1.2, 13}} {
		cfg := DefaultConfig()
		cfg.Minutes, cfg.Seed = c.minutes, c.seed
		data, tr := messages(t, cfg)
		fta := map[int64]float64{}
		for _, s := range decodeAll(t, data).stats {
			if s.Has.Has(decode.StatFTA) {
				fta[s.PlayerID] = s.Values[decode.StatFTA]
			}
		}
		inTruth := map[int64]float64{}
		for _, ft := range tr.FreeThrows {
			inTruth[ft.PlayerID]++
		}
		for _, p := range tr.Players {
			if fta[p.ID] != inTruth[p.ID] {
				t.Errorf("%v min, seed %d: player %d: %v free throws in the truth, FTA %v in the feed", c.minutes, c.seed, p.ID, inTruth[p.ID], fta[p.ID])
			}
		}
	}

	cfg := small(21)
	cfg.Minutes = 12
	_, tr := messages(t, cfg)
	rebounds := 0
	for _, ft := range tr.FreeThrows {
		if ft.ReboundBy == 0 {
			continue
		}
		rebounds++
		if ft.Make {
			t.Errorf("free throw at %d: made, with rebound_by %d", ft.Released_ms, ft.ReboundBy)
		}
		var h *Hold
		for i := range tr.Holds {
			if tr.Holds[i].From_ms > ft.Released_ms {
				h = &tr.Holds[i]
				break
			}
		}
		if h == nil || h.PlayerID != ft.ReboundBy || h.Gained != "rebound" {
			t.Errorf("free throw at %d: rebound_by %d, the next hold is %+v", ft.Released_ms, ft.ReboundBy, h)
			continue
		}
		if off := h.TeamID == ft.TeamID; off != ft.OffensiveReb {
			t.Errorf("free throw at %d: offensive_rebound %v, rebounder's team %d, shooter's %d", ft.Released_ms, ft.OffensiveReb, h.TeamID, ft.TeamID)
		}
	}
	if rebounds == 0 {
		t.Errorf("no free throw with rebound_by in %d", len(tr.FreeThrows))
	}
	t.Logf("%d free throws, %d with rebound_by", len(tr.FreeThrows), rebounds)
}

// TestWriteReplaces checks that Write replaces a bundle as a whole: a
// recording of another compression is removed (a bundle holds one), and a
// cancelled run leaves the earlier bundle as it was, without temporary
// files.
func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	snapshot := func() map[string]string {
		t.Helper()
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			m[e.Name()] = string(b)
		}
		return m
	}
	names := func(m map[string]string) []string {
		var out []string
		for n := range m {
			out = append(out, n)
		}
		sort.Strings(out)
		return out
	}
	cfg := small(12)
	cfg.Minutes = 0.5
	for _, comp := range []string{"", "zst", "gz", ""} {
		cfg.Compress = comp
		if _, err := Write(context.Background(), cfg, dir, nil); err != nil {
			t.Fatal(err)
		}
		want := []string{FileCourt, FileLive, MessagesFile(comp), FileShots, FileStats, FileSubscribe, FileTruth}
		sort.Strings(want)
		if got := names(snapshot()); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after a run with compress %q: %v, want %v", comp, got, want)
		}
		if _, err := decode.OpenBundle(dir); err != nil {
			t.Errorf("compress %q: %v", comp, err)
		}
	}

	before := snapshot()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.Minutes, cfg.Seed, cfg.Compress = 3, 13, "zst"
	_, err := Write(ctx, cfg, dir, func(done, total float64) {
		if done > 0 {
			cancel() // half way: the recording is partly written
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: err %v, want context.Canceled", err)
	}
	after := snapshot()
	if fmt.Sprint(names(after)) != fmt.Sprint(names(before)) {
		t.Errorf("a cancelled run changed the files: %v, before %v", names(after), names(before))
	}
	for n, b := range before {
		if after[n] != b {
			t.Errorf("a cancelled run changed %s", n)
		}
	}
}

// A failed or cancelled Write leaves no directory it made (dir and its
// missing parents), and keeps those that were there: an interrupted
// 'stmotion synth --out new' had left new/ empty, which analyze then read
// as a bundle with nothing in it.
func TestWriteCancelledRemovesMadeDirs(t *testing.T) {
	root := t.TempDir()
	cfg := small(12)
	cfg.Minutes = 3
	for _, dir := range []string{filepath.Join(root, "new"), filepath.Join(root, "a", "b", "c")} {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := Write(ctx, cfg, dir, func(done, total float64) {
			if done > 0 {
				cancel() // half way: the recording is partly written
			}
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled run into %s: err %v, want context.Canceled", dir, err)
		}
		if ents, err := os.ReadDir(root); err != nil || len(ents) != 0 {
			t.Errorf("cancelled run into %s: %s holds %v (%v), want nothing: the directories made are removed", dir, root, ents, err)
		}
	}
	// An existing directory stays.
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Write(ctx, cfg, root, func(done, total float64) {
		if done > 0 {
			cancel()
		}
	})
	cancel()
	if _, serr := os.Stat(root); !errors.Is(err, context.Canceled) || serr != nil {
		t.Errorf("cancelled run into the existing %s: %v, and it is %v; want it kept", root, err, serr)
	}
}

// TestSampleVariety checks what SampleConfig promises the built-in sample
// holds, since every change to the simulator plays another game.
func TestSampleVariety(t *testing.T) {
	_, tr := messages(t, SampleConfig())
	has := map[string]bool{
		"corrections": len(tr.Corrections) > 0, "free throws": len(tr.FreeThrows) > 0,
		"substitutions": len(tr.Substitutions) > 0,
	}
	for _, s := range tr.Shots {
		has[fmt.Sprintf("3-pointer made %v", s.Make)] = has[fmt.Sprintf("3-pointer made %v", s.Make)] || s.Is3Point
		has[fmt.Sprintf("layup made %v", s.Make)] = has[fmt.Sprintf("layup made %v", s.Make)] || s.Layup
		has["assist"] = has["assist"] || s.AssistBy != 0
		has["offensive rebound"] = has["offensive rebound"] || s.OffensiveReb
		has["defensive rebound"] = has["defensive rebound"] || s.ReboundBy != 0 && !s.OffensiveReb
	}
	for _, tu := range tr.Turnovers {
		has["steal"] = has["steal"] || tu.Kind == "steal"
	}
	for _, p := range tr.Passes {
		has["pass out of bounds"] = has["pass out of bounds"] || p.OutOfBounds
	}
	for _, m := range tr.Markers {
		has["foul"] = has["foul"] || m.Type == "FOUL"
		has["second half"] = has["second half"] || m.Type == "START_SECOND_HALF"
	}
	for _, want := range []string{"3-pointer made true", "3-pointer made false", "layup made true", "layup made false",
		"assist", "offensive rebound", "defensive rebound", "steal", "pass out of bounds", "foul", "free throws",
		"substitutions", "corrections", "second half"} {
		if !has[want] {
			t.Errorf("the sample (seed %d) has no %s", SampleConfig().Seed, want)
		}
	}
}

// TestPracticeDrillLengths: a practice's breaks come on top of its drills
// (Minutes is the whole practice), so every drill lasts about 2.5
// minutes, and every break as long as half time. The breaks were taken
// out of the following drills: the 30-minute practice of seed 2 had a
// drill of 6.4 s, the 12-minute practices drills of 95 s.
func TestPracticeDrillLengths(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 84 minutes of practice")
	}
	for _, c := range []struct {
		minutes float64
		seed    int64
		drills  int
		break_s float64
	}{{12, 1, 4, 43.2}, {30, 2, 8, 90}, {30, 4, 8, 90}, {6, 121, 2, 25}, {6, 3, 2, 25}} {
		t.Run(fmt.Sprintf("%g min seed %d", c.minutes, c.seed), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Practice, cfg.Minutes, cfg.Seed = true, c.minutes, c.seed
			tr, err := Simulate(context.Background(), cfg, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var drills, breaks []float64
			var start, end int64
			for _, m := range tr.Markers {
				switch m.Type {
				case "DRILL_START":
					if end != 0 {
						breaks = append(breaks, float64(m.At_ms-end)/1000)
					}
					start = m.At_ms
				case "DRILL_END":
					end = m.At_ms
					drills = append(drills, float64(end-start)/1000)
				}
			}
			if len(drills) != c.drills {
				t.Fatalf("drills of %v s, want %d", drills, c.drills)
			}
			for _, d := range drills {
				if d < 110 || d > 200 {
					t.Errorf("drills of %v s (breaks %v s), want each about 150 s", drills, breaks)
					break
				}
			}
			for _, b := range breaks {
				if math.Abs(b-c.break_s) > 0.01 {
					t.Errorf("breaks of %v s, want %g s", breaks, c.break_s)
					break
				}
			}
			if end != tr.End_ms {
				t.Errorf("the last drill ends at %d ms, the practice at %d ms", end, tr.End_ms)
			}
		})
	}
}

// TestPracticeRounds: each drill's live information says what the drill
// is, as the API's live information of a shooting drill does (type
// SHOOTING): live.json the first's (a scrimmage), rounds.json each later
// one's under the live id its DRILL_NEXT names. A game has no
// rounds.json, and a game written over a practice leaves none behind.
// (Every drill was a SCRIMMAGE named "Practice scrimmage".)
func TestPracticeRounds(t *testing.T) {
	dir := t.TempDir()
	cfg := small(21)
	cfg.Practice, cfg.Minutes, cfg.Hz = true, 12, 10
	tr, err := Write(context.Background(), cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := decode.OpenBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	infos := append([]decode.LiveInfo{*b.Live}, b.Rounds...)
	ids := []string{b.Live.Teams[0].Live.ID}
	for _, m := range tr.Markers {
		if m.Type == "DRILL_NEXT" {
			ids = append(ids, m.LiveID)
		}
	}
	if len(ids) < 4 || len(infos) != len(ids) {
		t.Fatalf("%d drills, %d live informations (live.json and rounds.json), want one each, 4 or more", len(ids), len(infos))
	}
	for k, li := range infos {
		want := "SCRIMMAGE"
		if k%2 == 1 {
			want = "SHOOTING"
		}
		if len(li.Teams) != 1 {
			t.Fatalf("drill %d: %d teams, want the practice's one", k+1, len(li.Teams))
		}
		m := li.Teams[0].Live
		if m.ID != ids[k] || m.Type != want || !m.IsPracticeEvent || !strings.Contains(m.Name, fmt.Sprintf("drill %d", k+1)) ||
			m.Event == nil || m.Event.ID != b.Live.Teams[0].Live.Event.ID {
			t.Errorf("drill %d: live %+v, want id %s, type %s, named for the drill, the practice's event", k+1, m, ids[k], want)
		}
	}

	cfg.Practice, cfg.Minutes = false, 0.5
	if _, err := Write(context.Background(), cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileRounds)); err == nil {
		t.Errorf("a game written over a practice: %s left behind", FileRounds)
	}
}
