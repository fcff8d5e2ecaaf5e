package live

import (
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
