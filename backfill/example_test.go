package backfill_test

import (
	"fmt"

	"github.com/stmotion/stmotion/backfill"
	"github.com/stmotion/stmotion/decode"
)

// A join mid-game: the REST state holds a shot from before the feed's
// first data message (at 5000) and one after it (the feed delivers
// that one), and a box score; /stats/details says its DIST changed after
// 5000, so the feed delivers that too, and the rest goes with version 0.
func ExampleFiller_Join() {
	st := &backfill.State{
		Stats: &decode.LiveStats{Teams: []decode.TeamPlayerStats{{ID: 1, PlayerStats: []decode.PlayerStats{
			{ID: 7, Version: 9, Stats: map[string]float64{"PTS": 4, "DIST": 2100}},
		}}}},
		Details: &decode.LiveStatsDetails{Teams: []decode.TeamPlayerStatsDetails{{ID: 1, PlayerStats: []decode.PlayerStatsDetails{
			{ID: 7, Stats: map[string][]decode.StatChange{"PTS": {{OccurredAt_ms: 3000, Value: 4}}, "DIST": {{OccurredAt_ms: 9000, Value: 2100}}}},
		}}}},
		Shots: &decode.LiveShots{Teams: []decode.TeamPlayerShots{{ID: 1, PlayerShots: []decode.PlayerShots{
			{ID: 7, Shots: []decode.ShotRecord{{OccurredAt_ms: 3000, IsMake: true, Zone: 3}, {OccurredAt_ms: 6000, Zone: 4}}},
		}}}},
	}
	var seen backfill.Memo
	var dec decode.Decoder
	var m decode.Message
	f := backfill.Filler{Seen: &seen, Emit: func(_ decode.Kind, _ string, line []byte) error {
		if err := dec.Decode(line, &m); err != nil {
			return err
		}
		seen.Note(&m) // and feed m to the engine
		fmt.Printf("%s\n", line)
		return nil
	}}
	if err := f.Join(st, 5000, 0, backfill.SourceJoin); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"type":"shot","stmotion_source":"rest_join","data":{"occurred_at":3000,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":3,"hoop_player_x":0,"hoop_player_y":0,"status":"RECORDED"}}
	// {"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":5000,"team_id":1,"player_id":7,"stats":{"PTS":4},"version":0}}
}
