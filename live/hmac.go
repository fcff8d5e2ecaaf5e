package live

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// The ShotTracker REST API authenticates every request with an HMAC-SHA1
// signature over three lines (the scheme of Kong's hmac-auth plugin):
//
//	date: <Date header, RFC 1123 GMT as http.TimeFormat>
//	host: <Host header>
//	<METHOD> <path?query as sent on the wire> HTTP/1.1
//
// joined by "\n", signed with the issued secret, base64 encoded and sent as
//
//	Authorization: hmac username="<user>",algorithm="hmac-sha1",headers="date host request-line",signature="<sig>"
//
// The server rejects a date more than 5 minutes away from its clock.

// SignedHeaders is the headers list this package signs, in order.
const SignedHeaders = "date host request-line"

// ErrNoCredentials reports a request that needs signing but a client
// configured without a username or secret.
var ErrNoCredentials = errors.New("live: no API username or secret configured")

// SigningString returns the text the signature covers for the seed's
// headers list "date host request-line". requestLine is
// "<METHOD> <request-uri> HTTP/1.1".
func SigningString(date, host, requestLine string) string {
	return "date: " + date + "\nhost: " + host + "\n" + requestLine
}

// Signature returns base64(HMAC-SHA1(secret, SigningString(date, host, requestLine))).
func Signature(secret, date, host, requestLine string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(SigningString(date, host, requestLine)))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// AuthorizationValue returns the Authorization header value for a signature.
func AuthorizationValue(username, signature string) string {
	return `hmac username="` + username + `",algorithm="hmac-sha1",headers="` + SignedHeaders + `",signature="` + signature + `"`
}

// RequestLine returns the HTTP/1.1 request line net/http writes for req when
// it talks to the origin server directly: the method, the escaped path and
// the raw query exactly as they go on the wire.
func RequestLine(req *http.Request) string {
	return req.Method + " " + req.URL.RequestURI() + " HTTP/1.1"
}

// Credentials are an API username and secret. They are never printed:
// String and LogValue redact them.
type Credentials struct {
	Username string
	Secret   string
}

// Sign sets the date, host and Authorization headers of req for the time
// now. It pins req.Host to the signed host so the header sent is the one
// signed. The request must be sent over HTTP/1.1 (the Client's transport
// does) for the signed request line to be true.
func (c Credentials) Sign(req *http.Request, now time.Time) error {
	if c.Username == "" || c.Secret == "" {
		return ErrNoCredentials
	}
	if req.URL == nil {
		return fmt.Errorf("live: sign: request has no URL")
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	req.Host = host
	date := now.UTC().Format(http.TimeFormat)
	req.Header.Set("Date", date)
	sig := Signature(c.Secret, date, host, RequestLine(req))
	req.Header.Set("Authorization", AuthorizationValue(c.Username, sig))
	return nil
}

// String redacts the secret and most of the username.
func (c Credentials) String() string {
	return fmt.Sprintf("live.Credentials{Username: %q, Secret: %q}", redactUser(c.Username), redact(c.Secret))
}

// GoString redacts like String, so %#v does not print secrets either.
func (c Credentials) GoString() string { return c.String() }

// LogValue redacts like String.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("username", redactUser(c.Username)),
		slog.String("secret", redact(c.Secret)),
	)
}

func redact(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// redactUser keeps the first four characters of a username so a log says
// which account was used without giving it away.
func redactUser(s string) string {
	if len(s) <= 4 {
		return redact(s)
	}
	return s[:4] + strings.Repeat("*", 4)
}
