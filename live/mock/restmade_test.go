package mock_test

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	json "github.com/goccy/go-json"
	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live/mock"
)

// recordedMidGame turns the tiny bundle into one stmotion live recorded
// after joining mid-event: shots.json holds a shot from before the join,
// and messages.jsonl the lines live made of the REST state (marked
// "stmotion_source"): at the join, before the first data message, that
// shot and player 102's box score of stats.json; after a reconnect, a
// shot and a box score of player 202 the feed delivered while live was
// away. It returns the lines received (the tiny feed), which alone the
// websocket may replay.
func recordedMidGame(t *testing.T, dir string) (received [][]byte) {
	t.Helper()
	received = feedLines(t, dir)
	join := []string{
		fmt.Sprintf(`{"type":"shot","stmotion_source":"rest_join","data":{"occurred_at":%d,"team_id":%d,"player_id":101,"is_make":true,"is_3point":true,"zone":9,"hoop_player_x":5000,"hoop_player_y":4000,"status":"RECORDED"}}`, mock.TinyStart_ms-30_000, mock.TinyHomeTeam),
		fmt.Sprintf(`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":%d,"team_id":%d,"player_id":102,"stats":{"DEFENSIVE_REB":1,"REB":1},"version":1}}`, mock.TinyStart_ms, mock.TinyHomeTeam),
	}
	gap := []string{
		fmt.Sprintf(`{"type":"shot","stmotion_source":"rest_gap","data":{"occurred_at":%d,"team_id":%d,"player_id":202,"is_make":true,"is_3point":false,"zone":2,"hoop_player_x":-900,"hoop_player_y":300,"status":"RECORDED"}}`, mock.TinyStart_ms+750, mock.TinyAwayTeam),
		fmt.Sprintf(`{"type":"stats","stmotion_source":"rest_gap","data":{"occurred_at":%d,"team_id":%d,"player_id":202,"stats":{"FG":1,"FGA":1,"PTS":2},"version":6}}`, mock.TinyStart_ms+800, mock.TinyAwayTeam),
	}
	resumed := slices.IndexFunc(received, func(l []byte) bool {
		return bytes.Contains(l, fmt.Appendf(nil, `"occurred_at":%d`, mock.TinyStart_ms+800))
	})
	var feed bytes.Buffer
	for i, l := range received {
		switch i {
		case 1: // the first data message (a location)
			for _, m := range join {
				feed.WriteString(m + "\n")
			}
		case resumed: // the first after a reconnect
			for _, m := range gap {
				feed.WriteString(m + "\n")
			}
		}
		feed.Write(l)
		feed.WriteByte('\n')
	}
	shots := fmt.Sprintf(`{"teams":[{"id":%d,"player_shots":[{"id":101,"shots":[{"occurred_at":%d,"is_make":true,"is_3point":true,"zone":9,"hoop_player_x":5000,"hoop_player_y":4000,"status":"RECORDED"}]}]}]}`,
		mock.TinyHomeTeam, mock.TinyStart_ms-30_000)
	for name, text := range map[string][]byte{decode.BundleMessages: feed.Bytes(), decode.BundleShots: []byte(shots)} {
		if err := os.WriteFile(filepath.Join(dir, name), text, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return received
}

// A bundle stmotion live recorded mid-game is served as the server served
// it, each part through its own channel: the websocket replays only the
// lines received (none with the key "stmotion_source", which the API
// never sends, nor a stats message without classification), and /shots
// and the team history list each shot once: shots.json's (which the
// lines live made at the join repeat) and the one a reconnect's REST
// state filled in beside the feed's. /stats has the gap's box score.
func TestRecordedRESTState(t *testing.T) {
	dir := tinyDir(t)
	received := recordedMidGame(t, dir)
	s := start(t, dir, mock.Options{})

	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	got, err := readAll(c)
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("end of feed: err %v, want a normal close", err)
	}
	sameLines(t, "replay of a bundle stmotion live recorded", got, received)

	wantShots := [][2]int64{
		{101, mock.TinyStart_ms - 30_000}, {101, mock.TinyStart_ms + 500}, {201, mock.TinyStart_ms + 1200}, {202, mock.TinyStart_ms + 750},
	}
	byPlayerTime := func(a, b [2]int64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) }
	slices.SortFunc(wantShots, byPlayerTime)
	shotsOf := func(what string, teams []decode.TeamPlayerShots) {
		t.Helper()
		var got [][2]int64
		for _, tm := range teams {
			for _, p := range tm.PlayerShots {
				for _, sh := range p.Shots {
					got = append(got, [2]int64{p.ID, sh.OccurredAt_ms})
				}
			}
		}
		slices.SortFunc(got, byPlayerTime)
		if !slices.Equal(got, wantShots) {
			t.Errorf("%s: shots (player, occurred_at) %v, want each once: %v", what, got, wantShots)
		}
	}
	get := func(uri string, v any) {
		t.Helper()
		status, body, _ := do(t, s, "GET", uri, signNow)
		if status != 200 {
			t.Fatalf("GET %s: %d %s", uri, status, body)
		}
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %s: %v", uri, body, err)
		}
	}
	var shots decode.LiveShots
	get("/v1/data/live/"+s.LiveID()+"/shots", &shots)
	shotsOf("/shots", shots.Teams)

	var history []decode.TeamPlayerShots
	for _, team := range []int64{mock.TinyHomeTeam, mock.TinyAwayTeam} {
		var ts decode.TeamPlayerShots
		get(fmt.Sprintf("/v1/data/teams/%d/players/practice/shots?from=%d&to=%d", team, mock.TinyStart_ms-3_600_000, mock.TinyStart_ms+3_600_000), &ts)
		history = append(history, ts)
	}
	shotsOf("team history shots", history)

	var stats decode.LiveStats
	get("/v1/data/live/"+s.LiveID()+"/stats", &stats)
	box := map[int64]map[string]float64{}
	for _, tm := range stats.Teams {
		for _, p := range tm.PlayerStats {
			box[p.ID] = p.Stats
		}
	}
	if box[202]["PTS"] != 2 || box[102]["REB"] != 1 || box[101]["PTS"] != 2 {
		t.Errorf("/stats %v: want 202's PTS 2 (the gap's), 102's REB 1 (stats.json's), 101's PTS 2", box)
	}
}
