package live

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The known answers of the hmac-auth scheme (secret "secret").
func TestSignatureKnownAnswers(t *testing.T) {
	const date, host = "Thu, 22 Jun 2017 17:15:21 GMT", "hmac.com"
	tests := []struct{ line, want string }{
		{"GET /requests HTTP/1.1", "/K94FIpEl8nuL1zRzR7CxHktHjA="},
		{"GET /requests?name=foo HTTP/1.1", "zYk23pbkql8wLpf/Vg/WbQ7arjU="},
		{"GET /request/some%20value/?name=foo&name=bar HTTP/1.1", "2QZ57jzT11tIOdTk0XrgDGf6YXE="},
	}
	for _, tc := range tests {
		if got := Signature("secret", date, host, tc.line); got != tc.want {
			t.Errorf("Signature(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// Sign must reach the same answers through a real *http.Request: the
// request line is the escaped path and raw query as net/http writes them.
func TestCredentialsSignRequest(t *testing.T) {
	now, _ := http.ParseTime("Thu, 22 Jun 2017 17:15:21 GMT")
	tests := []struct{ url, wantLine, wantSig string }{
		{"http://hmac.com/requests", "GET /requests HTTP/1.1", "/K94FIpEl8nuL1zRzR7CxHktHjA="},
		{"http://hmac.com/requests?name=foo", "GET /requests?name=foo HTTP/1.1", "zYk23pbkql8wLpf/Vg/WbQ7arjU="},
		{"http://hmac.com/request/some%20value/?name=foo&name=bar", "GET /request/some%20value/?name=foo&name=bar HTTP/1.1", "2QZ57jzT11tIOdTk0XrgDGf6YXE="},
	}
	for _, tc := range tests {
		req, err := http.NewRequest(http.MethodGet, tc.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := RequestLine(req); got != tc.wantLine {
			t.Errorf("RequestLine(%s) = %q, want %q", tc.url, got, tc.wantLine)
		}
		if err := (Credentials{Username: "bob", Secret: "secret"}).Sign(req, now); err != nil {
			t.Fatal(err)
		}
		want := `hmac username="bob",algorithm="hmac-sha1",headers="date host request-line",signature="` + tc.wantSig + `"`
		if got := req.Header.Get("Authorization"); got != want {
			t.Errorf("%s: Authorization = %q, want %q", tc.url, got, want)
		}
		if got := req.Header.Get("Date"); got != "Thu, 22 Jun 2017 17:15:21 GMT" {
			t.Errorf("%s: Date = %q", tc.url, got)
		}
		if req.Host != "hmac.com" {
			t.Errorf("%s: Host = %q, want hmac.com", tc.url, req.Host)
		}
	}
	req := &http.Request{Method: "GET", URL: &url.URL{Path: "/"}, Header: http.Header{}}
	if err := (Credentials{}).Sign(req, now); err != ErrNoCredentials {
		t.Errorf("Sign without credentials: err = %v, want ErrNoCredentials", err)
	}
}

func TestSecretsRedacted(t *testing.T) {
	const user, secret, token = "2e4118d42e5011e6b4a4deecc6e6f587", "2d64b892e8d434100001", "user-token-xyz"
	cfg := ClientConfig{BaseURL: "http://x", Credentials: Credentials{Username: user, Secret: secret}, BearerToken: token}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("cfg", "cfg", cfg, "creds", cfg.Credentials, "client", c)
	outs := map[string]string{
		"%v":        fmt.Sprintf("%v", cfg),
		"%+v":       fmt.Sprintf("%+v", cfg),
		"%#v":       fmt.Sprintf("%#v", cfg),
		"%s creds":  fmt.Sprintf("%s", cfg.Credentials),
		"%#v creds": fmt.Sprintf("%#v", cfg.Credentials),
		"client":    fmt.Sprint(c),
		"slog":      logged.String(),
	}
	for name, s := range outs {
		for _, leak := range []string{user, secret, token} {
			if strings.Contains(s, leak) {
				t.Errorf("%s leaks %q: %s", name, leak, s)
			}
		}
		if !strings.Contains(s, "redacted") {
			t.Errorf("%s does not say what was redacted: %s", name, s)
		}
	}
}
