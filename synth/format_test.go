package synth

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// TestGolden pins the wire format and the start of a game: the first lines
// of a 3-second game and every non-location line of it.
func TestGolden(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Minutes = 0.05
	cfg.Hz = 5
	data, _ := messages(t, cfg)
	var got bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		if n <= 30 || !bytes.Contains(sc.Bytes(), []byte(`"type":"location"`)) {
			got.Write(sc.Bytes())
			got.WriteByte('\n')
		}
	}
	path := filepath.Join("testdata", "start.golden.jsonl")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("output differs from %s (go test ./synth -run Golden -update rewrites it after an intended change)\ngot:\n%s", path, got.Bytes())
	}
}

func TestFormatAllocs(t *testing.T) {
	buf := make([]byte, 0, 512)
	p := pending{kind: decode.KindStats, occ_ms: 1764151200000, team: 461, player: 1234, class: decode.ClassThreePointMake, n: 5}
	copy(p.keys[:], classTable[decode.ClassThreePointMake].keys)
	for k := range p.vals {
		p.vals[k] = float64(k)
	}
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"location", func() { buf = appendLocation(buf[:0], 1764151200000, false, 4242, -15000, 8123, 61) }},
		{"stats", func() { buf = appendStats(buf[:0], &p, 317) }},
		{"marker", func() {
			buf = appendMarker(buf[:0], 1764151200000, decode.MarkerDrillNext, "a1e80480-e1d5-4684-a619-402984b5c9ba")
		}},
		{"shot", func() { buf = appendShot(buf[:0], &p) }},
	} {
		if a := testing.AllocsPerRun(100, tc.f); a != 0 {
			t.Errorf("%s: %v allocations per line, want 0", tc.name, a)
		}
	}
}

// TestFormatDecodes writes one line of every kind and shape and decodes it.
func TestFormatDecodes(t *testing.T) {
	var d decode.Decoder
	var m decode.Message
	f := func(line []byte, check func() bool) {
		t.Helper()
		if err := d.Decode(line, &m); err != nil || !check() {
			t.Errorf("%s: err %v, decoded %+v", line, err, m)
		}
	}
	f(appendLocation(nil, 1500571321532, false, 2942, 2314, -8635, 69), func() bool {
		l := m.Location
		return m.Kind == decode.KindLocation && l.Sensor == decode.SensorPlayer && l.ID == 2942 && l.X_mm == 2314 && l.Y_mm == -8635 && l.Z_mm == 69 && l.OccurredAt_ms == 1500571321532
	})
	f(appendLocation(nil, 1500571321532, true, BallID, -6039, -8833, 1705), func() bool {
		return m.Location.Sensor == decode.SensorBall && m.Location.ID == BallID
	})
	for c, def := range classTable {
		p := pending{kind: decode.KindStats, occ_ms: 1484865816836, team: 461, player: 123, class: c, n: len(def.keys)}
		for k, s := range def.keys {
			p.keys[k] = s
			p.vals[k] = float64(k + 1)
		}
		f(appendStats(nil, &p, 317), func() bool {
			s := m.Stats
			ok := m.Kind == decode.KindStats && s.Classification == c && s.Version == 317 && s.PlayerID == 123 && s.TeamID == 461
			for k, st := range def.keys {
				ok = ok && s.Has.Has(st) && s.Values[st] == float64(k+1)
			}
			return ok
		})
	}
	for mt := decode.MarkerPlayStart; int(mt) < decode.NumMarkerTypes; mt++ {
		id := ""
		if mt == decode.MarkerPlayNext || mt == decode.MarkerDrillNext {
			id = "a1140480-e1d5-4684-a619-402984b5c9ba"
		}
		f(appendMarker(nil, 1478800197300, mt, id), func() bool {
			return m.Kind == decode.KindMarker && m.Marker.Type == mt && m.Marker.LiveID.Len() == len(id)
		})
	}
	p := pending{occ_ms: 1484865816836, team: 461, player: 123, shot: decode.ShotRecord{IsMake: true, Is3Point: true, Zone: 11, HoopPlayerX_mm: -12, HoopPlayerY_mm: 7300}}
	f(appendShot(nil, &p), func() bool {
		s := m.Shot
		return m.Kind == decode.KindShot && s.IsMake && s.Is3Point && s.Zone == 11 && s.HoopPlayerX_mm == -12 && s.HoopPlayerY_mm == 7300 && s.Status == decode.ShotStatusRecorded
	})
}
