package live

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/stmotion/stmotion/decode"
)

// DataType is a websocket data type a subscription token can grant.
type DataType string

const (
	DataStats     DataType = "STATS"
	DataShots     DataType = "SHOTS"
	DataLocations DataType = "LOCATIONS"
)

// DistanceUnit is the unit of a nearest-locations radius.
type DistanceUnit string

const (
	Miles      DistanceUnit = "MILES"
	Kilometers DistanceUnit = "KILOMETERS"
)

// Activity selects one of the team history stats / shots endpoints.
type Activity uint8

const (
	Practice  Activity = iota // players/practice: team drills and individual workouts
	Scrimmage                 // players/practice/scrimmage
	Shooting                  // players/practice/shooting
	Game                      // players/game
)

// segments is the path between "players" and "stats" / "shots".
func (a Activity) segments() ([]string, error) {
	switch a {
	case Practice:
		return []string{"practice"}, nil
	case Scrimmage:
		return []string{"practice", "scrimmage"}, nil
	case Shooting:
		return []string{"practice", "shooting"}, nil
	case Game:
		return []string{"game"}, nil
	}
	return nil, fmt.Errorf("live: unknown activity %d", a)
}

func (a Activity) String() string {
	s, err := a.segments()
	if err != nil {
		return "unknown"
	}
	if len(s) == 2 {
		return s[1]
	}
	return s[0]
}

// MaxRangeMonths is the longest from/to range the history endpoints accept.
const MaxRangeMonths = 8

// CheckRange applies the API's rules for from/to (epoch ms): both > 0,
// from < to, and to no later than from plus 8 calendar months (UTC). It
// returns a *RangeError wrapping ErrInvalidRange.
func CheckRange(from_ms, to_ms int64) error {
	switch {
	case from_ms <= 0 || to_ms <= 0:
		return &RangeError{From_ms: from_ms, To_ms: to_ms, Reason: "both from and to must be greater than 0"}
	case from_ms >= to_ms:
		return &RangeError{From_ms: from_ms, To_ms: to_ms, Reason: "from must be less than to"}
	case time.UnixMilli(from_ms).UTC().AddDate(0, MaxRangeMonths, 0).Before(time.UnixMilli(to_ms).UTC()):
		return &RangeError{From_ms: from_ms, To_ms: to_ms, Reason: "the range may not exceed 8 months"}
	}
	return nil
}

func rangeQuery(from_ms, to_ms int64) url.Values {
	return url.Values{"from": {strconv.FormatInt(from_ms, 10)}, "to": {strconv.FormatInt(to_ms, 10)}}
}

func teamID(id int64) string { return strconv.FormatInt(id, 10) }

// LiveInfo is GET /v1/data/live/{live_id}: the teams and the session meta.
func (c *Client) LiveInfo(ctx context.Context, liveID string) (*decode.LiveInfo, error) {
	var v decode.LiveInfo
	if err := c.getJSON(ctx, &call{path: []string{"v1", "data", "live", liveID}}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Subscribe is GET /v1/data/live/{live_id}/_subscribe: a one-time websocket
// token and the roster. With no types the token grants every type the
// credentials allow; each type is sent as its own dt parameter.
func (c *Client) Subscribe(ctx context.Context, liveID string, types ...DataType) (*decode.Subscribe, error) {
	cl := &call{path: []string{"v1", "data", "live", liveID, "_subscribe"}}
	if len(types) > 0 {
		q := url.Values{}
		for _, t := range types {
			q.Add("dt", string(t))
		}
		cl.query = q
	}
	var v decode.Subscribe
	if err := c.getJSON(ctx, cl, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Court is GET /v1/data/live/{live_id}/court. It returns the body as sent
// (package court parses it); the caller owns the slice.
func (c *Client) Court(ctx context.Context, liveID string) ([]byte, error) {
	r, err := c.do(ctx, &call{method: http.MethodGet, path: []string{"v1", "data", "live", liveID, "court"}})
	if err != nil {
		return nil, err
	}
	return r.body, nil
}

// Stats is GET /v1/data/live/{live_id}/stats: every player's current box score.
func (c *Client) Stats(ctx context.Context, liveID string) (*decode.LiveStats, error) {
	var v decode.LiveStats
	if err := c.getJSON(ctx, &call{path: []string{"v1", "data", "live", liveID, "stats"}}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// StatsDetails is GET /v1/data/live/{live_id}/stats/details: each stat's history.
func (c *Client) StatsDetails(ctx context.Context, liveID string) (*decode.LiveStatsDetails, error) {
	var v decode.LiveStatsDetails
	if err := c.getJSON(ctx, &call{path: []string{"v1", "data", "live", liveID, "stats", "details"}}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Shots is GET /v1/data/live/{live_id}/shots: every shot so far.
func (c *Client) Shots(ctx context.Context, liveID string) (*decode.LiveShots, error) {
	var v decode.LiveShots
	if err := c.getJSON(ctx, &call{path: []string{"v1", "data", "live", liveID, "shots"}}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// MaxVideoIDBytes is the longest video id the API accepts.
const MaxVideoIDBytes = 255

// PutVideo is PUT /v1/data/live/{live_id}/video: it indexes a video
// recording with the live session. startedAt_ms is the epoch time the
// recording started; 0 leaves it out (the server assumes "now").
func (c *Client) PutVideo(ctx context.Context, liveID, videoID string, startedAt_ms int64) error {
	if videoID == "" || len(videoID) > MaxVideoIDBytes {
		return fmt.Errorf("live: put video: id must be 1 to %d bytes, got %d", MaxVideoIDBytes, len(videoID))
	}
	if startedAt_ms < 0 {
		return fmt.Errorf("live: put video: started_at %d ms is negative", startedAt_ms)
	}
	q := url.Values{"id": {videoID}}
	if startedAt_ms > 0 {
		q.Set("started_at", strconv.FormatInt(startedAt_ms, 10))
	}
	_, err := c.do(ctx, &call{method: http.MethodPut, path: []string{"v1", "data", "live", liveID, "video"}, query: q})
	return err
}

// Notifies is GET /v1/data/live/notify: the registered LIVE notifications.
func (c *Client) Notifies(ctx context.Context) (*decode.NotifyList, error) {
	var v decode.NotifyList
	if err := c.getJSON(ctx, &call{path: []string{"v1", "data", "live", "notify"}}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// NotifyIDHeader carries the id of a created notification.
const NotifyIDHeader = "X-ShotTracker-Notify-Id"

// CreateNotify is PUT /v1/data/live/notify?url=: it registers notifyURL
// to be called (PUT notifyURL?notify_id=&action=LIVE&data={live id}&state=START|END)
// when a drill or game starts, and returns the notify id. End
// notifications start disabled.
func (c *Client) CreateNotify(ctx context.Context, notifyURL string) (string, error) {
	if err := checkNotifyURL(notifyURL); err != nil {
		return "", err
	}
	r, err := c.do(ctx, &call{method: http.MethodPut, path: []string{"v1", "data", "live", "notify"}, query: url.Values{"url": {notifyURL}}})
	if err != nil {
		return "", err
	}
	id := r.header.Get(NotifyIDHeader)
	if id == "" {
		return "", fmt.Errorf("live: PUT /v1/data/live/notify: %w: no %s header", ErrBadResponse, NotifyIDHeader)
	}
	return id, nil
}

// UpdateNotify is PUT /v1/data/live/notify/{notify_id}?url=: it changes
// the URL called. An unknown id gives an *APIError wrapping ErrUnprocessable.
func (c *Client) UpdateNotify(ctx context.Context, notifyID, notifyURL string) error {
	if err := checkNotifyURL(notifyURL); err != nil {
		return err
	}
	_, err := c.do(ctx, &call{method: http.MethodPut, path: []string{"v1", "data", "live", "notify", notifyID}, query: url.Values{"url": {notifyURL}}})
	return err
}

// EnableEndNotify is PUT /v1/data/live/notify/{notify_id}/_enableEndNotify.
func (c *Client) EnableEndNotify(ctx context.Context, notifyID string) error {
	_, err := c.do(ctx, &call{method: http.MethodPut, path: []string{"v1", "data", "live", "notify", notifyID, "_enableEndNotify"}})
	return err
}

// DisableEndNotify is PUT /v1/data/live/notify/{notify_id}/_disableEndNotify.
func (c *Client) DisableEndNotify(ctx context.Context, notifyID string) error {
	_, err := c.do(ctx, &call{method: http.MethodPut, path: []string{"v1", "data", "live", "notify", notifyID, "_disableEndNotify"}})
	return err
}

// DeleteNotify is DELETE /v1/data/live/notify/{notify_id}.
func (c *Client) DeleteNotify(ctx context.Context, notifyID string) error {
	_, err := c.do(ctx, &call{method: http.MethodDelete, path: []string{"v1", "data", "live", "notify", notifyID}})
	return err
}

func checkNotifyURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("live: notify url %q: want an absolute http or https URL", s)
	}
	return nil
}

// Locations is GET /v1/data/locations: the facilities' courts.
func (c *Client) Locations(ctx context.Context) (*decode.Locations, error) {
	var v decode.Locations
	if err := c.getJSON(ctx, &call{path: []string{"v1", "data", "locations"}}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// NearestLocations is GET /v1/data/locations/nearest/latlong/{lat}/{long}?radius=&unit=:
// the courts within radius of the caller, with their distance.
func (c *Client) NearestLocations(ctx context.Context, latitude_deg, longitude_deg, radius float64, unit DistanceUnit) (*decode.Locations, error) {
	switch {
	case !(latitude_deg >= -90 && latitude_deg <= 90) || !(longitude_deg >= -180 && longitude_deg <= 180):
		return nil, fmt.Errorf("live: nearest locations: latitude %g / longitude %g out of range", latitude_deg, longitude_deg)
	case !(radius > 0):
		return nil, fmt.Errorf("live: nearest locations: radius %g must be > 0", radius)
	case unit != Miles && unit != Kilometers:
		return nil, fmt.Errorf("live: nearest locations: unit %q: want MILES or KILOMETERS", unit)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	cl := &call{
		path:  []string{"v1", "data", "locations", "nearest", "latlong", f(latitude_deg), f(longitude_deg)},
		query: url.Values{"radius": {f(radius)}, "unit": {string(unit)}},
	}
	var v decode.Locations
	if err := c.getJSON(ctx, cl, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// UserProfile is GET /v1/data/user/profile. It authenticates with
// ClientConfig.BearerToken (a user access token), not with a signature.
func (c *Client) UserProfile(ctx context.Context) (*decode.UserProfile, error) {
	var v decode.UserProfile
	if err := c.getJSON(ctx, &call{path: []string{"v1", "data", "user", "profile"}, auth: authBearer}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Teams is GET /v1/data/teams: the teams the credentials may read.
func (c *Client) Teams(ctx context.Context) (*decode.Teams, error) {
	var v decode.Teams
	if err := c.getJSON(ctx, &call{path: []string{"v1", "data", "teams"}}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// TeamEvents is GET /v1/data/teams/{team_id}/events?from=&to=: past events
// in [from_ms, to_ms] (epoch ms, checked with CheckRange before sending).
func (c *Client) TeamEvents(ctx context.Context, team int64, from_ms, to_ms int64) (*decode.TeamEvents, error) {
	if err := CheckRange(from_ms, to_ms); err != nil {
		return nil, err
	}
	var v decode.TeamEvents
	cl := &call{path: []string{"v1", "data", "teams", teamID(team), "events"}, query: rangeQuery(from_ms, to_ms)}
	if err := c.getJSON(ctx, cl, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// TeamStats is GET /v1/data/teams/{team_id}/players/{activity}/stats?from=&to=:
// the team's players' stats over [from_ms, to_ms] (epoch ms, checked with
// CheckRange before sending).
func (c *Client) TeamStats(ctx context.Context, team int64, a Activity, from_ms, to_ms int64) (*decode.TeamPlayerStats, error) {
	cl, err := teamPlayersCall(team, a, "stats", from_ms, to_ms)
	if err != nil {
		return nil, err
	}
	var v decode.TeamPlayerStats
	if err := c.getJSON(ctx, cl, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// TeamShots is GET /v1/data/teams/{team_id}/players/{activity}/shots?from=&to=:
// the team's players' shots over [from_ms, to_ms] (epoch ms, checked with
// CheckRange before sending).
func (c *Client) TeamShots(ctx context.Context, team int64, a Activity, from_ms, to_ms int64) (*decode.TeamPlayerShots, error) {
	cl, err := teamPlayersCall(team, a, "shots", from_ms, to_ms)
	if err != nil {
		return nil, err
	}
	var v decode.TeamPlayerShots
	if err := c.getJSON(ctx, cl, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func teamPlayersCall(team int64, a Activity, what string, from_ms, to_ms int64) (*call, error) {
	seg, err := a.segments()
	if err != nil {
		return nil, err
	}
	if err := CheckRange(from_ms, to_ms); err != nil {
		return nil, err
	}
	p := append([]string{"v1", "data", "teams", teamID(team), "players"}, seg...)
	p = append(p, what)
	return &call{path: p, query: rangeQuery(from_ms, to_ms)}, nil
}
