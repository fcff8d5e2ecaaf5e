package live_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// TestJoinHandshakeStatus: a websocket address that answers the dial
// with a status no new token or wait can change (404: not the feed's
// address; 400; 200 without the upgrade) ends Join with an error that
// says so, after one subscription; a network error's, a 5xx's or a
// 429's are retried with new tokens as before.
func TestJoinHandshakeStatus(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{
		{http.StatusNotFound, true},
		{http.StatusBadRequest, true},
		{http.StatusOK, true},
		{http.StatusServiceUnavailable, false},
		{http.StatusTooManyRequests, false},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			srv, _ := liveMock(t, "", mock.Options{})
			c, pc := countingClient(t, srv.URL())
			ws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				w.Write([]byte(`{"status":` + strconv.Itoa(tc.status) + `,"message":"not here"}`))
			}))
			defer ws.Close()
			// A permanent refusal ends Join at once; the others are
			// retried until the context ends it (nil error: a cancel).
			// (The permanent case's context is long, so that a loaded
			// machine under -race cannot end it before the refusal.)
			timeout := time.Second
			if tc.permanent {
				timeout = 10 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			_, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: srv.LiveID(), WSURL: ws.URL,
				MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})
			subs := pc.count("_subscribe")
			if !tc.permanent {
				if err != nil || subs < 3 {
					t.Errorf("Join: %v after %d subscriptions; want retries with new tokens until cancelled", err, subs)
				}
				return
			}
			var fe *live.FeedError
			if err == nil || !errors.As(err, &fe) || fe.Status != tc.status || !strings.Contains(err.Error(), "reconnecting cannot change") {
				t.Fatalf("Join: %v; want the refused dial's %d, said to be permanent", err, tc.status)
			}
			if subs != 1 || ctx.Err() != nil {
				t.Errorf("Join: %d subscriptions (context ended: %v), want 1 and no retry", subs, ctx.Err())
			}
			if strings.Contains(err.Error(), "token=") {
				t.Errorf("the error shows a token: %v", err)
			}
		})
	}
}

// The websocket address derived from the REST one when none is given: the
// feed hosts of the API description for ShotTracker's hosts, the API host
// itself otherwise (where `stmotion mock` serves it).
func TestDefaultWSURL(t *testing.T) {
	for api, want := range map[string]string{
		"https://api.shottracker.com":           "ws://live.shottracker.com/",
		"https://API.shottracker.com:443/":      "ws://live.shottracker.com/",
		"http://mockapi.shottracker.com:8080":   "ws://mocklive.shottracker.com:8081/",
		"http://127.0.0.1:8080":                 "ws://127.0.0.1:8080/",
		"https://proxy.example.com/shottracker": "wss://proxy.example.com/",
	} {
		if got := live.DefaultWSURL(api); got != want {
			t.Errorf("DefaultWSURL(%q) = %q, want %q", api, got, want)
		}
	}
}
