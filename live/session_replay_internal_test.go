package live

import (
	"testing"

	"github.com/stmotion/stmotion/track"
)

// What a re-join replays from the bundle is not shown on the overlay:
// no frame while the engine replays, nor after it for the rows up to
// where the recording stops (old positions, emitted once the feed
// moves the engine on); the first frame is the first newer tick's.
func TestOverlaySinkHidesReplay(t *testing.T) {
	o := NewOverlay(OverlayOptions{})
	defer o.Close()
	s := o.Sink("id", nil)
	row := func(t_ms int64) []track.Sample {
		return []track.Sample{{T_ms: t_ms, SensorID: 7, Kind: track.KindPlayer, X_m: 1}}
	}
	s.replaying = true
	if err := s.Samples(row(1000)); err != nil {
		t.Fatal(err)
	}
	if s.lastT != 0 {
		t.Errorf("a frame at %d ms while replaying", s.lastT)
	}
	s.replaying, s.replayed_ms = false, 1040
	for _, t_ms := range []int64{1040, 1080} {
		if err := s.Samples(row(t_ms)); err != nil {
			t.Fatal(err)
		}
	}
	if s.lastT != 1080 || len(s.frame.Sensors) != 1 || s.frame.Sensors[0].Age_ms != 0 {
		t.Errorf("after the replay: last frame at %d ms with %v; want 1080 ms with the sensor's row of then", s.lastT, s.frame.Sensors)
	}
}
