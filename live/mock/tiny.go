package mock

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	json "github.com/goccy/go-json"

	"github.com/stmotion/stmotion/decode"
)

// TinyLiveID is the live id of the bundle WriteTinyBundle writes.
const TinyLiveID = "7d3c1a52-5e0f-4c1a-9b7e-000000000001"

// Tiny bundle facts, for tests that check what the mock serves.
const (
	TinyStart_ms  = int64(1700000000000) // occurred_at of the first message
	TinySteps     = 20                   // location frames, 100 ms apart
	TinyBallID    = int64(2147549498)
	TinyHomeTeam  = int64(461)
	TinyAwayTeam  = int64(462)
	tinyStep_ms   = 100
	tinyStatsStep = 5
)

// WriteTinyBundle writes a small hand-made session bundle into dir (which
// must exist): a practice scrimmage of two teams of two players and a
// ball, 2 s of 10 Hz locations, two stats updates with their shots, a
// distance update and LIVE / PLAY_END markers; a baseline stats.json with
// one earlier stat. It is meant for tests and examples of the mock and of
// live-mode clients; it is not a simulation (see package synth for that).
func WriteTinyBundle(dir string) error {
	home, away := TinyHomeTeam, TinyAwayTeam
	meta := decode.LiveMeta{StartedAt_ms: TinyStart_ms - 60000, ID: TinyLiveID, Type: "SCRIMMAGE", Name: "tiny scrimmage",
		FacilityName: "Mock Gym", CourtName: "Main Court", LocationID: "/mock-facility/mock-court",
		IsPracticeEvent: true, Event: &decode.LiveEvent{StartedAt_ms: TinyStart_ms - 60000, ID: "7d3c1a52-5e0f-4c1a-9b7e-0000000000e1", Name: "Tiny Practice"}}
	info := decode.LiveInfo{Teams: []decode.LiveTeam{{ID: home, Name: "Home", Live: meta}, {ID: away, Name: "Away", Live: meta}}}
	player := func(id int64, first, last, jersey, pos string) decode.Player {
		return decode.Player{ID: id, FirstName: first, LastName: last, DisplayName: first + " " + last, JerseyNumber: decode.Jersey(jersey), Position: pos}
	}
	sub := decode.Subscribe{ActiveState: "LIVE", Teams: []decode.RosterTeam{
		{ID: home, Name: "Home", Players: []decode.Player{player(101, "Ada", "Guard", "1", "guard"), player(102, "Bo", "Center", "00", "center")}},
		{ID: away, Name: "Away", Players: []decode.Player{player(201, "Cy", "Forward", "23", "forward"), player(202, "Di", "Wing", "7", "guard")}},
	}}
	stats := decode.LiveStats{Teams: []decode.TeamPlayerStats{{ID: home, PlayerStats: []decode.PlayerStats{{
		ID: 102, PlayerDetails: decode.PlayerDetails{ID: 102, FirstName: "Bo", LastName: "Center"}, Version: 1,
		Stats: map[string]float64{"REB": 1, "DEFENSIVE_REB": 1},
	}}}}}
	court := `{"xne":14325,"yne":7620,"xse":14325,"yse":-7620,"xsw":-14325,"ysw":-7620,"xnw":-14325,"ynw":7620,"hoops":[{"x":-12750,"y":0,"z":3048},{"x":12750,"y":0,"z":3048}]}`

	var feed bytes.Buffer
	fmt.Fprintf(&feed, `{"type":"marker","data":{"occurred_at":%d,"type":"LIVE"}}`+"\n", TinyStart_ms)
	ids := []int64{101, 102, 201, 202}
	for step := 0; step < TinySteps; step++ {
		t := TinyStart_ms + int64(step*tinyStep_ms)
		for k, id := range ids {
			x, y := int64(-6000+k*3000+step*50), int64(-4000+k*2000-step*30)
			fmt.Fprintf(&feed, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":%d,"x":%d,"y":%d,"z":1100}}`+"\n", t, id, x, y)
		}
		fmt.Fprintf(&feed, `{"type":"location","data":{"occurred_at":%d,"type":"BALL","id":%d,"x":%d,"y":%d,"z":%d}}`+"\n", t, TinyBallID, -5000+step*120, -3000+step*40, 1000+step*60)
		switch step {
		case tinyStatsStep:
			fmt.Fprintf(&feed, `{"type":"stats","data":{"occurred_at":%d,"team_id":%d,"player_id":101,"stats":{"FGA":1.0,"FG":1.0,"PTS":2.0},"classification":"TWO_POINT_MAKE","version":2}}`+"\n", t, home)
			fmt.Fprintf(&feed, `{"type":"shot","data":{"occurred_at":%d,"team_id":%d,"player_id":101,"is_make":true,"is_3point":false,"zone":1,"hoop_player_x":685,"hoop_player_y":-475,"status":"RECORDED"}}`+"\n", t, home)
		case 12:
			fmt.Fprintf(&feed, `{"type":"stats","data":{"occurred_at":%d,"team_id":%d,"player_id":201,"stats":{"FGA":1.0,"FGA3":1.0},"classification":"THREE_POINT_MISS","version":3}}`+"\n", t, away)
			fmt.Fprintf(&feed, `{"type":"shot","data":{"occurred_at":%d,"team_id":%d,"player_id":201,"is_make":false,"is_3point":true,"zone":11,"hoop_player_x":-6200,"hoop_player_y":2100,"status":"RECORDED"}}`+"\n", t, away)
		case 15:
			fmt.Fprintf(&feed, `{"type":"stats","data":{"occurred_at":%d,"team_id":%d,"player_id":102,"stats":{"DIST":1234.0},"classification":"DISTANCE","version":4}}`+"\n", t, home)
		}
	}
	fmt.Fprintf(&feed, `{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_END"}}`+"\n", TinyStart_ms+int64(TinySteps*tinyStep_ms))

	files := map[string]any{"live.json": info, "subscribe.json": sub, "stats.json": stats}
	for name, v := range files {
		data, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("mock: tiny bundle %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("mock: tiny bundle: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "court.json"), []byte(court+"\n"), 0o644); err != nil {
		return fmt.Errorf("mock: tiny bundle: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "messages.jsonl"), feed.Bytes(), 0o644); err != nil {
		return fmt.Errorf("mock: tiny bundle: %w", err)
	}
	return nil
}
