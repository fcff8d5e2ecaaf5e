package heatmap

import (
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
	Zone     uint8 // 1-14: the feed's zone, or court.StandardZones' for a detected shot; 0 unknown
	Source   ShotSource
}

// ZoneCount is attempts and makes in one zone.
type ZoneCount struct {
	Attempts int
	Made     int
}

// ShotChart collects shots. Its memory grows with the number of shots (a
// few hundred a game), not with the location stream, up to Limit.
type ShotChart struct {
	Court court.Template
	Shots []Shot
	Zones [court.NumZones + 1]ZoneCount // by zone 1-14; index 0 holds shots without a zone
	// Limit, when > 0, is the most shots Shots keeps: the first Limit
	// added. The shots beyond are counted in LeftOut (and in Zones), so
	// that a feed of endless shots does not grow the chart without end.
	Limit   int
	LeftOut int64
}

// NewShotChart returns an empty chart on court t.
func NewShotChart(t court.Template) *ShotChart { return &ShotChart{Court: t} }

// AddFeed adds a shot message of the feed: hoop_player_x/y (mm, hoop
// frame: +y from the hoop toward center court, +x to the right of someone
// at the hoop facing center court) are placed at the east hoop with
// court.Template.ShotToCourt. zone is the feed's own zone number.
func (c *ShotChart) AddFeed(t_ms, playerID, teamID int64, hoopPlayerX_mm, hoopPlayerY_mm int32, made, three bool, zone uint8) {
	x, y := c.Court.ShotToCourt(court.East, float64(hoopPlayerX_mm), float64(hoopPlayerY_mm))
	c.add(Shot{T_ms: t_ms, PlayerID: playerID, TeamID: teamID, X_m: x, Y_m: y, Made: made, Is3Point: three,
		Zone: zone, Source: SourceFeed})
}

// AddDetected adds a shot detected from the ball, released at (x_m, y_m)
// (canonical frame) toward the hoop at x = hoopX_m; a shot at the west hoop
// is turned a half turn onto the east half (the same place in the hoop
// frame). Its zone is court.StandardZones' and Is3Point the template's.
func (c *ShotChart) AddDetected(t_ms, playerID, teamID int64, x_m, y_m, hoopX_m float64, made bool) {
	hx, hy := c.Court.ToHoopFrame(c.Court.Half(hoopX_m), x_m, y_m)
	x_m, y_m = c.Court.FromHoopFrame(court.East, hx, hy)
	c.add(Shot{T_ms: t_ms, PlayerID: playerID, TeamID: teamID, X_m: x_m, Y_m: y_m, Made: made,
		Is3Point: c.Court.IsThreeFromHoop(hx, hy), Zone: uint8(court.StandardZones.Zone(c.Court, hx, hy)),
		Source: SourceDetected})
}

func (c *ShotChart) add(s Shot) {
	s.Dist_m = c.Court.DistanceToHoop(s.X_m, s.Y_m, court.East)
	z := int(s.Zone)
	if z >= len(c.Zones) {
		z = 0
	}
	c.Zones[z].Attempts++
	if s.Made {
		c.Zones[z].Made++
	}
	if c.Limit > 0 && len(c.Shots) >= c.Limit {
		c.LeftOut++
		return
	}
	c.Shots = append(c.Shots, s)
}
