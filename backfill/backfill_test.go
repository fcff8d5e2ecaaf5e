package backfill

import (
	"errors"
	"math"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

func TestMade(t *testing.T) {
	f := func(line string, want bool) {
		t.Helper()
		if got := Made([]byte(line)); got != want {
			t.Errorf("Made(%s) = %v, want %v", line, got, want)
		}
	}
	f(`{"type":"shot","stmotion_source":"rest_join","data":{}}`, true)
	f(`{"type":"stats","data":{"occurred_at":1},"stmotion_source":"rest_gap"}`, true)
	f(`{"type":"shot","data":{"occurred_at":1}}`, false)
	f(`{"type":"marker","data":{"type":"X","live_id":"\"stmotion_source\""}}`, false)
	f(`{"type":"stats" , "stmotion_source" : "rest_join","data":{}}`, true)
	// A value that reads stmotion_source is not the key.
	f(`{"type":"marker","data":{"type":"X","live_id":"stmotion_source"}}`, false)
	f(`{"type":"marker","data":{"live_id":"stmotion_source","type":"X"}}`, false)
	f(`{"type":"marker","data":{"type":"X","live_id":"stmotion_source"`, false)
}

// The rules of Join that the example does not show: a followed live id
// gets none of the previous one's stats, nothing is fed when the feed
// starts before From_ms, a shot seen (whatever its fields) or a stats
// version as new is not fed, a box score without details goes with
// version 0 unless the session has stats of the player, as does one
// whose details do not date every stat, and box scores without a time
// are not fed (ErrNoTime) while the shots are.
func TestJoinRules(t *testing.T) {
	stats := &decode.LiveStats{Teams: []decode.TeamPlayerStats{{ID: 1, PlayerStats: []decode.PlayerStats{
		{ID: 7, Version: 9, Stats: map[string]float64{"PTS": 4, "REB": 2}},
		{ID: 8, Version: 3, Stats: map[string]float64{"AST": 1}},
	}}}}
	details := &decode.LiveStatsDetails{Teams: []decode.TeamPlayerStatsDetails{{ID: 1, PlayerStats: []decode.PlayerStatsDetails{
		{ID: 7, Stats: map[string][]decode.StatChange{"PTS": {{OccurredAt_ms: 1500, Value: 4}}, "REB": {{OccurredAt_ms: 800, Value: 2}}}},
	}}}}
	shots := &decode.LiveShots{Teams: []decode.TeamPlayerShots{{ID: 1, PlayerShots: []decode.PlayerShots{
		{ID: 7, Shots: []decode.ShotRecord{{OccurredAt_ms: 900, Zone: 3}, {OccurredAt_ms: 1200, Zone: 3}, {OccurredAt_ms: 1500, Zone: 3}}},
	}}}}
	run := func(st *State, to, newest int64, seen *Memo) (lines []string, err error) {
		var dec decode.Decoder
		var m decode.Message
		f := Filler{Seen: seen, Emit: func(_ decode.Kind, _ string, b []byte) error {
			if err := dec.Decode(b, &m); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			seen.Note(&m)
			lines = append(lines, string(b))
			return nil
		}}
		err = f.Join(st, to, newest, SourceJoin)
		return lines, err
	}
	same := func(what string, got []string, want ...string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: fed %d: %q, want %d: %q", what, len(got), got, len(want), want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: fed %d\n got %s\nwant %s", what, i, got[i], want[i])
			}
		}
	}
	shot := func(t_ms string) string {
		return `{"type":"shot","stmotion_source":"rest_join","data":{"occurred_at":` + t_ms + `,"team_id":1,"player_id":7,"is_make":false,"is_3point":false,"zone":3,"hoop_player_x":0,"hoop_player_y":0,"status":"RECORDED"}}`
	}

	// Followed from a live id whose session ended at 1000: its shot at
	// 900 and player 7's REB (changed at 800) are the previous live id's.
	got, err := run(&State{Stats: stats, Details: details, Shots: shots, From_ms: 1000, Followed: true, ShotsFrom_ms: 1000}, 2000, 0, &Memo{})
	if err != nil {
		t.Fatal(err)
	}
	same("followed", got, shot("1200"), shot("1500"),
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":2000,"team_id":1,"player_id":7,"stats":{"PTS":4},"version":0}}`,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":2000,"team_id":1,"player_id":8,"stats":{"AST":1},"version":0}}`)

	// A feed that starts at or before From_ms replays: nothing.
	got, _ = run(&State{Stats: stats, Shots: shots, From_ms: 2000}, 2000, 0, &Memo{})
	same("replay", got)

	// Seen: the shot at 1200 (with other fields), player 8's version 3.
	var seen Memo
	seen.Note(&decode.Message{Kind: decode.KindShot, Shot: decode.Shot{PlayerID: 7, OccurredAt_ms: 1200, IsMake: true}})
	seen.Note(&decode.Message{Kind: decode.KindStats, Stats: decode.Stats{PlayerID: 8, Version: 3, Present: decode.HasVersion}})
	got, _ = run(&State{Stats: stats, Shots: shots}, 1300, 0, &seen)
	same("seen", got, shot("900"),
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":1300,"team_id":1,"player_id":7,"stats":{"PTS":4,"REB":2},"version":0}}`)

	// A re-join: the session has player 7's version 5 (the recording's),
	// older than the REST state's 9, which is fed with its version to
	// replace the values of version 5.
	seen = Memo{}
	seen.Note(&decode.Message{Kind: decode.KindStats, Stats: decode.Stats{PlayerID: 7, Version: 5, Present: decode.HasVersion}})
	got, _ = run(&State{Stats: stats}, 1300, 0, &seen)
	same("re-join", got,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":1300,"team_id":1,"player_id":7,"stats":{"PTS":4,"REB":2},"version":9}}`,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":1300,"team_id":1,"player_id":8,"stats":{"AST":1},"version":0}}`)

	// No time: the shots, all of them, but not the box scores.
	got, err = run(&State{Stats: stats, Shots: shots}, math.MaxInt64, 0, &Memo{})
	if !errors.Is(err, ErrNoTime) {
		t.Errorf("no time: err %v, want ErrNoTime", err)
	}
	same("no time", got, shot("900"), shot("1200"), shot("1500"))
	// The details give one: the newest change.
	got, err = run(&State{Stats: stats, Details: details}, math.MaxInt64, 0, &Memo{})
	if err != nil || len(got) != 2 || got[0] != `{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":1500,"team_id":1,"player_id":7,"stats":{"PTS":4,"REB":2},"version":9}}` {
		t.Errorf("no message, details: %q, %v; want the box scores at 1500", got, err)
	}

	// Details that do not date a stat (the mock lists no change of 0:
	// player 9's DIST 0, first sent at the feed's last tick, version 58;
	// player 7's DIST 0 beside his dated PTS): not known to be as of the
	// join, the box score goes with version 0, so that the feed's own
	// DIST 0 of version 58 is not stale. A player the session has stats
	// of keeps the REST version.
	undated := &State{
		Stats: &decode.LiveStats{Teams: []decode.TeamPlayerStats{{ID: 1, PlayerStats: []decode.PlayerStats{
			{ID: 9, Version: 58, Stats: map[string]float64{"DIST": 0}},
			{ID: 7, Version: 9, Stats: map[string]float64{"PTS": 4, "DIST": 0}},
		}}}},
		Details: &decode.LiveStatsDetails{Teams: []decode.TeamPlayerStatsDetails{{ID: 1, PlayerStats: []decode.PlayerStatsDetails{
			{ID: 9, Stats: map[string][]decode.StatChange{}},
			{ID: 7, Stats: map[string][]decode.StatChange{"PTS": {{OccurredAt_ms: 1500, Value: 4}}}},
		}}}},
	}
	got, _ = run(undated, 2000, 0, &Memo{})
	same("undated", got,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":2000,"team_id":1,"player_id":9,"stats":{"DIST":0},"version":0}}`,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":2000,"team_id":1,"player_id":7,"stats":{"DIST":0,"PTS":4},"version":0}}`)
	seen = Memo{}
	seen.Note(&decode.Message{Kind: decode.KindStats, Stats: decode.Stats{PlayerID: 9, Version: 40, Present: decode.HasVersion}})
	got, _ = run(undated, 2000, 0, &seen)
	same("undated, seen", got,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":2000,"team_id":1,"player_id":9,"stats":{"DIST":0},"version":58}}`,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":2000,"team_id":1,"player_id":7,"stats":{"DIST":0,"PTS":4},"version":0}}`)

	// The boundaries, as Join's doc gives them. A stat last changed at
	// to is the REST state's, fed ("at or before to"): player 7's PTS
	// changed at 1500, fed with REB and the REST version, the box score
	// being whole.
	got, _ = run(&State{Stats: stats, Details: details}, 1500, 0, &Memo{})
	same("stat changed at to", got,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":1500,"team_id":1,"player_id":7,"stats":{"PTS":4,"REB":2},"version":9}}`,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":1500,"team_id":1,"player_id":8,"stats":{"AST":1},"version":0}}`)
	// A stat last changed at From_ms of a followed live id is the
	// previous live id's (REB at 800): not fed.
	got, _ = run(&State{Stats: stats, Details: details, From_ms: 800, Followed: true}, 2000, 0, &Memo{})
	same("stat changed at From_ms", got,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":2000,"team_id":1,"player_id":7,"stats":{"PTS":4},"version":0}}`,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":2000,"team_id":1,"player_id":8,"stats":{"AST":1},"version":0}}`)
	// Shots: ShotsFrom_ms < occurred_at ≤ to. For a followed live id
	// ShotsFrom_ms is the newest time the previous one had, often its
	// last shot's: fed again, that shot would count in both sessions.
	// A shot at to is the REST state's.
	got, _ = run(&State{Shots: shots, ShotsFrom_ms: 1200}, 1500, 0, &Memo{})
	same("shot at ShotsFrom_ms and at to", got, shot("1500"))
	got, _ = run(&State{Shots: shots, ShotsFrom_ms: 1199}, 1499, 0, &Memo{})
	same("shot after ShotsFrom_ms, before to", got, shot("1200"))
}

func TestAppendString(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := string(appendString(nil, in)); got != want {
			t.Errorf("appendString(%q) = %s, want %s", in, got, want)
		}
	}
	f("PTS", `"PTS"`)
	f(`a"b\c`, `"a\"b\\c"`)
	f("x\ny<&>", `"x\ny<&>"`)
	f("é", `"é"`)
}
