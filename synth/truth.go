package synth

import (
	"encoding/json"
	"fmt"
	"os"
)

// TruthFormat names the layout of truth.json.
const TruthFormat = "stmotion-synth-truth/1"

// Truth is what truth.json holds: the noise-free ground truth of a simulated
// session. Every quantity comes from the simulated motion, never from the
// emitted (noisy, dropped, jittered) samples; Definitions says exactly how
// each is defined. Times are epoch ms (the feed's clock) unless the name
// says otherwise.
type Truth struct {
	Format      string            `json:"format"`
	Definitions map[string]string `json:"definitions"`
	Config      Config            `json:"config"`

	LiveID        string  `json:"live_id"`
	Court         string  `json:"court"`
	CourtLength_m float64 `json:"court_length_m"`
	CourtWidth_m  float64 `json:"court_width_m"`
	Start_ms      int64   `json:"start_ms"`
	End_ms        int64   `json:"end_ms"`
	Duration_s    float64 `json:"duration_s"`
	BallID        int64   `json:"ball_id"`

	SensorFromCourt Transform        `json:"sensor_from_court"`
	CourtFromSensor InverseTransform `json:"court_from_sensor"`

	Teams           []TeamTruth      `json:"teams"`
	Players         []PlayerTruth    `json:"players"`
	Clock           []ClockSpan      `json:"clock"`
	Markers         []MarkerTruth    `json:"markers"`
	Holds           []Hold           `json:"holds"`
	TeamPossessions []TeamPossession `json:"team_possessions"`
	Passes          []Pass           `json:"passes"`
	Shots           []ShotTruth      `json:"shots"`
	FreeThrows      []FreeThrow      `json:"free_throws"`
	Turnovers       []Turnover       `json:"turnovers"`
	Substitutions   []Substitution   `json:"substitutions"`
	Corrections     []Correction     `json:"corrections"`
	Feed            FeedCounts       `json:"feed"`
}

// Transform is the map from the canonical court frame (metres) to the
// sensor frame (mm): sensor = Scale·R(Rotation)·court + (TX, TY).
type Transform struct {
	Rotation_deg   float64 `json:"rotation_deg"`
	TX_mm          float64 `json:"tx_mm"`
	TY_mm          float64 `json:"ty_mm"`
	Scale_mm_per_m float64 `json:"scale_mm_per_m"`
	Formula        string  `json:"formula"`
}

// InverseTransform is the map from the sensor frame (mm) back to the
// court frame (metres): court = Scale·R(Rotation)·sensor + (TX, TY).
type InverseTransform struct {
	Rotation_deg   float64 `json:"rotation_deg"`
	TX_m           float64 `json:"tx_m"`
	TY_m           float64 `json:"ty_m"`
	Scale_m_per_mm float64 `json:"scale_m_per_mm"`
	Formula        string  `json:"formula"`
}

// TeamTruth is one side of the session (in a practice both sides carry the
// same team id and are told apart by Side).
type TeamTruth struct {
	Side             int     `json:"side"`
	TeamID           int64   `json:"team_id"`
	Name             string  `json:"name"`
	AttacksFirstHalf string  `json:"attacks_first_half"` // "east" (+x) or "west"
	Points           int     `json:"points"`
	Possession_s     float64 `json:"possession_s"`
	Possessions      int     `json:"possessions"` // intervals in team_possessions
}

// TeamPossession is one interval of a team's possession with the clock live.
type TeamPossession struct {
	Side    int   `json:"side"`
	TeamID  int64 `json:"team_id"`
	From_ms int64 `json:"from_ms"`
	To_ms   int64 `json:"to_ms"`
}

// PlayerTruth is one roster player's truth.
type PlayerTruth struct {
	ID                int64              `json:"id"`
	TeamID            int64              `json:"team_id"`
	Side              int                `json:"side"`
	Name              string             `json:"name"`
	Jersey            int                `json:"jersey"`
	Starter           bool               `json:"starter"`
	Distance_m        float64            `json:"distance_m"`
	DistanceLive_m    float64            `json:"distance_live_m"`
	TopSpeed_mps      float64            `json:"top_speed_mps"`
	TimeOnCourt_s     float64            `json:"time_on_court_s"`
	TimeInsideCourt_s float64            `json:"time_inside_court_s"`
	Possession_s      float64            `json:"possession_s"`
	PossessionLive_s  float64            `json:"possession_live_s"`
	Touches           int                `json:"touches"`
	Sprints           int                `json:"sprints"`
	DIST_cm           int64              `json:"dist_cm"`
	Box               map[string]float64 `json:"box"`
}

// ClockSpan is a stretch of one clock state (LIVE, PAUSED or FOUL).
type ClockSpan struct {
	State   string `json:"state"`
	From_ms int64  `json:"from_ms"`
	To_ms   int64  `json:"to_ms"`
}

// MarkerTruth is a marker as it happened.
type MarkerTruth struct {
	Type   string `json:"type"`
	At_ms  int64  `json:"at_ms"`
	LiveID string `json:"live_id,omitempty"`
}

// Hold is one player holding the ball (dribbling included), from the catch
// or pickup to the release or loss.
type Hold struct {
	PlayerID int64  `json:"player_id"`
	TeamID   int64  `json:"team_id"`
	Side     int    `json:"side"`
	From_ms  int64  `json:"from_ms"`
	To_ms    int64  `json:"to_ms"`
	Gained   string `json:"gained"` // tip, catch, inbound, toss, rebound, steal, pickup
	Ended    string `json:"ended"`  // pass, inbound, toss, shot, free_throw, stolen, end
}

// Pass is one ball transfer through the air from a player's hands.
type Pass struct {
	Kind         string  `json:"kind"` // pass, inbound, toss
	From         int64   `json:"from"`
	Intended     int64   `json:"intended"`
	To           int64   `json:"to"` // who caught it: Intended, or the interceptor
	Intercepted  bool    `json:"intercepted"`
	OutOfBounds  bool    `json:"out_of_bounds"`
	Released_ms  int64   `json:"released_ms"`
	Caught_ms    int64   `json:"caught_ms"`     // 0 when it went out of bounds
	Distance_m   float64 `json:"distance_m"`    // horizontal, release to catch (or to the landing out of bounds)
	AirSpeed_mps float64 `json:"air_speed_mps"` // Distance_m over the flight time
	LiveClock    bool    `json:"live_clock"`
}

// ShotTruth is one field goal attempt.
type ShotTruth struct {
	PlayerID       int64   `json:"player_id"`
	TeamID         int64   `json:"team_id"`
	Released_ms    int64   `json:"released_ms"`
	Rim_ms         int64   `json:"rim_ms"`
	X_m            float64 `json:"x_m"` // shooter at release, canonical court frame
	Y_m            float64 `json:"y_m"`
	Hoop           string  `json:"hoop"` // "east" or "west"
	HoopPlayerX_mm int64   `json:"hoop_player_x_mm"`
	HoopPlayerY_mm int64   `json:"hoop_player_y_mm"`
	Distance_m     float64 `json:"distance_m"`
	Is3Point       bool    `json:"is_3point"`
	Zone           int     `json:"zone"`
	Layup          bool    `json:"layup"`
	Make           bool    `json:"make"`
	Points         int     `json:"points"`
	AssistBy       int64   `json:"assist_by,omitempty"`
	ReboundBy      int64   `json:"rebound_by,omitempty"`
	OffensiveReb   bool    `json:"offensive_rebound,omitempty"`
	AndOne         bool    `json:"and_one,omitempty"`
}

// FreeThrow is one free throw.
type FreeThrow struct {
	PlayerID     int64 `json:"player_id"`
	TeamID       int64 `json:"team_id"`
	Released_ms  int64 `json:"released_ms"`
	Make         bool  `json:"make"`
	ReboundBy    int64 `json:"rebound_by,omitempty"`        // a missed last free throw: who caught the rebound
	OffensiveReb bool  `json:"offensive_rebound,omitempty"` // that player is on the shooter's team
}

// Turnover is a lost possession with the ball live.
type Turnover struct {
	PlayerID int64  `json:"player_id"`
	TeamID   int64  `json:"team_id"`
	At_ms    int64  `json:"at_ms"`
	Kind     string `json:"kind"` // steal, bad_pass, violation
	StolenBy int64  `json:"stolen_by,omitempty"`
}

// Substitution is one player leaving the lineup for another.
type Substitution struct {
	At_ms  int64 `json:"at_ms"`
	Side   int   `json:"side"`
	TeamID int64 `json:"team_id"`
	Out    int64 `json:"out"`
	In     int64 `json:"in"`
}

// Correction is a manual stats correction the feed carries: the automatic
// record (Original) was wrong and was corrected by Class.
type Correction struct {
	PlayerID    int64   `json:"player_id"`
	Class       string  `json:"class"`
	Original    string  `json:"original"`
	Event_ms    int64   `json:"event_ms"`    // occurred_at of the original (and of the correction)
	Delivered_s float64 `json:"delivered_s"` // seconds after the start when the correction was sent
}

// FeedCounts says what the feed degradations did.
type FeedCounts struct {
	Lines          int64 `json:"lines"`
	Locations      int64 `json:"locations"`
	Stats          int64 `json:"stats"`
	Shots          int64 `json:"shots"`
	Markers        int64 `json:"markers"`
	Samples        int64 `json:"samples"` // location samples before drops
	Dropped        int64 `json:"dropped"`
	DropoutSamples int64 `json:"dropout_samples"`
	Dropouts       int64 `json:"dropouts"`
	Duplicated     int64 `json:"duplicated"`
	Reordered      int64 `json:"reordered"`
	Outliers       int64 `json:"outliers"`
	GapSamples     int64 `json:"gap_samples"` // lost in whole-feed gaps during dead balls
}

// ReadTruth reads a truth.json written by Write.
func ReadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("synth: read truth: %w", err)
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("synth: parse truth %s: %w", path, err)
	}
	if t.Format != TruthFormat {
		return nil, fmt.Errorf("synth: %s: format %q, want %q: %w", path, t.Format, TruthFormat, ErrTruth)
	}
	return &t, nil
}

// Player returns the truth of player id, or nil.
func (t *Truth) Player(id int64) *PlayerTruth {
	for i := range t.Players {
		if t.Players[i].ID == id {
			return &t.Players[i]
		}
	}
	return nil
}

// TeammatePasses counts the passes caught by a teammate of the passer
// (not intercepted, not out of bounds, not to himself): the passes a
// detector should find.
func (t *Truth) TeammatePasses() int {
	team := map[int64]int64{}
	for _, p := range t.Players {
		team[p.ID] = p.TeamID
	}
	n := 0
	for _, p := range t.Passes {
		if p.Caught_ms != 0 && !p.Intercepted && team[p.From] == team[p.To] && p.From != p.To {
			n++
		}
	}
	return n
}

// Rebound is a rebound of the truth: who took it, after the release of
// which shot (a field goal, or a missed last free throw).
type Rebound struct {
	By          int64
	Released_ms int64 // the shot's release
	FreeThrow   bool
}

// Rebounds lists the rebounds of the field goals, then of the free
// throws.
func (t *Truth) Rebounds() []Rebound {
	var out []Rebound
	for _, sh := range t.Shots {
		if sh.ReboundBy != 0 {
			out = append(out, Rebound{By: sh.ReboundBy, Released_ms: sh.Released_ms})
		}
	}
	for _, ft := range t.FreeThrows {
		if ft.ReboundBy != 0 {
			out = append(out, Rebound{By: ft.ReboundBy, Released_ms: ft.Released_ms, FreeThrow: true})
		}
	}
	return out
}

// definitions documents every quantity of truth.json; it is written into
// the file and repeated in the package documentation.
func definitions() map[string]string {
	return map[string]string{
		"frame":               "canonical court frame: metres, origin at center court, +x toward the east baseline (ne/se corners), +y toward the north sideline, z up. Side 0 attacks east in the first half.",
		"court_from_sensor":   "the inverse map, sensor mm to court metres, for convenience.",
		"sensor_from_court":   "sensor_mm = Scale·R(rotation_deg)·court_m + (tx_mm, ty_mm), R counter-clockwise; z is the same height in both frames (mm = 1000·m). court.json is this map applied to the template's corners and hoops.",
		"motion":              "players are integrated with a fixed 10 ms step with constant acceleration inside each step, so the noise-free path is piecewise quadratic with continuous velocity; samples are exact evaluations of it at their occurred_at before noise.",
		"distance_m":          "path length of the noise-free horizontal (xy) path over the whole session, all clock states, on court or not: the integral of |v(t)| dt (Simpson's rule per 10 ms step, exact to well under 1 mm).",
		"distance_live_m":     "the same integral restricted to time when the clock state was LIVE.",
		"dist_cm":             "the final DIST stat the feed sends for the player: round(100·distance_m). Every DIST stat equals round(100·distance so far) at its occurred_at, i.e. DIST counts all motion (live and dead ball, bench included), not only live play.",
		"top_speed_mps":       "maximum of the noise-free horizontal speed |v| over the session (the speed is affine per step, so the maximum is at a step boundary).",
		"time_on_court_s":     "time the player was one of the side's five (lineup), from the session start (starters) or the instant a substitution was made (both players start walking then) to the next substitution or the end.",
		"time_inside_court_s": "time the player's noise-free position was inside the court rectangle (lines included).",
		"possession_s":        "player: total time holding the ball (dribbling included), from the catch/pickup instant to the release/loss instant, any clock state.",
		"possession_live_s":   "player: the part of possession_s while the clock was LIVE.",
		"touches":             "number of holds (catches, pickups, rebounds, steals, inbounds received), any clock state.",
		"team_possession_s":   "team: clock-LIVE time from one of its players gaining the ball until the ball is shot (release), gained by the other team, or the clock stops; passes between teammates stay in the team's possession, shot and rebound flights belong to nobody. The teams' sum is at most the live time.",
		"team_possessions":    "the team possession timeline: each interval of team_possession_s (a shot, the other team gaining the ball or the clock stopping ends one; an offensive rebound starts a new one); possessions counts them.",
		"sprints":             "number of times the noise-free speed reached 7 m/s and stayed at or above it for 1 s (10 ms resolution).",
		"holds":               "the possession timeline: each interval one player held the ball, with how it was gained and how it ended.",
		"passes":              "every ball transfer thrown from a player's hands (kind pass, inbound, or toss in a dead ball); to is who caught it (intercepted when of the other side); out_of_bounds passes are not caught.",
		"shots":               "field goal attempts; x_m, y_m is the shooter at release; hoop_player_x/y_mm is that position relative to the attacked hoop: +y from the hoop toward center court, +x to the right of an observer standing at the hoop facing center court (so x, y, z is right-handed); is_3point and zone as in the \"zone\" definition; assist_by when the shooter caught a teammate's pass and shot within 4 s.",
		"zone":                zoneRuleDoc,
		"free_throws":         "free throws are not shot messages; they appear as FTA/FT stats and here, each once its stat is queued (one still in the air at the end is in neither). rebound_by (and offensive_rebound) of a missed last free throw: who caught the rebound (omitted when the session ended first).",
		"clock":               "clock state spans from the LIVE/PAUSED/FOUL markers; the session starts PAUSED until the opening tip (game) or the first inbound (practice).",
		"box":                 "the player's final true box score (after the feed's manual corrections the feed's cumulative stats equal it).",
		"corrections":         "manual corrections the feed carries: the automatic record was wrong (a make recorded as a miss or the reverse, an assist or rebound credited to the wrong player) and the correction (UPDATED_*/DELETED_*, then the right credit) restores the truth. Corrections carry the occurred_at of the original event and arrive later.",
		"stats_timing":        "stats and shot messages carry the event's occurred_at (a shot: its release) and arrive 200 ms to stats_delay_max_ms later (shots after the ball reaches the rim); versions increase by one per stats message in arrival order.",
		"feed":                "counts of the feed degradations: samples (before any loss), dropped (single-sample drops), dropout_samples (lost in dropouts of 0.2 s to dropout_max_s), duplicated lines, reordered lines (delivered 1-4 lines late), outliers (0.5-2.5 m jumps), gap_samples (lost while the whole location feed was silent for 2-8 s in a dead ball, with probability feed_gap_rate per dead ball).",
		"player_z":            "player sensors are shoe sensors: z is 60 mm with the foot down and rises with each stride when moving (up to about 0.23 m at a sprint).",
		"bench":               "bench players sit 1.6 m beyond the south sideline (home west of center, away east), still, and their sensors report like the others.",
	}
}

// TurnoverCall is a turnover a detector found, to score against the truth
// with ScoreTurnovers: who lost the ball, who gained it, when (At_ms: the
// loser's release or the gain, whichever the detector stamps), and whether
// it was called a steal.
type TurnoverCall struct {
	PlayerID   int64
	ToPlayerID int64
	At_ms      int64
	Steal      bool
}

// TurnoverScore compares detected turnovers with the truth's. Violations
// are left out of the truth (a violation stops the ball in a player's
// hands, and the other team inbounds it: nothing in the motion tells it).
type TurnoverScore struct {
	Calls, Truth, Matched int // turnovers: detected, true (not violations), matched by player
	// Steals: detected, true, matched by both the loser and the stealer.
	StealCalls, TrueSteals, StealsMatched int
	// FalseSteals are the indices in calls of the steals that match no
	// true steal; MissedSteals the true steals no call matches.
	FalseSteals  []int
	MissedSteals []Turnover
}

// ScoreTurnovers matches calls to the truth's turnovers: a true turnover
// is matched by the nearest unused call of the same player within
// window_ms of its At_ms; a true steal by the nearest unused steal call of
// the same player and stealer. Each call matches one true turnover at
// most.
func (t *Truth) ScoreTurnovers(calls []TurnoverCall, window_ms int64) TurnoverScore {
	var s TurnoverScore
	s.Calls = len(calls)
	used := make([]bool, len(calls))
	usedSteal := make([]bool, len(calls))
	nearest := func(tu Turnover, used []bool, ok func(c TurnoverCall) bool) int {
		best, bestD := -1, window_ms+1
		for i, c := range calls {
			d := c.At_ms - tu.At_ms
			if d < 0 {
				d = -d
			}
			if !used[i] && c.PlayerID == tu.PlayerID && d < bestD && ok(c) {
				best, bestD = i, d
			}
		}
		return best
	}
	for _, c := range calls {
		if c.Steal {
			s.StealCalls++
		}
	}
	for _, tu := range t.Turnovers {
		if tu.Kind == "violation" {
			continue
		}
		s.Truth++
		if i := nearest(tu, used, func(TurnoverCall) bool { return true }); i >= 0 {
			used[i] = true
			s.Matched++
		}
		if tu.Kind != "steal" {
			continue
		}
		s.TrueSteals++
		if i := nearest(tu, usedSteal, func(c TurnoverCall) bool { return c.Steal && c.ToPlayerID == tu.StolenBy }); i >= 0 {
			usedSteal[i] = true
			s.StealsMatched++
		} else {
			s.MissedSteals = append(s.MissedSteals, tu)
		}
	}
	for i, c := range calls {
		if c.Steal && !usedSteal[i] {
			s.FalseSteals = append(s.FalseSteals, i)
		}
	}
	return s
}

// Shortfalls lists, one line each, the precisions (detected that match
// the truth) and recalls (true ones found) of the turnovers and of the
// steals that fall below min (0.75: three in four), for a test to report;
// none when every one reaches it.
func (s TurnoverScore) Shortfalls(min float64) []string {
	var out []string
	for _, c := range []struct {
		what               string
		matched, calls, of int
	}{{"turnovers", s.Matched, s.Calls, s.Truth}, {"steals", s.StealsMatched, s.StealCalls, s.TrueSteals}} {
		if float64(c.matched) < min*float64(c.calls) {
			out = append(out, fmt.Sprintf("%s: %d of %d detected match the truth (target %.0f%%)", c.what, c.matched, c.calls, 100*min))
		}
		if float64(c.matched) < min*float64(c.of) {
			out = append(out, fmt.Sprintf("%s: %d of %d true ones found (target %.0f%%)", c.what, c.matched, c.of, 100*min))
		}
	}
	return out
}
