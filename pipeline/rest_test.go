package pipeline

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/inspect"
	"github.com/stmotion/stmotion/track"
)

// A bundle joined mid-game: the feed starts at restT0_ms; the REST state
// at the join (stats.json, shots.json) holds a shot of player 7 half a
// minute before and the box scores so far, of player 7, who scores again
// in the feed, and of player 8, whom the feed never names.
const restT0_ms = int64(1_700_000_100_000)

const (
	restStatsJSON = `{"teams":[{"id":1,"player_stats":[
 {"id":7,"version":4,"stats":{"FGA":1,"FG":1,"PTS":2,"DIST":1500}},
 {"id":8,"version":2,"stats":{"REB":3}}]}]}`
	restShotsJSON = `{"teams":[{"id":1,"player_shots":[{"id":7,"shots":[
 {"occurred_at":1700000070000,"is_make":true,"is_3point":false,"zone":3,"hoop_player_x":100,"hoop_player_y":200,"status":"RECORDED"}]}]}]}`
)

// restFeed is the feed verbatim as a client recorded it from the join:
// the marker a server resends on connect, 2 s of a player and the ball,
// and a missed shot of player 7 with its stats at 1 s. made, when not
// empty, goes before the first data message (the lines stmotion live
// makes of the REST state there).
func restFeed(made ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"type":"marker","data":{"occurred_at":%d,"type":"LIVE"}}`+"\n", restT0_ms-60_000)
	for _, l := range made {
		b.WriteString(l + "\n")
	}
	for i := int64(0); i <= 20; i++ {
		t := restT0_ms + i*100
		fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":7,"x":%d,"y":0,"z":1100}}`+"\n", t, -3000+i*100)
		fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"BALL","id":9,"x":%d,"y":0,"z":1200}}`+"\n", t, -3000+i*100)
		if i == 10 {
			fmt.Fprintf(&b, `{"type":"stats","data":{"occurred_at":%d,"team_id":1,"player_id":7,"stats":{"FGA":2.0},"classification":"TWO_POINT_MISS","version":5}}`+"\n", t)
			fmt.Fprintf(&b, `{"type":"shot","data":{"occurred_at":%d,"team_id":1,"player_id":7,"is_make":false,"is_3point":false,"zone":2,"hoop_player_x":-300,"hoop_player_y":50,"status":"RECORDED"}}`+"\n", t)
		}
	}
	return b.String()
}

// restMade are the lines stmotion live makes of restStatsJSON and
// restShotsJSON at the join (backfill.Filler.Join), as it records them.
var restMade = []string{
	`{"type":"shot","stmotion_source":"rest_join","data":{"occurred_at":1700000070000,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":3,"hoop_player_x":100,"hoop_player_y":200,"status":"RECORDED"}}`,
	`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":1700000100000,"team_id":1,"player_id":7,"stats":{"DIST":1500,"FG":1,"FGA":1,"PTS":2},"version":4}}`,
	`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":1700000100000,"team_id":1,"player_id":8,"stats":{"REB":3},"version":2}}`,
}

// restRun analyses a bundle of the given files, returning its summary,
// the times of its charted shots and its warnings.
func restRun(t *testing.T, files map[string]string) (*track.Summary, []int64, []string) {
	t.Helper()
	dir := t.TempDir()
	b := filepath.Join(dir, "game")
	if err := os.MkdirAll(b, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(b, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bundle, err := decode.OpenBundle(b)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(bundle, "game", options(filepath.Join(dir, "out")))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var shots []int64
	for _, s := range r.Shots() {
		shots = append(shots, s.T_ms)
	}
	slices.Sort(shots)
	return sum, shots, r.Warnings()
}

// box returns player's box score values.
func box(sum *track.Summary, player int64) map[string]float64 {
	for _, b := range sum.BoxScore {
		if b.PlayerID == player {
			return b.Values
		}
	}
	return nil
}

// A bundle in the documented format (the feed verbatim, the REST state at
// the join beside it) keeps the shots and box scores from before the
// join: analyze feeds stats.json and shots.json before the feed's first
// data message, as stmotion live does. A bundle stmotion live recorded,
// which holds the lines it made of them, gives the same, each shot once.
// quality.messages counts the recording's messages, as inspect does; the
// ones made of stats.json and shots.json are quality.rest_messages (they
// had been counted in messages, which then disagreed with inspect's).
func TestBundleRESTState(t *testing.T) {
	wantShots := []int64{restT0_ms - 30_000, restT0_ms + 1000}
	check := func(name string, files map[string]string, wantRest int64) *track.Summary {
		t.Helper()
		sum, shots, warns := restRun(t, files)
		rec := filepath.Join(t.TempDir(), "rec.jsonl")
		if err := os.WriteFile(rec, []byte(files[decode.BundleMessages]), 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := inspect.Read(context.Background(), rec, inspect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if q := sum.Quality; q.Messages != rep.Messages || q.RestMessages != wantRest {
			t.Errorf("%s: messages %d, rest messages %d; want inspect's %d, and %d", name, q.Messages, q.RestMessages, rep.Messages, wantRest)
		}
		if !slices.Equal(shots, wantShots) {
			t.Errorf("%s: shots at %v, want %v (the one of shots.json, then the feed's)", name, shots, wantShots)
		}
		if got, want := box(sum, 7), map[string]float64{"FGA": 2, "FG": 1, "PTS": 2, "DIST": 1500}; !maps.Equal(got, want) {
			t.Errorf("%s: player 7's box score %v, want %v", name, got, want)
		}
		if got, want := box(sum, 8), map[string]float64{"REB": 3}; !maps.Equal(got, want) {
			t.Errorf("%s: player 8's box score %v, want %v (stats.json's)", name, got, want)
		}
		if q := sum.Quality; q.RepeatedShots != 0 {
			t.Errorf("%s: %d repeated shots, want 0", name, q.RepeatedShots)
		}
		for _, w := range warns {
			if strings.Contains(w, "not used") {
				t.Errorf("%s: warning %q", name, w)
			}
		}
		return sum
	}
	check("documented format", map[string]string{
		decode.BundleStats: restStatsJSON, decode.BundleShots: restShotsJSON, decode.BundleMessages: restFeed(),
	}, int64(len(restMade)))
	// stmotion live's: the REST state is in messages.jsonl already, and
	// is not fed again (nor is its stats_details.json read: a broken one
	// changes nothing, as before).
	check("stmotion live's", map[string]string{
		decode.BundleStats: restStatsJSON, decode.BundleShots: restShotsJSON, decode.BundleStatsDetails: `{"teams":[`,
		decode.BundleMessages: restFeed(restMade...),
	}, 0)
	// stmotion live's, joined at the start with nothing to feed, then
	// again after a crash: stats.json and shots.json are the later
	// join's, whose lines come late in the feed; they are not the state
	// at its start, and are not fed there.
	lines := strings.SplitAfter(restFeed(), "\n")
	k := len(lines) - 3
	rejoined := strings.Join(lines[:k], "") + strings.Join(restMade, "\n") + "\n" + strings.Join(lines[k:], "")
	check("stmotion live's, re-joined", map[string]string{
		decode.BundleStats: restStatsJSON, decode.BundleShots: restShotsJSON, decode.BundleMessages: rejoined,
	}, 0)
}

// When stats_details.json says stats changed after the feed's first data
// message (the REST state is ahead of the feed), those are not fed: the
// feed delivers them. Player 7's DIST last changed at the end: it never
// lands at the start of its DIST checks, nor in the box score (the feed
// sends none here). His other stats, and player 8's, are fed.
func TestBundleRESTStateDetails(t *testing.T) {
	details := fmt.Sprintf(`{"teams":[{"id":1,"player_stats":[
 {"id":7,"stats":{"FGA":[{"occurred_at":%d,"value":1}],"FG":[{"occurred_at":%[1]d,"value":1}],"PTS":[{"occurred_at":%[1]d,"value":2}],"DIST":[{"occurred_at":%d,"value":1500}]}},
 {"id":8,"stats":{"REB":[{"occurred_at":%[1]d,"value":3}]}}]}]}`, restT0_ms-40_000, restT0_ms+60_000)
	sum, shots, _ := restRun(t, map[string]string{
		decode.BundleStats: restStatsJSON, decode.BundleShots: restShotsJSON, decode.BundleStatsDetails: details, decode.BundleMessages: restFeed(),
	})
	if len(shots) != 2 {
		t.Errorf("shots at %v, want 2", shots)
	}
	if got, want := box(sum, 7), map[string]float64{"FGA": 2, "FG": 1, "PTS": 2}; !maps.Equal(got, want) {
		t.Errorf("player 7's box score %v, want %v (no DIST: it changed after the feed's start)", got, want)
	}
	if got, want := box(sum, 8), map[string]float64{"REB": 3}; !maps.Equal(got, want) {
		t.Errorf("player 8's box score %v, want %v", got, want)
	}
}

// REST state that cannot be used is said so: a stats_details.json that
// does not parse (stats.json is then fed as it is), box scores with no
// time to give them (a recording with no timed message: the shots are
// fed all the same).
func TestBundleRESTStateWarnings(t *testing.T) {
	sum, _, warns := restRun(t, map[string]string{
		decode.BundleStats: restStatsJSON, decode.BundleShots: restShotsJSON, decode.BundleStatsDetails: `{"teams":[`, decode.BundleMessages: restFeed(),
	})
	if !slices.ContainsFunc(warns, func(w string) bool {
		return strings.Contains(w, decode.BundleStatsDetails) && strings.Contains(w, "not used")
	}) {
		t.Errorf("warnings %q: want one that stats_details.json is not used", warns)
	}
	if got := box(sum, 8); got["REB"] != 3 {
		t.Errorf("player 8's box score %v, want stats.json's REB 3", got)
	}

	// A shot the feed could not carry (zone 0) is left out, and said so.
	badShots := strings.Replace(restShotsJSON, `"zone":3`, `"zone":0`, 1)
	_, shots, warns := restRun(t, map[string]string{
		decode.BundleStats: restStatsJSON, decode.BundleShots: badShots, decode.BundleMessages: restFeed(),
	})
	if !slices.ContainsFunc(warns, func(w string) bool {
		return strings.Contains(w, "1 shot or box score of shots.json or stats.json not used") && strings.Contains(w, "zone")
	}) {
		t.Errorf("warnings %q: want one that a shot of shots.json is not used", warns)
	}
	if len(shots) != 1 {
		t.Errorf("shots %v: want the feed's only", shots)
	}

	ack := `{"data":{"socketSessionId":"x","serverAttributes":{}},"action":"subscribe","type":"ack"}` + "\n"
	sum, shots, warns = restRun(t, map[string]string{
		decode.BundleStats: restStatsJSON, decode.BundleShots: restShotsJSON, decode.BundleMessages: ack,
	})
	if !slices.ContainsFunc(warns, func(w string) bool {
		return strings.Contains(w, decode.BundleStats+": not used")
	}) {
		t.Errorf("warnings %q: want one that stats.json is not used", warns)
	}
	if len(sum.BoxScore) != 0 || len(shots) != 1 {
		t.Errorf("box scores %v, shots %v: want none, and shots.json's one", sum.BoxScore, shots)
	}
}

// restDistFeed is 20 s of a join 60 s into a game (live.json: restLive):
// player 7 runs along x at 1 m/s, as since the game's start, and the
// feed's DIST of him, every 5 s from the first location on, is his count
// since the start (6000 cm at the join, restDistAt); he misses a shot at
// 10 s (FGA 2), and the miss is corrected away at 15 s
// (DELETED_TWO_POINT_MISS, FGA 1). The feed's versions run from 10 to
// 16. Player 8 has no sensor and is not in the feed. made goes before
// the first data message.
func restDistFeed(made ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_START"}}`+"\n", restT0_ms-60_000)
	fmt.Fprintf(&b, `{"type":"marker","data":{"occurred_at":%d,"type":"LIVE"}}`+"\n", restT0_ms-60_000)
	for _, l := range made {
		b.WriteString(l + "\n")
	}
	version := 10
	for i := int64(0); i <= 200; i++ {
		t := restT0_ms + i*100
		fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":7,"x":%d,"y":0,"z":1100}}`+"\n", t, -10000+i*100)
		switch i {
		case 100:
			fmt.Fprintf(&b, `{"type":"stats","data":{"occurred_at":%d,"team_id":1,"player_id":7,"stats":{"FGA":2},"classification":"TWO_POINT_MISS","version":%d}}`+"\n", t, version)
			version++
		case 150:
			fmt.Fprintf(&b, `{"type":"stats","data":{"occurred_at":%d,"team_id":1,"player_id":7,"stats":{"FGA":1},"classification":"DELETED_TWO_POINT_MISS","version":%d}}`+"\n", t, version)
			version++
		}
		if i%50 == 0 {
			fmt.Fprintf(&b, `{"type":"stats","data":{"occurred_at":%d,"team_id":1,"player_id":7,"stats":{"DIST":%d},"classification":"DISTANCE","version":%d}}`+"\n", t, restDistAt(t), version)
			version++
		}
	}
	return b.String()
}

// restDistAt is player 7's DIST at t_ms, cm: 1 m/s since 60 s before the
// join.
func restDistAt(t_ms int64) int64 { return (t_ms - restT0_ms + 60_000) / 10 }

// restLive makes the bundle's session one that starts mid-event: its
// game started 60 s before the feed.
var restLive = fmt.Sprintf(`{"teams":[{"id":1,"name":"A","live":{"id":"g","type":"GAME_ROUND","started_at":%d}}]}`, restT0_ms-60_000)

// A DIST made of REST state is in the box score but never in the DIST
// check: the check's baseline is the feed's own first DIST, and nothing
// of the REST state is compared. The REST DIST of a join is older than
// the join (the last 5-s DIST before it): taken as the baseline at the
// first message's time, it inflated every ratio (1.25 here; 1.10–1.20
// on a synthetic game joined 20 s in). And a stats.json of the game's
// end, without stats_details.json (the documented bundle format has
// none), fed with its REST version, made every DIST of the feed stale:
// no check at all. Its box scores now go with version 0, so that the
// feed's versions replace them stat by stat (the correction of the miss
// too); the stats the feed never names (player 7's FG, PTS, REB, all of
// player 8's) stay the REST state's. A bundle stmotion live recorded,
// whose REST lines carry the REST version, keeps them out of the check
// as well.
func TestBundleRESTDistCheck(t *testing.T) {
	join := fmt.Sprintf(`{"teams":[{"id":1,"player_stats":[
 {"id":7,"version":9,"stats":{"FGA":1,"FG":1,"PTS":2,"REB":3,"DIST":%d}},
 {"id":8,"version":4,"stats":{"REB":3,"DIST":4000}}]}]}`, restDistAt(restT0_ms-5000))
	end := fmt.Sprintf(`{"teams":[{"id":1,"player_stats":[
 {"id":7,"version":16,"stats":{"FGA":1,"FG":1,"PTS":2,"REB":3,"DIST":%d}},
 {"id":8,"version":4,"stats":{"REB":3,"DIST":4000}}]}]}`, restDistAt(restT0_ms+20_000))
	made := []string{
		fmt.Sprintf(`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":%d,"team_id":1,"player_id":7,"stats":{"DIST":%d,"FG":1,"FGA":1,"PTS":2,"REB":3},"version":9}}`, restT0_ms, restDistAt(restT0_ms-5000)),
		fmt.Sprintf(`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":%d,"team_id":1,"player_id":8,"stats":{"DIST":4000,"REB":3},"version":4}}`, restT0_ms),
	}
	for _, c := range []struct {
		name  string
		stats string
		made  []string
	}{
		{"the join's stats.json", join, nil},
		{"the end's stats.json", end, nil},
		{"stmotion live's", join, made},
	} {
		dir := t.TempDir()
		for name, text := range map[string]string{
			decode.BundleStats: c.stats, decode.BundleLive: restLive, decode.BundleMessages: restDistFeed(c.made...),
		} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, err := decode.OpenBundle(dir)
		if err != nil {
			t.Fatal(err)
		}
		sink := &segmentSink{}
		r, err := OpenEngine(b, "g", Options{}, sink)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := r.Do(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// The feed's DISTs at 0, 5, ... 20 s, counted from the first.
		var got, want []string
		for _, g := range sink.segs {
			if g.Type == track.SegDistCheck {
				got = append(got, fmt.Sprintf("player %d at %d ms: feed %.0f cm", g.PlayerID, g.Start_ms-restT0_ms, g.FeedDist_cm))
			}
		}
		for s := int64(0); s <= 20; s += 5 {
			want = append(want, fmt.Sprintf("player 7 at %d ms: feed %d cm", s*1000, s*100))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: DIST checks\n%s\nwant\n%s", c.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		p := player(sum, 7)
		if p == nil || p.DistRatio < 0.97 || p.DistRatio > 1.03 || p.DistFlag != "" || p.DistStat_m != 20 {
			t.Errorf("%s: player 7 %+v: want a ratio of 1.00 and 20 m of the feed's DIST", c.name, p)
		}
		if p := player(sum, 8); p != nil && (p.DistRatio != 0 || p.DistFlag != "" || p.DistStat_m != 0) {
			t.Errorf("%s: player 8 %+v: want no ratio, no flag and none of the feed's DIST in the session", c.name, p)
		}
		if got, want := box(sum, 7), map[string]float64{"FGA": 1, "FG": 1, "PTS": 2, "REB": 3, "DIST": float64(restDistAt(restT0_ms + 20_000))}; !maps.Equal(got, want) {
			t.Errorf("%s: player 7's box score %v, want %v", c.name, got, want)
		}
		if got, want := box(sum, 8), map[string]float64{"REB": 3, "DIST": 4000}; !maps.Equal(got, want) {
			t.Errorf("%s: player 8's box score %v, want %v", c.name, got, want)
		}
		if sum.Quality.StaleStats != 0 {
			t.Errorf("%s: %d stale stats messages, want 0", c.name, sum.Quality.StaleStats)
		}
	}
}

// player returns player id's summary.
func player(sum *track.Summary, id int64) *track.PlayerSummary {
	for i := range sum.Players {
		if sum.Players[i].PlayerID == id {
			return &sum.Players[i]
		}
	}
	return nil
}

// A shot of shots.json that the feed delivers too, late, after its first
// data message (shots come a second or two after their time), counts
// once: the engine drops the feed's copy of a shot made of REST state,
// in live mode too, whether it is the same message or a correction of it
// (another zone). Before, the same message was counted a repeat (and warned of as
// a recording that repeats itself) and a corrected one charted twice.
func TestBundleRESTShotDeliveredLate(t *testing.T) {
	for name, zone := range map[string]int{"same": 3, "corrected": 4} {
		late := fmt.Sprintf(`{"type":"shot","data":{"occurred_at":%d,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":%d,"hoop_player_x":100,"hoop_player_y":200,"status":"RECORDED"}}`,
			restT0_ms-30_000, zone)
		lines := strings.SplitAfter(restFeed(), "\n")
		// After the first data messages (the marker, then player and ball).
		feed := strings.Join(slices.Insert(lines, 3, late+"\n"), "")
		sum, shots, warns := restRun(t, map[string]string{
			decode.BundleStats: restStatsJSON, decode.BundleShots: restShotsJSON, decode.BundleMessages: feed,
		})
		if want := []int64{restT0_ms - 30_000, restT0_ms + 1000}; !slices.Equal(shots, want) {
			t.Errorf("%s: shots at %v, want %v", name, shots, want)
		}
		if sum.Quality.RepeatedShots != 0 {
			t.Errorf("%s: %d repeated shots, want 0", name, sum.Quality.RepeatedShots)
		}
		for _, w := range warns {
			if strings.Contains(w, "repeat") {
				t.Errorf("%s: warning %q", name, w)
			}
		}
	}
}
