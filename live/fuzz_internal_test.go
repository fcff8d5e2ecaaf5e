package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/internal/jsonref"
	"github.com/stmotion/stmotion/track"
)

// What the API's hosts send the client, as the tests and the mock shape it.
const (
	fuzzLiveJSON  = `{"teams":[{"id":461,"name":"Home","live":{"started_at":1478800197300,"id":"a1140480","type":"GAME_ROUND","name":"Round 1","facility_name":"Gym","court_name":"Main","location_id":"loc1","is_practice_event":false,"is_game_event":true,"event":{"started_at":1478800197300,"id":"e1","name":"Game"}}}]}`
	fuzzSubJSON   = `{"token":"t","token_data_types":["LOCATIONS"],"active_state":"LIVE","teams":[{"id":461,"name":"Home","players":[{"id":123,"first_name":"A","last_name":"B","display_name":"A B","jersey_number":"00","position":"G"},{"id":124,"jersey_number":7}]}],"_stats":"http://h/v1/data/live/a/stats"}`
	fuzzStatsJSON = `{"teams":[{"id":461,"player_stats":[{"id":123,"player_details":{"id":123,"firstname":"A","lastname":"B"},"version":3,"stats":{"PTS":4.0,"DIST":1503.5}}]}]}`
	fuzzShotsJSON = `{"teams":[{"id":461,"player_shots":[{"id":123,"player_details":{"id":123,"firstname":"A","lastname":"B"},"shots":[{"occurred_at":1,"is_make":true,"is_3point":false,"zone":3,"hoop_player_x":12,"hoop_player_y":3,"status":"RECORDED"}]}]}]}`
	fuzzCourtJSON = `{"xne":14325,"yne":7620,"xse":14325,"yse":-7620,"xsw":-14325,"ysw":-7620,"xnw":-14325,"ynw":7620,"hoops":[{"x":-12725,"y":0,"z":3048},{"x":12725,"y":0,"z":3048}]}`
	fuzzErrorJSON = `{"status":400,"message":"The live id is no longer active","shottrackerRequestId":"5f0c6e3a-0d4e-4b8e-9a53-2d1f9b6b7c11"}`
	fuzzAckJSON   = `{"data":{"socketSessionId":"ab12cd34","serverAttributes":{"maxInputBufferSizeInBytes":8192,"connectionTimeoutInMs":120000}},"action":"subscribe","type":"ack"}`
)

// roundTripFunc answers a request without a network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// fuzzEndpoint is one client call whose response body is fuzzed: call
// makes it, want is a new value of the type it decodes into (nil for a
// body returned as it is).
type fuzzEndpoint struct {
	call func(ctx context.Context, c *Client) (any, error)
	want func() any
}

var fuzzEndpoints = []fuzzEndpoint{
	{func(ctx context.Context, c *Client) (any, error) { return c.LiveInfo(ctx, "a1140480") }, func() any { return new(decode.LiveInfo) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.Subscribe(ctx, "a1140480", DataLocations) }, func() any { return new(decode.Subscribe) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.Stats(ctx, "a1140480") }, func() any { return new(decode.LiveStats) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.StatsDetails(ctx, "a1140480") }, func() any { return new(decode.LiveStatsDetails) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.Shots(ctx, "a1140480") }, func() any { return new(decode.LiveShots) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.Notifies(ctx) }, func() any { return new(decode.NotifyList) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.Locations(ctx) }, func() any { return new(decode.Locations) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.UserProfile(ctx) }, func() any { return new(decode.UserProfile) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.Teams(ctx) }, func() any { return new(decode.Teams) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.TeamEvents(ctx, 461, 1, 2) }, func() any { return new(decode.TeamEvents) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.TeamStats(ctx, 461, Game, 1, 2) }, func() any { return new(decode.TeamPlayerStats) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.TeamShots(ctx, 461, Game, 1, 2) }, func() any { return new(decode.TeamPlayerShots) }},
	{func(ctx context.Context, c *Client) (any, error) { return c.Court(ctx, "a1140480") }, nil},
}

// FuzzClientResponse answers a client call with the fuzzer's status,
// Retry-After header and body. A 2xx body is taken as encoding/json (the
// reference) takes it into the call's type once its integers written as
// floats are written as integers (jsonref.IntegralRef: the feed decoder's rule,
// which analyze's bundle reading follows too), else refused as
// ErrBadResponse; a /court body comes back as sent and, once the
// session's check passes, opens as a bundle's court.json. Any other
// status is an *APIError with that status, the sentinel it maps to, the
// JSON body's message (else the body's start on one line) and the
// Retry-After parseRetryAfter reads.
func FuzzClientResponse(f *testing.F) {
	for i, body := range []string{fuzzLiveJSON, fuzzSubJSON, fuzzStatsJSON, `{"teams":[{"id":461,"player_stats":[{"id":7,"stats":{"PTS":[{"occurred_at":1478800197300,"value":2}]}}]}]}`,
		fuzzShotsJSON, `{"notifications":[{"id":"n1","action":"LIVE","url":"https://x/y","end_notification":true}]}`,
		`{"locations":[{"facility_name":"Gym","court_name":"Main","location_id":"loc1","distance":{"unit":"MILES","value":1.5}}]}`,
		`{"id":5,"first_name":"Mock","last_name":"User"}`, `{"teams":[{"id":461,"name":"Home"}]}`, `{"events":[]}`,
		`{"id":461,"player_stats":[]}`, `{"id":461,"player_shots":[]}`, fuzzCourtJSON} {
		f.Add(uint8(i), uint16(200), "", []byte(body))
	}
	f.Add(uint8(0), uint16(400), "", []byte(fuzzErrorJSON))
	f.Add(uint8(2), uint16(429), "120", []byte(`{"status":429,"message":"slow down"}`))
	f.Add(uint8(4), uint16(503), "Wed, 21 Oct 2037 07:28:00 GMT", []byte("<html>\n<body>502 Bad Gateway</body>\n</html>"))
	f.Add(uint8(12), uint16(200), "", []byte(`{"xne":1,`))
	f.Add(uint8(1), uint16(200), "", []byte(`{"teams":[{"players":[{"jersey_number":{"a":1}}]}]}`))
	f.Add(uint8(0), uint16(200), "", []byte(`{"teams":[{"id":461,"live":{"started_at":1764151200000.0,"event":{"started_at":1.7641512e12}}}]}`))
	f.Add(uint8(4), uint16(200), "", []byte(`{"teams":[{"id":461,"player_shots":[{"id":7,"shots":[{"occurred_at":1.764151199e12,"zone":3.0}]}]}]}`))
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, endpoint uint8, status uint16, retryAfter string, body []byte) {
		ep := fuzzEndpoints[int(endpoint)%len(fuzzEndpoints)]
		st := 100 + int(status)%500
		var path string
		c, err := NewClient(ClientConfig{
			BaseURL: "http://api.test", Credentials: Credentials{Username: "u", Secret: "s"}, BearerToken: "b",
			Retry: RetryPolicy{MaxAttempts: 1}, Now: func() time.Time { return now },
			HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				path = r.URL.RequestURI()
				h := http.Header{}
				h.Set("Retry-After", retryAfter)
				return &http.Response{StatusCode: st, Header: h, Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
			})},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := ep.call(context.Background(), c)
		if st/100 != 2 {
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("status %d: %v, want an *APIError", st, err)
			}
			msg, id := errorBodyMessage(body)
			if ae.Status != st || ae.Path != path || !errors.Is(err, statusSentinel(st, msg)) || ae.Message != msg || ae.RequestID != id ||
				ae.RetryAfter != parseRetryAfter(retryAfter, now) || !strings.HasPrefix(ae.Error(), "live: GET "+path+": "+strconv.Itoa(st)) {
				t.Fatalf("status %d, body %q, Retry-After %q: %#v (%v)", st, body, retryAfter, ae, ae)
			}
			return
		}
		if ep.want == nil { // /court
			if err != nil || !bytes.Equal(got.([]byte), body) {
				t.Fatalf("court body %q: got %q, %v; want it as sent", body, got, err)
			}
			if checkCourtBody(body) != nil {
				return
			}
			p := filepath.Join(dir, decode.BundleCourt)
			if err := os.WriteFile(p, body, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := decode.ReadCourt(p); err != nil {
				t.Fatalf("court body %q passes the session's check, but as court.json: %v", body, err)
			}
			return
		}
		want := ep.want()
		refErr := json.Unmarshal(jsonref.IntegralRef(body), want)
		switch {
		case err != nil && refErr == nil:
			t.Fatalf("body %q: %v; encoding/json reads it", body, err)
		case err != nil && (!errors.Is(err, ErrBadResponse) || !strings.HasPrefix(err.Error(), "live: GET "+path+": ")):
			t.Fatalf("body %q: error %q: want ErrBadResponse, naming the request", body, err)
		case err == nil && refErr != nil:
			t.Fatalf("body %q: accepted as %+v; encoding/json refuses it: %v", body, got, refErr)
		case err == nil && !reflect.DeepEqual(got, want):
			t.Fatalf("body %q:\n got %+v\nwant %+v (encoding/json)", body, got, want)
		}
	})
}

// FuzzErrorBodyMessage: an API error body's message and request id are
// what encoding/json reads of its "message" and "shottrackerRequestId";
// anything else gives the body's start on one line (at most 200 bytes,
// no line breaks or tabs) and no request id.
func FuzzErrorBodyMessage(f *testing.F) {
	f.Add([]byte(fuzzErrorJSON))
	f.Add([]byte(`{"status":401,"message":"Unauthorized"}`))
	f.Add([]byte(`{"shottrackerRequestId":"r1"}`))
	f.Add([]byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\tnginx</body>\r\n</html>\r\n"))
	f.Add([]byte(`{"status":"400","message":"x"}`))
	f.Add([]byte(`{"Message":"case","message":"x\u2028y"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		msg, id := errorBodyMessage(body)
		var eb decode.ErrorBody
		if json.Unmarshal(body, &eb) == nil && (eb.Message != "" || eb.ShottrackerRequestID != "") {
			if msg != eb.Message || id != eb.ShottrackerRequestID {
				t.Fatalf("%q: message %q, id %q; want %q, %q (encoding/json)", body, msg, id, eb.Message, eb.ShottrackerRequestID)
			}
			return
		}
		if id != "" || len(msg) > 200 || strings.ContainsAny(msg, "\r\n\t") || msg != strings.TrimSpace(msg) {
			t.Fatalf("%q: message %q, id %q; want the body's start on one line and no id", body, msg, id)
		}
		if len(bytes.Fields(body)) > 0 && msg == "" {
			t.Fatalf("%q: no message", body)
		}
	})
}

// FuzzParseRetryAfter: a Retry-After header is delay-seconds (capped at
// a day) or an HTTP date (the time until it), else nothing; never a
// negative wait.
func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, v := range []string{"", "2", " 120 ", "0", "-5", "soon", "99999999999999999999", "1.5", "+3",
		now.Add(90 * time.Second).Format(http.TimeFormat), "Sunday, 02-Mar-25 12:00:00 GMT", "Sun Mar  2 12:00:00 2025",
		now.Add(-time.Hour).Format(http.TimeFormat)} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got := parseRetryAfter(v, now)
		s := strings.TrimSpace(v)
		want := time.Duration(0)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			if n > 0 {
				want = min(time.Duration(min(n, 86400))*time.Second, 24*time.Hour)
			}
		} else if d, err := http.ParseTime(s); err == nil && d.After(now) {
			want = d.Sub(now)
		}
		if got != want || got < 0 {
			t.Fatalf("parseRetryAfter(%q) = %s, want %s", v, got, want)
		}
	})
}

// FuzzReadAck: the feed's first message is the ack or a *FeedError
// (ErrNoAck, the message's start on one line); from an ack the feed takes
// its session id, a read limit of 64 KiB to MaxReadLimit_B (four times
// the announced input buffer) unless FeedOptions sets one, and a ping
// interval of a third of the announced connection timeout, at most 30 s,
// unless FeedOptions sets one; the read deadline is two pings and a
// second.
func FuzzReadAck(f *testing.F) {
	f.Add([]byte(fuzzAckJSON), int64(0), int64(0))
	f.Add([]byte(`{"type":"ack"}`), int64(0), int64(0))
	f.Add([]byte(`{"type":"ack","action":"subscribe","data":{"socketSessionId":"a\u00e9\"b","serverAttributes":{"maxInputBufferSizeInBytes":1e15,"connectionTimeoutInMs":300}}}`), int64(0), int64(0))
	f.Add([]byte(`{"type":"ack","data":{"serverAttributes":{"maxInputBufferSizeInBytes":16,"connectionTimeoutInMs":-1}}}`), int64(0), int64(0))
	f.Add([]byte(fuzzAckJSON), int64(1<<20), int64(time.Second))
	// A server's "no timeout" (Java's Long.MAX_VALUE): the timeout in ns
	// does not fit an int64.
	f.Add([]byte(strings.Replace(fuzzAckJSON, "120000", "9223372036854775807", 1)), int64(0), int64(0))
	f.Add([]byte(`{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":123,"x":123,"y":456,"z":789}}`), int64(0), int64(0))
	f.Add([]byte("{\"status\":401,\n\"message\":\"Unauthorized\"}"), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, data []byte, limit_B, ping_ns int64) {
		opt := FeedOptions{ReadLimit_B: limit_B, PingInterval: time.Duration(ping_ns)}
		a, err := readAck(data, opt)
		var m decode.Message
		var dec decode.Decoder
		isAck := dec.Decode(data, &m) == nil && m.Kind == decode.KindAck
		if !isAck {
			var fe *FeedError
			if !errors.As(err, &fe) || fe.Op != "ack" || !errors.Is(err, ErrNoAck) || fe.Message != snippet(data) || strings.ContainsAny(fe.Message, "\r\n") {
				t.Fatalf("%q: %#v, %v; want a *FeedError of ErrNoAck", data, a, err)
			}
			return
		}
		announced := m.Ack.MaxInputBufferSizeInBytes
		if announced > 0 && announced < int64(len(pingMessage)) {
			if err == nil {
				t.Fatalf("%q: accepted an input buffer of %d B, smaller than a ping", data, announced)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		if a.session != string(m.Ack.SocketSessionID.AppendUnescaped(nil, data)) {
			t.Fatalf("%q: session %q", data, a.session)
		}
		wantLimit := limit_B
		if wantLimit <= 0 {
			wantLimit = DefaultReadLimit(announced)
			if wantLimit < 64<<10 || wantLimit > MaxReadLimit_B {
				t.Fatalf("%q: read limit %d, want 64 KiB to %d", data, wantLimit, MaxReadLimit_B)
			}
		}
		wantPing := opt.PingInterval
		if wantPing <= 0 {
			// A third of the timeout, computed where it cannot overflow.
			wantPing = 30 * time.Second
			if ms := m.Ack.ConnectionTimeout_ms; ms > 0 && ms < 90_000 {
				wantPing = time.Duration(ms) * time.Millisecond / 3
			}
		}
		if a.limit != wantLimit || a.ping != wantPing || a.idle != 2*wantPing+time.Second {
			t.Fatalf("%q with %+v: limit %d, ping %s, idle %s; want %d, %s, %s", data, opt, a.limit, a.ping, a.idle, wantLimit, wantPing, 2*wantPing+time.Second)
		}
	})
}

// FuzzParseFrameFilter: an /overlay query's ids, teams and kinds give a
// filter whose lists are the numbers given, sorted, and whose kinds are
// those named (all, when none is); anything else is a *FilterError naming
// the parameter and the value. The filter's canonical form (String) is
// that of the filter parsed again from it.
func FuzzParseFrameFilter(f *testing.F) {
	for _, c := range [][3]string{
		{"", "", ""}, {"3,1,2", "", ""}, {"", "462", "ball"}, {"x", "", ""}, {"", "", "referee"},
		{" 101, 102 ,", "461,462", "Player,BALL"}, {"", "7,b", ""}, {"-1,+2,0x10", "", "players"}, {"", "", ","},
	} {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, ids, teams, kinds string) {
		flt, err := ParseFrameFilter(ids, teams, kinds)
		if ids == "" && teams == "" && kinds == "" {
			if flt != nil || err != nil {
				t.Fatalf("no query: %+v, %v; want nil, nil", flt, err)
			}
			return
		}
		nums := func(s string) ([]int64, string) {
			var out []int64
			for _, p := range strings.Split(s, ",") {
				if p = strings.TrimSpace(p); p == "" {
					continue
				}
				v, err := strconv.ParseInt(p, 10, 64)
				if err != nil {
					return nil, p
				}
				out = append(out, v)
			}
			slices.Sort(out)
			return out, ""
		}
		wantIDs, badID := nums(ids)
		wantTeams, badTeam := nums(teams)
		player, ball, badKind := true, true, ""
		if kinds != "" {
			named := false
			p, b := false, false
			for _, k := range strings.Split(kinds, ",") {
				switch strings.ToLower(strings.TrimSpace(k)) {
				case "player", "players":
					p, named = true, true
				case "ball":
					b, named = true, true
				case "":
				default:
					if badKind == "" {
						badKind = k
					}
				}
			}
			if named {
				player, ball = p, b
			}
		}
		var fe *FilterError
		switch {
		case badID != "":
			if !errors.As(err, &fe) || fe.Param != "ids" || fe.Value != badID {
				t.Fatalf("ids %q: %+v, %v; want a bad ids value %q", ids, flt, err, badID)
			}
		case badTeam != "":
			if !errors.As(err, &fe) || fe.Param != "teams" || fe.Value != badTeam {
				t.Fatalf("teams %q: %+v, %v; want a bad teams value %q", teams, flt, err, badTeam)
			}
		case badKind != "":
			if !errors.As(err, &fe) || fe.Param != "kinds" || fe.Value != badKind {
				t.Fatalf("kinds %q: %+v, %v; want a bad kinds value %q", kinds, flt, err, badKind)
			}
		default:
			if err != nil || flt == nil || !slices.Equal(flt.IDs, wantIDs) || !slices.Equal(flt.Teams, wantTeams) || flt.Player != player || flt.Ball != ball {
				t.Fatalf("ids %q, teams %q, kinds %q: %+v, %v; want ids %v, teams %v, player %v, ball %v", ids, teams, kinds, flt, err, wantIDs, wantTeams, player, ball)
			}
		}
		if err != nil {
			if !strings.Contains(err.Error(), strconv.Quote(fe.Value)) {
				t.Fatalf("error %q does not quote the value %q", err, fe.Value)
			}
			return
		}
		// Parsed again from its canonical form, the same filter.
		join := func(vs []int64) string {
			var s []string
			for _, v := range vs {
				s = append(s, strconv.FormatInt(v, 10))
			}
			return strings.Join(s, ",")
		}
		var k []string
		if flt.Player {
			k = append(k, "player")
		}
		if flt.Ball {
			k = append(k, "ball")
		}
		again, err := ParseFrameFilter(join(flt.IDs), join(flt.Teams), strings.Join(k, ","))
		if err != nil || again.String() != flt.String() {
			t.Fatalf("%q parsed again: %q, %v", flt.String(), again.String(), err)
		}
	})
}

// FuzzCheckTrackConfig reads a bundle's track_config.json at a re-join.
// Whatever the file holds, the check says the settings agree, or refuses
// with a *TrackConfigError whose differences are sorted, distinct and
// name the settings' values now, or with an error naming the file. The
// file stmotion writes for the settings agrees with them; with one of
// its settings replaced by another value (leaf, value), it is refused
// naming that setting alone.
func FuzzCheckTrackConfig(f *testing.F) {
	cfg := track.DefaultConfig()
	cfg.Causal = true
	own, err := trackConfigJSON(cfg)
	if err != nil {
		f.Fatal(err)
	}
	var cur map[string]any
	if err := json.Unmarshal(own, &cur); err != nil {
		f.Fatal(err)
	}
	flat := map[string]string{}
	flatten("", cur, flat)
	keys := slices.Sorted(maps.Keys(flat))
	f.Add(own, uint16(0), []byte(nil))
	f.Add([]byte(`{"Rate_Hz":10,"ReorderWindow_ms":100}`), uint16(0), []byte(nil))
	f.Add([]byte(`{"Player":{"Q":1}}`), uint16(3), []byte(`12.5`))
	f.Add([]byte(`[]`), uint16(1), []byte(`"x"`))
	f.Add([]byte(`{"Rate_Hz":25`), uint16(2), []byte(`null`))
	dir := f.TempDir()
	path := filepath.Join(dir, TrackConfigFile)
	check := func(t *testing.T, data []byte) error {
		t.Helper()
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := checkTrackConfig(dir, cfg)
		var tce *TrackConfigError
		switch {
		case err == nil:
		case errors.As(err, &tce):
			if len(tce.Diffs) == 0 || tce.Dir != dir {
				t.Fatalf("%q: %#v", data, tce)
			}
			for i, d := range tce.Diffs {
				if i > 0 && !(tce.Diffs[i-1].Field < d.Field) || d.Recorded == d.Now || flat[d.Field] != d.Now || !strings.Contains(err.Error(), d.Field) {
					t.Fatalf("%q: differences %+v", data, tce.Diffs)
				}
			}
		case !strings.Contains(err.Error(), path):
			t.Fatalf("%q: error %q does not name the file", data, err)
		}
		return err
	}
	f.Fuzz(func(t *testing.T, data []byte, leaf uint16, value []byte) {
		check(t, data)
		var v any
		if json.Unmarshal(value, &v) != nil {
			return
		}
		if _, ok := v.(map[string]any); ok {
			return // an object where a value was: a field of another release, not compared
		}
		canon, _ := json.Marshal(v)
		k := keys[int(leaf)%len(keys)]
		if string(canon) == flat[k] {
			return
		}
		var m map[string]any
		json.Unmarshal(own, &m)
		parts := strings.Split(k, ".")
		at := m
		for _, p := range parts[:len(parts)-1] {
			at = at[p].(map[string]any)
		}
		at[parts[len(parts)-1]] = v
		changed, _ := json.Marshal(m)
		var tce *TrackConfigError
		if err := check(t, changed); !errors.As(err, &tce) || len(tce.Diffs) != 1 || tce.Diffs[0].Field != k || tce.Diffs[0].Recorded != string(canon) {
			t.Fatalf("%s set to %s: %v; want that one difference", k, canon, err)
		}
	})
}
