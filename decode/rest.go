package decode

import (
	"bytes"
	"strconv"
)

// REST response bodies of the ShotTracker API, as the seed document shows
// them. They are decoded with a general JSON library (goccy/go-json) since
// they are small and rare; only websocket messages take the zero-allocation
// path. DecodeBody decodes them, integers written as floats taken as the
// feed decoder takes them. The same types are written by the simulator and
// served by the mock.

// LiveInfo is GET /v1/data/live/{live_id}.
type LiveInfo struct {
	Teams []LiveTeam `json:"teams"`
}

// EventStart_ms returns when the live session's event (the whole game or
// practice, of which a live id is one round: a half, a drill) started,
// epoch ms: the first team's live.event.started_at, or its
// live.started_at when it names no event; 0 when unknown.
func (l *LiveInfo) EventStart_ms() int64 {
	if l == nil {
		return 0
	}
	for _, t := range l.Teams {
		if t.Live.Event != nil && t.Live.Event.StartedAt_ms > 0 {
			return t.Live.Event.StartedAt_ms
		}
		if t.Live.StartedAt_ms > 0 {
			return t.Live.StartedAt_ms
		}
	}
	return 0
}

// LiveTeam is one team of a LiveInfo.
type LiveTeam struct {
	ID   int64    `json:"id"`
	Name string   `json:"name"`
	Live LiveMeta `json:"live"`
}

// LiveMeta describes a live session.
type LiveMeta struct {
	StartedAt_ms    int64      `json:"started_at"`
	ID              string     `json:"id"`
	Type            string     `json:"type"`
	Name            string     `json:"name"`
	FacilityName    string     `json:"facility_name"`
	CourtName       string     `json:"court_name"`
	LocationID      string     `json:"location_id"`
	IsPracticeEvent bool       `json:"is_practice_event"`
	IsGameEvent     bool       `json:"is_game_event"`
	Event           *LiveEvent `json:"event,omitempty"`
}

// LiveEvent is the event a live session belongs to.
type LiveEvent struct {
	StartedAt_ms int64  `json:"started_at"`
	ID           string `json:"id"`
	Name         string `json:"name"`
}

// Subscribe is GET /v1/data/live/{live_id}/_subscribe: the one-time
// websocket token and the roster.
type Subscribe struct {
	Token                 string        `json:"token"`
	TokenDataTypes        []string      `json:"token_data_types"`
	ActiveState           string        `json:"active_state"`
	Teams                 []RosterTeam  `json:"teams"`
	StatsURL              string        `json:"_stats,omitempty"`
	StatsDetailsURL       string        `json:"_stats_details,omitempty"`
	ShotsURL              string        `json:"_shots,omitempty"`
	EventCompletedResults []EventResult `json:"event_completed_results,omitempty"`
}

// HasPlayers reports whether s lists a player on any team: a roster
// analysis can use. A subscribe.json of a live id whose teams were not
// set up has none (no teams, or teams without players).
func (s *Subscribe) HasPlayers() bool {
	if s == nil {
		return false
	}
	for _, t := range s.Teams {
		if len(t.Players) > 0 {
			return true
		}
	}
	return false
}

// RosterTeam is a team and its players.
type RosterTeam struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Players []Player `json:"players"`
}

// Player is one roster entry.
type Player struct {
	ID               int64  `json:"id"`
	FirstName        string `json:"first_name"`
	LastName         string `json:"last_name"`
	DisplayName      string `json:"display_name"`
	JerseyNumber     Jersey `json:"jersey_number"`
	Position         string `json:"position"`
	ProfileImageLink string `json:"profile_image_link,omitempty"`
}

// Jersey is a jersey number. The seed sends it as a number; real rosters
// also send strings such as "00" or "26", so both are accepted and kept as
// text: a string as JSON decodes it, an integer as written.
type Jersey string

// UnmarshalJSON accepts a JSON string (decoded by JSON's rules: "1\/2" is
// 1/2, "\ud83c\udfc0" one rune), an integer (23 is "23"; in a body read
// with DecodeBody, 23.0 and 2.3e1 are too), or null (no jersey). Any
// other value, an object, an array, true or a number that is not an
// integer, is an error naming the key: it is not a jersey, and keeping
// its JSON text as one would print "{"a":1}" as a number.
func (j *Jersey) UnmarshalJSON(b []byte) error {
	b = trimWS(b)
	switch {
	case string(b) == "null":
		*j = ""
		return nil
	case at(b, 0) == '"':
		if end, _, ok := scanString(b, 0); ok && end == len(b) {
			*j = Jersey(appendUnescaped(nil, b[1:end-1]))
			return nil
		}
	case isInteger(b):
		*j = Jersey(b)
		return nil
	}
	return &jerseyError{raw: string(b)}
}

// jerseyError is a jersey_number that is neither a string nor an integer.
type jerseyError struct {
	raw string // the value as found
}

func (e *jerseyError) Error() string { return "decode: jersey_number: " + e.detail() }

// detail says what was wrong, without the key.
func (e *jerseyError) detail() string {
	return "want a string or an integer, got " + snippet([]byte(e.raw), 0, len(e.raw))
}

// trimWS removes JSON whitespace around b.
func trimWS(b []byte) []byte {
	b = b[skipWS(b, 0):]
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// isInteger reports whether b is exactly a JSON number without a fraction
// or an exponent.
func isInteger(b []byte) bool {
	end, ok := scanNumber(b, 0)
	return ok && end == len(b) && bytes.IndexAny(b, ".eE") < 0
}

// MarshalJSON writes a jersey that is all digits without leading zeros as a
// number (as the seed does) and anything else as a string.
func (j Jersey) MarshalJSON() ([]byte, error) {
	s := string(j)
	if s == "" {
		return []byte("null"), nil
	}
	if _, err := strconv.ParseUint(s, 10, 32); err == nil && (s == "0" || s[0] != '0') {
		return []byte(s), nil
	}
	return []byte(strconv.Quote(s)), nil
}

// EventResult is a completed result (a game round, a drill) with its links.
type EventResult struct {
	ID              string  `json:"id"`
	Type            string  `json:"type"`
	Name            *string `json:"name"`
	StartedAt_ms    int64   `json:"started_at,omitempty"`
	EndedAt_ms      int64   `json:"ended_at,omitempty"`
	StatsURL        string  `json:"_stats,omitempty"`
	StatsDetailsURL string  `json:"_stats_details,omitempty"`
	ShotsURL        string  `json:"_shots,omitempty"`
}

// PlayerDetails is the short player description inside stats and shots bodies.
type PlayerDetails struct {
	ID               int64  `json:"id"`
	FirstName        string `json:"firstname"`
	LastName         string `json:"lastname"`
	ProfileImageLink string `json:"profile_image_link,omitempty"`
}

// LiveStats is GET /v1/data/live/{live_id}/stats.
type LiveStats struct {
	Teams []TeamPlayerStats `json:"teams"`
}

// TeamPlayerStats is a team's current stats per player. It is also the body
// of the team practice / scrimmage / shooting / game stats endpoints.
type TeamPlayerStats struct {
	ID          int64         `json:"id"`
	PlayerStats []PlayerStats `json:"player_stats"`
}

// PlayerStats is one player's current box score.
type PlayerStats struct {
	ID            int64              `json:"id"`
	PlayerDetails PlayerDetails      `json:"player_details"`
	Version       int64              `json:"version,omitempty"`
	Stats         map[string]float64 `json:"stats"`
}

// LiveStatsDetails is GET /v1/data/live/{live_id}/stats/details.
type LiveStatsDetails struct {
	Teams []TeamPlayerStatsDetails `json:"teams"`
}

// TeamPlayerStatsDetails is a team's per-player stat history.
type TeamPlayerStatsDetails struct {
	ID          int64                `json:"id"`
	PlayerStats []PlayerStatsDetails `json:"player_stats"`
}

// PlayerStatsDetails is one player's stat history by abbreviation.
type PlayerStatsDetails struct {
	ID            int64                   `json:"id"`
	PlayerDetails PlayerDetails           `json:"player_details"`
	Stats         map[string][]StatChange `json:"stats"`
}

// StatChange is one timestamped value of a stat.
type StatChange struct {
	OccurredAt_ms int64   `json:"occurred_at"`
	Value         float64 `json:"value"`
}

// LiveShots is GET /v1/data/live/{live_id}/shots.
type LiveShots struct {
	Teams []TeamPlayerShots `json:"teams"`
}

// TeamPlayerShots is a team's shots per player. It is also the body of the
// team practice / game shots endpoints.
type TeamPlayerShots struct {
	ID          int64         `json:"id"`
	PlayerShots []PlayerShots `json:"player_shots"`
}

// PlayerShots is one player's shots.
type PlayerShots struct {
	ID            int64         `json:"id"`
	PlayerDetails PlayerDetails `json:"player_details"`
	Shots         []ShotRecord  `json:"shots"`
}

// ShotRecord is one shot in a REST body (the same fields as a shot message).
type ShotRecord struct {
	OccurredAt_ms  int64  `json:"occurred_at"`
	IsMake         bool   `json:"is_make"`
	Is3Point       bool   `json:"is_3point"`
	Zone           int    `json:"zone"`
	HoopPlayerX_mm int64  `json:"hoop_player_x"`
	HoopPlayerY_mm int64  `json:"hoop_player_y"`
	Status         string `json:"status"`
}

// NotifyList is GET /v1/data/live/notify.
type NotifyList struct {
	Notifications []Notify `json:"notifications"`
}

// Notify is one registered LIVE notification.
type Notify struct {
	ID              string `json:"id"`
	Action          string `json:"action"`
	URL             string `json:"url"`
	EndNotification bool   `json:"end_notification"`
}

// Locations is GET /v1/data/locations and the nearest-locations endpoint.
type Locations struct {
	Locations []Facility `json:"locations"`
}

// Facility is a court at a facility.
type Facility struct {
	FacilityName string            `json:"facility_name"`
	CourtName    string            `json:"court_name"`
	LocationID   string            `json:"location_id"`
	Distance     *FacilityDistance `json:"distance,omitempty"`
}

// FacilityDistance is how far a facility is from the caller.
type FacilityDistance struct {
	Unit  string  `json:"unit"` // MILES or KILOMETERS
	Value float64 `json:"value"`
}

// UserProfile is GET /v1/data/user/profile.
type UserProfile struct {
	ID        int64  `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
}

// Teams is GET /v1/data/teams.
type Teams struct {
	Teams []TeamRef `json:"teams"`
}

// TeamRef names a team.
type TeamRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// TeamEvents is GET /v1/data/teams/{team_id}/events.
type TeamEvents struct {
	Events []TeamEvent `json:"events"`
}

// TeamEvent is a past event with its results.
type TeamEvent struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	Results         []EventResult `json:"results"`
	IsPracticeEvent bool          `json:"is_practice_event"`
	IsGameEvent     bool          `json:"is_game_event"`
	StartedAt_ms    int64         `json:"started_at"`
	EndedAt_ms      int64         `json:"ended_at"`
}

// ErrorBody is the API's JSON error body.
type ErrorBody struct {
	Status               int    `json:"status"`
	Message              string `json:"message"`
	ShottrackerRequestID string `json:"shottrackerRequestId"`
}
