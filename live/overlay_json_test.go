package live

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/geom"
	"github.com/stmotion/stmotion/track"
)

func TestAppendJSONString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"23", `"23"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"\x00\n\t\x1f", `"\u0000\n\t\u001f"`},
		{"\xff", `"\ufffd"`},
		{"é\u2028", `"é\u2028"`},
	} {
		if got := string(appendJSONString(nil, c.in)); got != c.want {
			t.Errorf("appendJSONString(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// FuzzAppendFrameJSON: whatever the ids, jersey and numbers, a frame is
// valid JSON that decodes back to the same strings (invalid UTF-8 aside).
func FuzzAppendFrameJSON(f *testing.F) {
	f.Add("L1", "23", 1.5, -2.25, int64(101))
	f.Add("\x00\"\\", "\xff\u2028", math.NaN(), math.Inf(1), int64(-1))
	f.Fuzz(func(t *testing.T, liveID, jersey string, x, speed float64, id int64) {
		fr := &Frame{LiveID: liveID, T_ms: 1, Sensors: []SensorState{{ID: id, Kind: track.KindPlayer, Jersey: jersey, X_m: x, Speed_mps: speed}}}
		b := AppendFrameJSON(nil, fr, nil)
		var v struct {
			LiveID  string `json:"live_id"`
			Sensors []struct {
				ID     int64  `json:"id"`
				Jersey string `json:"jersey"`
			} `json:"sensors"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("invalid JSON %s: %v", b, err)
		}
		if len(v.Sensors) != 1 || v.Sensors[0].ID != id {
			t.Fatalf("round trip %+v", v)
		}
		if want := string([]rune(jersey)); v.Sensors[0].Jersey != want {
			t.Fatalf("jersey %q came back as %q", jersey, v.Sensors[0].Jersey)
		}
		seg := &track.Segment{Type: track.SegPass, Label: jersey, Length_m: x}
		if b := AppendSegmentJSON(nil, liveID, seg); !json.Valid(b) {
			t.Fatalf("invalid event JSON %s", b)
		}
	})
}

// TestOverlayHotPathAllocs: turning an engine tick into a frame (the
// players' running figures read from the engine included) and encoding
// it allocate nothing once the sensors are known.
func TestOverlayHotPathAllocs(t *testing.T) {
	o := NewOverlay(OverlayOptions{Rate_Hz: 1})
	defer o.Close()
	s := o.Sink("L1", nil)
	// Frames carry the court (here the sensor frame's): its encoding
	// allocates nothing either.
	s.SetCourt(nil)
	cfg := track.DefaultConfig()
	cfg.Causal = true
	eng, err := track.NewSession(cfg, track.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 250 { // 10 s of ten players at 25 Hz
		for id := range 10 {
			var m decode.Message
			m.Kind = decode.KindLocation
			m.Location = decode.Location{OccurredAt_ms: 1_700_000_000_000 + int64(i)*40, Sensor: decode.SensorPlayer, ID: int64(100 + id), X_mm: int32(id*1000 + i*10)}
			if err := eng.Feed(&m); err != nil {
				t.Fatal(err)
			}
		}
	}
	if f, _ := eng.AppendRunningFigures(nil); len(f) != 10 {
		t.Fatalf("the engine has figures of %d players, want 10", len(f))
	}
	s.SetEngine(eng)
	rows := make([]track.Sample, 11)
	for i := range rows {
		rows[i] = track.Sample{SensorID: int64(100 + i), Kind: track.KindPlayer, X_m: float64(i)}
	}
	rows[10].Kind = track.KindBall
	T := int64(0)
	tick := func() {
		T += 50
		for i := range rows {
			rows[i].T_ms = T
		}
		s.NoteInput(time.Time{})
		s.Samples(rows)
	}
	tick()
	if n := testing.AllocsPerRun(100, tick); n != 0 {
		t.Errorf("OverlaySink.Samples: %g allocs per tick, want 0", n)
	}
	var buf []byte
	buf = AppendFrameJSON(buf[:0], &s.frame, nil)
	if n := testing.AllocsPerRun(100, func() { buf = AppendFrameJSON(buf[:0], &s.frame, nil) }); n != 0 {
		t.Errorf("AppendFrameJSON: %g allocs, want 0", n)
	}
	buf = AppendFrameBinary(buf[:0], &s.frame, nil)
	if n := testing.AllocsPerRun(100, func() { buf = AppendFrameBinary(buf[:0], &s.frame, nil) }); n != 0 {
		t.Errorf("AppendFrameBinary: %g allocs, want 0", n)
	}
}

// TestFrameCourt: the sink's frames carry the court it was given
// (SetCourt) as "court": the template's name and lines on the court's
// size, for a client to draw; the sensor frame says so, with NBA lines
// to draw; a sink without SetCourt leaves the field out.
func TestFrameCourt(t *testing.T) {
	parse := func(tmpl court.Template, L, W float64, name string) *court.Court {
		t.Helper()
		tmpl.Length_m, tmpl.Width_m = L, W
		b := court.BodyFor(tmpl, geom.NewSimilarity2(1000, 0.5, geom.Vec2{X: 3000}))
		b.Template = name
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		c, err := court.Parse(data, court.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	type wire struct {
		Court *struct {
			Template           string
			Title              string
			SensorFrame        bool `json:"sensor_frame"`
			Custom             bool
			Length_m           float64 `json:"length_m"`
			HoopFromBaseline_m float64 `json:"hoop_from_baseline_m"`
			ThreePointRadius_m float64 `json:"three_point_radius_m"`
			KeyWidth_m         float64 `json:"key_width_m"`
		}
	}
	o := NewOverlay(OverlayOptions{Rate_Hz: 1})
	defer o.Close()
	for _, c := range []struct {
		court                *court.Court
		set                  bool
		template             string
		sensor, custom       bool
		length, three, key_m float64
	}{
		{parse(court.NCAA, court.NCAA.Length_m, court.NCAA.Width_m, "ncaa"), true, "ncaa", false, false, 28.65, 6.75, 3.658},
		{parse(court.HighSchool, court.HighSchool.Length_m, court.HighSchool.Width_m, ""), true, "hs", false, false, 25.6, 6.02, 3.658},
		{parse(court.NBA, 26, 14, ""), true, "custom", false, true, 26, 6.02, 3.658}, // the nearest, high school's lines
		{nil, true, "sensor", true, false, 28.65, 7.239, 4.877},
		{nil, false, "", false, false, 0, 0, 0},
	} {
		s := o.Sink("L1", nil)
		if c.set {
			s.SetCourt(c.court)
		}
		s.Samples([]track.Sample{{SensorID: 1, Kind: track.KindPlayer, T_ms: 40}})
		var w wire
		if err := json.Unmarshal(AppendFrameJSON(nil, &s.frame, nil), &w); err != nil {
			t.Fatal(err)
		}
		if !c.set {
			if w.Court != nil {
				t.Errorf("no court set: frame has %+v", *w.Court)
			}
			continue
		}
		if w.Court == nil {
			t.Fatalf("%s: the frame has no court", c.template)
		}
		g := *w.Court
		if g.Template != c.template || g.SensorFrame != c.sensor || g.Custom != c.custom || g.Title == "" ||
			math.Abs(g.Length_m-c.length) > 0.002 || g.ThreePointRadius_m != c.three || g.KeyWidth_m != c.key_m || g.HoopFromBaseline_m < 1.5 {
			t.Errorf("%s: frame court %+v; want template %s, sensor %v, custom %v, length %g, three %g, key %g", c.template, g, c.template, c.sensor, c.custom, c.length, c.three, c.key_m)
		}
		// The end frame too.
		s.End()
		if !strings.Contains(string(AppendFrameJSON(nil, &s.frame, nil)), `"court":{"template":"`+c.template+`"`) {
			t.Errorf("%s: the end frame has no court", c.template)
		}
	}
}
