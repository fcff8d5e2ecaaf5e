package live

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stmotion/stmotion/track"
)

// The engine settings a bundle's parts were made with are recorded as
// the first part opens; a re-join with another grid rate or reorder
// window is refused, naming each field; parts without recorded
// settings (an older stmotion) are told apart from a new bundle.
func TestCheckTrackConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := track.DefaultConfig()
	cfg.Causal = true
	if unrecorded, err := checkTrackConfig(dir, cfg); unrecorded || err != nil {
		t.Fatalf("a new bundle: unrecorded %v, %v; want false, nil", unrecorded, err)
	}
	p, err := newPartSink(dir, "s", -1)
	if err != nil {
		t.Fatal(err)
	}
	if p.config, err = trackConfigJSON(cfg); err != nil {
		t.Fatal(err)
	}
	if err := p.Samples([]track.Sample{{T_ms: 40, SensorID: 1, Kind: track.KindPlayer}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(nil); err != nil {
		t.Fatal(err)
	}
	if unrecorded, err := checkTrackConfig(dir, cfg); unrecorded || err != nil {
		t.Errorf("the same settings: unrecorded %v, %v; want false, nil", unrecorded, err)
	}
	other := cfg
	other.Rate_Hz, other.ReorderWindow_ms = 10, 100
	_, err = checkTrackConfig(dir, other)
	var tce *TrackConfigError
	if !errors.As(err, &tce) || !errors.Is(err, ErrTrackConfig) {
		t.Fatalf("other settings: %v, want a *TrackConfigError", err)
	}
	want := []TrackConfigDiff{{"Rate_Hz", "0", "10"}, {"ReorderWindow_ms", "250", "100"}}
	if len(tce.Diffs) != len(want) || tce.Diffs[0] != want[0] || tce.Diffs[1] != want[1] {
		t.Errorf("differences %v, want %v", tce.Diffs, want)
	}

	if err := os.Remove(filepath.Join(dir, TrackConfigFile)); err != nil {
		t.Fatal(err)
	}
	if unrecorded, err := checkTrackConfig(dir, other); !unrecorded || err != nil {
		t.Errorf("parts without recorded settings: unrecorded %v, %v; want true, nil", unrecorded, err)
	}
}
