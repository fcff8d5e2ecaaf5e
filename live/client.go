package live

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stmotion/stmotion/decode"
)

// ClientConfig configures a Client. The zero value of every field but
// BaseURL and Credentials has a working default. Print it freely: String
// and LogValue redact the secret and the bearer token.
type ClientConfig struct {
	// BaseURL is the API root, e.g. "https://api.shottracker.com" or a
	// mock's URL. A path prefix is kept.
	BaseURL string
	// Credentials sign every request but the user profile.
	Credentials Credentials
	// BearerToken is the user access token (OAuth2 implicit flow) the user
	// profile endpoint takes instead of a signature.
	BearerToken string
	// HTTPClient sends the requests. Nil means a client whose transport
	// speaks HTTP/1.1 only (the signature covers "... HTTP/1.1"). A caller
	// that brings its own must keep HTTP/2 off too.
	HTTPClient *http.Client
	// Timeout bounds one call (all its attempts) when ctx has no deadline
	// of its own. Zero means 30 s.
	Timeout time.Duration
	// Retry is how GET requests are retried. The zero value means
	// DefaultRetry; MaxAttempts 1 turns retries off.
	Retry RetryPolicy
	// Logger receives one debug record per attempt (method, path, status,
	// attempt, duration). Nil discards. Headers are never logged.
	Logger *slog.Logger
	// Now is the clock used for the date header. Nil means time.Now.
	Now func() time.Time
	// UserAgent is sent when not empty.
	UserAgent string
}

// RetryPolicy retries idempotent GET requests after network errors, 5xx
// and 429 Too Many Requests responses (never after another 4xx) with
// exponential backoff and full jitter: before attempt n+1 it waits a
// uniform random time in [d/2, d], d = min(MaxDelay, BaseDelay·2^(n-1)),
// or the response's Retry-After when that is longer.
type RetryPolicy struct {
	MaxAttempts int           // total attempts including the first
	BaseDelay   time.Duration // backoff before the second attempt (upper bound)
	MaxDelay    time.Duration // cap on one backoff
	// MaxRetryAfter bounds the Retry-After a retry waits for: a server
	// asking for longer ends the retries at once, with its APIError
	// (RetryAfter says how long it asked for). Zero means 30 s.
	MaxRetryAfter time.Duration
}

// DefaultRetry is the RetryPolicy a zero ClientConfig.Retry stands for.
var DefaultRetry = RetryPolicy{MaxAttempts: 4, BaseDelay: 250 * time.Millisecond, MaxDelay: 4 * time.Second, MaxRetryAfter: 30 * time.Second}

// String prints the configuration with the secret and token redacted.
func (c ClientConfig) String() string {
	return fmt.Sprintf("live.ClientConfig{BaseURL: %q, Credentials: %s, BearerToken: %q, Timeout: %s, Retry: %+v}",
		c.BaseURL, c.Credentials, redact(c.BearerToken), c.Timeout, c.Retry)
}

// GoString redacts like String.
func (c ClientConfig) GoString() string { return c.String() }

// LogValue redacts like String.
func (c ClientConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.Any("credentials", c.Credentials),
		slog.String("bearer_token", redact(c.BearerToken)),
		slog.Duration("timeout", c.Timeout),
		slog.Int("retry_max_attempts", c.Retry.MaxAttempts),
	)
}

// Client calls the ShotTracker REST API. It is safe for concurrent use.
type Client struct {
	cfg  ClientConfig
	base *url.URL
	hc   *http.Client
	log  *slog.Logger
	now  func() time.Time
}

// NewClient checks cfg and returns a Client.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("live: ClientConfig.BaseURL is empty")
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("live: ClientConfig.BaseURL: %w", err)
	}
	if base.Scheme != "http" && base.Scheme != "https" || base.Host == "" {
		return nil, fmt.Errorf("live: ClientConfig.BaseURL %q: want http://host or https://host", cfg.BaseURL)
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawPath = ""
	base.RawQuery, base.Fragment = "", ""
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Retry == (RetryPolicy{}) {
		cfg.Retry = DefaultRetry
	}
	if cfg.Retry.MaxAttempts < 1 {
		cfg.Retry.MaxAttempts = 1
	}
	if cfg.Retry.MaxRetryAfter <= 0 {
		cfg.Retry.MaxRetryAfter = DefaultRetry.MaxRetryAfter
	}
	c := &Client{cfg: cfg, base: base, hc: cfg.HTTPClient, log: cfg.Logger, now: cfg.Now}
	if c.hc == nil {
		c.hc = &http.Client{Transport: NewHTTP1Transport()}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// NewHTTP1Transport returns a clone of http.DefaultTransport that never
// negotiates HTTP/2, so the request line on the wire is the signed one.
func NewHTTP1Transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ForceAttemptHTTP2 = false
	t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	if t.TLSClientConfig != nil {
		t.TLSClientConfig.NextProtos = nil
	}
	return t
}

// String describes the client with its secrets redacted.
func (c *Client) String() string { return "live.Client{" + c.cfg.String() + "}" }

// LogValue redacts like String.
func (c *Client) LogValue() slog.Value { return c.cfg.LogValue() }

// auth says how a request authenticates.
type auth uint8

const (
	authHMAC auth = iota
	authBearer
)

// call is one REST call.
type call struct {
	method string
	path   []string   // unescaped path segments after the base path
	query  url.Values // nil for none; encoded sorted by key
	auth   auth
}

// response is a successful (2xx) response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// maxBody_B bounds a response body read into memory.
const maxBody_B = 64 << 20

func (c *Client) url(cl *call) *url.URL {
	u := *c.base
	var p, raw strings.Builder
	p.WriteString(c.base.Path)
	raw.WriteString(c.base.EscapedPath())
	for _, s := range cl.path {
		p.WriteByte('/')
		p.WriteString(s)
		raw.WriteByte('/')
		raw.WriteString(url.PathEscape(s))
	}
	u.Path, u.RawPath = p.String(), raw.String()
	if cl.query != nil {
		u.RawQuery = cl.query.Encode()
	}
	return &u
}

// do sends cl, retrying GETs as the policy says, and returns the 2xx
// response or an error (*APIError for an error status).
func (c *Client) do(ctx context.Context, cl *call) (*response, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
	}
	u := c.url(cl)
	attempts := 1
	if cl.method == http.MethodGet {
		attempts = c.cfg.Retry.MaxAttempts
	}
	var lastErr error
	for n := 1; ; n++ {
		resp, err, retry := c.attempt(ctx, cl, u, n)
		if err == nil {
			return resp, nil
		}
		lastErr = err
		if !retry || n >= attempts || ctx.Err() != nil {
			return nil, lastErr
		}
		wait := c.backoff(n)
		var ae *APIError
		if errors.As(err, &ae) && ae.RetryAfter > 0 {
			if ae.RetryAfter > c.cfg.Retry.MaxRetryAfter {
				return nil, lastErr // not worth holding the caller that long
			}
			wait = max(wait, ae.RetryAfter)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (gave up waiting to retry: %w)", lastErr, ctx.Err())
		case <-t.C:
		}
	}
}

// backoff is the wait after failed attempt n (1-based).
func (c *Client) backoff(n int) time.Duration {
	return jitteredBackoff(c.cfg.Retry.BaseDelay, c.cfg.Retry.MaxDelay, n)
}

// jitteredBackoff is the wait after failed attempt n (1-based) of the REST
// client's retries and the session's reconnects: a uniform random time in
// [d/2, d], d = min(maxDelay, base·2^(n-1)) (no doubling and no cap when
// maxDelay ≤ 0; 0 when d ≤ 0).
func jitteredBackoff(base, maxDelay time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < maxDelay; i++ {
		d *= 2
	}
	if maxDelay > 0 && d > maxDelay {
		d = maxDelay
	}
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}

// attempt sends one request. retry says whether the failure is worth
// another attempt (a network error, a 5xx or a 429).
func (c *Client) attempt(ctx context.Context, cl *call, u *url.URL, n int) (*response, error, bool) {
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("live: %s %s: %w", cl.method, u.RequestURI(), err), false
	}
	req.URL = u // keep RawPath exactly as built
	req.Header.Set("Accept", "application/json")
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	switch cl.auth {
	case authBearer:
		if c.cfg.BearerToken == "" {
			return nil, fmt.Errorf("live: %s %s: no user access token configured (ClientConfig.BearerToken)", cl.method, u.Path), false
		}
		req.Header.Set("Date", c.now().UTC().Format(http.TimeFormat))
		req.Header.Set("Authorization", "Bearer "+c.cfg.BearerToken)
	default:
		if err := c.cfg.Credentials.Sign(req, c.now()); err != nil {
			return nil, fmt.Errorf("live: %s %s: %w", cl.method, u.Path, err), false
		}
	}
	start := time.Now()
	hr, err := c.hc.Do(req)
	if err != nil {
		c.log.DebugContext(ctx, "live: request failed", "method", cl.method, "path", u.RequestURI(), "attempt", n, "err", err)
		return nil, fmt.Errorf("live: %s %s: %w", cl.method, u.RequestURI(), err), true
	}
	body, err := io.ReadAll(io.LimitReader(hr.Body, maxBody_B+1))
	hr.Body.Close()
	c.log.DebugContext(ctx, "live: request", "method", cl.method, "path", u.RequestURI(), "status", hr.StatusCode,
		"attempt", n, "duration", time.Since(start))
	if err != nil {
		return nil, fmt.Errorf("live: %s %s: reading body: %w", cl.method, u.RequestURI(), err), true
	}
	if len(body) > maxBody_B {
		return nil, fmt.Errorf("live: %s %s: %w: body larger than %d bytes", cl.method, u.RequestURI(), ErrBadResponse, maxBody_B), false
	}
	if hr.StatusCode/100 == 2 {
		return &response{status: hr.StatusCode, header: hr.Header, body: body}, nil, false
	}
	e := &APIError{Method: cl.method, Path: u.RequestURI(), Status: hr.StatusCode}
	e.Message, e.RequestID = errorBodyMessage(body)
	e.Err = statusSentinel(hr.StatusCode, e.Message)
	e.RetryAfter = parseRetryAfter(hr.Header.Get("Retry-After"), c.now())
	return nil, e, hr.StatusCode >= 500 || hr.StatusCode == http.StatusTooManyRequests
}

// getJSON GETs path and decodes the body into v as analyze reads a
// bundle's (decode.DecodeBody): an integer written as a float
// (1764151200000.0, 1.764151199e12) is taken, as the feed decoder takes
// it, and an error says where in the body.
func (c *Client) getJSON(ctx context.Context, cl *call, v any) error {
	cl.method = http.MethodGet
	r, err := c.do(ctx, cl)
	if err != nil {
		return err
	}
	if err := decode.DecodeBody(r.body, v); err != nil {
		return fmt.Errorf("live: GET %s: %w: %w", c.url(cl).RequestURI(), ErrBadResponse, err)
	}
	return nil
}
