package live_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// TestJoinStartupRetries: a live id's first requests outlast temporary
// trouble beyond the client's own retries (2 attempts here): a run of
// 500s, or 429s, waiting as their Retry-After asks; credentials the API refuses (401)
// end Join at once, after one request.
func TestJoinStartupRetries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg := func(c *live.Client, id string) live.SessionConfig {
		return live.SessionConfig{Client: c, LiveID: id, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}
	}

	t.Run("500s", func(t *testing.T) {
		srv, c := liveMock(t, "", mock.Options{})
		srv.FailNext(7) // LiveInfo: 3 rounds of the client's 2 attempts fail, and one more
		joinOne(t, ctx, cfg(c, srv.LiveID()))
	})

	t.Run("429s", func(t *testing.T) {
		srv, _ := liveMock(t, "", mock.Options{})
		u, _ := url.Parse(srv.URL())
		proxy := httputil.NewSingleHostReverseProxy(u)
		var n atomic.Int32
		front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) <= 3 {
				w.Header().Set("Retry-After", "1")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"status":429,"message":"Too many requests","shottrackerRequestId":"r"}`))
				return
			}
			proxy.ServeHTTP(w, r)
		}))
		defer front.Close()
		// The websocket is the mock's own; the REST API is behind the front.
		c := cfg(liveClient(t, front.URL), srv.LiveID())
		c.WSURL = srv.WSURL()
		start := time.Now()
		joinOne(t, ctx, c)
		// Three 429s, each asking for 1 s: the client waits after the
		// first and third, and the startup loop after the second (the
		// client's two attempts used up).
		if took := time.Since(start); took < 3*time.Second {
			t.Errorf("joined %v after three 429s with Retry-After: 1, want at least 3 s", took)
		}
	})

	t.Run("401 fails fast", func(t *testing.T) {
		srv, _ := liveMock(t, "", mock.Options{Username: "someone-else"})
		c, pc := countingClient(t, srv.URL())
		_, err := live.Join(ctx, cfg(c, srv.LiveID()))
		if !errors.Is(err, live.ErrUnauthorized) || pc.count(srv.LiveID()) != 1 {
			t.Errorf("Join with refused credentials: %v after %d requests; want ErrUnauthorized after 1", err, pc.count(srv.LiveID()))
		}
	})
}

// TestJoinFeedNeverUp: at the start, a websocket that never comes up
// fails Join once it has failed for StartupRetry, as an API that does not
// answer does (not a *GaveUpError: the join failed), and one that is not
// a websocket address fails it at once. Both had been retried without
// end: a job with a mistyped --ws hung until its timeout, then ended 0.
func TestJoinFeedNeverUp(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	srv, c := liveMock(t, "", mock.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "ws://" + ln.Addr().String() + "/"
	ln.Close() // connections refused from now on

	m := live.NewMetrics()
	start := time.Now()
	res, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), WSURL: closed, Metrics: m,
		MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, StartupRetry: 300 * time.Millisecond})
	took := time.Since(start)
	if ctx.Err() != nil || err == nil || errors.Is(err, live.ErrGaveUp) || !strings.Contains(err.Error(), "still failing after retrying the connection for 300ms") {
		t.Fatalf("Join, websocket %s refusing every connection: %v after %v; want the join to fail after StartupRetry (300ms), not give up (*GaveUpError) or retry without end", closed, err, took)
	}
	if took < 300*time.Millisecond {
		t.Errorf("Join failed after %v, before StartupRetry (300ms)", took)
	}
	if len(res) != 1 || !strings.HasPrefix(res[0].End, "failed: ") || res[0].ConnectFailures < 2 ||
		counterValue(t, m, "stmotion_live_connect_failures_total") != float64(res[0].ConnectFailures) {
		t.Errorf("result %+v, stmotion_live_connect_failures_total %v; want one result ended \"failed: ...\" counting the attempts as the metric does",
			res, counterValue(t, m, "stmotion_live_connect_failures_total"))
	}

	for _, bad := range []string{"ftp://x/", "live.shottracker.com", "::bad", "ws:///feed", "ws://h:port/"} {
		start := time.Now()
		_, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), WSURL: bad, StartupRetry: time.Minute})
		var fae *live.FeedAddressError
		if !errors.As(err, &fae) || fae.Address != bad || time.Since(start) > 5*time.Second {
			t.Errorf("Join with WSURL %q: %v after %v; want a *FeedAddressError at once", bad, err, time.Since(start))
		}
	}
}
