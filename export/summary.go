package export

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/internal/version"
	"github.com/stmotion/stmotion/track"
)

// SessionSummary is one session in summary.json: the per-player and
// per-team figures a reader wants without opening the tables, the quality
// counts, and where the tables are. Its field names and units are those of
// the players table (docs/schema.md).
type SessionSummary struct {
	SessionID string `json:"session_id"`
	// StmotionVersion is the stmotion that analysed the session
	// (version.Info.String: "v1.2.0", "(devel)" from a checkout, with the
	// revision when the binary records one); "" in an entry of an
	// stmotion before it was recorded.
	StmotionVersion string `json:"stmotion_version,omitempty"`
	Source          string `json:"source,omitempty"` // the input it came from, as given
	// SourcePath is Source's absolute path when it was analysed ("" for
	// standard input and the built-in sample): what a later run adding
	// to the dataset (analyze --add) compares its inputs with, from
	// whatever directory either was started in.
	SourcePath string `json:"source_path,omitempty"`
	// Name and Type are the session's round of its event as its
	// live.json names it: a drill's "Shooting drill (drill 2)" and
	// SHOOTING ("" without live.json, or when it names none).
	Name             string          `json:"name,omitempty"`
	Type             string          `json:"type,omitempty"`
	Start_ms         int64           `json:"start_ms"`
	End_ms           int64           `json:"end_ms"`
	Players          []PlayerSummary `json:"players"`
	Teams            []TeamSummary   `json:"teams"`
	Quality          QualitySummary  `json:"quality"`
	ShooterAgreement float64         `json:"shooter_agreement"`
	// Definitions are the thresholds the session's sprints, accels,
	// decels, speed bands and DIST flags were counted with. nil in an
	// entry of an stmotion before they were recorded, which used the
	// defaults (DefinitionsOf(track.DefaultConfig().Definitions)).
	Definitions *Definitions `json:"definitions,omitempty"`
	// Settings are the other flags that shaped the tables and images:
	// the heatmaps' cell size and folding, and live time only (the
	// samples table's and the heatmaps'). nil in an entry of an stmotion
	// before they were recorded, or of a session without heatmaps.
	Settings *Settings `json:"settings,omitempty"`
	// Rounds are the rounds of the event (live ids: a practice's drills)
	// the recording holds, each with the period it starts in: the
	// session's own first (live.json's, when it names it), then the later
	// ones the feed's PLAY_NEXT / DRILL_NEXT markers name, named by the
	// bundle's rounds.json when it has one, then those of rounds.json no
	// marker names (track.Summary.Round, Rounds). Empty without any.
	Rounds []RoundSummary    `json:"rounds,omitempty"`
	Tables map[string]string `json:"tables,omitempty"` // table name -> path relative to the output dir
	Images []string          `json:"images,omitempty"` // image files, relative to the output dir
	// Limits names what the session lacked that makes some of its events
	// or figures unreliable (LimitNoRoster, LimitPartialRoster,
	// LimitOneTeam, LimitOneTeamTracked, LimitNoCourt, LimitOffCourt,
	// LimitSeveralBalls, LimitBallUnseen); those events are
	// labelled track.LabelUnverified. Empty when nothing is missing.
	Limits []string `json:"limits,omitempty"`
	// Court is the court the session ran on: where it came from, its
	// template and how it was chosen, its fitted size and placement
	// (CourtOf). nil in entries of an stmotion before it was recorded.
	Court *CourtSummary `json:"court,omitempty"`
	// Practice: a practice's session (track.Summary.Practice): its
	// periods are drills, and the time outside them the breaks between,
	// which time_on_court_s counts and time_on_court_period_s does not
	// (the report shows both).
	Practice bool `json:"practice,omitempty"`
	// EarlierRun: the entry, and the tables and images it names, are an
	// earlier run's, left in place by a run that did not analyse the
	// session again: one interrupted before it did (MultiSummary.Canceled),
	// or one that added other sessions to the dataset (AddSummary).
	EarlierRun bool `json:"earlier_run,omitempty"`
}

// RoundSummary is a track.Round in summary.json: a round of the event
// (one live id: a drill, a half) and the first period the session
// numbered in it, 0 for none (a round the recording ends before, as a
// drill's live id ends at the DRILL_NEXT that names the next; one of
// rounds.json whose marker the feed lacks). Its figures are those of that
// period in the per-period columns (players.distance_period_m, the
// samples' period).
type RoundSummary struct {
	LiveID string `json:"live_id"`
	Name   string `json:"name,omitempty"`
	Type   string `json:"type,omitempty"`
	Period int32  `json:"period"`
}

// RoundsOf returns sum's rounds in their summary.json form
// (SessionSummary.Rounds): its own round when it is known, or when the
// recording numbered a period in it before later rounds (a bare
// recording of a whole game or practice, which no live.json names: live
// id "", so that the rounds list every period the recording holds), then
// the later ones; nil when there are none.
func RoundsOf(sum *track.Summary) []RoundSummary {
	var rs []RoundSummary
	add := func(r track.Round) {
		rs = append(rs, RoundSummary{LiveID: r.LiveID, Name: r.Name, Type: r.Type, Period: r.Period})
	}
	if sum.Round.Known() || sum.Round.Period > 0 && len(sum.Rounds) > 0 {
		add(sum.Round)
	}
	for _, r := range sum.Rounds {
		add(r)
	}
	return rs
}

// Scrimmages reports whether a round of rs (SessionSummary.Rounds) the
// recording holds is known to be a scrimmage (type SCRIMMAGE: one team
// in two sides), and whether all of them are: the rounds with a period,
// or without any, those with a type (a recording without period markers).
func Scrimmages(rs []RoundSummary) (some, all bool) {
	held := slices.ContainsFunc(rs, func(r RoundSummary) bool { return r.Period > 0 })
	n := 0
	all = true
	for _, r := range rs {
		if held && r.Period == 0 || !held && r.Type == "" {
			continue
		}
		n++
		sc := (track.Round{Type: r.Type}).Scrimmage()
		some = some || sc
		all = all && sc
	}
	return some, all && n > 0
}

// Where a session's court came from (CourtSummary.Source).
const (
	CourtFromBundle = "bundle" // the bundle's own court.json
	CourtFromFlag   = "flag"   // a court.json given for inputs without one (analyze --court, live --court)
	CourtFromAPI    = "api"    // live: the API's GET court
	CourtFromNone   = "none"   // none: positions in the sensor frame (limits no_court)
)

// CourtSummary is the court a session ran on, in summary.json: what an
// installer checks against the venue's survey (a court taken for another
// template, a custom size, a rotation that does not match), with where it
// came from.
type CourtSummary struct {
	// Source is where it came from (CourtFromBundle, CourtFromFlag,
	// CourtFromAPI, CourtFromNone) and File the court.json read, when
	// there is one ("" from the API and without a court).
	Source string `json:"source"`
	File   string `json:"file,omitempty"`
	// Description's fields follow Source and File in the JSON object:
	// template, title, template_from, alternatives, custom, length_m,
	// width_m, rotation_deg, mirrored, residual_mm, hoops,
	// hoop_error_mm, hoops_dropped (court.Description).
	court.Description
}

// CourtOf returns c in its summary.json form, with where it came from:
// source (CourtFromBundle, ...) and the file read. A nil c, or
// court.SensorFrame, is the sensor frame: source CourtFromNone, template
// "sensor".
func CourtOf(c *court.Court, source, file string) *CourtSummary {
	if c.IsSensorFrame() {
		return &CourtSummary{Source: CourtFromNone, Description: c.Describe()}
	}
	return &CourtSummary{Source: source, File: file, Description: c.Describe()}
}

// Definitions are track.Definitions in summary.json.
type Definitions struct {
	Sprint_mps     float64   `json:"sprint_mps"`
	SprintMin_s    float64   `json:"sprint_min_s"`
	Accel_mps2     float64   `json:"accel_mps2"`
	AccelMin_s     float64   `json:"accel_min_s"`
	SpeedBands_mps []float64 `json:"speed_bands_mps"`
	DistRatioLo    float64   `json:"dist_ratio_lo"`
	DistRatioHi    float64   `json:"dist_ratio_hi"`
}

// Settings are track.HeatmapSettings in summary.json, with the live
// time only of the samples table (pipeline applies --live-only to both).
type Settings struct {
	Cell_m   float64 `json:"cell_m"`    // --cell
	LiveOnly bool    `json:"live_only"` // --live-only
	Folded   bool    `json:"folded"`    // --fold, and not a one_team session, which is not folded
}

// SettingsOf returns h in its summary.json form; nil for the zero
// HeatmapSettings (no heatmap analyzer).
func SettingsOf(h track.HeatmapSettings) *Settings {
	if h.Cell_m == 0 {
		return nil
	}
	return &Settings{Cell_m: h.Cell_m, LiveOnly: h.LiveOnly, Folded: h.Folded}
}

// DefinitionsOf returns d in its summary.json form; nil for the zero
// Definitions (a Summary not made by a Session).
func DefinitionsOf(d track.Definitions) *Definitions {
	if d.Sprint_mps == 0 && d.Accel_mps2 == 0 && d.DistRatioHi == 0 && d.SpeedBands_mps == nil {
		return nil
	}
	bands := d.SpeedBands_mps
	if bands == nil {
		bands = []float64{} // [] rather than null: no edges, one band
	}
	return &Definitions{
		Sprint_mps: d.Sprint_mps, SprintMin_s: d.SprintMin_s, Accel_mps2: d.Accel_mps2, AccelMin_s: d.AccelMin_s,
		SpeedBands_mps: slices.Clone(bands), DistRatioLo: d.DistRatioLo, DistRatioHi: d.DistRatioHi,
	}
}

// Track returns d as track.Definitions.
func (d *Definitions) Track() track.Definitions {
	return track.Definitions{
		SpeedBands_mps: slices.Clone(d.SpeedBands_mps), Sprint_mps: d.Sprint_mps, SprintMin_s: d.SprintMin_s,
		Accel_mps2: d.Accel_mps2, AccelMin_s: d.AccelMin_s, DistRatioLo: d.DistRatioLo, DistRatioHi: d.DistRatioHi,
	}
}

// PlayerSummary is one player of a SessionSummary.
type PlayerSummary struct {
	PlayerID        int64   `json:"player_id"`
	TeamID          int64   `json:"team_id"`
	Name            string  `json:"name"`
	Jersey          string  `json:"jersey,omitempty"`
	Distance_m      float64 `json:"distance_m"`
	DistanceLive_m  float64 `json:"distance_live_m"`
	DistanceCourt_m float64 `json:"distance_court_m"`
	RawDistance_m   float64 `json:"raw_distance_m"`
	TopSpeed_mps    float64 `json:"top_speed_mps"`
	MeanSpeed_mps   float64 `json:"mean_speed_mps"`
	Sprints         int     `json:"sprints"`
	Accels          int     `json:"accels"`
	Decels          int     `json:"decels"`
	TimeOnCourt_s   float64 `json:"time_on_court_s"`
	Possession_s    float64 `json:"possession_s"`
	Touches         int     `json:"touches"`
	DistStat_m      float64 `json:"dist_stat_m"`
	DistRatio       float64 `json:"dist_ratio"`
	DistFlag        string  `json:"dist_flag,omitempty"`
	// The players table's list columns: the speed bands, and the figures
	// per period (index 0 = period 1, one entry per period the session
	// opened; left out when it opened none, and in entries of an
	// stmotion before they were recorded).
	SpeedBand_s         []float64   `json:"speed_band_s,omitempty"`
	DistancePeriod_m    []float64   `json:"distance_period_m,omitempty"`
	SprintsPeriod       []int       `json:"sprints_period,omitempty"`
	AccelsPeriod        []int       `json:"accels_period,omitempty"`
	DecelsPeriod        []int       `json:"decels_period,omitempty"`
	TimeOnCourtPeriod_s []float64   `json:"time_on_court_period_s,omitempty"`
	SpeedBandPeriod_s   [][]float64 `json:"speed_band_period_s,omitempty"`
}

// TeamSummary is one team of a SessionSummary.
type TeamSummary struct {
	TeamID       int64   `json:"team_id"`
	Name         string  `json:"name,omitempty"`
	Possession_s float64 `json:"possession_s"`
	// PlayerSensors: track.TeamSummary.PlayerSensors; with 0, the roster
	// matched none of the sensors and Possession_s measured nothing.
	PlayerSensors int64 `json:"player_sensors"`
}

// QualitySummary holds the fields of track.Quality: its counts, and the
// grid period and noise the engine ran with.
type QualitySummary struct {
	Messages   int64 `json:"messages"`
	Locations  int64 `json:"locations"`
	BadLines   int64 `json:"bad_lines"`
	BadTimes   int64 `json:"bad_times"`
	Unknown    int64 `json:"unknown"`
	Duplicates int64 `json:"duplicates"`
	Late       int64 `json:"late"`
	Reordered  int64 `json:"reordered"`
	Gaps       int64 `json:"gaps"`
	Teleports  int64 `json:"teleports"`
	Outliers   int64 `json:"outliers"`
	UnknownIDs int64 `json:"unknown_ids"`
	// The distinct sensors of each kind that sent a location.
	PlayerSensors int64 `json:"player_sensors"`
	BallSensors   int64 `json:"ball_sensors"`
	StaleStats    int64 `json:"stale_stats"`
	// Shot and marker messages dropped as repeats of earlier ones.
	RepeatedShots   int64 `json:"repeated_shots"`
	RepeatedMarkers int64 `json:"repeated_markers"`
	// The grid period and the players' noise σ the engine ran with.
	GridPeriod_ms  int64   `json:"grid_period_ms"`
	Noise_m        float64 `json:"noise_m"`
	DroppedSensors int64   `json:"dropped_sensors"`
	NoCourt        bool    `json:"no_court"`
	Truncated      bool    `json:"truncated"`
	// Beyond the engine's limit on sensors (track.DefaultMaxSensors):
	// the unknown ids that made room for roster players and balls, and
	// the ball and roster players' samples among DroppedSensors.
	EvictedSensors       int64 `json:"evicted_sensors"`
	DroppedBallSamples   int64 `json:"dropped_ball_samples"`
	DroppedRosterSamples int64 `json:"dropped_roster_samples"`
	// Shot and marker keys the repeat check forgot (beyond its bounds):
	// repeats of them count again.
	RepeatsForgotten int64 `json:"repeats_forgotten"`
	// Start and *_NEXT markers that would have opened a period beyond
	// track.MaxPeriods, and opened none.
	PeriodsRefused int64 `json:"periods_refused"`
	// Stats and shot messages made of a bundle's stats.json and
	// shots.json and fed beside the recording: not in Messages.
	RestMessages int64 `json:"rest_messages"`
	// Stats, marker and shot messages among BadTimes: kept, their time
	// out of the session's span.
	BadTimeMessages int64 `json:"bad_time_messages"`
	// Live time with the game ball unseen for longer than 0.4 s while
	// other sensors were seen (a silent ball sensor, not a silent feed):
	// no team was in control of the ball then.
	BallUnseenLive_s float64 `json:"ball_unseen_live_s"`
	// Markers that came too late to take effect at their own time, and
	// the longest delay among them (the newest location time when one
	// came, minus its time).
	LateMarkers      int64 `json:"late_markers"`
	LateMarkerMax_ms int64 `json:"late_marker_max_ms"`
}

// Summarize turns the engine's summary into its summary.json form. It
// copies what it needs: sum may be reused afterwards. Non-finite numbers
// (which JSON cannot hold) become 0.
func Summarize(sum *track.Summary) SessionSummary {
	s := SessionSummary{
		SessionID: sum.SessionID, StmotionVersion: version.Get().String(), Name: sum.Round.Name, Type: sum.Round.Type, Start_ms: sum.Start_ms, End_ms: sum.End_ms,
		Rounds:  RoundsOf(sum),
		Players: make([]PlayerSummary, len(sum.Players)), Teams: make([]TeamSummary, len(sum.Teams)),
		ShooterAgreement: finite(sum.ShooterAgreement), Definitions: DefinitionsOf(sum.Definitions),
		Settings: SettingsOf(sum.Heatmap), Practice: sum.Practice,
	}
	for i, p := range sum.Players {
		s.Players[i] = PlayerSummary{
			PlayerID: p.PlayerID, TeamID: p.TeamID, Name: p.Name, Jersey: p.Jersey,
			Distance_m: finite(p.Distance_m), DistanceLive_m: finite(p.DistanceLive_m), DistanceCourt_m: finite(p.DistanceCourt_m),
			RawDistance_m: finite(p.RawDistance_m), TopSpeed_mps: finite(p.TopSpeed_mps),
			MeanSpeed_mps: finite(p.MeanSpeed_mps), Sprints: p.Sprints, Accels: p.Accels, Decels: p.Decels,
			TimeOnCourt_s: finite(p.TimeOnCourt_s), Possession_s: finite(p.Possession_s), Touches: p.Touches,
			DistStat_m: finite(p.DistStat_m), DistRatio: finite(p.DistRatio), DistFlag: p.DistFlag,
			SpeedBand_s: finites(p.SpeedBand_s), DistancePeriod_m: finites(p.DistancePeriod_m),
			SprintsPeriod: slices.Clone(p.SprintsPeriod), AccelsPeriod: slices.Clone(p.AccelsPeriod), DecelsPeriod: slices.Clone(p.DecelsPeriod),
			TimeOnCourtPeriod_s: finites(p.TimeOnCourtPeriod_s),
		}
		if len(p.SpeedBandPeriod_s) > 0 {
			s.Players[i].SpeedBandPeriod_s = make([][]float64, len(p.SpeedBandPeriod_s))
			for k, b := range p.SpeedBandPeriod_s {
				s.Players[i].SpeedBandPeriod_s[k] = finites(b)
			}
		}
	}
	for i, t := range sum.Teams {
		s.Teams[i] = TeamSummary{TeamID: t.TeamID, Name: t.Name, Possession_s: finite(t.Possession_s), PlayerSensors: t.PlayerSensors}
	}
	q := sum.Quality
	s.Quality = QualitySummary{
		Messages: q.Messages, Locations: q.Locations, BadLines: q.BadLines, BadTimes: q.BadTimes, Unknown: q.Unknown,
		Duplicates: q.Duplicates, Late: q.Late, Reordered: q.Reordered, Gaps: q.Gaps,
		Teleports: q.Teleports, Outliers: q.Outliers, UnknownIDs: q.UnknownIDs,
		PlayerSensors: q.PlayerSensors, BallSensors: q.BallSensors, StaleStats: q.StaleStats,
		RepeatedShots: q.RepeatedShots, RepeatedMarkers: q.RepeatedMarkers,
		GridPeriod_ms: q.GridPeriod_ms, Noise_m: finite(q.Noise_m),
		DroppedSensors: q.DroppedSensors, NoCourt: q.NoCourt, Truncated: q.Truncated,
		EvictedSensors: q.EvictedSensors, DroppedBallSamples: q.DroppedBallSamples, DroppedRosterSamples: q.DroppedRosterSamples,
		RepeatsForgotten: q.RepeatsForgotten, PeriodsRefused: q.PeriodsRefused, RestMessages: q.RestMessages,
		BadTimeMessages: q.BadTimeMessages, BallUnseenLive_s: finite(q.BallUnseenLive_s),
		LateMarkers: q.LateMarkers, LateMarkerMax_ms: q.LateMarkerMax_ms,
	}
	s.Limits = Limits(sum)
	return s
}

// The values of SessionSummary.Limits.
const (
	// LimitNoRoster: no roster (or one that names none of the player
	// sensors: another session's), every player on team 0. A change of hands
	// cannot be told a pass from a steal (events: pass, never turnover),
	// nor a rebound offensive from defensive; team possession is not
	// measured.
	LimitNoRoster = "no_roster"
	// LimitNoCourt: no court.json (or one that is not valid), positions
	// in the sensor frame. No shot
	// is detected from the ball (nor a rebound), so a missed or made shot
	// reads as a pass (caught by a teammate) or a turnover (by the other
	// team), and possession counts the pickup of a made basket; heatmaps
	// and images are in the sensor frame.
	LimitNoCourt = "no_court"
	// LimitOffCourt: the samples lie off the court (track.InBoundsCounts.
	// OffCourt: fewer than a tenth of the players' samples in bounds,
	// and of the ball's), which real sessions never are, bench players
	// included: the court.json is another court's, or of another survey
	// of the sensors. Time on court, mean speed, distance_court_m,
	// possession, shots, events and the heatmaps' players are then about
	// empty.
	LimitOffCourt = "off_court"
	// LimitPartialRoster: a roster that does not name every player
	// sensor (Quality.UnknownIDs): those players have no team, so the
	// passes, turnovers and rebounds they take part in cannot be told
	// apart either, and team possession misses their possessions.
	LimitPartialRoster = "partial_roster"
	// LimitOneTeam: one team on the roster in a practice (said by
	// live.json, or taken for one without it: no player tracked that the
	// roster does not name; track.Summary.OneTeam), every player the
	// roster names on that team, both sides of a scrimmage too: a change
	// of hands between two of them cannot be told a pass from a steal,
	// nor a rebound offensive from defensive (passes, turnovers and
	// rebounds are labelled unverified); the possessions table has no
	// team-level rows, the team's possession_s is all its players'
	// together, and --fold does not fold the heatmaps. (The warnings and
	// the report speak of sides only for rounds known to be scrimmages:
	// Scrimmages.)
	LimitOneTeam = "one_team"
	// LimitOneTeamTracked: only one team's players were tracked
	// (track.Summary.OneTeamTracked): the tracked players on the roster
	// are all on one team and none the roster does not name is tracked,
	// in a game, or with both teams on the roster. The other team's
	// players are not in the feed, so its steals read as passes and
	// every rebound as offensive: the same labels and possessions as
	// LimitOneTeam, but the heatmaps fold (the tracked team's shots
	// give its direction).
	LimitOneTeamTracked = "one_team_tracked"
	// LimitSeveralBalls: two or more balls moved on the court at once
	// for track.SeveralBallsMin_s of live time or more
	// (track.Summary.SeveralBalls_s), as in a drill with several groups.
	// Possession follows one of them: the players of the others get no
	// touches, possession, passes, shots or rebounds, and
	// shooter_agreement counts the feed's shots taken with the other
	// balls as disagreements.
	LimitSeveralBalls = "several_balls"
	// LimitBallUnseen: the game ball was unseen (its sensor silent: a
	// dead battery, out of range) while other sensors were seen, for
	// track.BallUnseenMin_s of live time or more
	// (track.Quality.BallUnseenLive_s). No team is in control of
	// an unseen ball, so each team's possession_s misses its part of that
	// time, and the passes, shots, turnovers and rebounds of it are
	// missing.
	LimitBallUnseen = "ball_unseen"
)

// Limits returns what sum's session lacked that makes some of its
// events unreliable, in the order LimitNoRoster or LimitPartialRoster,
// LimitOneTeam or LimitOneTeamTracked, LimitNoCourt or LimitOffCourt,
// LimitSeveralBalls, LimitBallUnseen (nil when nothing): the roster
// (sum.Teams, the roster's teams, is empty or names none of the player
// sensors, tracked or dropped beyond the engine's limit on sensors:
// no_roster; some player sensors are not on it, Quality.UnknownIDs:
// partial_roster), the sides (unless no_roster: sum.OneTeam, a
// practice's one team: one_team; sum.OneTeamTracked: one_team_tracked),
// the court (sum.Quality.NoCourt: no_court; samples off it,
// sum.InBounds.OffCourt: off_court) and the balls (sum.SeveralBalls_s of
// at least track.SeveralBallsMin_s; sum.Quality.BallUnseenLive_s of at
// least track.BallUnseenMin_s).
func Limits(sum *track.Summary) []string {
	var ls []string
	q := &sum.Quality
	// Roster players dropped beyond the engine's limit on sensors were
	// named by the roster: it is this session's, only not tracked.
	noRoster := len(sum.Teams) == 0 || q.UnknownIDs > 0 && q.UnknownIDs >= q.PlayerSensors && q.DroppedRosterSamples == 0
	switch {
	case noRoster:
		// No roster, or one that names none of the player sensors
		// (another session's): the same as none.
		ls = append(ls, LimitNoRoster)
	case q.UnknownIDs > 0:
		ls = append(ls, LimitPartialRoster)
	}
	switch {
	case noRoster:
	case sum.OneTeam:
		ls = append(ls, LimitOneTeam)
	case sum.OneTeamTracked:
		ls = append(ls, LimitOneTeamTracked)
	}
	switch {
	case sum.Quality.NoCourt:
		ls = append(ls, LimitNoCourt)
	case sum.InBounds.OffCourt():
		ls = append(ls, LimitOffCourt)
	}
	if sum.SeveralBalls_s >= track.SeveralBallsMin_s {
		ls = append(ls, LimitSeveralBalls)
	}
	if sum.Quality.BallUnseenLive_s >= track.BallUnseenMin_s {
		ls = append(ls, LimitBallUnseen)
	}
	return ls
}

// SetTables records the paths of a Writer's tables relative to dir.
func (s *SessionSummary) SetTables(dir string, w *Writer) {
	s.Tables = make(map[string]string, NumTables)
	for i, p := range w.paths {
		if rel, err := filepath.Rel(dir, p); err == nil {
			p = filepath.ToSlash(rel)
		}
		s.Tables[Table(i).String()] = p
	}
}

// SetImages records the paths of the session's images (ImageDir) relative
// to dir, with '/' as in SetTables.
func (s *SessionSummary) SetImages(dir string, paths []string) {
	s.Images = nil
	for _, p := range paths {
		if rel, err := filepath.Rel(dir, p); err == nil {
			p = filepath.ToSlash(rel)
		}
		s.Images = append(s.Images, p)
	}
}

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// finites is a copy of v with finite applied to each value (nil for an
// empty v, which summary.json leaves out).
func finites(v []float64) []float64 {
	if len(v) == 0 {
		return nil
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = finite(x)
	}
	return out
}

// FailedInput is an input that could not be analysed, in summary.json.
// SessionID is the id the run gave it, the one its outputs would have
// had (and the one whose earlier outputs the run removed); "" for an input
// that could not be read far enough to have one (a path that does not
// exist).
//
// EarlierOutputsLeft are the files an earlier run wrote for the session
// that the run meant to remove, as a failed session keeps no outputs, and
// could not (OutDir.Tidy's RemoveError: a read-only partition directory),
// relative to the output directory: they are still there, and readers of
// the dataset read them though the session failed. Empty when none stay.
//
// EarlierRun: the failure is an earlier run's, kept by a run that added
// other sessions to the dataset (AddSummary): the game is still missing
// from it.
type FailedInput struct {
	Source             string   `json:"source"`
	SourcePath         string   `json:"source_path,omitempty"` // as SessionSummary.SourcePath
	SessionID          string   `json:"session_id,omitempty"`
	Error              string   `json:"error"`
	EarlierOutputsLeft []string `json:"earlier_outputs_left,omitempty"`
	EarlierRun         bool     `json:"earlier_run,omitempty"`
}

// CanceledInput is an input a run did not analyse because it was
// interrupted (Ctrl-C, SIGTERM) before or while it ran, in summary.json.
// It did not fail: what earlier runs wrote for its session is left in
// place, and so is the earlier summary's entry of that session, marked
// EarlierRun.
type CanceledInput struct {
	Source    string `json:"source"`
	SessionID string `json:"session_id"`
}

// SummaryFile is the summary's file name beside the tables (analyze's
// --out, a live session's directory).
const SummaryFile = "summary.json"

// MultiSummary is summary.json for several sessions.
type MultiSummary struct {
	// StmotionVersion is the stmotion that wrote the file (its
	// sessions' own say which analysed each: a dataset grown with --add
	// may mix versions); "" from an stmotion before it was recorded.
	StmotionVersion string           `json:"stmotion_version,omitempty"`
	Sessions        []SessionSummary `json:"sessions"`
	Failed          []FailedInput    `json:"failed,omitempty"`
	Canceled        []CanceledInput  `json:"canceled,omitempty"`
	// Unlisted are the sessions whose partitions are under the directory
	// but that no entry of Sessions describes (FindUnlisted).
	Unlisted []UnlistedSession `json:"unlisted,omitempty"`
}

// UnlistedSession is a session whose tables or images are under the
// output directory in the Hive layout, but that no entry of summary.json
// describes: a run killed after it renamed the session's tables into
// place but before it wrote summary.json, or a summary.json moved away
// (or mended by hand) since. Readers of the dataset read its tables all
// the same. It has no figures, which only analysing its game again gives
// (that run's entry then describes it), and names its files, relative to
// the directory, as a SessionSummary does.
type UnlistedSession struct {
	SessionID string            `json:"session_id"`
	Tables    map[string]string `json:"tables,omitempty"`
	Images    []string          `json:"images,omitempty"`
}

// FindUnlisted returns the sessions with tables or images in the Hive
// partitions under dir (ListTables, ListImages) that m does not describe,
// sorted by session id: those without an entry in m.Sessions, nor a
// failed entry listing the files that stay (FailedInput.EarlierOutputsLeft),
// and not gone, the sessions whose outputs the run removes or replaces
// anyway (its own, OutDir.Tidy). One-session files are not looked at.
func FindUnlisted(dir string, m MultiSummary, gone func(id string) bool) ([]UnlistedSession, error) {
	described := map[string]bool{}
	// By the ids partitions are named with (PartitionKey).
	for _, s := range m.Sessions {
		described[PartitionKey(s.SessionID)] = true
	}
	for _, f := range m.Failed {
		if len(f.EarlierOutputsLeft) > 0 {
			described[PartitionKey(f.SessionID)] = true
		}
	}
	byID := map[string]*UnlistedSession{}
	find := func(id string) *UnlistedSession {
		if described[id] || gone(id) {
			return nil
		}
		u := byID[id]
		if u == nil {
			u = &UnlistedSession{SessionID: id}
			byID[id] = u
		}
		return u
	}
	tables, err := ListTables(dir)
	if err != nil {
		return nil, fmt.Errorf("export: find unlisted sessions: %w", err)
	}
	for _, f := range tables {
		if !f.Hive {
			continue
		}
		if u := find(f.SessionID); u != nil {
			if u.Tables == nil {
				u.Tables = map[string]string{}
			}
			// The table's name is the partition's parent directory.
			u.Tables[filepath.Base(filepath.Dir(filepath.Dir(f.Path)))] = relSlash(dir, f.Path)
		}
	}
	images, err := ListImages(dir)
	if err != nil {
		return nil, fmt.Errorf("export: find unlisted sessions: %w", err)
	}
	for _, f := range images {
		if !f.Hive {
			continue
		}
		if u := find(f.SessionID); u != nil {
			u.Images = append(u.Images, relSlash(dir, f.Path))
		}
	}
	var us []UnlistedSession
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		us = append(us, *byID[id])
	}
	return us, nil
}

// AddSummary returns the summary.json of a run that adds its sessions to
// a dataset (analyze --add): run, the run's own summary (its sessions,
// failed and canceled inputs), merged into earlier, the summary the
// dataset had. The dataset's other sessions stay described:
//
//   - sessions: earlier's entries, each replaced by the run's entry of
//     the same session (the game analysed again), dropped when the run
//     analysed the session and it failed (ran, not canceled: a failed
//     session keeps no outputs), and otherwise kept, marked EarlierRun,
//     when its tables are still there (present; an entry whose
//     partitions were removed by hand goes); and the run's other
//     entries; all in time order (SortSessions), whatever the order
//     they were added in.
//   - failed: the run's, then earlier's of the sessions (or, without a
//     session id, the sources) the run did not analyse again nor keep an
//     entry of, marked EarlierRun: a game that failed stays listed as
//     missing until a run adds it. An earlier entry without a session id
//     (a path that did not exist, a directory that could not be searched)
//     also goes when the run searched its place: its source_path is, or
//     lies under, one of searched, and no failure of the run (without a
//     session id) lies above it, which would say its place was not
//     reached. What is there now was found, and added or failed anew;
//     what is not is no longer an input.
//   - canceled: the run's only; an earlier interrupted run's canceled
//     sessions keep their entries in sessions, if any.
//   - unlisted: none; the caller finds them on disk (FindUnlisted), as
//     earlier's may since have been added again or removed.
//   - stmotion_version: the run's (each entry keeps its own).
//
// ran reports whether the run analysed a session (it succeeded or
// failed, not canceled); present whether a session's tables are under
// the directory. searched are the absolute paths the run searched for
// inputs: its arguments (directories, and files), but those that failed
// as a whole.
func AddSummary(earlier, run MultiSummary, ran, present func(id string) bool, searched []string) MultiSummary {
	m := MultiSummary{StmotionVersion: run.StmotionVersion}
	own := map[string]int{} // session id → index in run.Sessions
	for i, s := range run.Sessions {
		own[s.SessionID] = i
	}
	used := make([]bool, len(run.Sessions))
	listed := map[string]bool{}
	for _, e := range earlier.Sessions {
		if listed[e.SessionID] {
			continue
		}
		if i, ok := own[e.SessionID]; ok && !used[i] {
			used[i] = true
			m.Sessions = append(m.Sessions, run.Sessions[i])
		} else if !ran(e.SessionID) && present(e.SessionID) {
			e.EarlierRun = true
			m.Sessions = append(m.Sessions, e)
		} else {
			continue
		}
		listed[e.SessionID] = true
	}
	for i, s := range run.Sessions {
		if !used[i] && !listed[s.SessionID] {
			m.Sessions = append(m.Sessions, s)
			listed[s.SessionID] = true
		}
	}
	m.Failed = append(m.Failed, run.Failed...)
	sources := map[string]bool{}
	for _, f := range run.Failed {
		sources[filepath.Clean(f.Source)] = true
	}
	for _, s := range run.Sessions {
		sources[filepath.Clean(s.Source)] = true
	}
	for _, c := range run.Canceled {
		sources[filepath.Clean(c.Source)] = true
	}
	// reached: the run searched p (an absolute path) and could search
	// what lies between.
	reached := func(p string) bool {
		if !slices.ContainsFunc(searched, func(root string) bool { return within(p, root) }) {
			return false
		}
		return !slices.ContainsFunc(run.Failed, func(g FailedInput) bool {
			return g.SessionID == "" && g.SourcePath != "" && g.SourcePath != p && within(p, g.SourcePath)
		})
	}
	for _, f := range earlier.Failed {
		switch {
		case f.SessionID != "" && (ran(f.SessionID) || listed[f.SessionID]):
			continue
		case f.SessionID == "" && sources[filepath.Clean(f.Source)]:
			continue
		case f.SessionID == "" && f.SourcePath != "" && reached(filepath.Clean(f.SourcePath)):
			continue
		case slices.ContainsFunc(m.Failed, func(g FailedInput) bool { return g.SessionID == f.SessionID && g.Source == f.Source }):
			continue
		}
		f.EarlierRun = true
		m.Failed = append(m.Failed, f)
	}
	m.Canceled = run.Canceled
	SortSessions(m.Sessions)
	return m
}

// SortSessions puts the entries of summary.json's sessions[] in time
// order: by their earliest time (start_ms: see track.Summary), then by
// session id.
// The drills of a practice recorded live, a session per live id, so
// read in the order they were played, and not in that of their live
// ids (random UUIDs); a season's games, in the order of their dates.
func SortSessions(ss []SessionSummary) {
	slices.SortStableFunc(ss, func(a, b SessionSummary) int {
		if a.Start_ms != b.Start_ms {
			return cmp.Compare(a.Start_ms, b.Start_ms)
		}
		return strings.Compare(a.SessionID, b.SessionID)
	})
}

// within reports whether path p is dir or lies under it (both cleaned
// absolute paths).
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// ReadSummary reads the summary.json under dir, in either form: a
// one-session summary is returned as the one entry of Sessions. A missing
// file is no error (an empty MultiSummary); one that does not parse is.
// A UTF-8 byte order mark at its start (the file re-saved by Notepad, or
// PowerShell 5's Set-Content -Encoding UTF8) is skipped, as every other
// JSON input's is (package decode).
func ReadSummary(dir string) (MultiSummary, error) {
	var m MultiSummary
	data, err := readSummaryFile(filepath.Join(dir, SummaryFile))
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("export: read summary: %w", err)
	}
	var probe struct {
		Sessions json.RawMessage `json:"sessions"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return m, fmt.Errorf("export: read summary %s: %w", filepath.Join(dir, SummaryFile), err)
	}
	if probe.Sessions != nil {
		err = json.Unmarshal(data, &m)
	} else {
		var one SessionSummary
		if err = json.Unmarshal(data, &one); err == nil {
			m.Sessions = []SessionSummary{one}
		}
	}
	if err != nil {
		return MultiSummary{}, fmt.Errorf("export: read summary %s: %w", filepath.Join(dir, SummaryFile), err)
	}
	return m, nil
}

// readSummaryFile reads the summary.json at path without the UTF-8 byte
// order mark it may start with (ReadSummary): every reader of an earlier
// run's summary.json reads it so, so that they agree on what it says.
func readSummaryFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	return bytes.TrimPrefix(data, []byte("\uFEFF")), err
}

// WriteJSON writes v as indented JSON with a final newline to path,
// atomically (see WriteFileAtomic: a temporary file in the same directory,
// renamed over path, mode 0644, missing directories created), fsynced
// first when sync is true. It is the one JSON file writer of stmotion:
// summary.json, and the REST bodies live mode records into a bundle.
func WriteJSON(path string, v any, sync bool) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("export: encode %s: %w", path, err)
	}
	return WriteFileAtomic(path, append(b, '\n'), sync)
}
