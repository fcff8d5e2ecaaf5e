//go:build unix

package live

import (
	"context"
	"net"
	"net/http/httptest"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/track"
)

// demoTick is one tick of 25 sensors, as the demo's frames (3.2 kB of
// JSON).
func demoTick(n int) []track.Sample {
	rows := make([]track.Sample, 25)
	for i := range rows {
		rows[i] = track.Sample{T_ms: int64(n) * 40, SensorID: int64(1000 + i), Kind: track.KindPlayer, TeamID: 461 + int64(i%2),
			X_m: float64(n%300)/10 - 12.345, Y_m: float64(i)/3 - 7.654, Z_m: 1.1, Speed_mps: 3.21, Clock: track.ClockLive, Period: 1}
	}
	rows[24].Kind, rows[24].TeamID = track.KindBall, 0
	return rows
}

// TestOverlayStalledClientBounded: a client that stops reading starts
// losing frames once a bounded amount is buffered for it (its queue, the
// small kernel send buffer OverlaySendBuffer_B, its own receive buffer),
// not after megabytes. The client's receive buffer is set to 64 KiB, a
// common size, so that the figure depends on the server's side only.
func TestOverlayStalledClientBounded(t *testing.T) {
	o := NewOverlay(OverlayOptions{Rate_Hz: 1e6})
	srv := httptest.NewServer(o)
	t.Cleanup(func() { o.Close(); srv.Close() })
	d := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		nd := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 64<<10) })
			if err != nil {
				return err
			}
			return serr
		}}
		return nd.DialContext(ctx, network, addr)
	}}
	conn, _, err := d.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close() // never read
	var c *overlayClient
	waitForInternal(t, "the client", func() bool {
		o.mu.Lock()
		defer o.mu.Unlock()
		for k := range o.clients {
			c = k
		}
		return c != nil
	})
	sink := o.Sink("L1", nil)
	const limit_B = 512 << 10
	sent_B, frame_B := 0, 0
	for n := 1; o.Dropped() == 0; n++ {
		if sent_B > limit_B {
			t.Fatalf("no frame dropped after %d frames (%d kB) to a client that stopped reading: want a drop within %d kB", n-1, sent_B>>10, limit_B>>10)
		}
		before := o.Frames()
		sink.Samples(demoTick(n))
		waitForInternal(t, "the frame to go out", func() bool { return o.Frames() > before })
		frame_B = len(AppendFrameJSON(nil, &sink.frame, nil))
		sent_B += frame_B
		// Drops come from a blocked writer, not a slow one: wait (up to
		// 0.5 s) for the writer to take the frame.
		for deadline := time.Now().Add(500 * time.Millisecond); c.queued() > 0 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	t.Logf("first drop after %d kB (frames of %d B)", sent_B>>10, frame_B)

	// Close does not wait out the stalled client's write timeout (up to
	// OverlayWriteTimeout_s, 10 s): its blocked write is cut short at
	// CloseTimeout_s, 1 s (it took 5.4-9.7 s, as the timeout was last
	// moved). 3 s leaves room for a loaded machine.
	start := time.Now()
	o.Close()
	took := time.Since(start)
	t.Logf("Close took %v", took.Round(time.Millisecond))
	if took > 3*time.Second {
		t.Errorf("Close took %v with a stalled client, want about CloseTimeout_s (%d s)", took.Round(time.Millisecond), CloseTimeout_s)
	}
}

// TestOverlayFresh: a queued frame older than MaxAge_ms is dropped when a
// newer one is queued behind it, and written when it is the newest; an
// end frame is never dropped for age.
func TestOverlayFresh(t *testing.T) {
	o := &Overlay{opt: OverlayOptions{MaxAge_ms: 250, Queue: 2}}
	c := &overlayClient{o: o, ready: make(chan struct{}, 1)}
	now := time.Now()
	old := outFrame{at: now.Add(-300 * time.Millisecond)}
	young := outFrame{at: now.Add(-100 * time.Millisecond)}
	if !c.fresh(&old, now) {
		t.Errorf("a frame 300 ms old with none behind it was dropped; want it written (the newest state)")
	}
	c.enqueue(young)
	if c.fresh(&old, now) {
		t.Errorf("a frame 300 ms old with a newer one queued was kept; want it dropped")
	}
	if end := (outFrame{at: old.at, end: true}); !c.fresh(&end, now) {
		t.Errorf("an end frame 300 ms old with a newer one queued was dropped; want it written")
	}
	if !c.fresh(&young, now) {
		t.Errorf("a frame 100 ms old was dropped")
	}
	if o.Dropped() != 1 || c.dropped.Load() != 1 {
		t.Errorf("dropped %d (client %d), want 1", o.Dropped(), c.dropped.Load())
	}
}

// TestOverlayQueueKeepsEnd: a full queue drops its oldest frame that is
// not an end frame: a slow client still learns that a live id ended,
// before the next one's frames.
func TestOverlayQueueKeepsEnd(t *testing.T) {
	o := &Overlay{opt: OverlayOptions{Queue: 3}}
	c := &overlayClient{o: o, ready: make(chan struct{}, 1)}
	mk := func(i int, end bool) outFrame { return outFrame{inputAt: time.UnixMilli(int64(i)), end: end} }
	for i, end := range []bool{true, false, false, false, false} {
		c.enqueue(mk(i, end))
	}
	var got []int64
	for f, ok := c.pop(); ok; f, ok = c.pop() {
		got = append(got, f.inputAt.UnixMilli())
	}
	if want := []int64{0, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("queue kept frames %v, want %v (the end frame and the newest)", got, want)
	}
	if c.dropped.Load() != 2 {
		t.Errorf("dropped %d, want 2", c.dropped.Load())
	}

	// A queue of one holding an end frame keeps it: the queue grows by it
	// rather than lose it to the next live id's first frame.
	o1 := &Overlay{opt: OverlayOptions{Queue: 1}}
	c1 := &overlayClient{o: o1, ready: make(chan struct{}, 1)}
	c1.enqueue(mk(0, true))
	c1.enqueue(mk(1, false))
	c1.enqueue(mk(2, false))
	got = got[:0]
	for f, ok := c1.pop(); ok; f, ok = c1.pop() {
		got = append(got, f.inputAt.UnixMilli())
	}
	if want := []int64{0, 2}; !slices.Equal(got, want) {
		t.Errorf("queue of one kept frames %v, want %v (the end frame and the newest)", got, want)
	}
}
