package live_test

import (
	"bufio"
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

// newestSink records the newest sample time the engine has let out.
type newestSink struct{ t_ms int64 }

func (s *newestSink) Samples(b []track.Sample) error {
	for i := range b {
		s.t_ms = max(s.t_ms, b[i].T_ms)
	}
	return nil
}
func (s *newestSink) Segment(*track.Segment) error { return nil }
func (s *newestSink) Close(*track.Summary) error   { return nil }

// TestOverlayEngineDelay measures, in sensor time, how far the newest
// frame the engine can hand the overlay runs behind the newest location
// received, over a minute of the sample game (25 Hz) fed in arrival
// order as live mode feeds it: the reorder window (250 ms by default;
// `stmotion live --reorder-window`) plus up to a grid step (40 ms), the
// window being at least 3.5 grid periods (140 ms at 25 Hz). live/doc.go
// and the README state these figures; the overlay's rate cap adds up to
// one frame period of wall time on top.
func TestOverlayEngineDelay(t *testing.T) {
	cfg := synth.SampleConfig()
	cfg.Minutes = 1
	var buf bytes.Buffer
	if _, err := synth.WriteMessages(context.Background(), cfg, &buf, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		window_ms             int64 // asked (Config.ReorderWindow_ms)
		p5, p50lo, p50hi, top int64 // the documented bounds, ms (top: p95 and max)
	}{
		{250, 265, 270, 290, 295},
		{0, 150, 150, 170, 175}, // the engine's least: 3.5 grid periods, 140 ms
	} {
		delays, late, held := engineDelays(t, buf.Bytes(), c.window_ms)
		if len(delays) < 1000 {
			t.Fatalf("window %d ms: %d frames measured", c.window_ms, len(delays))
		}
		slices.Sort(delays)
		q := func(p float64) int64 { return delays[int(p*float64(len(delays)-1))] }
		t.Logf("window %d ms (held %d ms): engine delay over %d locations: min %d ms, p5 %d, p50 %d, p95 %d, p99 %d, max %d; %d late samples dropped",
			c.window_ms, held, len(delays), delays[0], q(0.05), q(0.5), q(0.95), q(0.99), delays[len(delays)-1], late)
		// No tail: a sensor in a dropout does not hold the frames (it held
		// them up to its MaxGap_ms, p99 605 ms and at most 1038 ms here).
		if lo, mid, hi, top := q(0.05), q(0.5), q(0.95), delays[len(delays)-1]; lo < c.p5 || mid < c.p50lo || mid > c.p50hi || hi > c.top || top > c.top {
			t.Errorf("window %d ms: engine delay p5 %d ms, p50 %d ms, p95 %d ms, max %d ms: want %d, %d-%d, %d ms at most as documented",
				c.window_ms, lo, mid, hi, top, c.p5, c.p50lo, c.p50hi, c.top)
		}
	}
}

// engineDelays feeds the recording msgs through a live (causal) engine
// with the reorder window window_ms and an overlay, and returns, at each
// location, how far the newest frame runs behind it; with the samples
// dropped as late and the window the engine held.
func engineDelays(t *testing.T, msgs []byte, window_ms int64) (delays []int64, late, held int64) {
	t.Helper()
	tcfg := track.DefaultConfig()
	tcfg.Causal = true
	tcfg.ReorderWindow_ms = window_ms
	ov := live.NewOverlay(live.OverlayOptions{})
	defer ov.Close()
	out := &newestSink{}
	eng, err := track.NewSession(tcfg, track.Meta{SessionID: "delay"}, ov.Sink("delay", nil), out)
	if err != nil {
		t.Fatal(err)
	}
	var (
		dec    decode.Decoder
		m      decode.Message
		newest int64
	)
	sc := bufio.NewScanner(bytes.NewReader(msgs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if err := dec.Decode(sc.Bytes(), &m); err != nil {
			continue
		}
		if err := eng.Feed(&m); err != nil {
			t.Fatal(err)
		}
		if m.Kind != decode.KindLocation {
			continue
		}
		newest = max(newest, m.OccurredAt_ms())
		if out.t_ms > 0 {
			delays = append(delays, newest-out.t_ms)
		}
	}
	held = eng.Window_ms()
	sum, err := eng.Close()
	if err != nil {
		t.Fatal(err)
	}
	return delays, sum.Quality.Late, held
}
