package live_test

// Live-mode targets (issue: p99 ≤ 5 ms from a location entering the
// engine to the frame leaving the server with 100 overlay clients; engine
// throughput unchanged with a stalled client; reconnect within 2 s):
//
//	go test -run '^$' -bench 'OverlayLatency' -benchtime 200x ./live/
//	go test -run '^$' -bench 'EngineWithStalledClient' -benchtime 200000x -count 3 ./live/
//	go test -run '^$' -bench 'Reconnect' -benchtime 10x ./live/
//
// Profile: add -cpuprofile cpu.out and read it with go tool pprof.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/track"
)

// benchFeed makes the wire lines of ticks 20 Hz ticks: ten players
// running circles and a ball, 11 location messages per tick.
func benchFeed(ticks int) [][]byte {
	lines := make([][]byte, 0, ticks*11)
	for n := range ticks {
		t := 1700000000000 + int64(n)*50
		for p := range 10 {
			x := -10000 + p*2000 + (n*37+p*11)%400
			y := -5000 + p*1000 + (n*23+p*7)%300
			lines = append(lines, fmt.Appendf(nil, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":%d,"x":%d,"y":%d,"z":1100}}`, t, 100+p, x, y))
		}
		lines = append(lines, fmt.Appendf(nil, `{"type":"location","data":{"occurred_at":%d,"type":"BALL","id":2147549498,"x":%d,"y":%d,"z":1000}}`, t, -9000+(n*50)%18000, 0))
	}
	return lines
}

// benchEngine is an engine in live mode feeding an overlay sink.
func benchEngine(b *testing.B, ov *live.Overlay) (*track.Session, *live.OverlaySink) {
	cfg := track.DefaultConfig()
	cfg.Causal = true
	cfg.Rate_Hz = 20
	cfg.RateSamples = 16
	sink := ov.Sink("bench", nil)
	s, err := track.NewSession(cfg, track.Meta{SessionID: "bench"}, sink)
	if err != nil {
		b.Fatal(err)
	}
	return s, sink
}

func benchOverlayServer(b *testing.B, opt live.OverlayOptions) (*live.Overlay, string, func()) {
	ov := live.NewOverlay(opt)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: live.NewHandler(ov, nil, nil)}
	go srv.Serve(ln)
	return ov, "ws://" + ln.Addr().String() + "/overlay", func() { ov.Close(); srv.Close() }
}

// BenchmarkOverlayLatency feeds a real-time game (20 Hz ticks) to the
// engine with 1 (the baseline) and 100 overlay clients reading on
// loopback, and reports the latency from the message that completes a
// frame entering the engine to that frame written to each client. One op
// is one tick.
func BenchmarkOverlayLatency(b *testing.B) {
	for _, n := range []int{1, 100} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) { benchOverlayLatency(b, n, false) })
	}
	// The same 100 clients in another process (this test binary re-run as
	// TestHelperOverlayClients), as overlay clients would be.
	b.Run("clients=100-other-process", func(b *testing.B) { benchOverlayLatency(b, 100, true) })
}

// TestHelperOverlayClients is not a test: BenchmarkOverlayLatency runs the
// test binary with STMOTION_OVERLAY_CLIENTS=N,URL to hold N reading
// clients open in a separate process until its stdin closes.
func TestHelperOverlayClients(t *testing.T) {
	spec := os.Getenv("STMOTION_OVERLAY_CLIENTS")
	if spec == "" {
		t.Skip("helper process for BenchmarkOverlayLatency")
	}
	n, url, _ := strings.Cut(spec, ",")
	count, _ := strconv.Atoi(n)
	for range count {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for {
				if _, _, err := c.NextReader(); err != nil {
					return
				}
			}
		}()
	}
	io.Copy(io.Discard, os.Stdin)
}

func benchOverlayLatency(b *testing.B, clients int, external bool) {
	var mu sync.Mutex
	lat := make([]time.Duration, 0, 1<<16)
	ov, url, done := benchOverlayServer(b, live.OverlayOptions{OnSent: func(d time.Duration) {
		mu.Lock()
		lat = append(lat, d)
		mu.Unlock()
	}})
	defer done()
	var wg sync.WaitGroup
	want := clients
	if external {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperOverlayClients$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("STMOTION_OVERLAY_CLIENTS=%d,%s", clients, url))
		stdin, err := cmd.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() { stdin.Close(); cmd.Wait() }()
		clients = 0 // none in this process
	}
	for range clients {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if _, _, err := c.NextReader(); err != nil {
					return
				}
			}
		}()
	}
	for ov.Clients() < want {
		time.Sleep(time.Millisecond)
	}
	// Warm up past the engine's start-up (RateSamples) and reorder window.
	lines := benchFeed(b.N + 40)
	eng, sink := benchEngine(b, ov)
	var dec decode.Decoder
	var m decode.Message
	feedTick := func(n int) {
		for _, l := range lines[n*11 : n*11+11] {
			if err := dec.Decode(l, &m); err != nil {
				b.Fatal(err)
			}
			sink.NoteInput(time.Now())
			if err := eng.Feed(&m); err != nil {
				b.Fatal(err)
			}
		}
	}
	for n := range 20 {
		feedTick(n)
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	lat = lat[:0]
	mu.Unlock()
	b.ResetTimer()
	next := time.Now()
	for n := 20; n < 20+b.N; n++ {
		next = next.Add(50 * time.Millisecond) // real time
		time.Sleep(time.Until(next))
		feedTick(n)
	}
	time.Sleep(100 * time.Millisecond)
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	if len(lat) == 0 {
		b.Fatal("no frame reached a client")
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1])/1e6, "max-ms")
	b.ReportMetric(float64(len(lat))/float64(b.N), "writes/tick")
}

// BenchmarkEngineWithStalledClient compares the engine's throughput
// (messages fed through the engine and the overlay sink, as fast as
// possible, frames broadcast at up to 1000 Hz) with one reading overlay
// client, and with the same plus a client that never reads (its socket
// fills, then it loses frames). One op is one message.
func BenchmarkEngineWithStalledClient(b *testing.B) {
	for _, stalled := range []bool{false, true} {
		name := "reader=1"
		if stalled {
			name = "reader=1+stalled=1"
		}
		b.Run(name, func(b *testing.B) {
			ov, url, done := benchOverlayServer(b, live.OverlayOptions{Queue: 4, Rate_Hz: 1000})
			defer done()
			want := 1
			if stalled {
				c1, _, err := websocket.DefaultDialer.Dial(url, nil) // never read
				if err != nil {
					b.Fatal(err)
				}
				defer c1.Close()
				want = 2
			}
			c2, _, err := websocket.DefaultDialer.Dial(url, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer c2.Close()
			go func() {
				for {
					if _, _, err := c2.NextReader(); err != nil {
						return
					}
				}
			}()
			for ov.Clients() < want {
				time.Sleep(time.Millisecond)
			}
			if stalled {
				// Fill the stalled client's socket and queue first, so that
				// it is losing frames while the engine runs.
				warm := ov.Sink("warm", nil)
				rows := make([]track.Sample, 300)
				for n := 1; ov.Dropped() == 0 && n < 100000; n++ {
					for i := range rows {
						rows[i] = track.Sample{T_ms: int64(n), SensorID: int64(i), Kind: track.KindPlayer}
					}
					before := ov.Frames()
					warm.Samples(rows)
					for ov.Frames() == before {
						time.Sleep(50 * time.Microsecond)
					}
				}
			}
			dropped0 := ov.Dropped()
			lines := benchFeed(b.N/11 + 2)
			eng, sink := benchEngine(b, ov)
			var dec decode.Decoder
			var m decode.Message
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				l := lines[i]
				if err := dec.Decode(l, &m); err != nil {
					b.Fatal(err)
				}
				sink.NoteInput(time.Time{})
				if err := eng.Feed(&m); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(ov.Dropped()-dropped0), "dropped-frames")
			b.ReportMetric(float64(ov.Frames()), "frames")
		})
	}
}

// BenchmarkReconnect joins the tiny bundle replayed slowly by a mock that
// drops every connection (no close frame) 200 ms after it opens, with the
// default backoff, and reports the time from losing a connection to the
// ack of the next one. One op is one reconnect.
func BenchmarkReconnect(b *testing.B) {
	dir := b.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		b.Fatal(err)
	}
	srv, err := mock.New(dir, mock.Options{Speed: 0.01, Loop: true, DropEvery: 200 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c, err := live.NewClient(live.ClientConfig{BaseURL: srv.URL(), Credentials: live.Credentials{Username: mock.DefaultUsername, Secret: mock.DefaultSecret}})
	if err != nil {
		b.Fatal(err)
	}
	m := live.NewMetrics()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			if n := int(metricValue(m, "stmotion_live_reconnects_total")); n >= b.N {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	b.ResetTimer()
	res, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Metrics: m})
	b.StopTimer()
	if err != nil || len(res) != 1 || res[0].Reconnects == 0 {
		b.Fatalf("Join: %v %v", res, err)
	}
	r := res[0]
	b.ReportMetric(float64(r.Offline)/float64(r.Reconnects)/1e6, "mean-ms")
	b.ReportMetric(float64(r.OfflineMax)/1e6, "max-ms")
	b.ReportMetric(0, "ns/op")
}

func metricValue(m *live.Metrics, name string) float64 {
	mfs, _ := m.Registry().Gather()
	for _, mf := range mfs {
		if mf.GetName() == name {
			var s float64
			for _, mt := range mf.GetMetric() {
				s += mt.GetCounter().GetValue()
			}
			return s
		}
	}
	return 0
}
