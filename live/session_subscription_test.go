package live_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// pathCounter counts the requests of a client by the last segment of
// their path ("stats", "shots", "_subscribe", ...).
type pathCounter struct {
	mu   sync.Mutex
	n    map[string]int
	next http.RoundTripper
}

func (p *pathCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	p.mu.Lock()
	p.n[r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]]++
	p.mu.Unlock()
	return p.next.RoundTrip(r)
}

func (p *pathCounter) count(last string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n[last]
}

// countingClient is liveClient with its requests counted.
func countingClient(t *testing.T, url string) (*live.Client, *pathCounter) {
	t.Helper()
	pc := &pathCounter{n: map[string]int{}, next: live.NewHTTP1Transport()}
	c, err := live.NewClient(live.ClientConfig{
		BaseURL:     url,
		Credentials: live.Credentials{Username: mock.DefaultUsername, Secret: mock.DefaultSecret},
		HTTPClient:  &http.Client{Transport: pc},
		Retry:       live.RetryPolicy{MaxAttempts: 2, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond},
		Timeout:     5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, pc
}

// TestGapRespectsSubscription: a session that does not receive stats and
// shots (--dt LOCATIONS, or credentials that grant locations only) never
// asks /stats or /shots, at the join or after its reconnects (credentials
// without them get a 403 each time), and never has stats or shots fed
// into it from the REST state.
func TestGapRespectsSubscription(t *testing.T) {
	for _, tc := range []struct {
		name    string
		granted []string        // what the mock's credentials grant (nil: all)
		dt      []live.DataType // SessionConfig.DataTypes
	}{
		{"credentials grant locations only", []string{mock.DataLocations}, nil},
		{"--dt LOCATIONS", nil, []live.DataType{live.DataLocations}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := liveMock(t, "", mock.Options{Speed: 1, DropEvery: 200 * time.Millisecond, DataTypes: tc.granted})
			c, pc := countingClient(t, srv.URL())
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Out: t.TempDir(), DataTypes: tc.dt,
				MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
			if r.Reconnects < 2 {
				t.Fatalf("%d reconnects, want ≥ 2 (a 2 s replay dropped every 200 ms)", r.Reconnects)
			}
			if n, m := pc.count("stats"), pc.count("shots"); n != 0 || m != 0 {
				t.Errorf("%d /stats and %d /shots requests over %d reconnects, want none", n, m, r.Reconnects)
			}
			fc := countFeed(readLines(t, filepath.Join(r.Dir, decode.BundleMessages)))
			if fc.kinds[decode.KindStats] != 0 || fc.kinds[decode.KindShot] != 0 || r.GapFilled != 0 {
				t.Errorf("recorded %d stats and %d shots (%d gap-filled) in a locations-only session", fc.kinds[decode.KindStats], fc.kinds[decode.KindShot], r.GapFilled)
			}
		})
	}
}
