package mock

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/stmotion/stmotion/decode"
)

// Feed lines of the shapes the bundles hold (WriteTinyBundle, the tests).
var fuzzFeedLines = []string{
	`{"type":"marker","data":{"occurred_at":1700000000000,"type":"LIVE"}}`,
	`{"type":"location","data":{"occurred_at":1700000000040,"type":"PLAYER","id":101,"x":-6000,"y":-4000,"z":1100}}`,
	`{"type":"stats","data":{"occurred_at":1700000000080,"team_id":461,"player_id":101,"stats":{"FGA":1.0,"FG":1.0,"PTS":2.0},"classification":"TWO_POINT_MAKE","version":2}}`,
	`{"type":"shot","data":{"occurred_at":1700000000080,"team_id":461,"player_id":101,"is_make":true,"is_3point":false,"zone":1,"hoop_player_x":685,"hoop_player_y":-475,"status":"RECORDED"}}`,
	`{"type":"marker","data":{"occurred_at":1700000000120,"live_id":"7d3c1a52-5e0f-4c1a-9b7e-000000000002","type":"PLAY_NEXT"}}`,
	`{"data":{"socketSessionId":"x","serverAttributes":{}},"action":"subscribe","type":"ack"}`,
	`{"type":"stats","data":{"occurred_at":1700000000000,"team_id":461,"player_id":102,"stats":{"REB":1.0},"version":1},"stmotion_source":"stats.json"}`,
}

// jsonMember is a member of a JSON object: its key as written (quotes
// and escapes included) and its value, line[vs:ve].
type jsonMember struct {
	key    string
	vs, ve int
}

// jsonMembers lists the members of every object in the valid JSON text
// l, at any depth: a reference walk for appendEdits.
func jsonMembers(l []byte) []jsonMember {
	var out []jsonMember
	ws := func(i int) int {
		for i < len(l) && isSpace(l[i]) {
			i++
		}
		return i
	}
	str := func(i int) int { // l[i] is '"': the index past the string
		for i++; l[i] != '"'; i++ {
			if l[i] == '\\' {
				i++
			}
		}
		return i + 1
	}
	var value func(i int) int
	value = func(i int) int {
		switch l[i] {
		case '"':
			return str(i)
		case '{', '[':
			obj := l[i] == '{'
			i = ws(i + 1)
			for l[i] != '}' && l[i] != ']' {
				var key string
				if obj {
					k := str(i)
					key = string(l[i:k])
					i = ws(ws(k) + 1) // past the ':'
				}
				vs := i
				i = value(i)
				if obj {
					out = append(out, jsonMember{key, vs, i})
				}
				if i = ws(i); l[i] == ',' {
					i = ws(i + 1)
				}
			}
			return i + 1
		}
		for i < len(l) && !strings.ContainsRune(",]} \t\r\n", rune(l[i])) {
			i++
		}
		return i
	}
	value(ws(0))
	return out
}

// digitsOnly reports whether v is 1 to 18 ASCII digits (an integer
// appendEdits edits).
func digitsOnly(v []byte) bool {
	if len(v) == 0 || len(v) > 18 {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// FuzzAppendEdits: the spans a later pass rewrites in a feed line are
// inside it, in order and apart; in a line that is JSON they are exactly
// the values of the keys "occurred_at" (an integer, not 0), "version"
// (the one given) and "live_id" (a string's contents), at any depth, and
// nothing else: no key that merely ends with one of those names.
func FuzzAppendEdits(f *testing.F) {
	for _, l := range fuzzFeedLines {
		f.Add([]byte(l), int64(2))
	}
	f.Add([]byte(`{"type":"stats","data":{"occurred_at":0,"version":7,"stats":{"version":7.0,"occurred_at":-5}}}`), int64(7))
	f.Add([]byte(`{"s":"\"occurred_at\":5","occurred_at" : 12e3,"version":1}`), int64(1))
	f.Fuzz(func(t *testing.T, l []byte, want int64) {
		var edits []edit
		edits = appendEdits(edits, l, `"occurred_at"`, editTime, -1)
		edits = appendEdits(edits, l, `"version"`, editVersion, want)
		edits = appendEdits(edits, l, `"live_id"`, editLiveID, -1)
		slices.SortFunc(edits, func(x, y edit) int { return cmp.Compare(x.off, y.off) })
		for i, e := range edits {
			if e.off < 0 || e.end < e.off || int(e.end) > len(l) || i > 0 && edits[i-1].end > e.off {
				t.Fatalf("%q: edits %+v out of the line or overlapping", l, edits)
			}
			if e.kind != editLiveID && !digitsOnly(l[e.off:e.end]) {
				t.Fatalf("%q: edit %+v of %q, not an integer", l, e, l[e.off:e.end])
			}
		}
		if !json.Valid(l) {
			return
		}
		var ref []edit
		for _, m := range jsonMembers(l) {
			v := l[m.vs:m.ve]
			switch m.key {
			case `"occurred_at"`:
				if digitsOnly(v) && string(v) != "0" {
					ref = append(ref, edit{off: int32(m.vs), end: int32(m.ve), kind: editTime})
				}
			case `"version"`:
				if n, err := strconv.ParseInt(string(v), 10, 64); digitsOnly(v) && err == nil && n == want {
					ref = append(ref, edit{off: int32(m.vs), end: int32(m.ve), kind: editVersion})
				}
			case `"live_id"`:
				if v[0] == '"' {
					ref = append(ref, edit{off: int32(m.vs + 1), end: int32(m.ve - 1), kind: editLiveID, round: -1})
				}
			}
		}
		slices.SortFunc(ref, func(x, y edit) int { return cmp.Compare(x.off, y.off) })
		if !slices.Equal(edits, ref) {
			t.Fatalf("%q (version %d):\n edits %+v\n want  %+v", l, want, edits, ref)
		}
	})
}

// FuzzLoadMessages loads a bundle whose feed is the fuzzer's bytes,
// plain, gzip or zstd (codec), the compressed ones cut short by cut
// bytes. Either the mock refuses it (a *BundleError) or it serves lines
// that are the feed's own (Lines), in order, but for the connection-level
// ones and those stmotion live made of REST state; of a feed cut short,
// the complete lines before the break (and a last one cut off only if it
// is still a JSON object). The lines, their edits and replay times are
// consistent, and a later pass sends each JSON line as JSON.
func FuzzLoadMessages(f *testing.F) {
	feed := strings.Join(fuzzFeedLines, "\n") + "\n"
	f.Add([]byte(feed), uint8(0), uint16(0))
	f.Add([]byte("\xef\xbb\xbf"+strings.ReplaceAll(feed, "\n", "\r\n\r\n")), uint8(0), uint16(0))
	f.Add([]byte(feed+"not json at all"), uint8(0), uint16(0))
	f.Add([]byte(feed), uint8(1), uint16(9))
	f.Add([]byte(feed), uint8(2), uint16(20))
	f.Add([]byte(fuzzFeedLines[5]+"\n"), uint8(0), uint16(0))
	dir := f.TempDir()
	if err := WriteTinyBundle(dir); err != nil {
		f.Fatal(err)
	}
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, codec uint8, cut uint16) {
		for _, ext := range []string{"", ".gz", ".zst"} {
			os.Remove(filepath.Join(dir, decode.BundleMessages+ext))
		}
		file, ext := data, ""
		switch codec % 3 {
		case 1:
			var buf bytes.Buffer
			gw := gzip.NewWriter(&buf)
			gw.Write(data)
			gw.Close()
			file, ext = buf.Bytes(), ".gz"
		case 2:
			file, ext = zw.EncodeAll(data, nil), ".zst"
		}
		truncated := ext != "" && int(cut)%len(file) != 0
		if truncated {
			file = file[:len(file)-int(cut)%len(file)]
		}
		path := filepath.Join(dir, decode.BundleMessages+ext)
		if err := os.WriteFile(path, file, 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := loadBundle(dir, nil, nil)
		if err != nil {
			var be *BundleError
			if !errors.As(err, &be) || !errors.Is(err, ErrBundle) || !strings.HasPrefix(err.Error(), "mock: bundle ") {
				t.Fatalf("%q: error %v, want a *BundleError", data, err)
			}
			return
		}
		if len(b.lines) == 0 || len(b.rounds) == 0 || b.rounds[0].first != 0 {
			t.Fatalf("%q: %d lines, rounds %+v", data, len(b.lines), b.rounds)
		}
		// The lines served are the feed's own, in order, but for those
		// the mock does not replay; of a feed cut short, those before
		// the break.
		notReplayed := func(l []byte) bool {
			var w wireLine
			return json.Unmarshal(l, &w) == nil && (w.Source != "" || w.Type == "ack" || w.Type == "pong")
		}
		orig := Lines(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
		j := 0
		for i := range b.lines {
			l := b.line(i)
			for ; j < len(orig) && !bytes.Equal(orig[j], l); j++ {
				if truncated && i == len(b.lines)-1 && bytes.HasPrefix(orig[j], l) && json.Valid(l) {
					break // the line the break cut off, still a JSON object
				}
				if !notReplayed(orig[j]) {
					t.Fatalf("%q: line %q is not served (line %d served: %q)", data, orig[j], i, l)
				}
			}
			if j == len(orig) {
				t.Fatalf("%q: line %d served, %q, is not the feed's (%q)", data, i, l, orig)
			}
			j++
		}
		for ; j < len(orig) && !truncated; j++ {
			if !notReplayed(orig[j]) {
				t.Fatalf("%q: line %q is not served", data, orig[j])
			}
		}
		// Lines, edits, times and rounds hold together.
		s := &Server{b: b, opts: Options{LoopGap: time.Second}}
		end, e := 0, int32(0)
		for i, ln := range b.lines {
			if ln.start != end || ln.end < ln.start || ln.e0 != e || ln.e1 < ln.e0 || ln.rel_ms < 0 || ln.rel_ms > b.span_ms ||
				i > 0 && ln.rel_ms < b.lines[i-1].rel_ms {
				t.Fatalf("%q: line %d: %+v (span %d ms)", data, i, ln, b.span_ms)
			}
			end, e = ln.end, ln.e1
			for k, ed := range b.edits[ln.e0:ln.e1] {
				if ed.off < 0 || ed.end < ed.off || int(ed.end) > ln.end-ln.start || k > 0 && b.edits[int(ln.e0)+k-1].end > ed.off ||
					ed.kind == editLiveID && int(ed.round) >= len(b.rounds) {
					t.Fatalf("%q: line %d: edits %+v", data, i, b.edits[ln.e0:ln.e1])
				}
			}
			if l := b.line(i); json.Valid(l) {
				if out := s.appendLine(nil, i, 1); !json.Valid(out) {
					t.Fatalf("%q: line %q, in the second pass %q: not JSON", data, l, out)
				}
			}
		}
		if end != len(b.data) || int(e) != len(b.edits) {
			t.Fatalf("%q: lines end at %d of %d bytes, %d of %d edits", data, end, len(b.data), e, len(b.edits))
		}
		for k := 1; k < len(b.rounds); k++ {
			if b.rounds[k].first <= b.rounds[k-1].first || b.rounds[k].first > len(b.lines) {
				t.Fatalf("%q: rounds %+v", data, b.rounds)
			}
		}
	})
}

// FuzzServeAPI sends the mock's REST address one request (method and
// target, as a client's request line) and checks the answer: never a
// panic nor a 500; a JSON body; an error as the API's error body (its
// status, a message, a request id). What it accepts is in range: a
// team's from/to (0 < from < to, at most 8 months apart), a nearest
// location's latitude, longitude and radius, a subscription's data types.
func FuzzServeAPI(f *testing.F) {
	for _, target := range []string{
		"/v1/data/live/" + TinyLiveID, "/v1/data/live/" + TinyLiveID + "/_subscribe?dt=STATS&dt=SHOTS&dt=STATS",
		"/v1/data/live/" + TinyLiveID + "/_subscribe?dt=", "/v1/data/live/" + TinyLiveID + "/_subscribe?dt=stats",
		"/v1/data/live/" + TinyLiveID + "/court", "/v1/data/live/" + TinyLiveID + "/stats/details", "/v1/data/live/" + TinyLiveID + "/shots",
		"/v1/data/live/7D3C1A52-5E0F-4C1A-9B7E-000000000001/stats", "/v1/data/live/notify",
		"/v1/data/locations/nearest/latlong/39.1/-94.6?radius=10&unit=MILES",
		"/v1/data/locations/nearest/latlong/NaN/0?radius=10&unit=KILOMETERS",
		"/v1/data/teams", "/v1/data/teams/461/events?from=1699999000000&to=1700001000000",
		"/v1/data/teams/461/players/game/stats?from=1&to=20000000000", "/v1/data/teams/+461/players/practice/shots?from=1699999000000&to=1700001000000",
		"/v1/data/user/profile", "/v1/data/live/%zz/stats", "/v1/data/../data/teams", "/ws?token=x",
	} {
		f.Add("GET", target)
	}
	f.Add("PUT", "/v1/data/live/"+TinyLiveID+"/video?id=v1&started_at=1700000000000")
	f.Add("DELETE", "/v1/data/live/notify/abc")
	dir := f.TempDir()
	if err := WriteTinyBundle(dir); err != nil {
		f.Fatal(err)
	}
	s, err := New(dir, Options{NoAuth: true})
	if err != nil {
		f.Fatal(err)
	}
	mux := s.restMux()
	f.Fuzz(func(t *testing.T, method, target string) {
		// Not the notify simulation, which PUTs to the URLs it is given;
		// nor "OPTIONS *", which the http.Server answers.
		if strings.HasPrefix(target, "/mock/") || target == "*" {
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(method + " " + target + " HTTP/1.1\r\nHost: mock.test\r\n\r\n")))
		if err != nil {
			return // the server answers 400 before any handler
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		code, body := rec.Code, rec.Body.Bytes()
		where := fmt.Sprintf("%s %s: %d %s", method, target, code, body)
		switch {
		case code == http.StatusInternalServerError:
			t.Fatal(where)
		case code/100 == 3 || code == http.StatusNoContent:
			return
		case !json.Valid(body):
			t.Fatalf("%s: not JSON", where)
		case code >= 400:
			var eb decode.ErrorBody
			err := json.Unmarshal(body, &eb)
			if _, ok := parseUUID(eb.ShottrackerRequestID); err != nil || eb.Status != code || eb.Message == "" || !ok {
				t.Fatalf("%s: not the API's error body", where)
			}
			return
		}
		segs := splitPath(req)
		q := req.URL.Query()
		switch {
		case len(segs) >= 5 && segs[2] == "teams":
			from, err1 := strconv.ParseInt(q.Get("from"), 10, 64)
			to, err2 := strconv.ParseInt(q.Get("to"), 10, 64)
			if err1 != nil || err2 != nil || !(0 < from && from < to) || to-from > 248*24*3600*1000 {
				t.Fatalf("%s: from %q to %q accepted", where, q.Get("from"), q.Get("to"))
			}
			// Ids and times in digits, without a sign.
			for _, v := range []string{segs[3], q.Get("from"), q.Get("to")} {
				if strings.Trim(v, "0123456789") != "" {
					t.Fatalf("%s: %q accepted", where, v)
				}
			}
		case len(segs) == 7 && segs[2] == "locations":
			lat, err1 := strconv.ParseFloat(segs[5], 64)
			lon, err2 := strconv.ParseFloat(segs[6], 64)
			radius, err3 := strconv.ParseFloat(q.Get("radius"), 64)
			if err1 != nil || err2 != nil || err3 != nil || !(math.Abs(lat) <= 90) || !(math.Abs(lon) <= 180) || !(radius > 0) || math.IsInf(radius, 0) {
				t.Fatalf("%s: latitude %q, longitude %q, radius %q accepted", where, segs[5], segs[6], q.Get("radius"))
			}
		case len(segs) == 5 && segs[2] == "live" && segs[4] == "_subscribe":
			var sub decode.Subscribe
			if err := json.Unmarshal(body, &sub); err != nil || sub.Token == "" {
				t.Fatalf("%s: %v", where, err)
			}
			var asked []string
			for _, dt := range q["dt"] {
				if dt != "" && !slices.Contains(asked, dt) {
					asked = append(asked, dt)
				}
			}
			if len(asked) == 0 {
				asked = allDataTypes
			}
			slices.SortFunc(asked, func(a, b string) int { return slices.Index(allDataTypes, a) - slices.Index(allDataTypes, b) })
			if !slices.Equal(sub.TokenDataTypes, asked) {
				t.Fatalf("%s: data types %q, want %q", where, sub.TokenDataTypes, asked)
			}
		}
	})
}

// FuzzParseUUID: a UUID is read in the 8-4-4-4-12 hex form, either case,
// and written back in lower case; nothing else is one.
func FuzzParseUUID(f *testing.F) {
	for _, s := range []string{TinyLiveID, strings.ToUpper(TinyLiveID), newID(), "", "7d3c1a52-5e0f-4c1a-9b7e-00000000000g",
		"7d3c1a525e0f4c1a9b7e000000000001", "{7d3c1a52-5e0f-4c1a-9b7e-000000000001}", "7d3c1a52-5e0f-4c1a-9b7e+000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, ok := parseUUID(s)
		want := len(s) == 36
		for i := 0; i < len(s) && want; i++ {
			c := s[i]
			switch i {
			case 8, 13, 18, 23:
				want = c == '-'
			default:
				want = '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
			}
		}
		if ok != want || ok && formatUUID(u) != strings.ToLower(s) {
			t.Fatalf("parseUUID(%q) = %x, %v; want ok %v", s, u, ok, want)
		}
	})
}

// FuzzIsPing: a client's message is the ping when encoding/json (the
// reference) reads an object whose "action" is "ping".
func FuzzIsPing(f *testing.F) {
	for _, s := range []string{`{"action":"ping"}`, ` {"action" : "ping", "x":[1,{}]} `, `{"Action":"ping"}`, `{"action":"pong"}`,
		`{"action":"ping","action":1}`, `{"action":"p\u0069ng"}`, `["action","ping"]`, `{"action":"ping"`, `null`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var msg struct {
			Action string `json:"action"`
		}
		want := json.Unmarshal(data, &msg) == nil && msg.Action == "ping"
		if got := isPing(data); got != want {
			t.Fatalf("isPing(%q) = %v, want %v (encoding/json)", data, got, want)
		}
	})
}
