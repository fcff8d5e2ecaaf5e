package mock

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live"
)

// wire signs a request for target with the live client's signer, writes it
// as net/http sends it, and reads it back as a server receives it.
func wire(t testing.TB, target string, secret string, at time.Time) (*http.Request, bool) {
	req, err := http.NewRequest(http.MethodGet, "http://mock.test"+target, nil)
	if err != nil {
		return nil, false
	}
	if err := (live.Credentials{Username: DefaultUsername, Secret: secret}).Sign(req, at); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		return nil, false
	}
	got, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		// net/http writes a raw query as given, spaces included, and such
		// a request line is not HTTP; the live client always encodes its
		// queries, so these never come from it.
		return nil, false
	}
	return got, true
}

func testServer(now time.Time) *Server {
	return &Server{opts: Options{Username: DefaultUsername, Secret: DefaultSecret, MaxSkew: 5 * time.Minute}, now: func() time.Time { return now }}
}

// Whatever path and query a client sends, the request line it signed is
// the one the server receives; a wrong secret never verifies.
func FuzzSignedRequestVerifies(f *testing.F) {
	for _, s := range []string{"/v1/data/live/x/_subscribe?dt=STATS&dt=SHOTS", "/request/some%20value/?name=foo&name=bar",
		"/a b?c=d e", "/v1/data/teams/1/events?from=1&to=2", "/é?q=ü", "/%zz", "/?"} {
		f.Add(s)
	}
	now := time.Unix(1700000000, 0)
	s := testServer(now)
	f.Fuzz(func(t *testing.T, target string) {
		if !strings.HasPrefix(target, "/") {
			return
		}
		req, ok := wire(t, target, DefaultSecret, now)
		if !ok {
			return
		}
		if err := s.verifyHMAC(req); err != nil {
			t.Fatalf("%q: signed by the client, refused by the mock: %s", target, err.msg)
		}
		bad, ok := wire(t, target, "wrong", now)
		if !ok {
			t.Fatalf("%q: readable with one secret, not with another", target)
		}
		if err := s.verifyHMAC(bad); err == nil {
			t.Fatalf("%q: a wrong secret verified", target)
		}
	})
}

// The Authorization parser never panics and refuses what is not the
// scheme's format.
func FuzzParseHMAC(f *testing.F) {
	f.Add(`hmac username="u",algorithm="hmac-sha1",headers="date host request-line",signature="c2ln"`)
	f.Add(`hmac username=u`)
	f.Add(`hmac ,,,`)
	f.Add(`Bearer x`)
	f.Add(`hmac a="`)
	f.Fuzz(func(t *testing.T, v string) {
		p, err := parseHMAC(v)
		if err == nil {
			for _, k := range []string{"username", "algorithm", "headers", "signature"} {
				if p[k] == "" {
					t.Fatalf("%q parsed without %s", v, k)
				}
			}
		}
	})
}

func TestVerifySkewBoundaries(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s := testServer(now)
	for _, tc := range []struct {
		skew time.Duration
		ok   bool
	}{{0, true}, {5 * time.Minute, true}, {-5 * time.Minute, true}, {5*time.Minute + time.Second, false}, {-5*time.Minute - time.Second, false}} {
		req, _ := wire(t, "/v1/data/teams", DefaultSecret, now.Add(tc.skew))
		if err := s.verifyHMAC(req); (err == nil) != tc.ok {
			t.Errorf("skew %s: err %v, want ok=%v", tc.skew, err, tc.ok)
		}
	}
}

// The API's signing example writes the request line's protocol as the
// literal "HTTP/1.1": a request signed that way verifies whatever protocol
// it arrives over (a proxy forwarding over HTTP/1.0), and so does one
// signed with the protocol it arrived over. Another protocol does not.
func TestSignedRequestLineProtocol(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s := testServer(now)
	target := "/v1/data/live/x/_subscribe?dt=STATS"
	signed := func(proto, sent string) *http.Request {
		date := now.UTC().Format(http.TimeFormat)
		m := hmac.New(sha1.New, []byte(DefaultSecret))
		m.Write([]byte("date: " + date + "\nhost: mock.test\nGET " + target + " " + proto))
		raw := "GET " + target + " " + sent + "\r\nHost: mock.test\r\nDate: " + date +
			"\r\nAuthorization: hmac username=\"" + DefaultUsername + "\",algorithm=\"hmac-sha1\",headers=\"date host request-line\",signature=\"" +
			base64.StdEncoding.EncodeToString(m.Sum(nil)) + "\"\r\n\r\n"
		got, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, tc := range []struct {
		signedAs, sentAs string
		ok               bool
	}{
		{"HTTP/1.1", "HTTP/1.1", true},
		{"HTTP/1.1", "HTTP/1.0", true},
		{"HTTP/1.0", "HTTP/1.0", true},
		{"HTTP/1.0", "HTTP/1.1", false},
		{"HTTP/2.0", "HTTP/1.0", false},
	} {
		err := s.verifyHMAC(signed(tc.signedAs, tc.sentAs))
		if (err == nil) != tc.ok {
			t.Errorf("signed with %s, sent over %s: refused %v, want accepted %v", tc.signedAs, tc.sentAs, err != nil, tc.ok)
		}
	}
}
