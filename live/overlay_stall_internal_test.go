package live

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
)

// TestHealthzSinceFrame: /healthz says how long ago the overlay sent its
// newest frame, so a stalled overlay shows while messages still arrive:
// after an API restart, the replayed feed's messages were all dropped as
// duplicates, and /healthz said ok with since_message_s 0.01 while no
// frame went out for over 20 s. (Only lower bounds of elapsed time are
// asserted: a slow machine only makes them larger.)
func TestHealthzSinceFrame(t *testing.T) {
	ov := NewOverlay(OverlayOptions{Rate_Hz: 1000})
	defer ov.Close()
	h := &Health{}
	srv := httptest.NewServer(NewHandler(ov, nil, h))
	defer srv.Close()
	report := func() (HealthReport, map[string]any) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var raw map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(raw)
		var r HealthReport
		json.Unmarshal(b, &r)
		return r, raw
	}
	if r, raw := report(); raw["since_frame_s"] == nil || r.SinceFrame_s != -1 {
		t.Fatalf("before any frame: since_frame_s %v, want -1 (%v)", raw["since_frame_s"], raw)
	}

	h.set(func(h *Health) { h.connected = true })
	ov.Sink("L1", nil).Samples([]track.Sample{{T_ms: 1000, SensorID: 101, Kind: track.KindPlayer}})
	deadline := time.Now().Add(5 * time.Second)
	for ov.Frames() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if r, _ := report(); r.SinceFrame_s < 0 {
		t.Fatalf("after a frame: since_frame_s %g, want ≥ 0", r.SinceFrame_s)
	}

	// Messages keep coming (duplicates of a replayed feed), frames do not.
	time.Sleep(300 * time.Millisecond)
	countReceived(nil, h, &decode.Message{}, nil, time.Now())
	r, _ := report()
	if r.Status != "ok" || r.SinceFrame_s < 0.3 || r.SinceMessage_s >= r.SinceFrame_s {
		t.Errorf("overlay stalled for 0.3 s while messages arrive: status %s, since_frame_s %g, since_message_s %g; want ok, a since_frame_s of at least 0.3 s, more than since_message_s",
			r.Status, r.SinceFrame_s, r.SinceMessage_s)
	}
}
