package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/track"
)

// natsServer runs a real NATS server in-process on a free loopback port.
func natsServer(t *testing.T) *server.Server {
	t.Helper()
	return natsServerOn(t, server.RANDOM_PORT)
}

// natsServerOn runs a real NATS server in-process on a loopback port.
func natsServerOn(t *testing.T, port int) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready")
	}
	t.Cleanup(s.Shutdown)
	return s
}

func TestSubjects(t *testing.T) {
	for _, c := range []struct{ id, frames, events string }{
		{"6141681d-df46-11e6-a818-f20e96351dc1", "stmotion.6141681d-df46-11e6-a818-f20e96351dc1.frames", "stmotion.6141681d-df46-11e6-a818-f20e96351dc1.events"},
		{"a.b*c>", "stmotion.a_b_c_.frames", "stmotion.a_b_c_.events"},
		{"", "stmotion._.frames", "stmotion._.events"},
	} {
		if f, e := live.FramesSubject(c.id), live.EventsSubject(c.id); f != c.frames || e != c.events {
			t.Errorf("subjects(%q) = %q, %q; want %q, %q", c.id, f, e, c.frames, c.events)
		}
	}
}

// TestNATSFanOut: a live session against the mock publishes its frames
// and events to a real NATS server, where a subscriber on another
// connection reads them.
func TestNATSFanOut(t *testing.T) {
	ns := natsServer(t)
	srv, c := liveMock(t, "", mock.Options{Speed: 2})
	sub, err := nats.Connect(ns.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	var mu sync.Mutex
	var frames []wireFrame
	var events []map[string]any
	if _, err := sub.Subscribe(live.FramesSubject(srv.LiveID()), func(m *nats.Msg) {
		var f wireFrame
		if err := json.Unmarshal(m.Data, &f); err != nil {
			t.Errorf("frame does not parse: %v: %s", err, m.Data)
		}
		mu.Lock()
		frames = append(frames, f)
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Subscribe(live.EventsSubject(srv.LiveID()), func(m *nats.Msg) {
		var e map[string]any
		if err := json.Unmarshal(m.Data, &e); err != nil {
			t.Errorf("event does not parse: %v: %s", err, m.Data)
		}
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	sub.Flush()

	pub, err := live.NewNATSPublisher(ns.ClientURL(), live.NATSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ov := live.NewOverlay(live.OverlayOptions{NATS: pub})
	defer ov.Close()
	// The tiny feed (100 locations) is shorter than the engine's start-up
	// (RateSamples locations): shorten it so frames flow during the feed.
	tc := track.DefaultConfig()
	tc.RateSamples = 8
	r := joinOne(t, context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), Overlay: ov, NATS: pub, Track: tc})
	if err := pub.Flush(); err != nil {
		t.Fatal(err)
	}
	if r.NATSPublished == 0 || r.NATSPublished > pub.Sent() || r.NATSDropped != 0 ||
		!strings.Contains(r.String(), fmt.Sprintf("NATS so far: %d published, 0 dropped", r.NATSPublished)) {
		t.Errorf("result %q: NATS %d published, %d dropped; want the publisher's counts (%d sent so far)", r.String(), r.NATSPublished, r.NATSDropped, pub.Sent())
	}
	pub.Close()
	waitFor(t, "frames and events on NATS", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(frames) > 0 && len(events) > 0
	})
	mu.Lock()
	defer mu.Unlock()
	if int64(len(frames)) > ov.Frames() {
		t.Errorf("%d frames on NATS, overlay broadcast %d", len(frames), ov.Frames())
	}
	moved := false
	for i, f := range frames {
		if f.LiveID != srv.LiveID() || len(f.Sensors) == 0 {
			t.Fatalf("frame %d: %+v", i, f)
		}
		if i > 0 && f.Sensors[0].X_m != frames[0].Sensors[0].X_m {
			moved = true
		}
	}
	if !moved {
		t.Errorf("player 0 never moved in %d frames", len(frames))
	}
	kinds := map[string]int{}
	for _, e := range events {
		kinds[e["event"].(string)]++
	}
	if kinds["feed_shot"] != 2 {
		t.Errorf("events by kind %v, want the 2 feed shots (session %s)", kinds, r.String())
	}
}

// TestNATSServerDownAtStart: a publisher whose server is not up yet
// starts anyway and keeps what it can (the reconnect buffer) for when the
// server comes; what does not fit is dropped and counted, on the
// publisher and in Metrics, and what was kept reaches the server.
func TestNATSServerDownAtStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now
	met := live.NewMetrics()
	pub, err := live.NewNATSPublisher(fmt.Sprintf("nats://127.0.0.1:%d", port), live.NATSOptions{Metrics: met})
	if err != nil {
		t.Fatalf("server down at the start: %v; want a publisher that retries", err)
	}
	defer pub.Close()
	if pub.Connected() {
		t.Fatal("connected with no server")
	}
	// More than the reconnect buffer holds, in 64 KiB messages.
	msg := bytes.Repeat([]byte("x"), 64<<10)
	n := int64(live.NATSReconnectBuf_B/len(msg) + 16)
	for range n {
		pub.PublishEvent("g1", msg)
	}
	sent, dropped := pub.Sent(), pub.Dropped()
	if sent == 0 || dropped == 0 || sent+dropped != n {
		t.Fatalf("%d published with the server down: %d kept, %d dropped; want some of each, adding up", n, sent, dropped)
	}
	if p, d := counterValue(t, met, "stmotion_nats_published_messages_total"), counterValue(t, met, "stmotion_nats_dropped_messages_total"); p != float64(sent) || d != float64(dropped) {
		t.Errorf("metrics published %g dropped %g; want %d, %d", p, d, sent, dropped)
	}

	ns := natsServerOn(t, port)
	waitFor(t, "the publisher to connect", pub.Connected)
	if err := pub.Flush(); err != nil {
		t.Fatal(err)
	}
	vz, err := ns.Varz(nil)
	if err != nil {
		t.Fatal(err)
	}
	if vz.InMsgs != sent {
		t.Errorf("server received %d messages, want the %d kept while it was down", vz.InMsgs, sent)
	}
}
