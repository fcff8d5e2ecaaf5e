package pipeline

import (
	"context"
	"slices"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
)

// The engine settings of Options reach the engine: Rate_Hz sets the
// grid (the feed's own rate without it) and Definitions the speed bands
// (the defaults without them).
func TestEngineSettings(t *testing.T) {
	path := smallBundle(t, t.TempDir())
	run := func(opt Options) *track.Summary {
		t.Helper()
		b, err := decode.OpenBundle(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := OpenEngine(b, "g", opt, &segmentSink{})
		if err != nil {
			t.Fatal(err)
		}
		sum, err := r.Do(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	feed := run(Options{})
	defs := track.DefaultConfig().Definitions
	defs.SpeedBands_mps = []float64{3, 6}
	set := run(Options{Rate_Hz: 8, Definitions: &defs})
	if feed.Quality.GridPeriod_ms == 125 || set.Quality.GridPeriod_ms != 125 {
		t.Errorf("grid period %d ms with Rate_Hz 8, %d ms without: want 125 ms, and the feed's own rate", set.Quality.GridPeriod_ms, feed.Quality.GridPeriod_ms)
	}
	if len(set.Players) == 0 || len(feed.Players) == 0 {
		t.Fatal("no players")
	}
	if got := set.Players[0].SpeedBand_s; len(got) != 3 || !slices.Equal(set.Definitions.SpeedBands_mps, defs.SpeedBands_mps) {
		t.Errorf("speed bands %v (%d) with edges 3, 6 m/s: want 3 bands", set.Definitions.SpeedBands_mps, len(got))
	}
	if got := feed.Players[0].SpeedBand_s; len(got) != len(track.DefaultConfig().SpeedBands_mps)+1 {
		t.Errorf("%d speed bands without Definitions, want the defaults' %d", len(got), len(track.DefaultConfig().SpeedBands_mps)+1)
	}
}
