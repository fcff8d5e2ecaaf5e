package live_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// nextFront relays the mock's REST API, and answers the live information
// of the second half (tinyHalfID) with what answer says for the nth
// request (0: relay it).
func nextFront(t *testing.T, target string, answer func(n int, w http.ResponseWriter) bool) *httptest.Server {
	t.Helper()
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/data/live/"+tinyHalfID {
			mu.Lock()
			n++
			k := n
			mu.Unlock()
			if answer(k, w) {
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte(`{"status":404,"message":"Invalid id"}`))
}

// TestJoinFollowRetries404: the live id a PLAY_NEXT names answers 404 for
// its first three requests (not queryable yet). Join retries it, reading
// the old feed on meanwhile, and the second half is recorded whole.
func TestJoinFollowRetries404(t *testing.T) {
	srv, _ := liveMock(t, tinyHalves(t), mock.Options{Speed: 2})
	front := nextFront(t, srv.URL(), func(n int, w http.ResponseWriter) bool {
		if n <= 3 {
			notFound(w)
			return true
		}
		return false
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, front.URL), WSURL: srv.WSURL(), LiveID: srv.LiveID(), Out: t.TempDir(),
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	if err != nil || len(res) != 2 || res[1].LiveID != tinyHalfID {
		t.Fatalf("Join: %v, results %+v; want both halves", err, res)
	}
	fc := countFeed(readLines(t, filepath.Join(res[1].Dir, decode.BundleMessages)))
	const want = mock.TinySteps / 2 * 5
	if len(fc.locations) != want || fc.kinds[decode.KindLocation] != want {
		t.Errorf("second half: %d locations recorded (%d distinct), want each of %d once", fc.kinds[decode.KindLocation], len(fc.locations), want)
	}
}

// TestJoinFollowEscapedID: a PLAY_NEXT whose live_id is written with a
// JSON escape ("…\u002d…", valid JSON for tinyHalfID, as any serializer
// may write it) is followed to tinyHalfID, the id itself: its REST
// requests, its result and its bundle name it, as the engine's
// next_live_id does. The raw text was followed (a request for
// /v1/data/live/…%5Cu002d…, which the API answers 404, then given up).
func TestJoinFollowEscapedID(t *testing.T) {
	wire := strings.Replace(tinyHalfID, "-", `\u002d`, 1)
	srv, _ := liveMock(t, tinyHalvesNaming(t, wire), mock.Options{Speed: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, srv.URL()), WSURL: srv.WSURL(), LiveID: srv.LiveID(), Out: t.TempDir(),
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, StartupRetry: 700 * time.Millisecond})
	if err != nil || len(res) != 2 {
		t.Fatalf("Join: %v, %d results; want both halves", err, len(res))
	}
	if res[0].Next != tinyHalfID || res[1].LiveID != tinyHalfID || filepath.Base(res[1].Dir) != tinyHalfID {
		t.Errorf("first half's next %q, second half %q in %s; want %s (the PLAY_NEXT said %q)", res[0].Next, res[1].LiveID, res[1].Dir, tinyHalfID, wire)
	}
	if !strings.Contains(res[0].String(), "named the next live id "+tinyHalfID) {
		t.Errorf("result line %q does not name %s", res[0].String(), tinyHalfID)
	}
}

// TestJoinFollowGivesUp: the next live id never answers (404 until
// StartupRetry is over). Join gives up with a *GaveUpError naming it,
// and what the old feed delivered for it meanwhile is not thrown away:
// it is in the next live id's bundle, counted in its result.
func TestJoinFollowGivesUp(t *testing.T) {
	srv, _ := liveMock(t, tinyHalves(t), mock.Options{Speed: 2})
	front := nextFront(t, srv.URL(), func(n int, w http.ResponseWriter) bool { notFound(w); return true })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, front.URL), WSURL: srv.WSURL(), LiveID: srv.LiveID(), Out: t.TempDir(),
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, StartupRetry: 700 * time.Millisecond})
	var ge *live.GaveUpError
	if !errors.As(err, &ge) || ge.LiveID != tinyHalfID || !errors.Is(err, live.ErrNotFound) {
		t.Fatalf("Join: %v; want a GaveUpError of %s wrapping ErrNotFound", err, tinyHalfID)
	}
	checkKept(t, res)
}

// TestJoinFollowGivesUpReports: while the next live id keeps failing,
// /healthz and /metrics say what is going on: the previous live id's
// feed is connected and read for it (status "handover", connected 1),
// and the failed attempts are counted; every message the old feed
// delivered for it is counted as received once, as its result counts it,
// and the result line says that Join gave up. (They said "connecting",
// connected 0, no failure, and the message counters stood still.)
func TestJoinFollowGivesUpReports(t *testing.T) {
	srv, _ := liveMock(t, tinyHalves(t), mock.Options{Speed: 2})
	m, health := live.NewMetrics(), &live.Health{}
	var during live.HealthReport
	var failsDuring, upDuring float64
	front := nextFront(t, srv.URL(), func(n int, w http.ResponseWriter) bool {
		if n == 3 { // two attempts have failed
			during = health.Report()
			failsDuring, upDuring = counterValue(t, m, "stmotion_live_connect_failures_total"), counterValue(t, m, "stmotion_live_connected")
		}
		notFound(w)
		return true
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, front.URL), WSURL: srv.WSURL(), LiveID: srv.LiveID(), Out: t.TempDir(),
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, StartupRetry: 700 * time.Millisecond, Metrics: m, Health: health})
	if !errors.Is(err, live.ErrGaveUp) {
		t.Fatalf("Join: %v; want it to give up", err)
	}
	checkKept(t, res)
	if during.Status != "handover" || !during.Connected || during.LiveID != tinyHalfID || during.HandoverFrom != srv.LiveID() {
		t.Errorf("health during the handover %+v; want status handover, connected, live id %s, handover_from %s", during, tinyHalfID, srv.LiveID())
	}
	if failsDuring != 2 || upDuring != 1 {
		t.Errorf("metrics during the handover: %g failed connection attempts, connected %g; want 2 and 1", failsDuring, upDuring)
	}
	received := counterValue(t, m, "stmotion_live_messages_total") + counterValue(t, m, "stmotion_live_decode_errors_total")
	if want := res[0].Messages + res[1].Messages; received != float64(want) {
		t.Errorf("stmotion_live_messages_total %g; want each message received counted once: %d (%d + %d)", received, want, res[0].Messages, res[1].Messages)
	}
	if h := health.Report(); h.Messages != res[0].Messages+res[1].Messages || h.Status != "finished" || h.HandoverFrom != "" {
		t.Errorf("health at the end %+v; want finished, with the %d messages", h, res[0].Messages+res[1].Messages)
	}
	r := res[1]
	if line := r.String(); r.ConnectFailures < 2 || !strings.Contains(line, "failed connection attempts") || !strings.Contains(line, "; ended: gave up before its feed was up: its live information failed") {
		t.Errorf("second half's result line %q; want its failed attempts and why Join gave up", line)
	}
}

// TestJoinCancelDuringHandover: Ctrl-C while the next live id answers
// 503 with a Retry-After, once the old feed has delivered the rest of
// the event. What it delivered for the next live id is recorded in that
// one's bundle, and its result says so.
func TestJoinCancelDuringHandover(t *testing.T) {
	srv, _ := liveMock(t, tinyHalves(t), mock.Options{Speed: 2})
	ws := newWSFront(t, srv.WSURL(), 0)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	front := nextFront(t, srv.URL(), func(n int, w http.ResponseWriter) bool {
		w.Header().Set("Retry-After", "60") // Join waits a minute
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":503,"message":"busy"}`))
		if n == 1 {
			go func() {
				<-ws.firstEnded // the old feed has delivered the second half
				cancel()
			}()
		}
		return true
	})
	res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, front.URL), WSURL: ws.URL, LiveID: srv.LiveID(), Out: t.TempDir(),
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Join: %v; want it cancelled", err)
	}
	checkKept(t, res)
}

// checkKept checks the results of a Join that stopped at the handover to
// the second half of tinyHalves: the second half's result has the
// messages the first half's feed delivered for it, recorded in its
// bundle, not analysed.
func checkKept(t *testing.T, res []live.SessionResult) {
	t.Helper()
	if len(res) != 2 || res[1].LiveID != tinyHalfID {
		t.Fatalf("results %+v; want the first half's and the second's", res)
	}
	r := res[1]
	if r.Dir == "" || r.Unanalysed == 0 || r.Unanalysed+r.Duplicates != r.Messages {
		t.Fatalf("second half: %s (dir %q); want the messages received for it, recorded, not analysed", r.String(), r.Dir)
	}
	lines := readLines(t, filepath.Join(r.Dir, decode.BundleMessages))
	fc := countFeed(lines)
	if int64(len(lines)) != r.Unanalysed || fc.kinds[decode.KindLocation] == 0 || len(fc.locations) != fc.kinds[decode.KindLocation] {
		t.Errorf("second half's bundle: %d lines, %d locations (%d distinct); want the %d received, each once", len(lines), fc.kinds[decode.KindLocation], len(fc.locations), r.Unanalysed)
	}
}

// TestJoinFollowLongID: a PLAY_NEXT naming a live id too long for a
// directory name once escaped (300 bytes, over the 255 a file name may
// have) is followed: its bundle goes under a shortened name with a hash
// of the id (export.FitName), and its result names the whole id. It
// ended the whole Join with a bare "file name too long".
func TestJoinFollowLongID(t *testing.T) {
	long := strings.Repeat("B", 300)
	srv, _ := liveMock(t, tinyHalvesNaming(t, long), mock.Options{Speed: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := live.Join(ctx, live.SessionConfig{Client: liveClient(t, srv.URL()), WSURL: srv.WSURL(), LiveID: srv.LiveID(), Out: t.TempDir(),
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, StartupRetry: 700 * time.Millisecond, MaxFollow: 1})
	if err != nil {
		t.Fatalf("Join: %v; want the long id's session joined", err)
	}
	if len(res) != 2 || res[0].Next != long || res[0].Summary == nil || res[1].LiveID != long || res[1].Summary == nil || res[1].Dir == "" {
		t.Fatalf("results %+v; want the first half, then the long id's, with its bundle", res)
	}
	if base := filepath.Base(res[1].Dir); len(base) > 255 || !strings.HasPrefix(base, "BBBB") {
		t.Errorf("the long id's bundle directory %q (%d bytes); want a name a file system takes, from the id", base, len(base))
	}
}

// TestPrintableID: a live id a feed names is printed as it is, or quoted
// when it holds a control character (unescaped from a PLAY_NEXT's
// "\u001b[2J", it would clear the terminal the result line goes to), a
// bidirectional override or invalid UTF-8: what decode.Printable escapes,
// and nothing else (it once also quoted ids with a no-break space or a
// zero-width joiner, which Printable prints as they are).
func TestPrintableID(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{tinyHalfID, tinyHalfID},
		{"next-half", "next-half"},
		{"mi-temps é", "mi-temps é"},
		{"mi-temps\u00a02", "mi-temps\u00a02"},                       // no-break space
		{"\U0001f3c0\u200d\U0001f525", "\U0001f3c0\u200d\U0001f525"}, // zero-width joiner
		{"نیمه\u200cدوم", "نیمه\u200cدوم"},                           // zero-width non-joiner (Persian)
		{"a\ufffdb", "a\ufffdb"},                                     // U+FFFD itself is printable
		{"a\u202eb", `"a\u202eb"`},
		{"a\u0085b", `"a\u0085b"`},
		{"game\x1b]2;pwned\x07\x1b[2J", `"game\x1b]2;pwned\a\x1b[2J"`},
		{"a\rb", `"a\rb"`},
		{"a\xffb", `"a\xffb"`},
	} {
		if got := live.PrintableID(c.in); got != c.want {
			t.Errorf("PrintableID(%q) = %s, want %s", c.in, got, c.want)
		}
		if quoted := c.in != c.want; quoted == decode.IsPrintable(c.in) || quoted != (decode.Printable(c.in) != c.in) {
			t.Errorf("PrintableID(%q) quoted %v, but decode.IsPrintable %v, decode.Printable %q", c.in, quoted, decode.IsPrintable(c.in), decode.Printable(c.in))
		}
	}
}
