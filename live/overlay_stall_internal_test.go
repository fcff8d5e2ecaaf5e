package live

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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

// TestHealthzStalled: once the overlay has had no frame for Health.Stall
// while a feed is connected, /healthz says "stalled" with HTTP 503, so a
// plain HTTP health check sees it: a review's stalled feed read 200 "ok"
// for 61 s, until the ping deadline dropped the websocket. The stall
// counts from the newest frame or from when the feed came up, whichever
// is later, and only once a frame has been broadcast (a feed without
// locations has none).
func TestHealthzStalled(t *testing.T) {
	t0 := time.Unix(1_764_151_000, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	f := func(name string, h *Health, lastFrame, now time.Time, want string) {
		t.Helper()
		if got := h.report(lastFrame, now).Status; got != want {
			t.Errorf("%s: status %q, want %q", name, got, want)
		}
	}
	up := &Health{connected: true, upSince: t0}
	f("frames flowing", up, at(30*time.Second), at(30*time.Second+40*time.Millisecond), "ok")
	f("9 s without a frame", up, at(30*time.Second), at(39*time.Second), "ok")
	f("11 s without a frame", up, at(30*time.Second), at(41*time.Second), "stalled")
	f("no frame yet, 60 s after the feed came up", up, time.Time{}, at(time.Minute), "ok")
	f("the feed came up 2 s ago, the newest frame before that", up, at(-time.Minute), at(2*time.Second), "ok")
	f("the feed came up 11 s ago, the newest frame before that", up, at(-time.Minute), at(11*time.Second), "stalled")
	f("not connected", &Health{upSince: t0}, at(0), at(time.Minute), "connecting")
	f("finished", &Health{done: true}, at(0), at(time.Minute), "finished")
	f("handover", &Health{connected: true, handover: "L0", upSince: t0}, at(time.Second), at(2*time.Second), "handover")
	f("stalled in a handover", &Health{connected: true, handover: "L0", upSince: t0}, at(time.Second), at(20*time.Second), "stalled")
	f("a threshold of 2 s", &Health{Stall: 2 * time.Second, connected: true, upSince: t0}, at(time.Second), at(4*time.Second), "stalled")
	f("no threshold", &Health{Stall: -1, connected: true, upSince: t0}, at(time.Second), at(time.Hour), "ok")

	// Over HTTP: 503 with the report still there.
	ov := NewOverlay(OverlayOptions{Rate_Hz: 1000})
	defer ov.Close()
	h := &Health{Stall: time.Millisecond}
	h.set(func(h *Health) { h.connected, h.liveID = true, "L1" })
	srv := httptest.NewServer(NewHandler(ov, nil, h))
	defer srv.Close()
	ov.Sink("L1", nil).Samples([]track.Sample{{T_ms: 1000, SensorID: 101, Kind: track.KindPlayer}})
	waitForInternal(t, "a frame", func() bool { return ov.Frames() > 0 })
	time.Sleep(10 * time.Millisecond)
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r HealthReport
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || r.Status != "stalled" || r.LiveID != "L1" || r.SinceFrame_s < 0.01 {
		t.Errorf("10 ms without a frame, stall 1 ms: HTTP %d, %+v; want 503 and the report, stalled", resp.StatusCode, r)
	}
}

// TestWatchStall: a stall is logged once as a warning, and the frames
// coming again once, with how long they did not.
func TestWatchStall(t *testing.T) {
	ov := NewOverlay(OverlayOptions{Rate_Hz: 1000})
	defer ov.Close()
	h := &Health{Stall: 40 * time.Millisecond}
	h.set(func(h *Health) { h.connected, h.liveID = true, "L1" })
	var mu sync.Mutex
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), nil))
	logged := func() string {
		mu.Lock()
		defer mu.Unlock()
		return buf.String()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.WatchStall(ctx, ov, log); close(done) }()
	sink := ov.Sink("L1", nil)
	sink.Samples([]track.Sample{{T_ms: 1000, SensorID: 101, Kind: track.KindPlayer}})
	waitForInternal(t, "the stall warning", func() bool { return strings.Contains(logged(), "live: stalled") })
	time.Sleep(100 * time.Millisecond) // more checks: still one warning
	sink.Samples([]track.Sample{{T_ms: 1040, SensorID: 101, Kind: track.KindPlayer}})
	waitForInternal(t, "the frames again", func() bool { return strings.Contains(logged(), "overlay frames again") })
	cancel()
	<-done
	out := logged()
	if strings.Count(out, "level=WARN") != 1 || strings.Count(out, `level=INFO msg="live: overlay frames again after a stall" live_id=L1 stalled_s=`) != 1 {
		t.Errorf("logged:\n%s\nwant one stall warning, then one line for the frames again", out)
	}
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// waitForInternal polls ok until it holds, failing the test after 20 s.
func waitForInternal(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
