package live

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
)

// TestFillGap: after a reconnect, the REST state's shots between the last
// message before the drop and the first one after are fed (once), and
// box scores newer than the newest stats received are fed as stats
// messages; a feed that resumes before where it stopped (a replay) gets
// nothing.
func TestFillGap(t *testing.T) {
	dir := t.TempDir()
	rec, err := NewRecorder(dir, RecorderOptions{FlushInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	eng, err := track.NewSession(track.DefaultConfig(), track.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	s := &liveSession{cfg: &SessionConfig{}, eng: eng, rec: rec, dd: newDedup(250), log: slog.New(slog.DiscardHandler)}
	feed := func(line string) {
		t.Helper()
		if err := s.handle([]byte(line), testNow); err != nil {
			t.Fatal(err)
		}
	}
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
	rec.Flush()
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

var testNow = time.Unix(1700000000, 0)
