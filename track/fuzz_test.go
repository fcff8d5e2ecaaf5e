package track

import (
	"bytes"
	"math"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// FuzzFeed: whatever lines arrive (garbage, extreme coordinates and
// timestamps, any order), the engine never panics, keeps its invariants
// (rows in time order per sensor, finite figures) and closes.
//
//	go test ./track -run '^$' -fuzz FuzzFeed -fuzztime 30s
func FuzzFeed(f *testing.F) {
	f.Add([]byte(`{"type":"location","data":{"occurred_at":1500000000000,"type":"PLAYER","id":1,"x":1,"y":2,"z":3}}
{"type":"location","data":{"occurred_at":1500000000040,"type":"PLAYER","id":1,"x":100,"y":2,"z":3}}
{"type":"marker","data":{"occurred_at":1500000000040,"type":"LIVE"}}
{"type":"stats","data":{"occurred_at":1500000000040,"team_id":1,"player_id":1,"stats":{"DIST":120.0},"classification":"DISTANCE","version":3}}`))
	f.Add([]byte(`{"type":"location","data":{"occurred_at":1,"type":"BALL","id":2147549498,"x":-2147483648,"y":2147483647,"z":0}}
{"type":"location","data":{"occurred_at":9223372036854775807,"type":"BALL","id":2147549498,"x":0,"y":0,"z":0}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		c := &collect{}
		s, err := NewSession(DefaultConfig(), Meta{}, c)
		if err != nil {
			t.Fatal(err)
		}
		var d decode.Decoder
		var m decode.Message
		// A few synthetic samples after the fuzzed lines make the grid run.
		lines := bytes.Split(in, []byte("\n"))
		for _, l := range lines {
			if d.Decode(l, &m) != nil {
				s.NoteBadLine()
				continue
			}
			if err := s.Feed(&m); err != nil {
				t.Fatal(err)
			}
		}
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		last := map[int64]int64{}
		for _, r := range c.samples {
			if prev, ok := last[r.SensorID]; ok && r.T_ms <= prev {
				t.Fatalf("sensor %d: row at %d after %d", r.SensorID, r.T_ms, prev)
			}
			last[r.SensorID] = r.T_ms
		}
		for _, p := range sum.Players {
			if math.IsNaN(p.Distance_m) || math.IsInf(p.Distance_m, 0) || p.Distance_m < 0 {
				t.Fatalf("player %d distance %v", p.PlayerID, p.Distance_m)
			}
		}
	})
}
