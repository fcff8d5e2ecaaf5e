package mock_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	json "github.com/goccy/go-json"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/synth"
)

// TestPracticeDrillTypes: each drill of a simulated practice is served
// under its live id with its own type (the first a SCRIMMAGE, the
// second a SHOOTING drill, from rounds.json), and the team history's
// practice/scrimmage and practice/shooting endpoints give the stats and
// shots of the drills of that type, which add up to practice's. (Every
// live id answered SCRIMMAGE, and practice/shooting gave no shot.)
func TestPracticeDrillTypes(t *testing.T) {
	dir := t.TempDir()
	cfg := synth.DefaultConfig()
	cfg.Practice, cfg.Minutes, cfg.Hz, cfg.Seed = true, 6, 10, 3
	if _, err := synth.Write(context.Background(), cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
	// The feed's shot lines and FGA changes by drill (round: the lines
	// after each DRILL_NEXT), and where each drill starts.
	f, err := os.Open(filepath.Join(dir, decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		ids      []string
		starts   []int64
		shots    = []int{0}
		fga      = []float64{0}
		lastFGA  = map[int64]float64{}
		dec      decode.Decoder
		m        decode.Message
		first_ms int64
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if err := dec.Decode(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if first_ms == 0 {
			first_ms = m.OccurredAt_ms()
		}
		k := len(shots) - 1
		switch m.Kind {
		case decode.KindShot:
			shots[k]++
		case decode.KindStats:
			if m.Stats.Has.Has(decode.StatFGA) {
				v := m.Stats.Values[decode.StatFGA]
				fga[k] += v - lastFGA[m.Stats.PlayerID]
				lastFGA[m.Stats.PlayerID] = v
			}
		case decode.KindMarker:
			if m.Marker.Type == decode.MarkerDrillNext {
				ids = append(ids, string(m.Marker.LiveID.AppendUnescaped(nil, sc.Bytes())))
				starts = append(starts, m.Marker.OccurredAt_ms)
				shots, fga = append(shots, 0), append(fga, 0)
			}
		}
	}
	if len(ids) != 1 || shots[1] == 0 {
		t.Fatalf("a 6-minute practice: drills after the first %v, shots per drill %v; want one shooting drill with shots", ids, shots)
	}

	s := start(t, dir, mock.Options{NoAuth: true})
	typeOf := func(id string) string {
		status, body, _ := do(t, s, "GET", "/v1/data/live/"+id, nil)
		var li decode.LiveInfo
		if status != http.StatusOK || json.Unmarshal(body, &li) != nil || len(li.Teams) == 0 || li.Teams[0].Live.ID != id {
			t.Fatalf("GET live %s: %d %s", id, status, body)
		}
		return li.Teams[0].Live.Type
	}
	if a, b := typeOf(s.LiveID()), typeOf(ids[0]); a != "SCRIMMAGE" || b != "SHOOTING" {
		t.Errorf("drill types %s, %s; want SCRIMMAGE, SHOOTING", a, b)
	}

	history := func(what, activity string, from, to int64) (n int, fga float64, reb float64) {
		uri := fmt.Sprintf("/v1/data/teams/461/players/%s/%s?from=%d&to=%d", activity, what, from, to)
		status, body, _ := do(t, s, "GET", uri, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", uri, status, body)
		}
		if what == "shots" {
			var sh decode.TeamPlayerShots
			if err := json.Unmarshal(body, &sh); err != nil {
				t.Fatal(err)
			}
			for _, p := range sh.PlayerShots {
				n += len(p.Shots)
			}
			return n, 0, 0
		}
		var st decode.TeamPlayerStats
		if err := json.Unmarshal(body, &st); err != nil {
			t.Fatal(err)
		}
		for _, p := range st.PlayerStats {
			fga += p.Stats["FGA"]
			reb += p.Stats["REB"]
		}
		return len(st.PlayerStats), fga, reb
	}
	from, to := first_ms-1000, first_ms+int64(cfg.Minutes*60_000)+1000
	for _, c := range []struct {
		activity string
		shots    int
		fga      float64
	}{
		{"practice", shots[0] + shots[1], fga[0] + fga[1]},
		{"practice/scrimmage", shots[0], fga[0]},
		{"practice/shooting", shots[1], fga[1]},
		{"game", 0, 0},
	} {
		if n, _, _ := history("shots", c.activity, from, to); n != c.shots {
			t.Errorf("%s/shots: %d shots, want %d", c.activity, n, c.shots)
		}
		_, got, reb := history("stats", c.activity, from, to)
		if got != c.fga {
			t.Errorf("%s/stats: FGA %g, want %g", c.activity, got, c.fga)
		}
		if c.activity == "practice/shooting" && reb != 0 {
			t.Errorf("%s/stats: REB %g, want none (a shooting drill records no rebounds)", c.activity, reb)
		}
	}
	// A range that holds only the shooting drill: only its shots.
	if n, _, _ := history("shots", "practice", starts[0]+1, to); n != shots[1] {
		t.Errorf("practice/shots from the shooting drill's start: %d shots, want its %d", n, shots[1])
	}
	if n, _, _ := history("shots", "practice/scrimmage", starts[0]+1, to); n != 0 {
		t.Errorf("practice/scrimmage/shots from the shooting drill's start: %d shots, want 0", n)
	}
}

// A rounds.json entry for a live id no PLAY_NEXT / DRILL_NEXT of the
// feed names, or without a live id, is refused, naming the file.
func TestRoundsFileErrors(t *testing.T) {
	for _, body := range []string{
		`[{"teams":[{"id":461,"live":{"id":"not-a-round","type":"SHOOTING"}}]}]`,
		`[{"teams":[{"id":461,"live":{"type":"SHOOTING"}}]}]`,
		`{"teams":[]}`,
	} {
		dir := tinyDir(t)
		if err := os.WriteFile(filepath.Join(dir, decode.BundleRounds), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := mock.New(dir, mock.Options{}); err == nil || !strings.Contains(err.Error(), decode.BundleRounds) {
			t.Errorf("rounds.json %s: err %v, want one naming %s", body, err, decode.BundleRounds)
		}
	}
}
