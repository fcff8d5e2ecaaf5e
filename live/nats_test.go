package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"slices"
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
	s, ok := tryNATSServerOn(t, port)
	if !ok {
		t.Fatal("nats server not ready")
	}
	return s
}

// tryNATSServerOn is natsServerOn that reports a server that did not get
// ready (its port taken) instead of failing.
func tryNATSServerOn(t *testing.T, port int) (*server.Server, bool) {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: port, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	t.Cleanup(s.Shutdown)
	return s, s.ReadyForConnections(10 * time.Second)
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
	events := subscribeEvents(t, sub, live.EventsSubject(srv.LiveID()))
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
		return len(frames) > 0 && len(events()[live.EventsSubject(srv.LiveID())]) > 0
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
	for _, e := range events()[live.EventsSubject(srv.LiveID())] {
		kinds[e["event"].(string)]++
	}
	if kinds["feed_shot"] != 2 {
		t.Errorf("events by kind %v, want the 2 feed shots (session %s)", kinds, r.String())
	}
}

// TestNATSServerDownAtStart: a publisher whose server is not up yet
// starts anyway; it drops the overlay frames (a frame is stale by the time
// the server comes) and keeps what events it can (the reconnect buffer)
// for when the server comes; what does not fit is dropped. All of it is
// counted, on the publisher and in Metrics, whose stmotion_nats_connected
// says 0 until the server is up, and what was kept reaches the server.
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
	if !metricPresent(t, met, "stmotion_nats_connected") || counterValue(t, met, "stmotion_nats_connected") != 0 {
		t.Errorf("stmotion_nats_connected present %v, %g; want present, 0 with the server down", metricPresent(t, met, "stmotion_nats_connected"), counterValue(t, met, "stmotion_nats_connected"))
	}
	const frames = 100
	for range frames {
		pub.PublishFrame("g1", []byte(`{"t_ms":1}`))
	}
	// More events than the reconnect buffer holds, in 64 KiB messages.
	msg := bytes.Repeat([]byte("x"), 64<<10)
	n := int64(live.NATSReconnectBuf_B/len(msg) + 16)
	for range n {
		pub.PublishEvent("g1", msg)
	}
	sent, buffered, dropped := pub.Sent(), pub.Buffered(), pub.Dropped()
	if sent != 0 || buffered == 0 || dropped <= frames || buffered+dropped != n+frames {
		t.Fatalf("%d frames and %d events published with the server down: %d sent, %d buffered, %d dropped; want none sent, some events buffered, every frame and the rest dropped",
			frames, n, sent, buffered, dropped)
	}
	for _, c := range []struct {
		name string
		want int64
	}{
		{"stmotion_nats_published_messages_total", 0},
		{"stmotion_nats_buffered_messages_total", buffered},
		{"stmotion_nats_dropped_messages_total", dropped},
	} {
		if got := counterValue(t, met, c.name); got != float64(c.want) {
			t.Errorf("%s = %g, want %d", c.name, got, c.want)
		}
	}
	if got := labelValue(t, met, "stmotion_nats_dropped_messages_total", "kind", "frame"); got != frames {
		t.Errorf(`stmotion_nats_dropped_messages_total{kind="frame"} = %g, want the %d frames`, got, frames)
	}

	// The port was free when the publisher started; another process may
	// have taken it since (go test runs packages in parallel).
	ns, ok := tryNATSServerOn(t, port)
	if !ok {
		t.Skipf("port %d was taken before the server could listen on it", port)
	}
	waitFor(t, "the publisher to connect", pub.Connected)
	if err := pub.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := counterValue(t, met, "stmotion_nats_connected"); got != 1 {
		t.Errorf("stmotion_nats_connected = %g once connected, want 1", got)
	}
	// The server answers the flush's PING while parsing the client's
	// input, and adds the messages parsed to its in_msgs count after
	// that read: the count may lag the PONG by a moment.
	var in int64
	waitFor(t, "the server to count the messages", func() bool {
		vz, err := ns.Varz(nil)
		if err != nil {
			t.Fatal(err)
		}
		in = vz.InMsgs
		return in >= buffered
	})
	if in != buffered {
		t.Errorf("server received %d messages, want the %d events kept while it was down", in, buffered)
	}
}

// TestNATSOutage: while the NATS server is away mid-run, overlay frames
// are dropped, not buffered: a review saw, on reconnect, about 1 900
// frames of a live id that had ended a minute earlier delivered in 40 ms
// (the reconnect buffer keeps the oldest), then the current ones 350 s of
// sensor time ahead. Events are kept and delivered. /metrics says
// whether NATS is connected and counts the frames as dropped (they were
// counted as published), and the outage is logged: one warning for the
// disconnection, one for the drops (not one a message), and the
// reconnection with what the outage cost.
func TestNATSOutage(t *testing.T) {
	ns := natsServer(t)
	port := ns.Addr().(*net.TCPAddr).Port
	sub, err := nats.Connect(ns.ClientURL(), nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	var mu sync.Mutex
	var got []string // "subject data"
	if _, err := sub.Subscribe("stmotion.>", func(m *nats.Msg) {
		mu.Lock()
		got = append(got, m.Subject+" "+string(m.Data))
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	sub.Flush()

	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	met := live.NewMetrics()
	pub, err := live.NewNATSPublisher(ns.ClientURL(), live.NATSOptions{Logger: log, Metrics: met})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	waitFor(t, "the publisher to connect", pub.Connected)
	pub.PublishFrame("L1", []byte(`{"frame":"before"}`))
	pub.PublishEvent("L1", []byte(`{"event":"before"}`))
	if err := pub.Flush(); err != nil {
		t.Fatal(err)
	}
	if g := counterValue(t, met, "stmotion_nats_connected"); g != 1 {
		t.Errorf("stmotion_nats_connected = %g while connected, want 1", g)
	}

	ns.Shutdown()
	waitFor(t, "the publisher to see the server gone", func() bool { return !pub.Connected() })
	const stale = 500
	for range stale {
		pub.PublishFrame("L1", []byte(`{"frame":"stale"}`))
	}
	pub.PublishEvent("L1", []byte(`{"event":"session_end"}`))
	pub.PublishEvent("L2", []byte(`{"event":"session_start"}`))
	if g := counterValue(t, met, "stmotion_nats_connected"); g != 0 {
		t.Errorf("stmotion_nats_connected = %g with the server down, want 0", g)
	}
	if p, b, d := pub.Sent(), pub.Buffered(), labelValue(t, met, "stmotion_nats_dropped_messages_total", "kind", "frame"); p != 2 || b != 2 || d != stale {
		t.Errorf("during the outage: %d published, %d buffered, %g frames dropped; want 2 (before it), the 2 events, the %d frames", p, b, d, stale)
	}

	if _, ok := tryNATSServerOn(t, port); !ok {
		t.Skipf("port %d was taken before the server could listen on it again", port)
	}
	waitFor(t, "the publisher to reconnect", pub.Connected)
	waitFor(t, "the subscriber to reconnect", sub.IsConnected)
	sub.Flush() // its subscription is back on the server
	pub.PublishFrame("L2", []byte(`{"frame":"after"}`))
	if err := pub.Flush(); err != nil {
		t.Fatal(err)
	}
	if g := counterValue(t, met, "stmotion_nats_connected"); g != 1 {
		t.Errorf("stmotion_nats_connected = %g after the reconnect, want 1", g)
	}
	waitFor(t, "the frame after the outage", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.Contains(got, live.FramesSubject("L2")+` {"frame":"after"}`)
	})
	mu.Lock()
	var stales int
	for _, m := range got {
		if strings.Contains(m, `"stale"`) {
			stales++
		}
	}
	events := slices.DeleteFunc(slices.Clone(got), func(m string) bool { return !strings.Contains(m, `"event"`) })
	mu.Unlock()
	if stales != 0 {
		t.Errorf("the subscriber got %d frames published during the outage, want none", stales)
	}
	want := []string{
		live.EventsSubject("L1") + ` {"event":"before"}`,
		live.EventsSubject("L1") + ` {"event":"session_end"}`,
		live.EventsSubject("L2") + ` {"event":"session_start"}`,
	}
	if !slices.Equal(events, want) {
		t.Errorf("events received %q, want %q (those of the outage kept)", events, want)
	}

	out := logs.String()
	for _, c := range []struct {
		what string
		n    int
	}{
		{`level=WARN msg="live: nats disconnected`, 1},
		{`level=WARN msg="live: nats messages dropped`, 1},
		{`msg="live: nats connected after an outage"`, 1},
		{"frames_dropped=500", 1},
	} {
		if got := strings.Count(out, c.what); got != c.n {
			t.Errorf("%q logged %d times, want %d:\n%s", c.what, got, c.n, out)
		}
	}
}

// metricPresent says whether m has metric name.
func metricPresent(t *testing.T, m *live.Metrics, name string) bool {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return true
		}
	}
	return false
}

// labelValue is the value of counter name where label is value.
func labelValue(t *testing.T, m *live.Metrics, name, label, value string) float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, mt := range mf.GetMetric() {
			for _, l := range mt.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return mt.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestNATSSessionEvents: each live id's events subject opens with
// session_start and closes with session_end, and the PLAY_NEXT marker
// event and session_end name the next live id, whose subject a
// subscriber then reads (its session_start names the live id before).
func TestNATSSessionEvents(t *testing.T) {
	ns := natsServer(t)
	srv, c := liveMock(t, tinyHalves(t), mock.Options{})
	sub, err := nats.Connect(ns.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	events := subscribeEvents(t, sub, "stmotion.*.events")
	sub.Flush()
	pub, err := live.NewNATSPublisher(ns.ClientURL(), live.NATSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	ov := live.NewOverlay(live.OverlayOptions{NATS: pub})
	defer ov.Close()
	res, err := live.Join(context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), Overlay: ov, NATS: pub, MaxFollow: 1})
	if err != nil || len(res) != 2 || res[0].Next != tinyHalfID || res[1].LiveID != tinyHalfID || res[1].Next != "" {
		t.Fatalf("Join: %v, results %+v; want %s then %s", err, res, srv.LiveID(), tinyHalfID)
	}
	if err := pub.Flush(); err != nil {
		t.Fatal(err)
	}
	first, second := live.EventsSubject(srv.LiveID()), live.EventsSubject(tinyHalfID)
	ended := func(subject string) bool {
		es := events()[subject]
		return len(es) > 0 && es[len(es)-1]["event"] == "session_end"
	}
	waitFor(t, "both live ids' session_end", func() bool { return ended(first) && ended(second) })
	for _, c := range []struct {
		subject, id, prev, next string
		messages                int64
	}{
		{first, srv.LiveID(), "", tinyHalfID, res[0].Messages},
		{second, tinyHalfID, srv.LiveID(), "", res[1].Messages},
	} {
		es := events()[c.subject]
		start, end := es[0], es[len(es)-1]
		if start["event"] != "session_start" || start["live_id"] != c.id || start["prev_live_id"] != c.prev || start["wall_ms"] == nil {
			t.Errorf("%s: first event %v, want session_start of %s after %q", c.subject, start, c.id, c.prev)
		}
		if end["live_id"] != c.id || end["next_live_id"] != c.next || end["messages"] != float64(c.messages) {
			t.Errorf("%s: last event %v, want session_end of %s naming %q, %d messages", c.subject, end, c.id, c.next, c.messages)
		}
		var nexts []any
		for _, e := range es[1 : len(es)-1] {
			if e["event"] == "session_start" || e["event"] == "session_end" {
				t.Errorf("%s: session event %v between the first and the last", c.subject, e)
			}
			if e["event"] == "marker" && e["label"] == "PLAY_NEXT" {
				nexts = append(nexts, e["next_live_id"])
			}
		}
		if c.next != "" && (len(nexts) != 1 || nexts[0] != c.next) {
			t.Errorf("%s: PLAY_NEXT marker events name %v, want [%s]", c.subject, nexts, c.next)
		}
	}
}

// subscribeEvents subscribes sub to subject (wildcards allowed) and
// returns what the events received so far are, by subject, as parsed JSON
// objects.
func subscribeEvents(t *testing.T, sub *nats.Conn, subject string) func() map[string][]map[string]any {
	t.Helper()
	var mu sync.Mutex
	events := map[string][]map[string]any{}
	if _, err := sub.Subscribe(subject, func(m *nats.Msg) {
		var e map[string]any
		if err := json.Unmarshal(m.Data, &e); err != nil {
			t.Errorf("event does not parse: %v: %s", err, m.Data)
		}
		mu.Lock()
		events[m.Subject] = append(events[m.Subject], e)
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	return func() map[string][]map[string]any {
		mu.Lock()
		defer mu.Unlock()
		c := make(map[string][]map[string]any, len(events))
		for k, v := range events {
			c[k] = slices.Clone(v)
		}
		return c
	}
}

// TestNATSCloseSends: when Close returns, the server has every message
// published before it and the publisher is disconnected (a command
// exits right after Close).
func TestNATSCloseSends(t *testing.T) {
	ns := natsServer(t)
	pub, err := live.NewNATSPublisher(ns.ClientURL(), live.NATSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the publisher to connect", pub.Connected)
	msg := bytes.Repeat([]byte("x"), 16<<10)
	const n = 256 // 4 MiB: more than one write
	for range n {
		pub.PublishFrame("g1", msg)
	}
	if err := pub.Close(); err != nil {
		t.Fatal(err)
	}
	vz, err := ns.Varz(nil)
	if err != nil {
		t.Fatal(err)
	}
	if vz.InMsgs != n || pub.Connected() {
		t.Errorf("after Close: server has %d of %d messages, publisher connected %v; want all, and disconnected", vz.InMsgs, n, pub.Connected())
	}
}

// TestNATSCloseQuiet: a clean Close (Ctrl-C) logs no "disconnected;
// reconnecting" warning, as it once did with err=<nil>, and no callback
// of the client logs after Close returns.
func TestNATSCloseQuiet(t *testing.T) {
	ns := natsServer(t)
	var buf syncBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	pub, err := live.NewNATSPublisher(ns.ClientURL(), live.NATSOptions{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the publisher to connect", pub.Connected)
	pub.PublishFrame("g1", []byte("{}"))
	if err := pub.Close(); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "disconnected") || strings.Contains(out, "level=WARN") {
		t.Errorf("a clean Close logged:\n%s", out)
	}
}
