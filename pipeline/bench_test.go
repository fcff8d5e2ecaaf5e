package pipeline

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

// segmentSink keeps copies of the segments the engine emits and drops its
// samples.
type segmentSink struct{ segs []track.Segment }

func (s *segmentSink) Samples([]track.Sample) error { return nil }
func (s *segmentSink) Segment(g *track.Segment) error {
	s.segs = append(s.segs, *g)
	return nil
}
func (s *segmentSink) Close(*track.Summary) error { return nil }

// benchGame runs the engine (with sink) once on a simulated 12-minute
// game, outside the timing of the benchmarks that use its output.
func benchGame(b *testing.B, sink track.Sink) (*Run, *track.Summary) {
	cfg := synth.DefaultConfig()
	cfg.Minutes = 12
	path := filepath.Join(b.TempDir(), "game")
	if _, err := synth.Write(context.Background(), cfg, path, nil); err != nil {
		b.Fatal(err)
	}
	bd, err := decode.OpenBundle(path)
	if err != nil {
		b.Fatal(err)
	}
	r, err := OpenEngine(bd, "game", Options{}, sink)
	if err != nil {
		b.Fatal(err)
	}
	sum, err := r.Do(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return r, sum
}

// BenchGame runs the engine once on a simulated 12-minute game (benchGame)
// and returns it, its summary and its segments, for the benchmarks of
// costs_test.go: they time CPU with package bench, which imports this
// package, so they are in the external test package.
func BenchGame(b *testing.B) (*Run, *track.Summary, []track.Segment) {
	sink := &segmentSink{}
	r, sum := benchGame(b, sink)
	return r, sum, sink.segs
}
