package live_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// wsFront relays a mock's websocket, and closes the first connection
// normally (1000) after it has relayed closeAfter messages (the ack
// included; 0: never): a proxy or a server closing mid-game. firstEnded
// is closed once the mock has closed the first connection normally (its
// feed is over) and the front has relayed all it sent.
type wsFront struct {
	*httptest.Server
	target     string // the mock's websocket base URL
	closeAfter int
	firstEnded chan struct{}

	mu    sync.Mutex
	conns int
}

func newWSFront(t *testing.T, target string, closeAfter int) *wsFront {
	t.Helper()
	f := &wsFront{target: target, closeAfter: closeAfter, firstEnded: make(chan struct{})}
	up := websocket.Upgrader{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.conns++
		n := f.conns
		f.mu.Unlock()
		back, resp, err := websocket.DefaultDialer.Dial(strings.TrimSuffix(f.target, "/")+"/?"+r.URL.RawQuery, nil)
		if err != nil {
			status := http.StatusBadGateway
			if resp != nil {
				status = resp.StatusCode
			}
			http.Error(w, err.Error(), status)
			return
		}
		defer back.Close()
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		go func() { // the client's pings
			for {
				mt, data, err := c.ReadMessage()
				if err != nil {
					back.Close()
					return
				}
				back.WriteMessage(mt, data)
			}
		}()
		for i := 1; ; i++ {
			mt, data, err := back.ReadMessage()
			if err != nil {
				if websocket.IsCloseError(err, websocket.CloseNormalClosure) {
					c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
					if n == 1 {
						close(f.firstEnded)
					}
				}
				return
			}
			if err := c.WriteMessage(mt, data); err != nil {
				return
			}
			if n == 1 && i == f.closeAfter {
				c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "front: closing"), time.Now().Add(time.Second))
				return
			}
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// restFront relays the mock's REST API, answering 404 "Invalid id" to
// the requests notFound picks (by path and how many came before with that
// path's last segment).
func restFront(t *testing.T, target string, notFound func(last string, n int) bool) *httptest.Server {
	t.Helper()
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		last := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		if !strings.HasPrefix(last, "_") && strings.Count(r.URL.Path, "/") == 4 {
			last = "live" // GET /v1/data/live/{id}
		}
		mu.Lock()
		seen[last]++
		n := seen[last]
		mu.Unlock()
		if notFound(last, n) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"status":404,"message":"Invalid id"}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestJoinNormalCloseMidGame: the feed is closed normally (1000) a third
// of the way in, while the live id is still active (no end marker yet,
// the live information answers). Join asks, reconnects (counted), and
// records the whole feed, each location once; the mock's close at the
// end of the feed, after its PLAY_END, ends the live id.
func TestJoinNormalCloseMidGame(t *testing.T) {
	srv, c := liveMock(t, "", mock.Options{})
	front := newWSFront(t, srv.WSURL(), 40)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), WSURL: front.URL, Out: t.TempDir(),
		MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})
	fc := countFeed(readLines(t, filepath.Join(r.Dir, decode.BundleMessages)))
	if r.Reconnects != 1 || len(fc.locations) != mock.TinySteps*5 || fc.kinds[decode.KindLocation] != mock.TinySteps*5 {
		t.Errorf("%s: %d locations recorded (%d distinct); want 1 reconnect and each of %d once",
			r.String(), fc.kinds[decode.KindLocation], len(fc.locations), mock.TinySteps*5)
	}
	if !strings.Contains(r.End, "end marker") {
		t.Errorf("ended %q, want at the close after the end marker", r.End)
	}
}

// TestJoinNormalCloseFeedOver: a feed with no end marker that the
// server closes normally at its end while the API still calls the live
// id active (`stmotion mock` at speed 0 replays it from its start to
// every connection): Join reconnects once, and when that connection
// brings nothing new before the next normal close, the live id has
// ended; nothing is fed twice.
func TestJoinNormalCloseFeedOver(t *testing.T) {
	dir, p, data := tinyMessages(t)
	var kept []byte
	for _, l := range mock.Lines(data) {
		if !strings.Contains(string(l), `"PLAY_END"`) {
			kept = append(append(kept, l...), '\n')
		}
	}
	if err := os.WriteFile(p, kept, 0o644); err != nil {
		t.Fatal(err)
	}
	srv, c := liveMock(t, dir, mock.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: t.TempDir(), MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})
	if r.Reconnects != 1 || r.Duplicates != int64(srv.Messages()) || !strings.Contains(r.End, "nothing new") {
		t.Errorf("%s: want 1 reconnect whose %d messages are all duplicates, then the end", r.String(), srv.Messages())
	}
	if r.Summary == nil || r.Summary.Quality.Locations != mock.TinySteps*5 {
		t.Errorf("summary %+v, want each of %d locations once", r.Summary, mock.TinySteps*5)
	}
}

// TestJoinSubscribe404MidGame: a reconnect's subscribe answered 404 once
// (the live information still answers) is retried, not taken for the
// end of the live id; one answered 404 for longer than StartupRetry,
// with the live information 404 too, is given up: a *GaveUpError, with
// the result of what was received.
func TestJoinSubscribe404MidGame(t *testing.T) {
	t.Run("once", func(t *testing.T) {
		srv, _ := liveMock(t, "", mock.Options{})
		rest := restFront(t, srv.URL(), func(last string, n int) bool { return last == "_subscribe" && n == 2 })
		front := newWSFront(t, srv.WSURL(), 40)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		m := live.NewMetrics()
		r := joinOne(t, ctx, live.SessionConfig{Client: liveClient(t, rest.URL), LiveID: srv.LiveID(), WSURL: front.URL, Out: t.TempDir(),
			MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, Metrics: m})
		fc := countFeed(readLines(t, filepath.Join(r.Dir, decode.BundleMessages)))
		if r.Reconnects != 1 || r.ConnectFailures != 1 || len(fc.locations) != mock.TinySteps*5 {
			t.Errorf("%s: %d distinct locations recorded; want 1 reconnect after 1 failed attempt, and all %d", r.String(), len(fc.locations), mock.TinySteps*5)
		}
		// The outage shows: in the metrics, and in the result line.
		if f, n := counterValue(t, m, "stmotion_live_connect_failures_total"), counterValue(t, m, "stmotion_live_reconnects_total"); f != 1 || n != 1 {
			t.Errorf("metrics: %g failed connection attempts, %g reconnects; want 1 and 1", f, n)
		}
		if up := counterValue(t, m, "stmotion_live_connected"); up != 0 {
			t.Errorf("stmotion_live_connected %g after the end, want 0", up)
		}
		if line := r.String(); r.Offline <= 0 || !strings.Contains(line, "1 failed connection attempts, offline ") {
			t.Errorf("result line %q (offline %v): want the failed attempt and the time offline", line, r.Offline)
		}
	})
	t.Run("for good", func(t *testing.T) {
		srv, _ := liveMock(t, "", mock.Options{})
		rest := restFront(t, srv.URL(), func(last string, n int) bool {
			return last == "_subscribe" && n >= 2 || last == "live" && n >= 2
		})
		front := newWSFront(t, srv.WSURL(), 40)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, rest.URL), LiveID: srv.LiveID(), WSURL: front.URL, Out: t.TempDir(),
			MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, StartupRetry: 50 * time.Millisecond})
		var ge *live.GaveUpError
		if !errors.Is(err, live.ErrGaveUp) || !errors.As(err, &ge) || ge.LiveID != srv.LiveID() || !errors.Is(err, live.ErrNotFound) {
			t.Fatalf("Join: %v; want a GaveUpError of the live id wrapping ErrNotFound", err)
		}
		if len(res) != 1 || res[0].Messages < 40 || res[0].Summary == nil || res[0].Offline == 0 {
			t.Errorf("results %+v; want the one live id's, with what it received, its summary and the time offline", res)
		}
		// The result line says how it ended, as for any other end.
		if line := res[0].String(); !strings.Contains(line, "; ended: gave up: the API answered 404 for the live id for 50ms") {
			t.Errorf("result line %q; want it to end with why Join gave up", line)
		}
	})
}
