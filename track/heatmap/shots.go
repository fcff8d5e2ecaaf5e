package heatmap

import (
	"math"

	"github.com/stmotion/stmotion/court"
)

// ShotSource says where a Shot came from.
type ShotSource uint8

const (
	SourceFeed     ShotSource = iota + 1 // a shot message of the feed
	SourceDetected                       // a shot detected from the ball (package possession)
)

func (s ShotSource) String() string {
	switch s {
	case SourceFeed:
		return "feed"
	case SourceDetected:
		return "detected"
	}
	return "unknown"
}

// Shot is one shot located on a half court: the attacked hoop is the east
// one, at (+HoopX_m, 0), so every shot of a game lands on the same half.
type Shot struct {
	T_ms     int64
	PlayerID int64
	TeamID   int64
	X_m      float64
	Y_m      float64
	Dist_m   float64 // horizontal distance to the hoop
	Made     bool
	Is3Point bool
	Zone     uint8 // the feed's zone 1-14; 0 when unknown
	Source   ShotSource
}

// ZoneCount is attempts and makes in one zone.
type ZoneCount struct {
	Attempts int
	Made     int
}

// ShotChart collects shots. Its memory grows with the number of shots (a
// few hundred a game), not with the location stream.
type ShotChart struct {
	Court court.Template
	Shots []Shot
	Zones [15]ZoneCount // by zone 1-14; index 0 holds shots without a zone
}

// NewShotChart returns an empty chart on court t.
func NewShotChart(t court.Template) *ShotChart { return &ShotChart{Court: t} }

// FromHoop maps a feed shot location (hoop_player_x/y, mm, relative to the
// hoop: +y from the hoop toward center court, +x to the right of someone at
// the hoop facing center court) onto the canonical frame with the east hoop
// attacked: x_m = HoopX − y/1000, y_m = x/1000. The two frames differ by a
// quarter turn (no mirror): facing center court from the east hoop is
// facing −x, and the right hand then points to +y.
func FromHoop(t court.Template, hoopPlayerX_mm, hoopPlayerY_mm int32) (x_m, y_m float64) {
	return t.HoopX_m(1) - float64(hoopPlayerY_mm)/1000, float64(hoopPlayerX_mm) / 1000
}

// AddFeed adds a shot message of the feed.
func (c *ShotChart) AddFeed(t_ms, playerID, teamID int64, hoopPlayerX_mm, hoopPlayerY_mm int32, made, three bool, zone uint8) {
	x, y := FromHoop(c.Court, hoopPlayerX_mm, hoopPlayerY_mm)
	c.add(Shot{T_ms: t_ms, PlayerID: playerID, TeamID: teamID, X_m: x, Y_m: y, Made: made, Is3Point: three,
		Zone: zone, Source: SourceFeed})
}

// AddDetected adds a shot detected from the ball, released at (x_m, y_m)
// (canonical frame) toward the hoop at x = hoopX_m; a shot at the west hoop
// is turned a half turn onto the east half.
func (c *ShotChart) AddDetected(t_ms, playerID, teamID int64, x_m, y_m, hoopX_m float64, made, three bool) {
	if hoopX_m < 0 {
		x_m, y_m = -x_m, -y_m
	}
	c.add(Shot{T_ms: t_ms, PlayerID: playerID, TeamID: teamID, X_m: x_m, Y_m: y_m, Made: made, Is3Point: three,
		Source: SourceDetected})
}

func (c *ShotChart) add(s Shot) {
	s.Dist_m = math.Hypot(s.X_m-c.Court.HoopX_m(1), s.Y_m)
	z := int(s.Zone)
	if z >= len(c.Zones) {
		z = 0
	}
	c.Zones[z].Attempts++
	if s.Made {
		c.Zones[z].Made++
	}
	c.Shots = append(c.Shots, s)
}
