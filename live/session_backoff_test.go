package live

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live/mock"
)

// internalMock serves the tiny bundle with opts and returns it with a
// client, for the tests inside the package (which set SessionConfig's
// hooks).
func internalMock(t *testing.T, opts mock.Options) (*mock.Server, *Client) {
	t.Helper()
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); srv.Close() })
	c, err := NewClient(ClientConfig{
		BaseURL:     srv.URL(),
		Credentials: Credentials{Username: mock.DefaultUsername, Secret: mock.DefaultSecret},
		Retry:       RetryPolicy{MaxAttempts: 2, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond},
		Timeout:     5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// waitRecorder is a SessionConfig.sleep that returns at once and keeps
// the waits asked for; after n of them it cancels the session.
type waitRecorder struct {
	mu     sync.Mutex
	waits  []time.Duration
	n      int
	cancel context.CancelFunc
}

func (w *waitRecorder) sleep(ctx context.Context, d time.Duration) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waits = append(w.waits, d)
	if len(w.waits) == w.n {
		w.cancel()
	}
	return ctx.Err() == nil
}

// TestBackoffRestartsOnlyAfterAStableConnection: a server that drops
// every connection 30 ms after opening it. On a clock that stands still
// the connections never stay up for MaxBackoff, and the reconnect waits
// grow (attempt n waits at least MinBackoff·2^(n-1)/2) instead of
// starting over at every ack; on a clock that jumps an hour at each
// reading every connection stayed up a while, and every wait is a first
// attempt's.
func TestBackoffRestartsOnlyAfterAStableConnection(t *testing.T) {
	const minBackoff = time.Millisecond
	for _, tc := range []struct {
		name  string
		step  time.Duration // how far the clock moves at each reading
		grows bool
	}{
		{"connections shorter than MaxBackoff", 0, true},
		{"connections longer than MaxBackoff", time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const maxBackoff = time.Minute
			var mu sync.Mutex
			clock := time.Unix(1700000000, 0)
			now := func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				clock = clock.Add(tc.step)
				return clock
			}
			srv, c := internalMock(t, mock.Options{Speed: 0.1, DropEvery: 30 * time.Millisecond})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			w := &waitRecorder{n: 6, cancel: cancel}
			res, err := Join(ctx, SessionConfig{Client: c, LiveID: srv.LiveID(), MinBackoff: minBackoff, MaxBackoff: maxBackoff, sleep: w.sleep, now: now})
			if err != nil || len(res) != 1 {
				t.Fatalf("Join: %v, %d results", err, len(res))
			}
			w.mu.Lock()
			waits := slices.Clone(w.waits)
			w.mu.Unlock()
			if len(waits) < w.n {
				t.Fatalf("%d reconnect waits (%v), want %d: %s", len(waits), waits, w.n, res[0].String())
			}
			for i, d := range waits {
				lo := minBackoff / 2 // a first attempt's
				if tc.grows {
					lo = min(minBackoff<<i, maxBackoff) / 2
				}
				if d < lo || !tc.grows && d > minBackoff {
					t.Errorf("wait %d of %v: %v, want %v to %v", i+1, waits, d, lo, 2*lo)
				}
			}
		})
	}
}
