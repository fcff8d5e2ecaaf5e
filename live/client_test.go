package live_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

var mockCreds = live.Credentials{Username: mock.DefaultUsername, Secret: mock.DefaultSecret}

// startMock serves the tiny bundle with opts and returns a client for it.
func startMock(t *testing.T, opts mock.Options, cfg live.ClientConfig) (*mock.Server, *live.Client, string) {
	t.Helper()
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	s := serveMock(t, dir, opts)
	cfg.BaseURL = s.URL()
	if cfg.Credentials == (live.Credentials{}) {
		cfg.Credentials = mockCreds
	}
	if cfg.Retry == (live.RetryPolicy{}) {
		cfg.Retry = live.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
	}
	c, err := live.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, c, dir
}

// wantAPIError checks err is an *APIError with status and sentinel.
func wantAPIError(t *testing.T, what string, err error, status int, sentinel error) {
	t.Helper()
	var ae *live.APIError
	if !errors.As(err, &ae) {
		t.Errorf("%s: err %v, want *live.APIError %d", what, err, status)
		return
	}
	if ae.Status != status || !errors.Is(err, sentinel) || ae.Message == "" || ae.RequestID == "" {
		t.Errorf("%s: %+v, want status %d wrapping %v with a message and a request id", what, ae, status, sentinel)
	}
}

func TestClientLiveEndpoints(t *testing.T) {
	ctx := context.Background()
	s, c, dir := startMock(t, mock.Options{InactiveIDs: []string{"old-live"}}, live.ClientConfig{})
	id := s.LiveID()

	info, err := c.LiveInfo(ctx, id)
	if err != nil || len(info.Teams) != 2 || info.Teams[0].Live.ID != id || info.Teams[0].Live.Type != "SCRIMMAGE" {
		t.Fatalf("LiveInfo: %+v, %v", info, err)
	}
	_, err = c.LiveInfo(ctx, "no-such-live")
	wantAPIError(t, "LiveInfo(unknown)", err, 404, live.ErrNotFound)
	_, err = c.LiveInfo(ctx, "old-live")
	wantAPIError(t, "LiveInfo(inactive)", err, 400, live.ErrInactive)
	// An id that needs escaping is signed as sent: the answer is 404, not 401.
	_, err = c.LiveInfo(ctx, "some value/with?odd&chars")
	wantAPIError(t, "LiveInfo(escaped id)", err, 404, live.ErrNotFound)

	sub, err := c.Subscribe(ctx, id, live.DataShots, live.DataStats)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Token == "" || strings.Join(sub.TokenDataTypes, ",") != "STATS,SHOTS" || len(sub.Teams) != 2 || sub.Teams[1].Players[0].JerseyNumber != "23" {
		t.Errorf("Subscribe: %+v", sub)
	}
	all, err := c.Subscribe(ctx, id)
	if err != nil || strings.Join(all.TokenDataTypes, ",") != "STATS,SHOTS,LOCATIONS" || all.Token == sub.Token {
		t.Errorf("Subscribe(all): %+v, %v", all, err)
	}
	_, err = c.Subscribe(ctx, "old-live")
	wantAPIError(t, "Subscribe(inactive)", err, 400, live.ErrInactive)

	court, err := c.Court(ctx, id)
	want, _ := os.ReadFile(filepath.Join(dir, "court.json"))
	if err != nil || string(court) != strings.TrimSpace(string(want)) {
		t.Errorf("Court: %s, %v; want %s", court, err, want)
	}
	_, err = c.Court(ctx, "nope")
	wantAPIError(t, "Court(unknown)", err, 404, live.ErrNotFound)

	// Speed 0: the REST state is the end of the feed, on top of stats.json.
	st, err := c.Stats(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]decode.PlayerStats{}
	for _, tm := range st.Teams {
		for _, p := range tm.PlayerStats {
			got[p.ID] = p
		}
	}
	checks := []struct {
		player  int64
		stat    string
		value   float64
		version int64
	}{
		{101, "PTS", 2, 2}, {101, "FG", 1, 2}, {102, "REB", 1, 4}, {102, "DIST", 1234, 4}, {201, "FGA3", 1, 3},
	}
	for _, ck := range checks {
		p := got[ck.player]
		if p.Stats[ck.stat] != ck.value || p.Version != ck.version {
			t.Errorf("Stats: player %d %s = %g version %d, want %g version %d", ck.player, ck.stat, p.Stats[ck.stat], p.Version, ck.value, ck.version)
		}
	}
	if got[101].PlayerDetails.FirstName != "Ada" || len(st.Teams) != 2 || st.Teams[0].ID != mock.TinyHomeTeam {
		t.Errorf("Stats: %+v", st)
	}

	det, err := c.StatsDetails(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var fga []decode.StatChange
	for _, p := range det.Teams[0].PlayerStats {
		if p.ID == 101 {
			fga = p.Stats["FGA"]
		}
	}
	if len(fga) != 1 || fga[0].Value != 1 || fga[0].OccurredAt_ms != mock.TinyStart_ms+500 {
		t.Errorf("StatsDetails: player 101 FGA %+v, want one change to 1 at %d", fga, mock.TinyStart_ms+500)
	}

	shots, err := c.Shots(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	n, makes := 0, 0
	for _, tm := range shots.Teams {
		for _, p := range tm.PlayerShots {
			for _, sh := range p.Shots {
				n++
				if sh.IsMake {
					makes++
				}
			}
		}
	}
	if n != 2 || makes != 1 {
		t.Errorf("Shots: %d shots %d makes, want 2 and 1: %+v", n, makes, shots)
	}

	if err := c.PutVideo(ctx, id, "cam-1", mock.TinyStart_ms); err != nil {
		t.Fatal(err)
	}
	if err := c.PutVideo(ctx, id, "cam-2", 0); err != nil {
		t.Fatal(err)
	}
	if v := s.Videos(); len(v) != 2 || v[0] != (mock.Video{LiveID: id, ID: "cam-1", StartedAt_ms: mock.TinyStart_ms}) || v[1].StartedAt_ms != 0 {
		t.Errorf("videos indexed: %+v", v)
	}
	if err := c.PutVideo(ctx, id, strings.Repeat("x", 256), 0); err == nil {
		t.Errorf("PutVideo accepted a 256-byte id")
	}
	err = c.PutVideo(ctx, "nope", "cam-1", 0)
	wantAPIError(t, "PutVideo(unknown)", err, 404, live.ErrNotFound)
}

func TestClientForbiddenDataTypes(t *testing.T) {
	ctx := context.Background()
	s, c, _ := startMock(t, mock.Options{DataTypes: []string{mock.DataLocations}}, live.ClientConfig{})
	_, err := c.Subscribe(ctx, s.LiveID(), live.DataStats)
	wantAPIError(t, "Subscribe(STATS)", err, 403, live.ErrForbidden)
	_, err = c.Stats(ctx, s.LiveID())
	wantAPIError(t, "Stats", err, 403, live.ErrForbidden)
	_, err = c.StatsDetails(ctx, s.LiveID())
	wantAPIError(t, "StatsDetails", err, 403, live.ErrForbidden)
	_, err = c.Shots(ctx, s.LiveID())
	wantAPIError(t, "Shots", err, 403, live.ErrForbidden)
	_, err = c.TeamStats(ctx, mock.TinyHomeTeam, live.Practice, 1, 2)
	wantAPIError(t, "TeamStats", err, 403, live.ErrForbidden)
	_, err = c.TeamShots(ctx, mock.TinyHomeTeam, live.Practice, 1, 2)
	wantAPIError(t, "TeamShots", err, 403, live.ErrForbidden)
	sub, err := c.Subscribe(ctx, s.LiveID(), live.DataLocations)
	if err != nil || strings.Join(sub.TokenDataTypes, ",") != "LOCATIONS" {
		t.Errorf("Subscribe(LOCATIONS): %+v %v", sub, err)
	}
}

func TestClientNotify(t *testing.T) {
	ctx := context.Background()
	_, c, _ := startMock(t, mock.Options{}, live.ClientConfig{})
	id, err := c.CreateNotify(ctx, "http://example.test/hook?x=1")
	if err != nil || id == "" {
		t.Fatalf("CreateNotify: %q %v", id, err)
	}
	if _, err := c.CreateNotify(ctx, "not a url"); err == nil {
		t.Errorf("CreateNotify accepted a relative url")
	}
	list := func() []decode.Notify {
		t.Helper()
		l, err := c.Notifies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return l.Notifications
	}
	if l := list(); len(l) != 1 || l[0] != (decode.Notify{ID: id, Action: "LIVE", URL: "http://example.test/hook?x=1"}) {
		t.Errorf("Notifies after create: %+v", l)
	}
	steps := []struct {
		name string
		do   func() error
		want decode.Notify
	}{
		{"update", func() error { return c.UpdateNotify(ctx, id, "https://example.test/new") }, decode.Notify{ID: id, Action: "LIVE", URL: "https://example.test/new"}},
		{"enable end", func() error { return c.EnableEndNotify(ctx, id) }, decode.Notify{ID: id, Action: "LIVE", URL: "https://example.test/new", EndNotification: true}},
		{"disable end", func() error { return c.DisableEndNotify(ctx, id) }, decode.Notify{ID: id, Action: "LIVE", URL: "https://example.test/new"}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if l := list(); len(l) != 1 || l[0] != st.want {
			t.Errorf("after %s: %+v, want %+v", st.name, l, st.want)
		}
	}
	if err := c.DeleteNotify(ctx, id); err != nil {
		t.Fatal(err)
	}
	if l := list(); len(l) != 0 {
		t.Errorf("after delete: %+v", l)
	}
	for name, err := range map[string]error{
		"update":  c.UpdateNotify(ctx, id, "http://example.test/x"),
		"enable":  c.EnableEndNotify(ctx, id),
		"disable": c.DisableEndNotify(ctx, id),
		"delete":  c.DeleteNotify(ctx, id),
	} {
		wantAPIError(t, name+" deleted notify", err, 422, live.ErrUnprocessable)
	}
}

func TestClientDirectoryEndpoints(t *testing.T) {
	ctx := context.Background()
	_, c, _ := startMock(t, mock.Options{UserToken: "tok-1"}, live.ClientConfig{BearerToken: "tok-1"})

	locs, err := c.Locations(ctx)
	if err != nil || len(locs.Locations) != 1 || locs.Locations[0].FacilityName != "Mock Gym" || locs.Locations[0].Distance != nil {
		t.Errorf("Locations: %+v %v", locs, err)
	}
	// The mock's court is in Kansas City by default; Lawrence KS is ~ 55 km away.
	near, err := c.NearestLocations(ctx, 38.9717, -95.2353, 100, live.Kilometers)
	if err != nil || len(near.Locations) != 1 || near.Locations[0].Distance == nil ||
		near.Locations[0].Distance.Unit != "KILOMETERS" || near.Locations[0].Distance.Value < 50 || near.Locations[0].Distance.Value > 65 {
		t.Errorf("NearestLocations(100 km): %+v %v", near, err)
	}
	far, err := c.NearestLocations(ctx, 38.9717, -95.2353, 10, live.Miles)
	if err != nil || len(far.Locations) != 0 {
		t.Errorf("NearestLocations(10 mi): %+v %v", far, err)
	}
	if _, err := c.NearestLocations(ctx, 91, 0, 1, live.Miles); err == nil {
		t.Errorf("NearestLocations accepted latitude 91")
	}
	if _, err := c.NearestLocations(ctx, 0, 0, 1, "FEET"); err == nil {
		t.Errorf("NearestLocations accepted unit FEET")
	}

	prof, err := c.UserProfile(ctx)
	if err != nil || prof.FirstName != "Mock" || prof.ID == 0 {
		t.Errorf("UserProfile: %+v %v", prof, err)
	}
	_, bad, _ := startMock(t, mock.Options{UserToken: "tok-1"}, live.ClientConfig{BearerToken: "other"})
	_, err = bad.UserProfile(ctx)
	wantAPIError(t, "UserProfile(wrong token)", err, 401, live.ErrUnauthorized)
	_, none, _ := startMock(t, mock.Options{}, live.ClientConfig{})
	if _, err := none.UserProfile(ctx); err == nil || !strings.Contains(err.Error(), "BearerToken") {
		t.Errorf("UserProfile without a token: %v", err)
	}

	teams, err := c.Teams(ctx)
	if err != nil || len(teams.Teams) != 2 || teams.Teams[0] != (decode.TeamRef{ID: mock.TinyHomeTeam, Name: "Home"}) {
		t.Errorf("Teams: %+v %v", teams, err)
	}
}

func TestClientTeamHistory(t *testing.T) {
	ctx := context.Background()
	_, c, _ := startMock(t, mock.Options{}, live.ClientConfig{})
	const day_ms = int64(24 * time.Hour / time.Millisecond)
	from, to := mock.TinyStart_ms-day_ms, mock.TinyStart_ms+day_ms
	ev, err := c.TeamEvents(ctx, mock.TinyHomeTeam, from, to)
	if err != nil || len(ev.Events) != 1 || !ev.Events[0].IsPracticeEvent || len(ev.Events[0].Results) != 1 || ev.Events[0].Results[0].ID != mock.TinyLiveID {
		t.Errorf("TeamEvents: %+v %v", ev, err)
	}
	ev, err = c.TeamEvents(ctx, mock.TinyHomeTeam, to, to+day_ms)
	if err != nil || len(ev.Events) != 0 {
		t.Errorf("TeamEvents after the session: %+v %v", ev, err)
	}
	_, err = c.TeamEvents(ctx, 999, from, to)
	wantAPIError(t, "TeamEvents(unknown team)", err, 404, live.ErrNotFound)

	// The tiny bundle is a practice scrimmage.
	for _, tc := range []struct {
		a            live.Activity
		wantPlayers  int
		wantShooters int
	}{{live.Practice, 2, 1}, {live.Scrimmage, 2, 1}, {live.Shooting, 0, 0}, {live.Game, 0, 0}} {
		st, err := c.TeamStats(ctx, mock.TinyHomeTeam, tc.a, from, to)
		if err != nil || st.ID != mock.TinyHomeTeam || len(st.PlayerStats) != tc.wantPlayers {
			t.Errorf("TeamStats(%s): %+v %v, want %d players", tc.a, st, err, tc.wantPlayers)
		}
		sh, err := c.TeamShots(ctx, mock.TinyHomeTeam, tc.a, from, to)
		if err != nil || sh.ID != mock.TinyHomeTeam || len(sh.PlayerShots) != tc.wantShooters {
			t.Errorf("TeamShots(%s): %+v %v, want %d shooters", tc.a, sh, err, tc.wantShooters)
		}
	}
}

func TestCheckRange(t *testing.T) {
	jan1 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	sep1 := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	tests := []struct {
		from, to int64
		ok       bool
	}{
		{jan1, sep1, true},
		{jan1, sep1 + 1, false},
		{0, sep1, false},
		{jan1, -1, false},
		{sep1, jan1, false},
		{jan1, jan1, false},
		{jan1, jan1 + 1, true},
	}
	for _, tc := range tests {
		err := live.CheckRange(tc.from, tc.to)
		if (err == nil) != tc.ok {
			t.Errorf("CheckRange(%d, %d) = %v, want ok=%v", tc.from, tc.to, err, tc.ok)
		}
		var re *live.RangeError
		if err != nil && (!errors.Is(err, live.ErrInvalidRange) || !errors.As(err, &re)) {
			t.Errorf("CheckRange(%d, %d) = %v, want a *RangeError wrapping ErrInvalidRange", tc.from, tc.to, err)
		}
	}
}

// countingServer answers with statuses in turn (the last one repeats) and
// counts requests.
func countingServer(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		st := statuses[min(i, len(statuses)-1)]
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st)
		if st == 200 {
			w.Write([]byte(`{"teams":[{"id":1,"name":"T"}]}`))
			return
		}
		w.Write([]byte(`{"status":` + strconv.Itoa(st) + `,"message":"m","shottrackerRequestId":"r"}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func newTestClient(t *testing.T, base string, attempts int) *live.Client {
	t.Helper()
	c, err := live.NewClient(live.ClientConfig{BaseURL: base, Credentials: mockCreds,
		Retry: live.RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRetries(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		statuses  []int
		call      func(c *live.Client) error
		wantHits  int32
		wantErrIs error
	}{
		{"GET 503 then 200", []int{503, 500, 200}, func(c *live.Client) error { _, err := c.Teams(ctx); return err }, 3, nil},
		{"GET 5xx gives up", []int{500}, func(c *live.Client) error { _, err := c.Teams(ctx); return err }, 4, live.ErrServer},
		{"GET 404 not retried", []int{404, 200}, func(c *live.Client) error { _, err := c.Teams(ctx); return err }, 1, live.ErrNotFound},
		{"GET 422 not retried", []int{422, 200}, func(c *live.Client) error { _, err := c.Teams(ctx); return err }, 1, live.ErrUnprocessable},
		{"PUT 500 not retried", []int{500, 204}, func(c *live.Client) error { return c.EnableEndNotify(ctx, "x") }, 1, live.ErrServer},
		{"DELETE 500 not retried", []int{500, 204}, func(c *live.Client) error { return c.DeleteNotify(ctx, "x") }, 1, live.ErrServer},
	}
	for _, tc := range tests {
		srv, hits := countingServer(t, tc.statuses...)
		err := tc.call(newTestClient(t, srv.URL, 4))
		if hits.Load() != tc.wantHits || !errors.Is(err, tc.wantErrIs) || (tc.wantErrIs == nil) != (err == nil) {
			t.Errorf("%s: %d requests, err %v; want %d requests, err %v", tc.name, hits.Load(), err, tc.wantHits, tc.wantErrIs)
		}
	}
}

func TestRetryNetworkErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			conn.Close() // a reset before any response
		}
	}()
	defer ln.Close()
	c := newTestClient(t, "http://"+ln.Addr().String(), 3)
	_, err = c.Teams(context.Background())
	var ae *live.APIError
	if err == nil || errors.As(err, &ae) {
		t.Fatalf("err %v, want a network error", err)
	}
	if n := accepted.Load(); n < 3 {
		t.Errorf("%d connections for a GET with 3 attempts against a resetting server, want >= 3", n)
	}
	accepted.Store(0)
	if err := c.DeleteNotify(context.Background(), "x"); err == nil {
		t.Fatal("DELETE against a resetting server succeeded")
	}
	// net/http itself may retry an idempotent-looking request once on a
	// fresh connection failure; the client must not add its own retries.
	if n := accepted.Load(); n > 2 {
		t.Errorf("%d connections for a DELETE, want no client retries", n)
	}
}

func TestRetriesAgainstMock(t *testing.T) {
	ctx := context.Background()
	s, c, _ := startMock(t, mock.Options{}, live.ClientConfig{})
	s.FailNext(2)
	if _, err := c.LiveInfo(ctx, s.LiveID()); err != nil {
		t.Errorf("LiveInfo after two injected 500s with 3 attempts: %v", err)
	}
	s.FailNext(3)
	_, err := c.LiveInfo(ctx, s.LiveID())
	wantAPIError(t, "LiveInfo after three injected 500s", err, 500, live.ErrServer)
	s.FailNext(1)
	err = c.EnableEndNotify(ctx, "x")
	wantAPIError(t, "PUT after an injected 500", err, 500, live.ErrServer)
	s.FailNext(0)
}

func TestClientAuthRefused(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		cfg  live.ClientConfig
		text string
	}{
		{"wrong secret", live.ClientConfig{Credentials: live.Credentials{Username: mock.DefaultUsername, Secret: "wrong"}}, "signature does not match"},
		{"clock 10 min slow", live.ClientConfig{Now: func() time.Time { return time.Now().Add(-10 * time.Minute) }}, "server clock"},
		{"clock 10 min fast", live.ClientConfig{Now: func() time.Time { return time.Now().Add(10 * time.Minute) }}, "server clock"},
	}
	for _, tc := range tests {
		s, c, _ := startMock(t, mock.Options{}, tc.cfg)
		_, err := c.LiveInfo(ctx, s.LiveID())
		wantAPIError(t, tc.name, err, 401, live.ErrUnauthorized)
		if err != nil && !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: %v, want a message containing %q", tc.name, err, tc.text)
		}
	}
	c, err := live.NewClient(live.ClientConfig{BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Teams(ctx); !errors.Is(err, live.ErrNoCredentials) {
		t.Errorf("no credentials: %v, want ErrNoCredentials", err)
	}
}

func TestRangeCheckedBeforeSending(t *testing.T) {
	srv, hits := countingServer(t, 200)
	c := newTestClient(t, srv.URL, 1)
	ctx := context.Background()
	calls := map[string]error{}
	_, calls["events from 0"] = c.TeamEvents(ctx, 1, 0, 5)
	_, calls["stats from > to"] = c.TeamStats(ctx, 1, live.Game, 9, 5)
	_, calls["shots 9 months"] = c.TeamShots(ctx, 1, live.Practice, 1, 1+int64(9*31*24*time.Hour/time.Millisecond))
	for name, err := range calls {
		if !errors.Is(err, live.ErrInvalidRange) {
			t.Errorf("%s: %v, want ErrInvalidRange", name, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent for invalid ranges", hits.Load())
	}
}

func TestDeadlines(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	c := newTestClient(t, srv.URL, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Teams(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ctx deadline: %v, want DeadlineExceeded", err)
	}
	c2, _ := live.NewClient(live.ClientConfig{BaseURL: srv.URL, Credentials: mockCreds, Timeout: 50 * time.Millisecond})
	if _, err := c2.Teams(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ClientConfig.Timeout: %v, want DeadlineExceeded", err)
	}
}

// The client must speak HTTP/1.1 even to a server offering HTTP/2, or the
// signed request line would be false.
func TestHTTP1Only(t *testing.T) {
	var proto atomic.Value
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(r.Proto)
		w.Write([]byte(`{"teams":[]}`))
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr := live.NewHTTP1Transport()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	c, err := live.NewClient(live.ClientConfig{BaseURL: srv.URL, Credentials: mockCreds, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Teams(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := proto.Load(); p != "HTTP/1.1" {
		t.Errorf("server saw %v, want HTTP/1.1", p)
	}
	// The same server does speak HTTP/2 to a client that asks for it.
	h2 := srv.Client()
	resp, err := h2.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if p := proto.Load(); p != "HTTP/2.0" {
		t.Errorf("control: a default TLS client got %v, want HTTP/2.0 (the test server must offer HTTP/2)", p)
	}
}

func TestNewClientRejects(t *testing.T) {
	for _, base := range []string{"", "api.shottracker.com", "ftp://x", "http://"} {
		if _, err := live.NewClient(live.ClientConfig{BaseURL: base}); err == nil {
			t.Errorf("NewClient(%q) accepted", base)
		}
	}
}

// A 429 is retried after the Retry-After it gives (when within
// MaxRetryAfter; a longer one ends the retries at once, saying how long
// the server asked for), as a 5xx is; other 4xx are not retried.
func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		retryAfter string
		wantHits   int32
		wantErr    bool
		minWait    time.Duration // the retry waited at least this long
	}{
		{"1", 2, false, time.Second},
		{"", 2, false, 0},
		{"3600", 1, true, 0},
	} {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if n.Add(1) == 1 {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"status":429,"message":"slow down","shottrackerRequestId":"r"}`))
				return
			}
			w.Write([]byte(`{"teams":[{"id":1,"name":"T"}]}`))
		}))
		c, err := live.NewClient(live.ClientConfig{BaseURL: srv.URL, Credentials: mockCreds,
			Retry: live.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond, MaxRetryAfter: 5 * time.Second}})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = c.Teams(context.Background())
		srv.Close()
		if took := time.Since(start); took < tc.minWait {
			t.Errorf("Retry-After %q: retried after %v, want at least %v (the server's wait)", tc.retryAfter, took, tc.minWait)
		}
		if n.Load() != tc.wantHits || (err != nil) != tc.wantErr {
			t.Errorf("Retry-After %q: %d requests, err %v; want %d requests, error %v", tc.retryAfter, n.Load(), err, tc.wantHits, tc.wantErr)
		}
		var ae *live.APIError
		if tc.wantErr && (!errors.As(err, &ae) || !errors.Is(err, live.ErrRateLimited) || ae.RetryAfter != time.Hour || !strings.Contains(err.Error(), "retry after 1h0m0s")) {
			t.Errorf("Retry-After %q: err %#v, want a 429 APIError wrapping ErrRateLimited that says to retry after 1h", tc.retryAfter, err)
		}
	}
}
