package decode

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/internal/jsonref"
)

// A REST body's integers written as floats (1764151200000.0,
// 1.764151199e12) are taken as the feed decoder takes them; a fraction is
// still refused, where it is. Before, goccy/go-json refused both forms
// ("want int64, got number 1764151200000.0") and the whole session
// failed, while the same value in a feed line decoded.
func TestBundleIntegralNumbers(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		BundleMessages: testLine,
		BundleLive:     `{"teams":[{"id":4.61e2,"live":{"started_at":1764151200000.0,"event":{"started_at":1.7641512e12}}}]}`,
		BundleShots:    `{"teams":[{"id":461,"player_shots":[{"id":123,"shots":[{"occurred_at":1.764151199e12,"zone":3.0,"hoop_player_x":-1.25e3,"hoop_player_y":-0.0}]}]}]}`,
		BundleStats:    `{"teams":[{"id":461,"player_stats":[{"id":12300e-2,"version":7.0,"stats":{"PTS":4.0,"DIST":1.5e1,"FG_PCT":0.5,"X":-0.0}}]}]}`,
	})
	b, err := OpenBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tm := b.Live.Teams[0]; tm.ID != 461 || tm.Live.StartedAt_ms != 1764151200000 || tm.Live.Event.StartedAt_ms != 1764151200000 {
		t.Errorf("live.json: %+v", tm)
	}
	if sh := b.Shots.Teams[0].PlayerShots[0].Shots[0]; sh.OccurredAt_ms != 1764151199000 || sh.Zone != 3 || sh.HoopPlayerX_mm != -1250 || sh.HoopPlayerY_mm != 0 {
		t.Errorf("shots.json: %+v", sh)
	}
	ps := b.Stats.Teams[0].PlayerStats[0]
	if ps.ID != 123 || ps.Version != 7 || ps.Stats["PTS"] != 4 || ps.Stats["DIST"] != 15 || ps.Stats["FG_PCT"] != 0.5 || !math.Signbit(ps.Stats["X"]) {
		t.Errorf("stats.json: %+v (X's sign bit %v: want -0 kept)", ps, math.Signbit(ps.Stats["X"]))
	}

	// Refused where the problem is, also after numbers that the rewrite
	// made longer (1e12) or shorter (4.61e2).
	for _, c := range []struct{ name, body, bad, want string }{
		{"a fraction", `{"teams":[{"id":461,"live":{"started_at":1764151200000.5}}]}`, `1764151200000.5`, `teams.0.live.started_at: want int64, got number 1764151200000.5`},
		{"after longer", `{"teams":[{"id":1e2,"live":{"started_at":1e12,"name":7}}]}`, `7}`, `teams.0.live.name: want string, got number`},
		{"after shorter", "{\"teams\":[{\"id\":4.6100e2,\n\"live\":{\"started_at\":1.7641512000000e12,\"name\":true}}]}", `true`, `teams.0.live.name: want string, got bool`},
	} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{BundleMessages: testLine, BundleLive: c.body})
		_, err := OpenBundle(dir)
		off := strings.Index(c.body, c.bad)
		line := 1 + strings.Count(c.body[:off], "\n")
		col := off - strings.LastIndexByte(c.body[:off], '\n')
		want := filepath.Join(dir, BundleLive) + ": decode: offset " + itoa(off) + " (line " + itoa(line) + ", column " + itoa(col) + "): " + c.want
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", c.name, err, want)
		}
	}
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// The fuzzers' reference (jsonref.IntegralRef) and integralNumbers agree
// on what is JSON.
func TestIntegralRef(t *testing.T) {
	for _, in := range []string{
		`{"a":1764151200000.0,"b":[1.5e1,1500e-2,-0.0,0.5,1e19,"1.0"],"c":{"d":null,"e":true}}`,
		`[]`, `{"a":1} x`, `{"a":`,
	} {
		var a, b any
		if errors.Is(json.Unmarshal(jsonref.IntegralRef([]byte(in)), &a), nil) {
			doc, _ := integralNumbers([]byte(in))
			if json.Unmarshal(doc, &b) != nil {
				t.Errorf("integralNumbers(%s) = %s: not JSON", in, doc)
			}
		}
	}
}
