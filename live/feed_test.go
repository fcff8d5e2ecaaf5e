package live_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

func TestFeedURL(t *testing.T) {
	for _, c := range []struct{ base, want string }{
		{"ws://127.0.0.1:8081/", "ws://127.0.0.1:8081/?token=T"},
		{"ws://live.shottracker.com", "ws://live.shottracker.com/?token=T"},
		{"http://127.0.0.1:8080", "ws://127.0.0.1:8080/?token=T"},
		{"https://h/feed?x=1", "wss://h/feed?token=T&x=1"},
	} {
		got, err := live.FeedURL(c.base, "T")
		if err != nil || got != c.want {
			t.Errorf("FeedURL(%q) = %q, %v; want %q", c.base, got, err, c.want)
		}
	}
	if _, err := live.FeedURL("ftp://h/", "T"); err == nil {
		t.Error("FeedURL(ftp://) accepted")
	}
}

func TestDefaultReadLimit(t *testing.T) {
	for _, c := range []struct{ in, want int64 }{
		{-1, 64 << 10}, {-(1<<61 + 1<<60), 64 << 10}, {math.MinInt64, 64 << 10}, {0, 64 << 10}, {8192, 64 << 10}, {32768, 128 << 10},
		// The announcement never raises the limit past the cap, nor
		// overflows it; a negative one, which 4x would wrap around, gives the floor.
		{live.MaxReadLimit_B / 4, live.MaxReadLimit_B}, {1 << 40, live.MaxReadLimit_B}, {1 << 62, live.MaxReadLimit_B}, {math.MaxInt64, live.MaxReadLimit_B},
	} {
		if got := live.DefaultReadLimit(c.in); got != c.want {
			t.Errorf("DefaultReadLimit(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}

func subscribeToken(t *testing.T, c *live.Client, id string) string {
	t.Helper()
	sub, err := c.Subscribe(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return sub.Token
}

// TestFeedTokenReuseRefused: a token opens one connection only.
func TestFeedTokenReuseRefused(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{})
	tok := subscribeToken(t, c, srv.LiveID())
	f, err := live.DialFeed(context.Background(), srv.WSURL(), tok, live.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f.SessionID() == "" || f.Ack().MaxInputBufferSizeInBytes != 8192 {
		t.Errorf("ack session %q max input %d", f.SessionID(), f.Ack().MaxInputBufferSizeInBytes)
	}
	f.Close()
	_, err = live.DialFeed(context.Background(), srv.WSURL(), tok, live.FeedOptions{})
	var fe *live.FeedError
	if !errors.Is(err, live.ErrTokenRefused) || !errors.As(err, &fe) || fe.Status != http.StatusForbidden || fe.Message == "" || fe.RequestID == "" {
		t.Fatalf("second dial with the same token: %v, want a 403 FeedError wrapping ErrTokenRefused with the server's message and request id", err)
	}
	_, err = live.DialFeed(context.Background(), srv.WSURL(), "not-a-token", live.FeedOptions{})
	if !errors.As(err, &fe) || fe.Status != http.StatusUnauthorized || !errors.Is(err, live.ErrTokenRefused) {
		t.Fatalf("unknown token: %v, want 401 ErrTokenRefused", err)
	}
}

// TestFeedPingsKeepAlive: the mock closes a connection idle for 600 ms;
// the feed pings every 200 ms (a third of the ack's timeout), so it
// stays open through a 2 s silence and reads the pongs.
func TestFeedPingsKeepAlive(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{Speed: 0.001, ConnectionTimeout: 600 * time.Millisecond})
	f, err := live.DialFeed(context.Background(), srv.WSURL(), subscribeToken(t, c, srv.LiveID()), live.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.PingInterval() != 200*time.Millisecond {
		t.Errorf("ping interval %v, want 200ms", f.PingInterval())
	}
	var dec decode.Decoder
	var m decode.Message
	var buf []byte
	pongs := 0
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		buf, err = f.Next(buf)
		if err != nil {
			t.Fatalf("after %d pongs: %v (the idle timeout closed the connection)", pongs, err)
		}
		if dec.Decode(buf, &m) == nil && m.Kind == decode.KindPong {
			pongs++
		}
	}
	if pongs < 3 {
		t.Errorf("%d pongs in 2 s, want ≥ 3", pongs)
	}
}

// TestFeedReadLimit: a message over the read limit ends the connection
// with ErrMessageTooLarge; a normal end of feed is ErrFeedClosed.
func TestFeedReadLimit(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{})
	f, err := live.DialFeed(context.Background(), srv.WSURL(), subscribeToken(t, c, srv.LiveID()), live.FeedOptions{ReadLimit_B: 40})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Next(nil)
	if !errors.Is(err, live.ErrMessageTooLarge) {
		t.Errorf("Next over the limit: %v, want ErrMessageTooLarge", err)
	}
	f.Close()

	f, err = live.DialFeed(context.Background(), srv.WSURL(), subscribeToken(t, c, srv.LiveID()), live.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.ReadLimit_B() != 64<<10 {
		t.Errorf("read limit %d, want %d", f.ReadLimit_B(), 64<<10)
	}
	n := 0
	var buf []byte
	for {
		if buf, err = f.Next(buf); err != nil {
			break
		}
		n++
	}
	if !errors.Is(err, live.ErrFeedClosed) || n != srv.Messages() {
		t.Errorf("read %d messages then %v; want %d then ErrFeedClosed", n, err, srv.Messages())
	}
}

// TestFeedReadLimitCapped: a server whose ack announces a terabyte input
// buffer does not get a terabyte read limit: a message of MaxReadLimit_B
// is read, one byte more is refused with ErrMessageTooLarge. The limit was
// once four times the announcement, and a 1.5 GB frame crashed the
// client out of memory.
func TestFeedReadLimitCapped(t *testing.T) {
	if live.MaxReadLimit_B != decode.DefaultMaxLineBytes {
		t.Errorf("MaxReadLimit_B %d, want decode.DefaultMaxLineBytes %d (a message is recorded as one line)", live.MaxReadLimit_B, decode.DefaultMaxLineBytes)
	}
	msg := func(n int64) []byte {
		head := `{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":5,"x":1,"y":2,"z":3,"pad":"`
		return []byte(head + strings.Repeat("a", int(n)-len(head)-3) + `"}}`)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		ack := fmt.Sprintf(`{"data":{"socketSessionId":"s","serverAttributes":{"maxInputBufferSizeInBytes":%d,"connectionTimeoutInMs":60000}},"action":"subscribe","type":"ack"}`, int64(1)<<40)
		for _, m := range [][]byte{[]byte(ack), msg(live.MaxReadLimit_B), msg(live.MaxReadLimit_B + 1)} {
			if c.WriteMessage(websocket.TextMessage, m) != nil {
				return
			}
		}
		c.ReadMessage() // until the client hangs up
	}))
	defer srv.Close()
	f, err := live.DialFeed(context.Background(), srv.URL, "T", live.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.ReadLimit_B() != live.MaxReadLimit_B {
		t.Errorf("read limit %d after an ack announcing 1 TiB, want MaxReadLimit_B %d", f.ReadLimit_B(), live.MaxReadLimit_B)
	}
	buf, err := f.Next(nil)
	if err != nil || int64(len(buf)) != live.MaxReadLimit_B {
		t.Fatalf("message of MaxReadLimit_B: %d B, %v; want it read", len(buf), err)
	}
	if _, err = f.Next(buf); !errors.Is(err, live.ErrMessageTooLarge) {
		t.Errorf("message of MaxReadLimit_B+1: %v, want ErrMessageTooLarge", err)
	}
}

// TestFeedCallerBusy: a caller that spends longer than the idle timeout
// between two calls of Next (the REST state fetched at a join, slowed by
// a rate limit) finds the connection alive: only silence while Next waits
// counts. The deadline once ran from the last message, and such a caller
// found the connection timed out and reconnected.
func TestFeedCallerBusy(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{Speed: 0.001, ConnectionTimeout: 600 * time.Millisecond})
	f, err := live.DialFeed(context.Background(), srv.WSURL(), subscribeToken(t, c, srv.LiveID()), live.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Read up to a pong, which comes alone, once the feed's first burst
	// is read: nothing is left in the connection's buffer, so the next
	// Next reads the socket.
	var dec decode.Decoder
	var m decode.Message
	var buf []byte
	for {
		if buf, err = f.Next(buf); err != nil {
			t.Fatal(err)
		}
		if dec.Decode(buf, &m) == nil && m.Kind == decode.KindPong {
			break
		}
	}
	time.Sleep(2*f.PingInterval() + 1500*time.Millisecond) // beyond the idle timeout (2 pings + 1 s)
	if _, err = f.Next(buf); err != nil {
		t.Errorf("Next after a busy caller: %v", err)
	}
}

// TestFeedNextAfterClose: after Close, Next returns ErrFeedClosed at
// once, not the messages the connection had buffered (it used to return
// them with a nil error, then "use of closed network connection"); a
// Next that Close interrupts from another goroutine returns it too.
func TestFeedNextAfterClose(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{})
	f, err := live.DialFeed(context.Background(), srv.WSURL(), subscribeToken(t, c, srv.LiveID()), live.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	buf, err := f.Next(nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	for i := range 3 {
		var fe *live.FeedError
		if buf, err = f.Next(buf); !errors.Is(err, live.ErrFeedClosed) || !errors.As(err, &fe) {
			t.Fatalf("Next %d after Close: %q, %v; want a *FeedError wrapping ErrFeedClosed", i, buf, err)
		}
		if msg := err.Error(); msg != "live: feed read: feed closed by Feed.Close" {
			t.Errorf("Next %d after Close: %q, want \"live: feed read: feed closed by Feed.Close\" (live: once)", i, msg)
		}
	}

	srv, c = liveMock(t, "", mock.Options{Speed: 0.0001}) // nothing comes after the ack: Next waits
	f, err = live.DialFeed(context.Background(), srv.WSURL(), subscribeToken(t, c, srv.LiveID()), live.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		var err error
		var b []byte
		for err == nil { // past whatever the mock sends at once
			b, err = f.Next(b)
		}
		done <- err
	}()
	f.Close()
	if err := <-done; !errors.Is(err, live.ErrFeedClosed) {
		t.Fatalf("Next interrupted by Close: %v, want ErrFeedClosed", err)
	}
}
