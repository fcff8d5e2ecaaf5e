package mock_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/gorilla/websocket"
	"github.com/klauspost/compress/zstd"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/synth"
)

var creds = live.Credentials{Username: mock.DefaultUsername, Secret: mock.DefaultSecret}

// tinyDir writes the tiny bundle into a temporary directory.
func tinyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func start(t *testing.T, dir string, opts mock.Options) *mock.Server {
	t.Helper()
	s, err := mock.New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); s.Close() })
	return s
}

// do sends method uri (path and query) to the mock, signed unless sign is
// nil, and returns the status and body.
func do(t *testing.T, s *mock.Server, method, uri string, sign func(*http.Request)) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sign != nil {
		sign(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.Header
}

func signNow(req *http.Request) {
	if err := creds.Sign(req, time.Now()); err != nil {
		panic(err)
	}
}

func errorBody(t *testing.T, body []byte) decode.ErrorBody {
	t.Helper()
	var eb decode.ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	if eb.ShottrackerRequestID == "" || eb.Message == "" || eb.Status == 0 {
		t.Errorf("error body %s lacks status, message or shottrackerRequestId", body)
	}
	return eb
}

func TestAuthRefusals(t *testing.T) {
	s := start(t, tinyDir(t), mock.Options{})
	uri := "/v1/data/live/" + mock.TinyLiveID + "/_subscribe?dt=STATS"
	tests := []struct {
		name     string
		sign     func(*http.Request)
		want     int
		wantText string
	}{
		{"good signature", signNow, 200, ""},
		{"skew 4 min behind is fine", func(r *http.Request) { creds.Sign(r, time.Now().Add(-4*time.Minute)) }, 200, ""},
		{"no Authorization", func(r *http.Request) {}, 401, "missing Authorization"},
		{"malformed", func(r *http.Request) { r.Header.Set("Authorization", "hmac nonsense") }, 401, "malformed Authorization"},
		{"wrong scheme", func(r *http.Request) { r.Header.Set("Authorization", "Basic abc") }, 401, "malformed Authorization"},
		{"wrong secret", func(r *http.Request) {
			(live.Credentials{Username: mock.DefaultUsername, Secret: "not-the-secret"}).Sign(r, time.Now())
		}, 401, "signature does not match"},
		{"wrong username", func(r *http.Request) {
			(live.Credentials{Username: "someone-else", Secret: mock.DefaultSecret}).Sign(r, time.Now())
		}, 401, "unknown username"},
		{"date 6 min behind", func(r *http.Request) { creds.Sign(r, time.Now().Add(-6*time.Minute)) }, 401, "away from the server clock"},
		{"date 6 min ahead", func(r *http.Request) { creds.Sign(r, time.Now().Add(6*time.Minute)) }, 401, "away from the server clock"},
		{"query changed after signing", func(r *http.Request) {
			signNow(r)
			r.URL.RawQuery = "dt=SHOTS"
		}, 401, "signature does not match"},
		{"path changed after signing", func(r *http.Request) {
			signNow(r)
			r.URL.Path = "/v1/data/live/" + mock.TinyLiveID + "/stats"
		}, 401, "signature does not match"},
		{"date header changed after signing", func(r *http.Request) {
			signNow(r)
			r.Header.Set("Date", time.Now().Add(time.Second).UTC().Format(http.TimeFormat))
		}, 401, "signature does not match"},
		{"no date", func(r *http.Request) { signNow(r); r.Header.Del("Date") }, 401, "missing date"},
		{"malformed date", func(r *http.Request) { signNow(r); r.Header.Set("Date", "yesterday") }, 401, "malformed date"},
		{"sha256 not supported", func(r *http.Request) {
			signNow(r)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "hmac-sha1", "hmac-sha256", 1))
		}, 401, "unsupported algorithm"},
		{"request line not signed", func(r *http.Request) {
			signNow(r)
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "date host request-line", "date host", 1))
		}, 401, "lack request-line"},
		// A signature that is right for what it names, but names no host:
		// the API requires host in the signature.
		{"host not signed", func(r *http.Request) {
			date := time.Now().UTC().Format(http.TimeFormat)
			m := hmac.New(sha1.New, []byte(mock.DefaultSecret))
			m.Write([]byte("date: " + date + "\n" + live.RequestLine(r)))
			r.Header.Set("Date", date)
			r.Header.Set("Authorization", `hmac username="`+mock.DefaultUsername+`",algorithm="hmac-sha1",headers="date request-line",signature="`+
				base64.StdEncoding.EncodeToString(m.Sum(nil))+`"`)
		}, 401, "lack host"},
	}
	for _, tc := range tests {
		status, body, _ := do(t, s, "GET", uri, tc.sign)
		if status != tc.want {
			t.Errorf("%s: status %d, want %d (body %s)", tc.name, status, tc.want, body)
			continue
		}
		if tc.want != 200 {
			eb := errorBody(t, body)
			if eb.Status != tc.want || !strings.Contains(eb.Message, tc.wantText) {
				t.Errorf("%s: body %s, want status %d and a message containing %q", tc.name, body, tc.want, tc.wantText)
			}
		}
	}
}

func TestNoAuth(t *testing.T) {
	s := start(t, tinyDir(t), mock.Options{NoAuth: true})
	status, body, _ := do(t, s, "GET", "/v1/data/live/"+mock.TinyLiveID, nil)
	if status != 200 {
		t.Fatalf("unsigned request with NoAuth: status %d, body %s", status, body)
	}
	var info decode.LiveInfo
	if err := json.Unmarshal(body, &info); err != nil || len(info.Teams) != 2 || info.Teams[0].Live.ID != mock.TinyLiveID {
		t.Errorf("live info %s (err %v)", body, err)
	}
}

// subscribe gets a token for the data types dts (none: all granted).
func subscribe(t *testing.T, s *mock.Server, dts ...string) string {
	t.Helper()
	q := url.Values{"dt": dts}
	uri := "/v1/data/live/" + s.LiveID() + "/_subscribe"
	if len(dts) > 0 {
		uri += "?" + q.Encode()
	}
	status, body, _ := do(t, s, "GET", uri, signNow)
	if status != 200 {
		t.Fatalf("subscribe: %d %s", status, body)
	}
	var sub decode.Subscribe
	if err := json.Unmarshal(body, &sub); err != nil || sub.Token == "" {
		t.Fatalf("subscribe body %s: %v", body, err)
	}
	return sub.Token
}

func dial(t *testing.T, s *mock.Server, tok string) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial(s.WSURL()+"?token="+url.QueryEscape(tok), nil)
	if err != nil {
		st := 0
		if resp != nil {
			st = resp.StatusCode
		}
		t.Fatalf("dial: %v (status %d)", err, st)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readAck reads the first message and checks it is the ack.
func readAck(t *testing.T, c *websocket.Conn, wantTimeout_ms int64) {
	t.Helper()
	_, ack, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Type, Action string
		Data         struct {
			SocketSessionID  string `json:"socketSessionId"`
			ServerAttributes struct {
				MaxInputBufferSizeInBytes int   `json:"maxInputBufferSizeInBytes"`
				ConnectionTimeoutInMs     int64 `json:"connectionTimeoutInMs"`
			} `json:"serverAttributes"`
		}
	}
	if err := json.Unmarshal(ack, &a); err != nil || a.Type != "ack" || a.Action != "subscribe" || a.Data.SocketSessionID == "" ||
		a.Data.ServerAttributes.MaxInputBufferSizeInBytes != 8192 || a.Data.ServerAttributes.ConnectionTimeoutInMs != wantTimeout_ms {
		t.Fatalf("ack %s (err %v), want type ack, maxInputBufferSizeInBytes 8192, connectionTimeoutInMs %d", ack, err, wantTimeout_ms)
	}
}

// readAll reads messages until the connection closes, and returns them
// with the close error.
func readAll(c *websocket.Conn) ([][]byte, error) {
	var out [][]byte
	for {
		_, m, err := c.ReadMessage()
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
}

func feedLines(t *testing.T, dir string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "messages.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return mock.Lines(data)
}

func sameLines(t *testing.T, what string, got, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d messages, want %d", what, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("%s: message %d\n got %s\nwant %s", what, i, got[i], want[i])
			return
		}
	}
}

func TestReplayByteForByte(t *testing.T) {
	dir := tinyDir(t)
	want := feedLines(t, dir)
	for _, format := range []string{"jsonl", "gz", "zst"} {
		d := dir
		if format != "jsonl" {
			d = t.TempDir()
			if err := mock.WriteTinyBundle(d); err != nil {
				t.Fatal(err)
			}
			compressFeed(t, d, format)
		}
		s := start(t, d, mock.Options{})
		c := dial(t, s, subscribe(t, s))
		readAck(t, c, 120000)
		got, err := readAll(c)
		if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
			t.Errorf("%s: end of feed: err %v, want a normal close", format, err)
		}
		sameLines(t, "replay of messages."+format, got, want)
	}
}

// TestEndOpen: with EndOpen the connection outlives the end of the feed
// (it still answers pings), and the event has ended: its live id answers
// 400 "The live id is no longer active", as the API's does.
func TestEndOpen(t *testing.T) {
	dir := tinyDir(t)
	s := start(t, dir, mock.Options{EndOpen: true})
	info := "/v1/data/live/" + s.LiveID()
	if status, body, _ := do(t, s, "GET", info, signNow); status != 200 {
		t.Fatalf("live info before the end: %d %s", status, body)
	}
	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	want := feedLines(t, dir)
	var got [][]byte
	for range want {
		_, m, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("after %d messages: %v", len(got), err)
		}
		got = append(got, m)
	}
	sameLines(t, "replay", got, want)
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"action":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	if _, m, err := c.ReadMessage(); err != nil || string(m) != `{"type":"pong"}` {
		t.Fatalf("after the end of the feed: %s, %v; want a pong on the open connection", m, err)
	}
	status, body, _ := do(t, s, "GET", info, signNow)
	if eb := errorBody(t, body); status != 400 || eb.Message != "The live id is no longer active" {
		t.Errorf("live info after the end: %d %s, want 400 no longer active", status, body)
	}
	if _, err := mock.New(dir, mock.Options{EndOpen: true, Loop: true}); err == nil {
		t.Error("EndOpen with Loop accepted; a looping feed has no end")
	}
}

// compressFeed replaces messages.jsonl in dir by messages.jsonl.gz or .zst.
func compressFeed(t *testing.T, dir, format string) {
	t.Helper()
	p := filepath.Join(dir, "messages.jsonl")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	switch format {
	case "gz":
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
	case "zst":
		zw, _ := zstd.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
	}
	if err := os.WriteFile(p+"."+format, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(p)
}

func TestReplayFilteredByDataType(t *testing.T) {
	dir := tinyDir(t)
	all := feedLines(t, dir)
	for _, dt := range []string{"STATS", "SHOTS", "LOCATIONS"} {
		wantType := map[string]string{"STATS": `"type":"stats"`, "SHOTS": `"type":"shot"`, "LOCATIONS": `"type":"location"`}[dt]
		var want [][]byte
		for _, l := range all {
			if bytes.HasPrefix(l, []byte(`{`+wantType)) || bytes.HasPrefix(l, []byte(`{"type":"marker"`)) {
				want = append(want, l)
			}
		}
		s := start(t, dir, mock.Options{})
		c := dial(t, s, subscribe(t, s, dt))
		readAck(t, c, 120000)
		got, _ := readAll(c)
		sameLines(t, "dt="+dt, got, want)
	}
}

func TestTokens(t *testing.T) {
	s := start(t, tinyDir(t), mock.Options{})
	tok := subscribe(t, s)
	c := dial(t, s, tok)
	readAck(t, c, 120000)
	c.Close()
	tests := []struct {
		name, token string
		want        int
	}{
		{"reused token", tok, http.StatusForbidden},
		{"unknown token", "not-a-token", http.StatusUnauthorized},
		{"no token", "", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		_, resp, err := websocket.DefaultDialer.Dial(s.WSURL()+"?token="+tc.token, nil)
		if err == nil || resp == nil || resp.StatusCode != tc.want {
			st := 0
			if resp != nil {
				st = resp.StatusCode
			}
			t.Errorf("%s: err %v status %d, want refused with %d", tc.name, err, st, tc.want)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		errorBody(t, body)
	}
	// Each subscribe gives a fresh token that works once.
	tok2 := subscribe(t, s)
	if tok2 == tok {
		t.Errorf("subscribe returned the same token twice: %s", tok)
	}
	readAck(t, dial(t, s, tok2), 120000)
}

func TestPingPongAndIdleTimeout(t *testing.T) {
	// At this speed the second frame is 100 s away: after the first lines
	// the feed is silent, so only pings keep the connection open.
	s := start(t, tinyDir(t), mock.Options{Speed: 0.001, ConnectionTimeout: 300 * time.Millisecond})
	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 300)
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"action":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	pong := false
	var err error
	for {
		var m []byte
		_, m, err = c.ReadMessage()
		if err != nil {
			break
		}
		if string(m) == `{"type":"pong"}` {
			pong = true
		}
	}
	if !pong {
		t.Errorf("no pong answered the ping")
	}
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway || ce.Text != "idle timeout" {
		t.Errorf("idle connection ended with %v, want close 1001 idle timeout", err)
	}
}

func TestFaultCorrupt(t *testing.T) {
	dir := tinyDir(t)
	want := feedLines(t, dir)
	s := start(t, dir, mock.Options{CorruptEvery: 10})
	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	got, _ := readAll(c)
	if len(got) != len(want) {
		t.Fatalf("%d messages, want %d", len(got), len(want))
	}
	corrupt := 0
	for i := range got {
		if (i+1)%10 == 0 {
			corrupt++
			if !bytes.Equal(got[i], want[i][:len(want[i])/2]) || json.Valid(got[i]) {
				t.Errorf("message %d: %s, want the first half of %s", i, got[i], want[i])
			}
		} else if !bytes.Equal(got[i], want[i]) {
			t.Errorf("message %d: %s, want %s", i, got[i], want[i])
		}
	}
	if corrupt == 0 {
		t.Errorf("nothing corrupted")
	}
}

func TestFaultDropAndReconnect(t *testing.T) {
	s := start(t, tinyDir(t), mock.Options{Speed: 0.001, DropEvery: 100 * time.Millisecond})
	for range 2 { // a client reconnecting with a fresh token is dropped again
		c := dial(t, s, subscribe(t, s))
		readAck(t, c, 120000)
		_, err := readAll(c)
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseAbnormalClosure {
			t.Errorf("dropped connection ended with %v, want an abnormal closure (no close frame)", err)
		}
	}
}

func TestFaultDelay(t *testing.T) {
	const delay = 20 * time.Millisecond
	s := start(t, tinyDir(t), mock.Options{Delay: delay})
	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	t0 := time.Now()
	for range 5 {
		if _, _, err := c.ReadMessage(); err != nil {
			t.Fatal(err)
		}
	}
	// A lower bound only: a slow machine makes it longer, never shorter.
	if el := time.Since(t0); el < 4*delay {
		t.Errorf("5 messages in %s with a %s delay each", el, delay)
	}
}

// At speed 0 a looping feed's first loop is the bundle's lines verbatim,
// and the next loop a new pass (TestLoopPassesAreNew), not the same lines
// again: a client would drop those as duplicates, without end.
func TestLoop(t *testing.T) {
	dir := tinyDir(t)
	want := feedLines(t, dir)
	s := start(t, dir, mock.Options{Loop: true})
	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	var got [][]byte
	for range 2*len(want) + 1 {
		_, m, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	sameLines(t, "first loop", got[:len(want)], want)
	// The tiny bundle is a practice: its pass ends with a DRILL_NEXT.
	if end := got[len(want)]; !bytes.Contains(end, []byte(`"DRILL_NEXT"`)) {
		t.Errorf("after the first loop %s, want the DRILL_NEXT naming the next pass", end)
	}
	for i, l := range got[len(want)+1:] {
		if bytes.Equal(l, want[i]) && bytes.Contains(l, []byte(`"occurred_at"`)) {
			t.Errorf("second loop line %d repeats the first's verbatim: %s", i, l)
		}
	}
}

func TestSeparateWebsocketListener(t *testing.T) {
	s := start(t, tinyDir(t), mock.Options{WSListen: "127.0.0.1:0"})
	if s.WSURL() == "" || strings.Contains(s.WSURL(), strings.TrimPrefix(s.URL(), "http://")) {
		t.Fatalf("WSURL %q should be on its own port (REST %s)", s.WSURL(), s.URL())
	}
	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	// "/ws?token=" on the REST listener works too.
	c2, _, err := websocket.DefaultDialer.Dial(strings.Replace(s.URL(), "http", "ws", 1)+"/ws?token="+subscribe(t, s), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	readAck(t, c2, 120000)
}

func TestNotifySimulation(t *testing.T) {
	var mu sync.Mutex
	var calls []url.Values
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.URL.Query())
		mu.Unlock()
		if r.Method != http.MethodPut {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	s := start(t, tinyDir(t), mock.Options{NotifyKey: "k1"})
	status, body, h := do(t, s, "PUT", "/v1/data/live/notify?url="+url.QueryEscape(hook.URL+"/hook"), signNow)
	id := h.Get("X-ShotTracker-Notify-Id")
	if status != 204 || id == "" {
		t.Fatalf("create notify: %d %s id %q", status, body, id)
	}
	if status, body, _ := do(t, s, "PUT", "/mock/wrong/do/live/notify/start", nil); status != 404 {
		t.Errorf("wrong key: %d %s, want 404", status, body)
	}
	// End notifications are off by default: end without url calls nobody.
	for _, step := range []string{"start", "end"} {
		if status, body, _ := do(t, s, "PUT", "/mock/k1/do/live/notify/"+step, nil); status != 204 {
			t.Fatalf("simulate %s: %d %s", step, status, body)
		}
	}
	if status, body, _ := do(t, s, "PUT", "/v1/data/live/notify/"+id+"/_enableEndNotify", signNow); status != 204 {
		t.Fatalf("enable end notify: %d %s", status, body)
	}
	if status, body, _ := do(t, s, "PUT", "/mock/k1/do/live/notify/end?url="+url.QueryEscape(hook.URL+"/hook"), nil); status != 204 {
		t.Fatalf("simulate end: %d %s", status, body)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"START", "END"}
	if len(calls) != len(want) {
		t.Fatalf("notify calls %v, want %d", calls, len(want))
	}
	for i, q := range calls {
		if q.Get("notify_id") != id || q.Get("action") != "LIVE" || q.Get("data") != mock.TinyLiveID || q.Get("state") != want[i] {
			t.Errorf("call %d: %v, want notify_id=%s action=LIVE data=%s state=%s", i, q, id, mock.TinyLiveID, want[i])
		}
	}
}

// TestNotifySimulationAuth: the notify simulation PUTs to any URL, so
// with authentication on it needs the configured key or a signature; it
// once took any key unsigned (a relay into the mock's network for anyone
// who could reach it, telling which ports answer). Without authentication
// any key passes, unless one is configured.
func TestNotifySimulationAuth(t *testing.T) {
	hook := newNotifyHook(t)
	target := "?url=" + url.QueryEscape(hook.URL)
	for _, c := range []struct {
		name   string
		opts   mock.Options
		key    string
		sign   func(*http.Request)
		status int
	}{
		{"auth, no key set, unsigned", mock.Options{}, "anything", nil, 401},
		{"auth, no key set, signed", mock.Options{}, "anything", signNow, 204},
		{"auth, key set, the key", mock.Options{NotifyKey: "k1"}, "k1", nil, 204},
		{"auth, key set, another", mock.Options{NotifyKey: "k1"}, "k2", nil, 404},
		{"auth, key set, another, signed", mock.Options{NotifyKey: "k1"}, "k2", signNow, 204},
		{"auth, key set, another, bad signature", mock.Options{NotifyKey: "k1"}, "k2", func(r *http.Request) { r.Header.Set("Authorization", "hmac nonsense") }, 401},
		{"no auth, no key set", mock.Options{NoAuth: true}, "anything", nil, 204},
		{"no auth, key set, the key", mock.Options{NoAuth: true, NotifyKey: "k1"}, "k1", nil, 204},
		{"no auth, key set, another", mock.Options{NoAuth: true, NotifyKey: "k1"}, "k2", nil, 404},
	} {
		s := start(t, tinyDir(t), c.opts)
		before := len(hook.seen())
		status, body, _ := do(t, s, "PUT", "/mock/"+c.key+"/do/live/notify/start"+target, c.sign)
		if status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, status, body, c.status)
		}
		if called := len(hook.seen()) > before; called != (c.status == 204) {
			t.Errorf("%s: target called %v, want %v", c.name, called, c.status == 204)
		}
		if c.status == 401 && !strings.Contains(string(body), "signature") {
			t.Errorf("%s: refusal %s does not say what to give", c.name, body)
		}
	}
}

// TestNotifySimulationRedirect: a notify call does not follow a redirect
// (it once did, reporting the redirect target's status: a caller of the
// simulation could reach hosts the URL did not name). The 3xx is the
// target's answer, reported as a failed call naming where it pointed.
func TestNotifySimulationRedirect(t *testing.T) {
	inner := newNotifyHook(t)
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, inner.URL+"/inside", code)
		}))
		s := start(t, tinyDir(t), mock.Options{NotifyKey: "k1"})
		status, body, _ := do(t, s, "PUT", "/mock/k1/do/live/notify/start?url="+url.QueryEscape(redirector.URL+"/hook"), nil)
		redirector.Close()
		if status != http.StatusBadGateway || !strings.Contains(string(body), fmt.Sprintf("status %d", code)) ||
			!strings.Contains(string(body), "not followed") {
			t.Errorf("redirect %d: %d %s, want 502 naming status %d, not followed", code, status, body, code)
		}
		if got := inner.seen(); len(got) != 0 {
			t.Fatalf("redirect %d: the redirect's target was called: %v", code, got)
		}
	}
}

func TestBundleErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := mock.New(dir, mock.Options{}); !errors.Is(err, decode.ErrNotBundle) || !errors.Is(err, mock.ErrBundle) {
		t.Errorf("empty dir: err %v, want ErrBundle and decode.ErrNotBundle", err)
	}
	os.WriteFile(filepath.Join(dir, "messages.jsonl"), []byte("{}\n"), 0o644)
	if s, err := mock.New(dir, mock.Options{}); err != nil || len(s.LiveID()) != 36 {
		t.Errorf("no live.json: err %v, want it served under a made-up live id (TestMadeUpLiveInfo)", err)
	}
	dir = tinyDir(t)
	os.Remove(filepath.Join(dir, "messages.jsonl"))
	_, err := mock.New(dir, mock.Options{})
	var be *mock.BundleError
	if !errors.As(err, &be) || !errors.Is(err, mock.ErrBundle) || !strings.Contains(err.Error(), "messages.jsonl") {
		t.Errorf("no feed: err %v, want a BundleError naming messages.jsonl", err)
	}
	if _, err := mock.New(tinyDir(t), mock.Options{Speed: -1}); err == nil {
		t.Errorf("negative speed accepted")
	}
	if _, err := mock.New(tinyDir(t), mock.Options{DataTypes: []string{"VIDEO"}}); err == nil {
		t.Errorf("unknown data type accepted")
	}
}

// A compressed recording cut short is served up to the break, with a
// warning, as analyze analyses it up to there: also one whose stream
// breaks where the file ends in zero bytes (a write cut off). Zeros after
// a complete stream, or between its members, are ignored, with a warning;
// a corrupt stream is still refused.
func TestCompressedRecordingCutShort(t *testing.T) {
	tiny := tinyDir(t)
	data, err := os.ReadFile(filepath.Join(tiny, "messages.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	half := bytes.Join(lines[:len(lines)/2], nil)
	// The first half flushed (a whole deflate block), then the start of
	// the rest: cut at the flush, the reader gives exactly the first half.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(half)
	zw.Flush()
	flushed := gz.Len()
	zw.Write(data[len(half):])
	zw.Close()
	complete := gz.Bytes()
	cut := complete[:flushed]
	corrupt := bytes.Clone(complete)
	for i := 20; i < flushed/2; i++ {
		corrupt[i] ^= 0x5a
	}
	bundle := func(messages []byte, name string) string {
		dir := tinyDir(t)
		os.Remove(filepath.Join(dir, "messages.jsonl"))
		os.WriteFile(filepath.Join(dir, name), messages, 0o644)
		return dir
	}
	want := func(messages []byte) int {
		s, err := mock.New(bundle(messages, "messages.jsonl"), mock.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s.Messages()
	}
	// Cut inside a line: the part of it before the break is not served
	// (half a JSON object), the lines before are. Cut just before its
	// line end, the line is whole: served.
	next := lines[len(lines)/2]
	cutAt := func(n int) []byte {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(half)
		zw.Write(next[:n])
		zw.Flush()
		return gz.Bytes()
	}
	zeros := make([]byte, 4096)
	// Two members with zeros between them (padding): read whole.
	member := func(b []byte) []byte {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(b)
		zw.Close()
		return gz.Bytes()
	}
	padded := bytes.Join([][]byte{member(half), zeros, member(data[len(half):])}, nil)
	for _, c := range []struct {
		name     string
		gz       []byte
		messages int
		warning  string
	}{
		{"cut short", cut, want(half), "(the file is truncated): unexpected EOF; the lines before the break are served"},
		{"cut inside a line", cutAt(len(next) / 2), want(half), "the lines before the break are served"},
		{"cut inside a line, zeros", append(cutAt(len(next)/2), zeros...), want(half), "the lines before the break are served"},
		{"cut before a line end", cutAt(len(next) - 1), want(append(bytes.Clone(half), next...)), "the lines before the break are served"},
		{"cut short, zeros", append(bytes.Clone(cut), zeros...), want(half), "(the file is truncated: its gzip stream breaks where the file ends in 4096 zero bytes)"},
		{"complete, zeros", append(bytes.Clone(complete), zeros...), want(data), "the file ends in 4096 zero bytes after its complete gzip stream"},
		{"zeros between members", padded, want(data), "the file has 4096 zero bytes between its gzip members (padding); they were ignored"},
	} {
		var log bytes.Buffer
		s, err := mock.New(bundle(c.gz, "messages.jsonl.gz"), mock.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if s.Messages() != c.messages || !strings.Contains(log.String(), c.warning) {
			t.Errorf("%s: %d messages (want %d), log %q (want %q)", c.name, s.Messages(), c.messages, log.String(), c.warning)
		}
	}
	if _, err := mock.New(bundle(corrupt, "messages.jsonl.gz"), mock.Options{}); !errors.Is(err, mock.ErrBundle) {
		t.Errorf("corrupt stream: err %v, want it refused", err)
	}
}

// A bundle without live.json, or a bare recording, is served under made-up
// live information: a live id from its path (the same in every run), its
// roster's teams, the feed's start.
func TestMadeUpLiveInfo(t *testing.T) {
	noLive := tinyDir(t)
	os.Remove(filepath.Join(noLive, "live.json"))
	bare := filepath.Join(t.TempDir(), "rec.jsonl")
	data, err := os.ReadFile(filepath.Join(noLive, "messages.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(bare, data, 0o644)
	ids := map[string]bool{}
	for _, c := range []struct {
		path  string
		teams []int64
	}{{noLive, []int64{mock.TinyHomeTeam, mock.TinyAwayTeam}}, {bare, []int64{0}}} {
		again, err := mock.New(c.path, mock.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := start(t, c.path, mock.Options{})
		id := s.LiveID()
		if id != again.LiveID() || ids[id] || id == mock.TinyLiveID || len(id) != 36 {
			t.Errorf("%s: live id %q (again %q; others %v): want one of its own, the same in every run", c.path, id, again.LiveID(), ids)
		}
		ids[id] = true
		status, body, _ := do(t, s, "GET", "/v1/data/live/"+id, signNow)
		var info decode.LiveInfo
		if status != 200 || json.Unmarshal(body, &info) != nil {
			t.Fatalf("%s: GET live info: %d %s", c.path, status, body)
		}
		var teams []int64
		for _, tm := range info.Teams {
			teams = append(teams, tm.ID)
			if tm.Live.ID != id || tm.Live.StartedAt_ms != mock.TinyStart_ms || !tm.Live.IsGameEvent {
				t.Errorf("%s: team %d live %+v, want id %s started at %d, a game", c.path, tm.ID, tm.Live, id, mock.TinyStart_ms)
			}
		}
		if !slices.Equal(teams, c.teams) {
			t.Errorf("%s: teams %v, want %v", c.path, teams, c.teams)
		}
		c := dial(t, s, subscribe(t, s))
		readAck(t, c, 120000)
		if _, m, err := c.ReadMessage(); err != nil || !bytes.Contains(m, []byte(`"LIVE"`)) {
			t.Errorf("first line replayed: %s %v", m, err)
		}
	}
}

// Options.Court and Options.Roster stand in for what a bare recording
// lacks: /court serves the court, the made-up live information has the
// roster's teams. A bundle's own files are served instead.
func TestCourtRosterOptions(t *testing.T) {
	dir := tinyDir(t)
	court, err := decode.ReadCourt(filepath.Join(dir, "court.json"))
	if err != nil {
		t.Fatal(err)
	}
	sub, _, err := decode.ReadRoster(filepath.Join(dir, "subscribe.json"))
	if err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(t.TempDir(), "rec.jsonl")
	data, err := os.ReadFile(filepath.Join(dir, "messages.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(bare, data, 0o644)
	other := []byte(`{"other":"court"}`)

	s := start(t, bare, mock.Options{Court: court, Roster: sub})
	id := s.LiveID()
	if status, body, _ := do(t, s, "GET", "/v1/data/live/"+id+"/court", signNow); status != 200 || !bytes.Equal(body, bytes.TrimSpace(court)) {
		t.Errorf("bare recording with Options.Court: GET court %d %s", status, body)
	}
	status, body, _ := do(t, s, "GET", "/v1/data/live/"+id, signNow)
	var info decode.LiveInfo
	if status != 200 || json.Unmarshal(body, &info) != nil || len(info.Teams) != 2 || info.Teams[0].ID != mock.TinyHomeTeam {
		t.Errorf("bare recording with Options.Roster: live info %d %s, want the roster's two teams", status, body)
	}
	if status, body, _ := do(t, start(t, bare, mock.Options{}), "GET", "/v1/data/live/"+id+"/court", signNow); status != 500 {
		t.Errorf("bare recording without Options.Court: GET court %d %s, want 500", status, body)
	}

	own := start(t, dir, mock.Options{Court: other})
	if status, body, _ := do(t, own, "GET", "/v1/data/live/"+own.LiveID()+"/court", signNow); status != 200 || !bytes.Equal(body, bytes.TrimSpace(court)) {
		t.Errorf("bundle with its own court.json and Options.Court: GET court %d %s, want its own", status, body)
	}
}

func TestErrorResponses(t *testing.T) {
	s := start(t, tinyDir(t), mock.Options{InactiveIDs: []string{"old"}, DataTypes: []string{mock.DataStats}})
	live := "/v1/data/live/" + mock.TinyLiveID
	const jan1, sep2 = "1735689600000", "1756771200000" // 2025-01-01, 2025-09-02 UTC
	tests := []struct {
		method, uri string
		want        int
		text        string
	}{
		{"GET", "/v1/data/live/old", 400, "no longer active"},
		{"GET", "/v1/data/live/old/stats", 400, "no longer active"},
		{"GET", "/v1/data/live/nope", 404, "Invalid id"},
		{"GET", "/v1/data/live/nope/shots", 404, "Invalid id"},
		{"GET", live + "/nothing", 404, "no such resource"},
		{"GET", "/v1/data/nothing", 404, "no such resource"},
		{"GET", live + "/_subscribe?dt=LOCATIONS", 403, "No access to LOCATIONS data"},
		{"GET", live + "/_subscribe?dt=VIDEO", 400, "Invalid data type"},
		// One type per dt, as the API spells them.
		{"GET", live + "/_subscribe?dt=STATS,SHOTS", 400, "Invalid data type"},
		{"GET", live + "/_subscribe?dt=stats", 400, "Invalid data type"},
		{"GET", "/v1/data/live/_search", 404, "Not simulated"},
		{"GET", live + "/shots", 403, "No access to SHOTS data"},
		{"POST", live, 405, "not allowed"},
		{"GET", live + "/video?id=x", 405, "not allowed"},
		{"PUT", live + "/video", 400, "id is required"},
		{"PUT", "/v1/data/live/notify?url=relative", 400, "absolute http"},
		{"PUT", "/v1/data/live/notify/unknown", 400, "absolute http"},
		{"PUT", "/v1/data/live/notify/unknown?url=http://x.test/", 422, "Notify id not found"},
		{"DELETE", "/v1/data/live/notify/unknown", 422, "Notify id not found"},
		{"PUT", "/v1/data/live/notify/unknown/_enableEndNotify", 422, "Notify id not found"},
		{"GET", "/v1/data/teams/461/events?from=0&to=5", 422, "Both from and to must be greater than 0"},
		{"GET", "/v1/data/teams/461/events?to=5", 422, "Both from and to must be greater than 0"},
		{"GET", "/v1/data/teams/461/players/game/stats?from=9&to=5", 422, "from timestamp must be less than to timestamp"},
		{"GET", "/v1/data/teams/461/players/practice/stats?from=" + jan1 + "&to=" + sep2, 422, "may not exceed more than 8 months"},
		{"GET", "/v1/data/teams/461/players/practice/shots?from=1&to=2", 403, "No access to SHOTS data"},
		{"GET", "/v1/data/teams/999/events?from=1&to=2", 404, "Invalid id"},
		// Digits only, as the API writes ids and times: ParseInt also took
		// a sign.
		{"GET", "/v1/data/teams/+461/events?from=1&to=2", 404, "Invalid id"},
		{"GET", "/v1/data/teams/461/events?from=%2B1&to=2", 422, "Both from and to must be greater than 0"},
		{"PUT", live + "/video?id=x&started_at=%2B5", 400, "want epoch milliseconds"},
		{"GET", "/v1/data/locations/nearest/latlong/1/2?radius=Inf&unit=MILES", 400, "finite number"},
		{"GET", "/v1/data/locations/nearest/latlong/1/2?radius=5&unit=FEET", 400, "MILES or KILOMETERS"},
		{"GET", "/v1/data/locations/nearest/latlong/100/2?radius=5&unit=MILES", 400, "latitude"},
		// NaN is no number in range (it had been answered 200 and no
		// location, found by FuzzServeAPI).
		{"GET", "/v1/data/locations/nearest/latlong/NaN/2?radius=5&unit=MILES", 400, "latitude"},
		{"GET", "/v1/data/locations/nearest/latlong/1/nan?radius=5&unit=MILES", 400, "latitude"},
	}
	for _, tc := range tests {
		status, body, _ := do(t, s, tc.method, tc.uri, signNow)
		if status != tc.want {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.uri, status, body, tc.want)
			continue
		}
		if eb := errorBody(t, body); eb.Status != tc.want || !strings.Contains(eb.Message, tc.text) {
			t.Errorf("%s %s: body %s, want status %d and %q", tc.method, tc.uri, body, tc.want, tc.text)
		}
	}
	s.FailNext(1)
	status, body, _ := do(t, s, "GET", live, signNow)
	if eb := errorBody(t, body); status != 500 || eb.Status != 500 {
		t.Errorf("FailNext: %d %s, want 500", status, body)
	}
	if status, body, _ := do(t, s, "GET", live, signNow); status != 200 {
		t.Errorf("after FailNext(1): %d %s, want 200", status, body)
	}
}

// The built-in sample game (about 150k lines from the simulator, with
// duplicates and reordered lines) replays byte for byte too.
func TestReplayByteForByteSample(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the sample game")
	}
	dir := filepath.Join(t.TempDir(), "sample")
	if _, err := synth.Write(context.Background(), synth.SampleConfig(), dir, nil); err != nil {
		t.Fatal(err)
	}
	want := feedLines(t, dir)
	s := start(t, dir, mock.Options{})
	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	got, err := readAll(c)
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("end of feed: %v, want a normal close", err)
	}
	sameLines(t, "sample replay", got, want)
}

// At a speed above 0 a connection joins the replay clock where it stands
// and gets the rest of the feed, in order, byte for byte, paced by
// occurred_at, after the markers the feed had before that point.
func TestReplayRealTime(t *testing.T) {
	dir := tinyDir(t)
	want := feedLines(t, dir)
	const speed = 10 // the tiny feed's 1.9 s take 190 ms
	s := start(t, dir, mock.Options{Speed: speed})
	c := dial(t, s, subscribe(t, s))
	readAck(t, c, 120000)
	t0 := time.Now()
	got, err := readAll(c)
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("end of feed: %v, want a normal close", err)
	}
	if len(got) == 0 || len(got) > len(want) {
		t.Fatalf("%d messages, want 1 to %d", len(got), len(want))
	}
	n := 0 // the tail of the feed that got ends with
	for n < len(got) && bytes.Equal(got[len(got)-1-n], want[len(want)-1-n]) {
		n++
	}
	sameLines(t, "real-time replay (the feed's tail)", got[len(got)-n:], want[len(want)-n:])
	var markers [][]byte
	for _, l := range want[:len(want)-n] {
		if bytes.HasPrefix(l, []byte(`{"type":"marker"`)) {
			markers = append(markers, l)
		}
	}
	sameLines(t, "real-time replay (the markers before the clock)", got[:len(got)-n], markers)
	// A lower bound only: the last frame is due (TinySteps-1)·100 ms of feed
	// time after the first, so it cannot come before a tenth of that minus
	// what had passed when we connected.
	if el := time.Since(t0); len(got) == len(want) && el < (mock.TinySteps-1)*100*time.Millisecond/speed/2 {
		t.Errorf("the whole feed came in %s at speed %d", el, speed)
	}
}

func TestTokenExpires(t *testing.T) {
	s := start(t, tinyDir(t), mock.Options{TokenTTL: 20 * time.Millisecond})
	tok := subscribe(t, s)
	time.Sleep(50 * time.Millisecond)
	_, resp, err := websocket.DefaultDialer.Dial(s.WSURL()+"?token="+tok, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired token: err %v resp %v, want 401", err, resp)
	}
	body, _ := io.ReadAll(resp.Body)
	if eb := errorBody(t, body); !strings.Contains(eb.Message, "expired") {
		t.Errorf("expired token: %s", body)
	}
}

// A looping replay whose token lets no line through waits instead of
// spinning, so the idle timeout and Close still work.
func TestLoopWithEverythingFiltered(t *testing.T) {
	dir := tinyDir(t)
	var feed bytes.Buffer
	for _, l := range feedLines(t, dir) {
		if bytes.HasPrefix(l, []byte(`{"type":"location"`)) {
			feed.Write(l)
			feed.WriteByte('\n')
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "messages.jsonl"), feed.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, speed := range []float64{0, 1000} {
		s := start(t, dir, mock.Options{Loop: true, Speed: speed, ConnectionTimeout: 100 * time.Millisecond})
		c := dial(t, s, subscribe(t, s, "STATS"))
		readAck(t, c, 100)
		got, err := readAll(c)
		if len(got) != 0 || !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Errorf("speed %g: %d messages, end %v; want none and the idle close", speed, len(got), err)
		}
		s.Close()
	}
}

// The API's own example URI subscribes with an empty dt (…/_subscribe?dt=):
// no type given, every granted type, as without dt.
func TestSubscribeEmptyDataType(t *testing.T) {
	s := start(t, tinyDir(t), mock.Options{})
	status, body, _ := do(t, s, "GET", "/v1/data/live/"+mock.TinyLiveID+"/_subscribe?dt=", signNow)
	if status != 200 || !strings.Contains(string(body), "LOCATIONS") {
		t.Errorf("_subscribe?dt=: %d %s, want 200 with every type", status, body)
	}
}
