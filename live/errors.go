package live

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"

	"github.com/stmotion/stmotion/decode"
)

// Sentinel errors of the REST client. An *APIError wraps the one that
// matches its status, so callers test with errors.Is(err, live.ErrNotFound).
var (
	ErrBadRequest    = errors.New("live: bad request")                 // 400 other than an inactive live id
	ErrInactive      = errors.New("live: live id is no longer active") // 400 "The live id is no longer active"
	ErrUnauthorized  = errors.New("live: request not authorized")      // 401: missing, malformed or wrong signature
	ErrForbidden     = errors.New("live: data type not granted")       // 403 "No access to ... data"
	ErrNotFound      = errors.New("live: invalid id")                  // 404
	ErrUnprocessable = errors.New("live: request refused")             // 422: bad time range, notify id not found
	ErrRateLimited   = errors.New("live: too many requests")           // 429: come back later (APIError.RetryAfter)
	ErrServer        = errors.New("live: server error")                // 5xx
	ErrStatus        = errors.New("live: unexpected status")           // any other non-2xx status
	ErrBadResponse   = errors.New("live: malformed response body")     // a 2xx body that does not decode
	ErrInvalidRange  = errors.New("live: invalid time range")          // from/to refused before sending
)

// APIError is an error response of the ShotTracker API: its status, the
// message and request id of its JSON body, and the request it answered.
// It unwraps to the sentinel for its status.
type APIError struct {
	Method    string // request method
	Path      string // request path and query, as sent
	Status    int    // HTTP status code
	Message   string // the body's "message", or the start of a non-JSON body
	RequestID string // the body's "shottrackerRequestId" (quote it to ShotTracker support)
	// RetryAfter is how long the server asked the client to wait before
	// trying again (the Retry-After header of a 429 or 503); 0 when it
	// did not say.
	RetryAfter time.Duration
	Err        error // the sentinel this status maps to
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "live: %s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	writeServerDetail(&b, e.Message, e.RequestID)
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// writeServerDetail appends what the server said about a failure: its
// message and its request id (for ShotTracker's support), when given.
func writeServerDetail(b *strings.Builder, message, requestID string) {
	if message != "" {
		b.WriteString(": ")
		b.WriteString(message)
	}
	if requestID != "" {
		b.WriteString(" (shottrackerRequestId ")
		b.WriteString(requestID)
		b.WriteString(")")
	}
}

func (e *APIError) Unwrap() error { return e.Err }

// errorBodyMessage returns the message and request id of an API error
// body: the "message" and "shottrackerRequestId" of the JSON body the seed
// documents, or, for a body that is not that, its start on one line (an
// HTML page from a proxy, a plain-text 502) and no request id. The REST
// client and the feed's refused dial both read error bodies with it.
func errorBodyMessage(body []byte) (message, requestID string) {
	var eb decode.ErrorBody
	if json.Unmarshal(body, &eb) == nil && (eb.Message != "" || eb.ShottrackerRequestID != "") {
		return eb.Message, eb.ShottrackerRequestID
	}
	return snippet(body), ""
}

// snippet is the start of a non-JSON error body, on one line.
func snippet(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 200 {
		b = b[:200]
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// statusSentinel maps a status and message to the sentinel an APIError wraps.
func statusSentinel(status int, message string) error {
	switch {
	case status == http.StatusBadRequest:
		if strings.Contains(strings.ToLower(message), "no longer active") {
			return ErrInactive
		}
		return ErrBadRequest
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusUnprocessableEntity:
		return ErrUnprocessable
	case status == http.StatusTooManyRequests:
		return ErrRateLimited
	case status >= 500:
		return ErrServer
	}
	return ErrStatus
}

// parseRetryAfter reads a Retry-After header at time now: delay-seconds
// or an HTTP date (RFC 9110 §10.2.3). It returns 0 for none, a past date
// or a value that is neither.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// RangeError is a from/to time range refused before it was sent.
type RangeError struct {
	From_ms, To_ms int64  // epoch milliseconds as given
	Reason         string // which rule failed
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("live: invalid time range from=%d to=%d (epoch ms): %s", e.From_ms, e.To_ms, e.Reason)
}

func (e *RangeError) Unwrap() error { return ErrInvalidRange }
