package live

import (
	"bytes"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/backfill"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
)

// TestFillGap: after a reconnect, the REST state's shots between the last
// message before the drop and the first one after are fed (once), and
// box scores newer than the newest stats received are fed as stats
// messages; a feed that resumes before where it stopped (a replay) gets
// nothing.
func TestFillGap(t *testing.T) {
	s, dir, feed := newHandleSession(t)
	feed(`{"type":"location","data":{"occurred_at":1000,"type":"PLAYER","id":7,"x":0,"y":0,"z":0}}`)
	feed(`{"type":"stats","data":{"occurred_at":1200,"team_id":1,"player_id":8,"stats":{"PTS":2.0},"classification":"TWO_POINT_MAKE","version":2}}`)
	feed(`{"type":"shot","data":{"occurred_at":1500,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":1,"hoop_player_x":1,"hoop_player_y":2,"status":"RECORDED"}}`)

	shot := func(t_ms int64) decode.ShotRecord {
		return decode.ShotRecord{OccurredAt_ms: t_ms, IsMake: true, Zone: 3, HoopPlayerX_mm: 10, HoopPlayerY_mm: 20, Status: "RECORDED"}
	}
	state := func() (*decode.LiveStats, *decode.LiveShots) {
		return &decode.LiveStats{Teams: []decode.TeamPlayerStats{{ID: 1, PlayerStats: []decode.PlayerStats{
				{ID: 7, Version: 9, Stats: map[string]float64{"PTS": 4, "FG": 2}},
				{ID: 8, Version: 2, Stats: map[string]float64{"PTS": 2}},
			}}}},
			&decode.LiveShots{Teams: []decode.TeamPlayerShots{{ID: 1, PlayerShots: []decode.PlayerShots{
				{ID: 7, Shots: []decode.ShotRecord{shot(1500), shot(2500), shot(4000)}},
			}}}}
	}
	// The feed drops after 1500 and resumes at 3000.
	s.gapStats, s.gapShots = state()
	s.gapFrom, s.gapArmed = s.lastT_ms, true
	feed(`{"type":"location","data":{"occurred_at":3000,"type":"PLAYER","id":7,"x":0,"y":0,"z":0}}`)
	if s.res.GapFilled != 2 {
		t.Errorf("gap filled %d messages, want 2 (the shot at 2500, player 7's box score v9)", s.res.GapFilled)
	}
	// A later replay of the same gap adds nothing.
	s.gapStats, s.gapShots = state()
	s.gapFrom, s.gapArmed = 3000, true
	feed(`{"type":"location","data":{"occurred_at":2900,"type":"PLAYER","id":9,"x":0,"y":0,"z":0}}`)
	if s.res.GapFilled != 2 {
		t.Errorf("gap filled %d after a replay, want still 2", s.res.GapFilled)
	}
	s.rec.Flush()
	data, _ := os.ReadFile(filepath.Join(dir, decode.BundleMessages))
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	var dec decode.Decoder
	var m decode.Message
	var synth int
	for _, l := range lines {
		if err := dec.Decode(l, &m); err != nil {
			t.Errorf("recorded line does not decode: %s: %v", l, err)
		}
		if bytes.Contains(l, []byte(`"stmotion_source":"rest_gap"`)) {
			synth++
			if m.Kind == decode.KindShot && m.Shot.OccurredAt_ms != 2500 {
				t.Errorf("gap shot at %d, want 2500", m.Shot.OccurredAt_ms)
			}
			if m.Kind == decode.KindStats && (m.Stats.PlayerID != 7 || m.Stats.Version != 9 || m.Stats.OccurredAt_ms != 3000) {
				t.Errorf("gap stats %+v, want player 7 v9 at 3000", m.Stats)
			}
		}
	}
	if synth != 2 || len(lines) != 7 {
		t.Errorf("%d lines with %d synthesised; want 7 with 2:\n%s", len(lines), synth, data)
	}
}

// TestFillGapAfterResentMarkers: a server resends the period's markers
// on connect, and those the session has not seen (the clock paused and
// went live again during the outage) come before the data, with the
// times they happened at. The gap runs from the last data message before
// the drop (not a marker after it) to the first data message after the
// reconnect (not a marker): every shot in it is fed, and the box scores
// at the time the feed resumed. A connection dropped again before any
// data keeps the gap's start.
func TestFillGapAfterResentMarkers(t *testing.T) {
	s, dir, feed := newHandleSession(t)
	feed(`{"type":"marker","data":{"occurred_at":900,"type":"LIVE"}}`)
	feed(`{"type":"location","data":{"occurred_at":1000,"type":"PLAYER","id":7,"x":0,"y":0,"z":0}}`)
	feed(`{"type":"marker","data":{"occurred_at":1100,"type":"FOUL"}}`) // live, just before the drop
	shot := func(t_ms int64) decode.ShotRecord {
		return decode.ShotRecord{OccurredAt_ms: t_ms, IsMake: true, Zone: 3, HoopPlayerX_mm: 10, HoopPlayerY_mm: 20, Status: "RECORDED"}
	}
	stats := &decode.LiveStats{Teams: []decode.TeamPlayerStats{{ID: 1, PlayerStats: []decode.PlayerStats{
		{ID: 7, Version: 9, Stats: map[string]float64{"PTS": 6}},
	}}}}
	shots := &decode.LiveShots{Teams: []decode.TeamPlayerShots{{ID: 1, PlayerShots: []decode.PlayerShots{
		{ID: 7, Shots: []decode.ShotRecord{shot(1050), shot(2200), shot(2800), shot(3500)}},
	}}}}
	s.setGap(nil, nil)
	// The first reconnect's feed resends the markers and drops again.
	feed(`{"type":"marker","data":{"occurred_at":900,"type":"LIVE"}}`)
	feed(`{"type":"marker","data":{"occurred_at":2000,"type":"PAUSED"}}`)
	s.setGap(stats, shots)
	feed(`{"type":"marker","data":{"occurred_at":900,"type":"LIVE"}}`)
	feed(`{"type":"marker","data":{"occurred_at":2000,"type":"PAUSED"}}`)
	feed(`{"type":"marker","data":{"occurred_at":2500,"type":"LIVE"}}`)
	if s.res.GapFilled != 0 {
		t.Fatalf("gap filled %d messages at a marker, want none before the first data message", s.res.GapFilled)
	}
	feed(`{"type":"location","data":{"occurred_at":3000,"type":"PLAYER","id":7,"x":0,"y":0,"z":0}}`)
	if s.res.GapFilled != 4 {
		t.Errorf("gap filled %d messages, want 4 (the shots at 1050, 2200 and 2800, player 7's box score)", s.res.GapFilled)
	}
	s.rec.Flush()
	var dec decode.Decoder
	var m decode.Message
	for _, l := range bytes.Split(bytes.TrimSpace(mustRead(t, filepath.Join(dir, decode.BundleMessages))), []byte("\n")) {
		if bytes.Contains(l, []byte(`"stmotion_source":"rest_gap"`)) && dec.Decode(l, &m) == nil && m.Kind == decode.KindStats && m.Stats.OccurredAt_ms != 3000 {
			t.Errorf("gap box score at %d, want 3000 (where the feed resumed): %s", m.Stats.OccurredAt_ms, l)
		}
	}

	// A feed that ends (or moves on) before a data message: everything
	// after the gap's start is fed when the session ends.
	s.setGap(nil, shots)
	feed(`{"type":"marker","data":{"occurred_at":3600,"type":"PLAY_END"}}`)
	if err := s.fillGap(s.gapFrom, math.MaxInt64); err != nil {
		t.Fatal(err)
	}
	if s.res.GapFilled != 5 {
		t.Errorf("gap filled %d messages after a feed that ended, want 5 (and the shot at 3500)", s.res.GapFilled)
	}
}

// TestFillGapLateShot: the feed delivers a shot seconds after it
// happened, so one that happened before the drop may have been due after
// it: the gap fill feeds the REST shots from MaxShotDelay_ms before the
// last data message received, less those received (a shot at 1 257 050
// was lost when the gap started at 1 258 238). A followed live id's floor
// still holds.
func TestFillGapLateShot(t *testing.T) {
	s, dir, feed := newHandleSession(t)
	shotLine := func(t_ms int64) string {
		return fmt.Sprintf(`{"type":"shot","data":{"occurred_at":%d,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":3,"hoop_player_x":10,"hoop_player_y":20,"status":"RECORDED"}}`, t_ms)
	}
	shot := func(t_ms int64) decode.ShotRecord {
		return decode.ShotRecord{OccurredAt_ms: t_ms, IsMake: true, Zone: 3, HoopPlayerX_mm: 10, HoopPlayerY_mm: 20, Status: "RECORDED"}
	}
	s.followFrom_ms = 1_240_000 // the previous live id ended here
	feed(`{"type":"location","data":{"occurred_at":1256000,"type":"PLAYER","id":7,"x":0,"y":0,"z":0}}`)
	feed(shotLine(1_255_100)) // delivered 0.9 s late
	feed(`{"type":"location","data":{"occurred_at":1258238,"type":"PLAYER","id":7,"x":0,"y":0,"z":0}}`)
	// The feed drops; REST has a shot of the previous live id, the one
	// received, the one due after the drop, one in the gap and one after.
	s.setGap(nil, &decode.LiveShots{Teams: []decode.TeamPlayerShots{{ID: 1, PlayerShots: []decode.PlayerShots{
		{ID: 7, Shots: []decode.ShotRecord{shot(1_239_000), shot(1_255_100), shot(1_257_050), shot(1_261_000), shot(1_270_000)}},
	}}}})
	feed(`{"type":"location","data":{"occurred_at":1265000,"type":"PLAYER","id":7,"x":0,"y":0,"z":0}}`)
	if s.res.GapFilled != 2 {
		t.Errorf("%s; want 2 gap-filled (the shots at 1257050 and 1261000)", s.res.String())
	}
	s.rec.Flush()
	var got []int64
	var dec decode.Decoder
	var m decode.Message
	for _, l := range bytes.Split(bytes.TrimSpace(mustRead(t, filepath.Join(dir, decode.BundleMessages))), []byte("\n")) {
		if dec.Decode(l, &m) == nil && m.Kind == decode.KindShot {
			got = append(got, m.Shot.OccurredAt_ms)
		}
	}
	if fmt.Sprint(got) != "[1255100 1257050 1261000]" {
		t.Errorf("recorded shots %v, want [1255100 1257050 1261000], each once", got)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var testNow = time.Unix(1700000000, 0)

// TestApplyJoin: the REST state fetched at the join is fed before the
// first data message (not before a marker): the shots up to that message
// the bundle does not have (a re-join), from MaxShotDelay_ms before where
// it stopped (a shot that happened before a crash but was due after it
// is fed); each box score with its
// REST version, or, for a player whose /stats/details has changes after
// that message (the feed is behind the REST state), only the stats last
// changed before it, with version 0. What the feed then delivers again
// is dropped as a duplicate, or replaces the partial box score.
func TestApplyJoin(t *testing.T) {
	s, dir, feed := newHandleSession(t)
	shot := func(t_ms int64) decode.ShotRecord {
		return decode.ShotRecord{OccurredAt_ms: t_ms, IsMake: true, Zone: 3, HoopPlayerX_mm: 10, HoopPlayerY_mm: 20, Status: "RECORDED"}
	}
	// An earlier join recorded the feed up to 1000, with the shot at 900
	// (delivered late); the one at 950 was due after the crash.
	s.joinFrom_ms = 1000
	s.recordedShots = [][]byte{[]byte(`{"type":"shot","data":{"occurred_at":900,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":3,"hoop_player_x":10,"hoop_player_y":20,"status":"RECORDED"}}`)}
	s.markRecorded()
	s.join = &restState{State: backfill.State{
		From_ms:      1000,
		ShotsFrom_ms: s.shotFloor_ms(),
		Stats: &decode.LiveStats{Teams: []decode.TeamPlayerStats{{ID: 1, PlayerStats: []decode.PlayerStats{
			{ID: 7, Version: 9, Stats: map[string]float64{"PTS": 4, "FG": 2}},
			{ID: 8, Version: 5, Stats: map[string]float64{"REB": 3, "DIST": 900}},
		}}}},
		Details: &decode.LiveStatsDetails{Teams: []decode.TeamPlayerStatsDetails{{ID: 1, PlayerStats: []decode.PlayerStatsDetails{
			{ID: 7, Stats: map[string][]decode.StatChange{"PTS": {{OccurredAt_ms: 1800, Value: 4}}, "FG": {{OccurredAt_ms: 1800, Value: 2}}}},
			{ID: 8, Stats: map[string][]decode.StatChange{"REB": {{OccurredAt_ms: 500, Value: 3}}, "DIST": {{OccurredAt_ms: 2500, Value: 900}}}},
		}}}},
		Shots: &decode.LiveShots{Teams: []decode.TeamPlayerShots{{ID: 1, PlayerShots: []decode.PlayerShots{
			{ID: 7, Shots: []decode.ShotRecord{shot(900), shot(950), shot(1800), shot(2500)}},
		}}}},
	}}
	// A marker resent on connect does not place the join's state.
	feed(`{"type":"marker","data":{"occurred_at":100,"type":"LIVE"}}`)
	if s.join == nil || s.res.JoinFilled != 0 {
		t.Fatalf("join state applied at a marker (%d fed)", s.res.JoinFilled)
	}
	feed(`{"type":"location","data":{"occurred_at":2000,"type":"PLAYER","id":7,"x":0,"y":0,"z":0}}`)
	// The feed goes on: the shot at 2500 and player 8's DIST change.
	feed(`{"type":"shot","data":{"occurred_at":2500,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":3,"hoop_player_x":10,"hoop_player_y":20,"status":"RECORDED"}}`)
	feed(`{"type":"stats","data":{"occurred_at":2500,"team_id":1,"player_id":8,"stats":{"DIST":900.0},"classification":"DISTANCE","version":5}}`)
	// A replay of player 7's last stats, which the join fed.
	feed(`{"type":"stats","data":{"occurred_at":1800,"team_id":1,"player_id":7,"stats":{"PTS":4.0,"FG":2.0},"classification":"TWO_POINT_MAKE","version":9}}`)

	if s.res.JoinFilled != 4 || s.res.Duplicates != 1 {
		t.Errorf("%s: want 4 fed from the join (the shots at 950 and 1800, player 7's box score, player 8's rebound) and 1 duplicate", s.res.String())
	}
	s.rec.Flush()
	data, _ := os.ReadFile(filepath.Join(dir, decode.BundleMessages))
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	var got []string
	for _, l := range lines {
		if bytes.Contains(l, []byte(`"stmotion_source":"rest_join"`)) {
			got = append(got, string(l))
		}
	}
	want := []string{
		`{"type":"shot","stmotion_source":"rest_join","data":{"occurred_at":950,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":3,"hoop_player_x":10,"hoop_player_y":20,"status":"RECORDED"}}`,
		`{"type":"shot","stmotion_source":"rest_join","data":{"occurred_at":1800,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":3,"hoop_player_x":10,"hoop_player_y":20,"status":"RECORDED"}}`,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":2000,"team_id":1,"player_id":7,"stats":{"FG":2,"PTS":4},"version":9}}`,
		`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":2000,"team_id":1,"player_id":8,"stats":{"REB":3},"version":0}}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("fed from the join:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The join's lines come right after the marker, before the location.
	if len(lines) != 8 || !bytes.Contains(lines[5], []byte(`"type":"location"`)) {
		t.Errorf("recorded:\n%s\nwant the marker, the join's 4 lines, then the feed's 3", data)
	}
	sum, err := s.eng.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range sum.BoxScore {
		if b.PlayerID == 8 && (b.Values["REB"] != 3 || b.Values["DIST"] != 900 || b.Version != 5) {
			t.Errorf("player 8's box score %+v, want REB 3 (join) and DIST 900 version 5 (feed)", b)
		}
	}
}

// recordedTail reads where a bundle's feed stops from its last lines,
// skipping a line cut short by a crash, and the shots recorded over the
// span before it, reading further back than 64 KiB when the span needs it.
func TestRecordedTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), decode.BundleMessages)
	if n, shots, err := recordedTail(path, 1000); n != 0 || shots != nil || err != nil {
		t.Errorf("no file: %d, %q, %v; want 0, nil, nil", n, shots, err)
	}
	shot := func(t_ms int) string {
		return fmt.Sprintf(`{"type":"shot","data":{"occurred_at":%d,"team_id":1,"player_id":7,"is_make":true,"is_3point":false,"zone":1,"hoop_player_x":1,"hoop_player_y":2,"status":"RECORDED"}}`, t_ms)
	}
	var b strings.Builder
	for t_ms := 10000; t_ms < 20000; t_ms++ { // 0.85 MB
		fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":7,"x":0,"y":0,"z":0}}`+"\n", t_ms)
		if t_ms == 12000 || t_ms == 19990 { // delivered a second late
			b.WriteString(shot(t_ms-1000) + "\n")
		}
	}
	b.WriteString(`{"type":"marker","data":{"occurred_at":20000,"type":"PLAY_END"}}` + "\n")
	b.WriteString(`{"type":"pong"}` + "\n")
	b.WriteString(`{"type":"location","data":{"occurred_at":9`) // cut
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	f := func(span_ms int64, want ...string) {
		t.Helper()
		n, shots, err := recordedTail(path, span_ms)
		var got []string
		for _, s := range shots {
			got = append(got, string(s))
		}
		if n != 20000 || err != nil || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("span %d ms: newest %d, %v, shots\n%s\nwant 20000, the shots\n%s", span_ms, n, err, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	f(100, shot(18990))               // the first 64 KiB
	f(2500, shot(18990))              // 256 KiB: back to 17500
	f(9000, shot(11000), shot(18990)) // the whole file
}

// newHandleSession returns a live session with a recorder in a temporary
// directory (also returned) and an engine without analyzers, for tests of
// what handle does with messages, and a function that hands it one line.
func newHandleSession(t *testing.T) (s *liveSession, dir string, feed func(line string)) {
	t.Helper()
	dir = t.TempDir()
	rec, err := NewRecorder(dir, RecorderOptions{FlushInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rec.Close() })
	eng, err := track.NewSession(track.DefaultConfig(), track.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	s = &liveSession{cfg: &SessionConfig{}, eng: eng, rec: rec, dd: newDedup(250, 1024, nil), log: slog.New(slog.DiscardHandler)}
	return s, dir, func(line string) {
		t.Helper()
		if err := s.handle([]byte(line), testNow); err != nil {
			t.Fatal(err)
		}
	}
}
