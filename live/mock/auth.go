package mock

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The mock verifies signatures with its own code rather than the live
// client's, so a bug in the client's signing cannot hide behind the same bug
// in the checker. Both are tested against the scheme's known answers.

// authError is a refused request: always 401, with a message that says
// what to fix.
type authError struct{ msg string }

func (e *authError) Error() string { return e.msg }

func refuse(format string, args ...any) *authError {
	return &authError{msg: fmt.Sprintf(format, args...)}
}

// parseHMAC parses `hmac username="u",algorithm="a",headers="h",signature="s"`.
func parseHMAC(v string) (map[string]string, *authError) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || !strings.EqualFold(scheme, "hmac") {
		return nil, refuse(`malformed Authorization header: want hmac username="...",algorithm="hmac-sha1",headers="date host request-line",signature="..."`)
	}
	params := map[string]string{}
	for _, kv := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
			return nil, refuse("malformed Authorization header: parameter %q is not key=\"value\"", strings.TrimSpace(kv))
		}
		params[strings.ToLower(k)] = val[1 : len(val)-1]
	}
	for _, k := range []string{"username", "algorithm", "headers", "signature"} {
		if params[k] == "" {
			return nil, refuse("malformed Authorization header: no %s parameter", k)
		}
	}
	return params, nil
}

// signingString rebuilds what the client signed: one line per name of the
// headers list, "request-line" being the request's method and target as
// received with protocol proto. The API's signing example writes the
// protocol as the literal "HTTP/1.1" whatever the request goes over;
// verifyHMAC also accepts the protocol the request came with.
func signingString(r *http.Request, names []string, proto string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch n {
		case "request-line":
			b.WriteString(r.Method + " " + r.RequestURI + " " + proto)
		case "host":
			b.WriteString("host: " + r.Host)
		default:
			b.WriteString(n + ": " + r.Header.Get(n))
		}
	}
	return b.String()
}

// verifyHMAC checks a request's signature, date and username.
func (s *Server) verifyHMAC(r *http.Request) *authError {
	v := r.Header.Get("Authorization")
	if v == "" {
		return refuse("missing Authorization header: sign the request with HMAC (see the API's Authentication section)")
	}
	p, err := parseHMAC(v)
	if err != nil {
		return err
	}
	if !strings.EqualFold(p["algorithm"], "hmac-sha1") {
		return refuse("unsupported algorithm %q: want hmac-sha1", p["algorithm"])
	}
	// The API's Authentication section names date and host as "needed
	// for signing and required", beside the request line: a signature
	// that leaves one out does not bind the request to this server or
	// this time.
	names := strings.Fields(strings.ToLower(p["headers"]))
	var missing []string
	for _, n := range []string{"date", "host", "request-line"} {
		if !contains(names, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return refuse(`the signed headers %q lack %s: sign "date host request-line" (the API requires date and host in the signature)`, p["headers"], strings.Join(missing, " and "))
	}
	d := r.Header.Get("Date")
	if d == "" {
		return refuse("missing date header: send the current UTC time as RFC 1123, e.g. %q", s.now().UTC().Format(http.TimeFormat))
	}
	at, perr := http.ParseTime(d)
	if perr != nil {
		return refuse("malformed date header %q: want RFC 1123 GMT, e.g. %q", d, s.now().UTC().Format(http.TimeFormat))
	}
	if skew := s.now().Sub(at); skew > s.opts.MaxSkew || skew < -s.opts.MaxSkew {
		return refuse("date header %q is %s away from the server clock (at most %s allowed): check the client's clock", d, skew.Round(time.Second).Abs(), s.opts.MaxSkew)
	}
	if subtle.ConstantTimeCompare([]byte(p["username"]), []byte(s.opts.Username)) != 1 {
		return refuse("unknown username")
	}
	got, derr := base64.StdEncoding.DecodeString(p["signature"])
	if derr != nil {
		return refuse("malformed signature: not base64")
	}
	toSign := signingString(r, names, "HTTP/1.1")
	if !s.signed(got, toSign) && (r.Proto == "HTTP/1.1" || !s.signed(got, signingString(r, names, r.Proto))) {
		return refuse("signature does not match the request: the server signed %q (is the secret right, and is the request line the path and query exactly as sent, with the protocol written HTTP/1.1 as in the API's example?)", toSign)
	}
	return nil
}

// signed reports whether sig is the HMAC-SHA1 of toSign under the secret.
func (s *Server) signed(sig []byte, toSign string) bool {
	m := hmac.New(sha1.New, []byte(s.opts.Secret))
	m.Write([]byte(toSign))
	return hmac.Equal(sig, m.Sum(nil))
}

// verifyBearer checks the user access token of the user endpoints.
func (s *Server) verifyBearer(r *http.Request) *authError {
	v := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(tok) == "" {
		return refuse("user endpoints need a user access token: send Authorization: Bearer <token>")
	}
	if s.opts.UserToken != "" && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.opts.UserToken)) != 1 {
		return refuse("invalid user access token")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
