package track

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/synth"
)

// withJunk writes the recording at path with n one-sample player ids
// (900000...) inserted after its first line, at the time of its first
// location sample, each repeated k times at 40 ms steps; it returns the
// new path.
func withJunk(tb testing.TB, path string, n, k int) string {
	tb.Helper()
	return withJunkOf(tb, path, "PLAYER", n, k)
}

// withJunkOf is withJunk with bogus ids of the given location type
// (PLAYER or BALL).
func withJunkOf(tb testing.TB, path, typ string, n, k int) string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	var t0 int64
	for _, l := range lines {
		if _, err := fmt.Sscanf(l, `{"type":"location","data":{"occurred_at":%d`, &t0); err == nil {
			break
		}
	}
	if t0 == 0 {
		tb.Fatal("no location line")
	}
	var b strings.Builder
	b.WriteString(lines[0])
	for j := range k {
		for i := range n {
			fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"%s","id":%d,"x":0,"y":0,"z":0}}`+"\n", t0+int64(j)*40, typ, 900000+i)
		}
	}
	for _, l := range lines[1:] {
		b.WriteString(l)
	}
	out := filepath.Join(tb.TempDir(), "junk.jsonl")
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return out
}

// A burst of bogus one-sample ids filling Config.MaxSensors in front of
// a game used to keep every roster player and the ball out of the whole
// session (0 m each, no ball): they take the bogus ids' places instead,
// and the figures are the clean game's.
func TestJunkIDsEvicted(t *testing.T) {
	sc := synth.DefaultConfig()
	sc.Minutes, sc.Seed = 0.3, 3
	_, meta, path := synthBundle(t, sc)
	cfg := DefaultConfig()
	cfg.MaxSensors = 40
	runOn := func(p string) *Summary { return summariseWithAnalyzers(t, cfg, meta, p) }
	clean := runOn(path)
	cq := clean.Quality
	if cq.PlayerSensors == 0 || cq.BallSensors == 0 || cq.DroppedSensors != 0 {
		t.Fatalf("clean game: quality %+v", cq)
	}
	junk := runOn(withJunk(t, path, cfg.MaxSensors, 1))
	q := junk.Quality
	// The real sensors took the places of as many bogus ids; the other
	// bogus ids stay, as unknown ids.
	evicted := cq.PlayerSensors + cq.BallSensors
	left := int64(cfg.MaxSensors) - evicted
	if q.EvictedSensors != evicted || q.PlayerSensors != cq.PlayerSensors+left || q.BallSensors != cq.BallSensors || q.UnknownIDs != cq.UnknownIDs+left || q.DroppedSensors != 0 {
		t.Errorf("with junk: evicted %d, player_sensors %d, ball_sensors %d, unknown_ids %d, dropped %d; want %d, %d, %d, %d, 0",
			q.EvictedSensors, q.PlayerSensors, q.BallSensors, q.UnknownIDs, q.DroppedSensors, evicted, cq.PlayerSensors+left, cq.BallSensors, cq.UnknownIDs+left)
	}
	for _, p := range clean.Players {
		g := player(junk, p.PlayerID)
		if g == nil || g.Distance_m != p.Distance_m || g.Possession_s != p.Possession_s || g.TopSpeed_mps != p.TopSpeed_mps {
			t.Errorf("player %d with junk: %+v; want the clean game's %.2f m, possession %.1f s", p.PlayerID, g, p.Distance_m, p.Possession_s)
		}
	}

	// Bogus ball ids are victims too: a burst of them kept every player
	// and the game ball out.
	balls := runOn(withJunkOf(t, path, "BALL", cfg.MaxSensors, 1))
	if q := balls.Quality; q.EvictedSensors != evicted || q.DroppedSensors != 0 {
		t.Errorf("with bogus ball ids: evicted %d, dropped %d; want %d, 0", q.EvictedSensors, q.DroppedSensors, evicted)
	}
	for _, p := range clean.Players {
		if g := player(balls, p.PlayerID); g == nil || g.Distance_m != p.Distance_m || g.Possession_s != p.Possession_s {
			t.Errorf("player %d with bogus ball ids: %+v; want the clean game's %.2f m, possession %.1f s", p.PlayerID, g, p.Distance_m, p.Possession_s)
		}
	}

	// Without a roster (a bare recording), the players the feed's stats
	// name take bogus ids' places as roster players do: they were kept
	// out, and listed with 0 m.
	bare := meta
	bare.Roster = nil
	noRoster := func(p string) *Summary { return summariseWithAnalyzers(t, cfg, bare, p) }
	cleanBare, junkBare := noRoster(path), noRoster(withJunk(t, path, cfg.MaxSensors, 1))
	named := 0
	for _, p := range cleanBare.Players {
		if p.DistStat_m == 0 {
			continue // named by no stats: no more real than a bogus id
		}
		named++
		// From the sample after the stats name him.
		if g := player(junkBare, p.PlayerID); g == nil || g.Distance_m < 0.95*p.Distance_m {
			t.Errorf("no roster, player %d (named by the stats) with junk: %+v; want about the clean game's %.2f m", p.PlayerID, g, p.Distance_m)
		}
	}
	if named == 0 {
		t.Fatal("no roster: the stats name no player")
	}

	// Bogus ids with more than two samples each are no victims: the
	// players and the ball are dropped, and counted as theirs.
	junk = runOn(withJunk(t, path, cfg.MaxSensors, 3))
	q = junk.Quality
	if q.EvictedSensors != 0 || q.BallSensors != 0 || q.DroppedBallSamples == 0 || q.DroppedRosterSamples == 0 || q.DroppedSensors < q.DroppedBallSamples+q.DroppedRosterSamples {
		t.Errorf("junk of three samples each: evicted %d, ball_sensors %d, dropped %d (ball %d, roster %d); want 0, 0, and ball and roster samples counted",
			q.EvictedSensors, q.BallSensors, q.DroppedSensors, q.DroppedBallSamples, q.DroppedRosterSamples)
	}
}

// idTable.remove keeps every other id findable (backward shift), against
// a map, with ids that collide in few slots.
func TestIDTableRemove(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tb idTable
	want := map[int64]*sensor{}
	for range 20000 {
		id := rng.Int64N(200)
		switch rng.IntN(3) {
		case 0, 1:
			sn := &sensor{id: id}
			tb.put(id, sn)
			want[id] = sn
		default:
			tb.remove(id)
			delete(want, id)
		}
		if tb.n != len(want) {
			t.Fatalf("n = %d, want %d", tb.n, len(want))
		}
	}
	for id := range int64(200) {
		if got := tb.get(id); got != want[id] {
			t.Errorf("get(%d) = %p, want %p", id, got, want[id])
		}
	}
}

// A roster player and the ball that first appear once the grid runs take
// the places of bogus ids whose tick rings the grid has used: the same
// figures as without the bogus ids, in batch and live mode.
func TestJunkIDsEvictedLate(t *testing.T) {
	sc := synth.DefaultConfig()
	sc.Minutes, sc.Seed = 0.3, 5
	_, meta, path := synthBundle(t, sc)
	// The first 8 s of one roster player and of the ball are cut.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var late int64
	for _, tm := range meta.Roster {
		if len(tm.Players) > 0 {
			late = tm.Players[0].ID
			break
		}
	}
	var t0 int64
	var b strings.Builder
	for _, l := range strings.SplitAfter(string(data), "\n") {
		var tl int64
		if _, err := fmt.Sscanf(l, `{"type":"location","data":{"occurred_at":%d`, &tl); err == nil {
			if t0 == 0 {
				t0 = tl
			}
			if tl < t0+8000 && (strings.Contains(l, fmt.Sprintf(`"id":%d,`, late)) || strings.Contains(l, `"BALL"`)) {
				continue
			}
		}
		b.WriteString(l)
	}
	cut := filepath.Join(t.TempDir(), "cut.jsonl")
	if err := os.WriteFile(cut, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, causal := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.Causal = causal
		runOn := func(p string) *Summary { return summariseWithAnalyzers(t, cfg, meta, p) }
		clean := runOn(cut)
		// As many bogus ids as leave no place for the late two.
		n := cfg.MaxSensors - int(clean.Quality.PlayerSensors+clean.Quality.BallSensors) + 2
		junk := runOn(withJunk(t, cut, n, 1))
		if q := junk.Quality; q.EvictedSensors != 2 || q.DroppedSensors != 0 || q.BallSensors != 1 {
			t.Errorf("causal %v: evicted %d, dropped %d, ball_sensors %d; want 2, 0, 1", causal, q.EvictedSensors, q.DroppedSensors, q.BallSensors)
		}
		for _, p := range clean.Players {
			g := player(junk, p.PlayerID)
			if g == nil || g.Distance_m != p.Distance_m || g.Possession_s != p.Possession_s || g.TopSpeed_mps != p.TopSpeed_mps {
				t.Errorf("causal %v: player %d with junk: %+v; want the clean game's %.2f m, possession %.1f s", causal, p.PlayerID, g, p.Distance_m, p.Possession_s)
			}
		}
		if p := player(clean, late); p == nil || p.Distance_m == 0 {
			t.Errorf("causal %v: the late player %d did not move: %+v", causal, late, p)
		}
	}
}

// summariseWithAnalyzers runs a session of cfg, with the analyzers
// analyze attaches, on the recording at path and returns its summary.
func summariseWithAnalyzers(t *testing.T, cfg Config, meta Meta, path string) *Summary {
	t.Helper()
	s, err := NewSession(cfg, meta)
	if err != nil {
		t.Fatal(err)
	}
	attachAnalyzers(t, s, meta, false)
	feedRecording(t, s, path, nil)
	sum, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestEvictLiveFramesAhead: in live mode, a sensor that took a bogus
// id's place once the grid ran gets live frames ahead of the grid (a
// dropout of another sensor holds the grid back). Before, evict dropped
// the sensor's scratch speeds of those frames, and the first such frame
// with the new id's estimate panicked (index out of range): a corrupt
// feed could stop stmotion live.
func TestEvictLiveFramesAhead(t *testing.T) {
	sc := synth.DefaultConfig()
	sc.Minutes, sc.Seed = 0.5, 5
	sc.DropoutsPerMin = 30
	_, meta, path := synthBundle(t, sc)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Every player but those whose ids start with 4 starts 8 s late,
	// once the grid runs and the bogus ids fill the sensors.
	var t0 int64
	var b strings.Builder
	for _, l := range strings.SplitAfter(string(data), "\n") {
		var tl int64
		if _, err := fmt.Sscanf(l, `{"type":"location","data":{"occurred_at":%d`, &tl); err == nil {
			if t0 == 0 {
				t0 = tl
			}
			if tl < t0+8000 && strings.Contains(l, `"PLAYER"`) && !strings.Contains(l, `"id":4`) {
				continue
			}
		}
		b.WriteString(l)
	}
	cut := filepath.Join(t.TempDir(), "cut.jsonl")
	if err := os.WriteFile(cut, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Causal = true
	cfg.MaxSensors = 12
	sum := summariseWithAnalyzers(t, cfg, meta, withJunk(t, cut, 30, 1))
	if q := sum.Quality; q.EvictedSensors == 0 {
		t.Fatalf("no sensor evicted (dropped %d): the test misses its case", q.DroppedSensors)
	}
}
