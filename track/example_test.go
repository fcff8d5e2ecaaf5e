package track_test

import (
	"fmt"
	"math"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
)

// printSink prints what the engine emits.
type printSink struct{ rows, holders int }

func (p *printSink) Samples(b []track.Sample) error {
	for _, r := range b {
		if r.BallHolder {
			p.holders++
		}
	}
	p.rows += len(b)
	return nil
}

func (p *printSink) Segment(s *track.Segment) error {
	fmt.Printf("segment %s: %s\n", s.Type, s.Label)
	return nil
}
func (p *printSink) Close(*track.Summary) error { return nil }

// A player walks east at 1.5 m/s for 20 s, sampled at 25 Hz, with a clock
// marker; the session runs in the sensor frame (no court).
func ExampleNewSession() {
	const t0 = 1_764_151_200_000
	out := &printSink{}
	s, err := track.NewSession(track.DefaultConfig(), track.Meta{SessionID: "demo"}, out)
	if err != nil {
		panic(err)
	}
	var m decode.Message
	m.Kind = decode.KindMarker
	m.Marker = decode.Marker{OccurredAt_ms: t0, Type: decode.MarkerLive}
	s.Feed(&m)
	for i := 0; i <= 500; i++ {
		m.Kind = decode.KindLocation
		m.Location = decode.Location{OccurredAt_ms: t0 + int64(i)*40, Sensor: decode.SensorPlayer, ID: 7,
			X_mm: int32(i * 60), Y_mm: 2000, Z_mm: 60} // 60 mm per 40 ms
		s.Feed(&m)
	}
	sum, err := s.Close()
	if err != nil {
		panic(err)
	}
	p := sum.Players[0]
	fmt.Printf("grid %d ms, %d rows, no court: %v\n", s.Period_ms(), out.rows, sum.Quality.NoCourt)
	fmt.Printf("player %d: %.2f m (%.2f m live), top speed %.2f m/s\n", p.PlayerID, p.Distance_m, p.DistanceLive_m, p.TopSpeed_mps)
	// Output:
	// segment marker: LIVE
	// grid 40 ms, 501 rows, no court: true
	// player 7: 30.00 m (30.00 m live), top speed 1.50 m/s
}

// The smoother recovers velocity and acceleration of a constant
// acceleration from positions alone.
func ExampleModel_Smooth() {
	m, err := track.NewModel(0.04, 0.05, 20, 5, 5) // 25 Hz, σ 50 mm
	if err != nil {
		panic(err)
	}
	z := make([]float64, 250)
	for i := range z {
		t := float64(i) * 0.04
		z[i] = 1 + 2*t + 1.5*t*t // a = 3 m/s²
	}
	st := m.Smooth(make([]track.State, len(z)), z)
	fmt.Printf("t=5 s: x %.3f m, v %.3f m/s, a %.3f m/s²\n", st[125].X, st[125].V, st[125].A)
	// Output:
	// t=5 s: x 48.500 m, v 17.000 m/s, a 3.000 m/s²
}

// nearestHolder is a toy Analyzer: the player nearest the ball, within
// 1 m, holds it. A real one (track/possession) plugs in the same way.
type nearestHolder struct{ frames, held int }

func (h *nearestHolder) Frame(f *track.Frame, emit func(*track.Segment) error) error {
	h.frames++
	if len(f.Balls) == 0 {
		return nil
	}
	b := f.Balls[0]
	best, bestD := -1, 1.0
	for i, p := range f.Players {
		if d := math.Hypot(p.X_m-b.X_m, p.Y_m-b.Y_m); d < bestD {
			best, bestD = i, d
		}
	}
	if best >= 0 {
		f.Players[best].BallHolder = true // reaches the sinks
		h.held++
	}
	return nil
}

func (h *nearestHolder) Finish(sum *track.Summary, emit func(*track.Segment) error) error {
	return emit(&track.Segment{Type: track.SegPossession, Label: fmt.Sprintf("held in %d of %d frames", h.held, h.frames)})
}

// An Analyzer sees one Frame per grid tick: the ball and every player at
// the same instant.
func ExampleSession_Attach() {
	const t0 = 1_764_151_200_000
	out := &printSink{}
	s, _ := track.NewSession(track.DefaultConfig(), track.Meta{}, out)
	h := &nearestHolder{}
	s.Attach(h)
	var m decode.Message
	m.Kind = decode.KindLocation
	for i := 0; i < 250; i++ { // 10 s at 25 Hz
		tt := t0 + int64(i)*40
		// Player 1 dribbles along x at 1 m/s, player 2 stands 5 m away.
		m.Location = decode.Location{OccurredAt_ms: tt, Sensor: decode.SensorPlayer, ID: 1, X_mm: int32(i * 40)}
		s.Feed(&m)
		m.Location = decode.Location{OccurredAt_ms: tt, Sensor: decode.SensorPlayer, ID: 2, Y_mm: 5000}
		s.Feed(&m)
		m.Location = decode.Location{OccurredAt_ms: tt, Sensor: decode.SensorBall, ID: 99, X_mm: int32(i*40 + 300), Z_mm: 900}
		s.Feed(&m)
	}
	s.Close()
	fmt.Printf("%d rows, %d of them holding the ball\n", out.rows, out.holders)
	// Output:
	// segment possession: held in 250 of 250 frames
	// 750 rows, 250 of them holding the ball
}
