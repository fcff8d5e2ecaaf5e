package live

import (
	"crypto/tls"
	"errors"
	"net"
	"net/url"
	"testing"
	"time"
)

// Backoff before attempt n+1 is uniform in [d/2, d], d = min(MaxDelay, BaseDelay·2^(n-1)).
func TestBackoffBounds(t *testing.T) {
	c, err := NewClient(ClientConfig{BaseURL: "http://x", Retry: RetryPolicy{MaxAttempts: 9, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, d := range want {
		d *= time.Millisecond
		lo, hi := d, time.Duration(0)
		for range 200 {
			b := c.backoff(i + 1)
			lo, hi = min(lo, b), max(hi, b)
		}
		if lo < d/2 || hi > d || hi-lo < d/4 {
			t.Errorf("backoff(%d) in [%s, %s] over 200 draws, want spread within [%s, %s]", i+1, lo, hi, d/2, d)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"2":                             2 * time.Second,
		" 120 ":                         2 * time.Minute,
		"0":                             0,
		"-5":                            0,
		"soon":                          0,
		"Sat, 01 Mar 2025 12:00:10 GMT": 10 * time.Second,
		"Sat, 01 Mar 2025 11:59:00 GMT": 0, // past
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", v, got, want)
		}
	}
}

// TestTransient: the errors a live id's first requests retry for the
// startup budget, and those they report at once. A host name that does
// not resolve (a mistyped --api) was retried for two minutes.
func TestTransient(t *testing.T) {
	wrap := func(err error) error { return &url.Error{Op: "Get", URL: "http://x", Err: err} }
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&APIError{Status: 503}, true},
		{&APIError{Status: 429}, true},
		{&APIError{Status: 404}, false},
		{wrap(&net.DNSError{Err: "no such host", Name: "apii.shottracker.com", IsNotFound: true}), false},
		{wrap(&net.DNSError{Err: "i/o timeout", Name: "api.shottracker.com", IsTimeout: true}), true},
		{wrap(&tls.CertificateVerificationError{Err: errors.New("x509: certificate signed by unknown authority")}), false},
		{wrap(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), true},
		{ErrBadResponse, false},
	} {
		if got := transient(c.err); got != c.want {
			t.Errorf("transient(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
