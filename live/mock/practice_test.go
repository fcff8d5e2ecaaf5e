package mock_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
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
	// The events endpoint lists each drill, its _shots its own shots.
	var evs decode.TeamEvents
	getJSON(t, s, fmt.Sprintf("/v1/data/teams/461/events?from=%d&to=%d", from, to), &evs)
	if len(evs.Events) != 1 || len(evs.Events[0].Results) != len(ids)+1 {
		t.Fatalf("events: %+v, want the practice with its %d drills", evs, len(ids)+1)
	}
	for k, r := range evs.Events[0].Results {
		var sh decode.LiveShots
		getJSON(t, s, r.ShotsURL, &sh)
		if id := append([]string{s.LiveID()}, ids...)[k]; r.ID != id || len(shooters(sh.Teams...)) != shots[k] {
			t.Errorf("events result %d: %s %s, %d shots; want %s, the drill's %d", k, r.ID, r.Type, len(shooters(sh.Teams...)), id, shots[k])
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

// tinyDrillID is the live id of tinyPractice's second drill.
const tinyDrillID = "7d3c1a52-5e0f-4c1a-9b7e-0000000000d2"

// tinyPractice is the tiny bundle as a practice of two drills: the
// scrimmage (live.json's) until a DRILL_NEXT at +1 s naming a SHOOTING
// drill (rounds.json). Player 202 (away) makes a two in each drill, and
// late in the shooting drill two corrections arrive: 101's make of the
// scrimmage (+0.5 s) turns into a miss, and both of 202's makes too.
func tinyPractice(t *testing.T) string {
	t.Helper()
	dir := tinyDir(t)
	at := func(ms int64) []byte { return fmt.Appendf(nil, `"occurred_at":%d,`, mock.TinyStart_ms+ms) }
	stats := func(ms, team, player int64, stats, class string, version int) string {
		return fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":%d,"player_id":%d,"stats":%s,"classification":"%s","version":%d}}`,
			mock.TinyStart_ms+ms, team, player, stats, class, version)
	}
	home, away := mock.TinyHomeTeam, mock.TinyAwayTeam
	insert := []struct { // lines to write before the first line at ms
		ms    int64
		lines []string
	}{
		{300, []string{stats(300, away, 202, `{"FGA":1.0,"FG":1.0,"PTS":2.0}`, "TWO_POINT_MAKE", 10)}},
		{1000, []string{fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"%s","type":"DRILL_NEXT"}}`, mock.TinyStart_ms+1000, tinyDrillID)}},
		{1100, []string{stats(1100, away, 202, `{"FGA":2.0,"FG":2.0,"PTS":4.0}`, "TWO_POINT_MAKE", 11)}},
		{1700, []string{
			stats(1700, home, 101, `{"FGA":1.0,"FG":0.0,"PTS":0.0}`, "UPDATED_TWO_POINT_MAKE_TO_MISS", 12),
			stats(1700, away, 202, `{"FGA":2.0,"FG":0.0,"PTS":0.0}`, "UPDATED_TWO_POINT_MAKE_TO_MISS", 13),
		}},
	}
	var feed bytes.Buffer
	for _, l := range feedLines(t, dir) {
		if len(insert) > 0 && bytes.Contains(l, at(insert[0].ms)) {
			for _, x := range insert[0].lines {
				feed.WriteString(x + "\n")
			}
			insert = insert[1:]
		}
		feed.Write(l)
		feed.WriteByte('\n')
	}
	if len(insert) > 0 {
		t.Fatalf("tinyPractice: no line at +%d ms", insert[0].ms)
	}
	drill := decode.LiveMeta{StartedAt_ms: mock.TinyStart_ms + 1000, ID: tinyDrillID, Type: "SHOOTING", Name: "tiny shooting", IsPracticeEvent: true}
	rounds, err := json.Marshal([]decode.LiveInfo{{Teams: []decode.LiveTeam{{ID: home, Name: "Home", Live: drill}, {ID: away, Name: "Away", Live: drill}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, decode.BundleRounds), rounds, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, decode.BundleMessages), feed.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// getJSON GETs uri (a path, or a URL the mock gave) from a mock without
// auth into v.
func getJSON(t *testing.T, s *mock.Server, uri string, v any) {
	t.Helper()
	uri = strings.TrimPrefix(uri, s.URL())
	status, body, _ := do(t, s, "GET", uri, nil)
	if status != http.StatusOK || json.Unmarshal(body, v) != nil {
		t.Fatalf("GET %s: %d %s", uri, status, body)
	}
}

// shooters lists the shooter of each shot of a /shots or team history
// shots body, in order.
func shooters(teams ...decode.TeamPlayerShots) []int64 {
	var out []int64
	for _, tm := range teams {
		for _, p := range tm.PlayerShots {
			for range p.Shots {
				out = append(out, p.ID)
			}
		}
	}
	return out
}

// The team events endpoint lists each round of the session as its own
// result, as the API's example lists a game's two rounds: each drill of
// a practice with its live id, type, name and span, and links to its own
// stats and shots; a round's span as from/to selects that round's shots
// alone. (The mock listed the practice as one SCRIMMAGE round, the first
// drill's, spanning the whole practice, whose _shots gave the first
// drill's shots only; the later drills were never listed.)
func TestTeamEventsListsEachRound(t *testing.T) {
	s := start(t, tinyPractice(t), mock.Options{NoAuth: true})
	var evs decode.TeamEvents
	getJSON(t, s, fmt.Sprintf("/v1/data/teams/%d/events?from=%d&to=%d", mock.TinyHomeTeam, mock.TinyStart_ms-3_600_000, mock.TinyStart_ms+3_600_000), &evs)
	if len(evs.Events) != 1 {
		t.Fatalf("events: %+v, want the practice", evs)
	}
	ev := evs.Events[0]
	if !ev.IsPracticeEvent || ev.StartedAt_ms != mock.TinyStart_ms-60000 || ev.EndedAt_ms != mock.TinyStart_ms+2000 {
		t.Errorf("event %s: practice %v, %d..%d; want a practice from live.json's start to the feed's end", ev.ID, ev.IsPracticeEvent, ev.StartedAt_ms, ev.EndedAt_ms)
	}
	type result struct {
		id, typ, name string
		from, to      int64
		shooters      []int64
	}
	want := []result{
		{mock.TinyLiveID, "SCRIMMAGE", "tiny scrimmage", mock.TinyStart_ms - 60000, mock.TinyStart_ms + 999, []int64{101}},
		{tinyDrillID, "SHOOTING", "tiny shooting", mock.TinyStart_ms + 1000, mock.TinyStart_ms + 2000, []int64{201}},
	}
	var got []result
	for _, r := range ev.Results {
		g := result{id: r.ID, typ: r.Type, from: r.StartedAt_ms, to: r.EndedAt_ms}
		if r.Name != nil {
			g.name = *r.Name
		}
		var shots decode.LiveShots
		getJSON(t, s, r.ShotsURL, &shots)
		g.shooters = shooters(shots.Teams...)
		var stats decode.LiveStats
		getJSON(t, s, r.StatsURL, &stats)
		var details decode.LiveStatsDetails
		getJSON(t, s, r.StatsDetailsURL, &details)
		if !strings.Contains(r.StatsURL, r.ID) || !strings.Contains(r.StatsDetailsURL, r.ID) || len(stats.Teams) == 0 || len(details.Teams) == 0 {
			t.Errorf("result %s: links %s, %s give %+v, %+v; want its own stats", r.ID, r.StatsURL, r.StatsDetailsURL, stats, details)
		}
		got = append(got, g)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("results (id type name from to shooters by _shots)\n got %v\nwant %v", got, want)
	}
	for _, w := range want {
		var sh decode.TeamPlayerShots
		getJSON(t, s, fmt.Sprintf("/v1/data/teams/%d/players/practice/shots?from=%d&to=%d", mock.TinyAwayTeam, w.from, w.to), &sh)
		wantAway := slices.DeleteFunc(slices.Clone(w.shooters), func(id int64) bool { return id < 200 })
		if got := shooters(sh); !slices.Equal(got, wantAway) {
			t.Errorf("away practice/shots in %s's span %d..%d: shooters %v, want %v", w.id, w.from, w.to, got, wantAway)
		}
	}
}

// The practice/scrimmage and practice/shooting stats attribute a
// correction to the drill of the stat it corrects (the most recent drill
// where the player's stat rose), so no drill's stats are negative and
// the two add up to practice's. (A correction arriving in the shooting
// drill of a make in the scrimmage gave the shooting drill FG -1, PTS -2.)
func TestPracticeStatsCorrectionInLaterDrill(t *testing.T) {
	s := start(t, tinyPractice(t), mock.Options{NoAuth: true})
	from, to := mock.TinyStart_ms-3_600_000, mock.TinyStart_ms+3_600_000
	stats := func(activity string) map[int64]map[string]float64 {
		out := map[int64]map[string]float64{}
		for _, team := range []int64{mock.TinyHomeTeam, mock.TinyAwayTeam} {
			var st decode.TeamPlayerStats
			getJSON(t, s, fmt.Sprintf("/v1/data/teams/%d/players/%s/stats?from=%d&to=%d", team, activity, from, to), &st)
			for _, p := range st.PlayerStats {
				out[p.ID] = p.Stats
			}
		}
		return out
	}
	practice, scrimmage, shooting := stats("practice"), stats("practice/scrimmage"), stats("practice/shooting")
	for _, c := range []struct {
		activity string
		got      map[int64]map[string]float64
		want     map[int64]map[string]float64
	}{
		// 101's make (scrimmage) corrected in the shooting drill: the
		// scrimmage keeps the attempt, the shooting drill has nothing.
		// 202's two makes (one per drill) both corrected: each drill keeps
		// its attempt.
		{"practice/scrimmage", scrimmage, map[int64]map[string]float64{
			101: {"FGA": 1}, 102: {"REB": 1, "DEFENSIVE_REB": 1}, 202: {"FGA": 1}}},
		{"practice/shooting", shooting, map[int64]map[string]float64{
			102: {"DIST": 1234}, 201: {"FGA": 1, "FGA3": 1}, 202: {"FGA": 1}}},
	} {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s stats\n got %v\nwant %v", c.activity, c.got, c.want)
		}
	}
	for id, ps := range practice {
		for k, v := range ps {
			if sum := scrimmage[id][k] + shooting[id][k]; sum != v {
				t.Errorf("player %d %s: scrimmage %g + shooting %g = %g, want practice's %g", id, k, scrimmage[id][k], shooting[id][k], sum, v)
			}
		}
	}
}
