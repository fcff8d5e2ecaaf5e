package live_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
	"github.com/stmotion/stmotion/track"
)

// SessionConfig.Track: only the zero value means the defaults. A config
// set in part is the caller's: the engine's error for it comes at once,
// before anything is fetched (it used to be replaced by the defaults
// whole, Rate_Hz and all); a whole one is used, its rate too.
func TestJoinTrackConfig(t *testing.T) {
	c, err := live.NewClient(live.ClientConfig{BaseURL: "http://127.0.0.1:1"}) // nothing listens: the error must come first
	if err != nil {
		t.Fatal(err)
	}
	_, err = live.Join(context.Background(), live.SessionConfig{Client: c, LiveID: "x", Track: track.Config{Rate_Hz: 10}})
	var ce *track.ConfigError
	if !errors.Is(err, track.ErrConfig) || !errors.As(err, &ce) {
		t.Fatalf("Join with Track{Rate_Hz: 10}: %v, want the engine's *track.ConfigError", err)
	}

	srv, c := liveMock(t, "", mock.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tc := track.DefaultConfig()
	tc.Rate_Hz = 10
	r := joinOne(t, ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), Track: tc})
	if r.Summary == nil {
		t.Fatal("Rate_Hz 10: no summary")
	}
	if p := r.Summary.Quality.GridPeriod_ms; p != 100 {
		t.Fatalf("Rate_Hz 10: grid period %d ms, want 100", p)
	}
}
