package export

import (
	"errors"
	"os"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
)

// onceFailing is a sink that fails once, on its 3rd Samples call (a
// broker briefly down).
type onceFailing struct{ calls int }

var errBrokerDown = errors.New("broker down")

func (f *onceFailing) Samples([]track.Sample) error {
	if f.calls++; f.calls == 3 {
		return errBrokerDown
	}
	return nil
}
func (f *onceFailing) Segment(*track.Segment) error { return nil }
func (f *onceFailing) Close(*track.Summary) error   { return nil }

// A Writer beside a sink that fails once must not commit its tables: they
// miss the rows the failed session never produced. The session aborts it
// (track.Aborter), and Close says why; nothing is left in the directory.
func TestWriterAbortedBySinkFailure(t *testing.T) {
	for _, writerFirst := range []bool{true, false} {
		dir := t.TempDir()
		w, err := NewWriter(dir, "s", WithBatchRows(256))
		if err != nil {
			t.Fatal(err)
		}
		f := &onceFailing{}
		sinks := []track.Sink{f, w}
		if writerFirst {
			sinks = []track.Sink{w, f}
		}
		s, err := track.NewSession(track.DefaultConfig(), track.Meta{}, sinks...)
		if err != nil {
			t.Fatal(err)
		}
		var m decode.Message
		m.Kind = decode.KindLocation
		nErr := 0
		for i := range 60 * 20 { // 60 s of two players at 20 Hz
			for id := int64(1); id <= 2; id++ {
				m.Location = decode.Location{OccurredAt_ms: 1_700_000_000_000 + int64(i)*50, Sensor: decode.SensorPlayer, ID: id,
					X_mm: int32(i * 50 * int(id)), Y_mm: 1000, Z_mm: 60}
				if err := s.Feed(&m); err != nil {
					nErr++
				}
			}
		}
		if nErr == 0 {
			t.Fatalf("writer first %v: no Feed failed", writerFirst)
		}
		if _, err := s.Close(); !errors.Is(err, errBrokerDown) {
			t.Errorf("writer first %v: Close: %v, want the sink's error", writerFirst, err)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Errorf("writer first %v: left in the output: %v, want nothing", writerFirst, names)
		}
	}
}
