package synth

import (
	"github.com/stmotion/stmotion/court"
)

// zoneRuleDoc documents how shots get their zone; it is repeated in truth.json.
const zoneRuleDoc = "zone 1-14 is court.StandardZones of the shooter's hoop-frame position (hoop_player_x/y): " +
	"1 at-rim (restricted-area radius), 2/3 paint x<0/x>0, 4-8 two-point mid-range " +
	"(x<0 baseline |a|>67.5°, x<0 wing, top |a|≤22.5°, x>0 wing, x>0 baseline; a = atan2(x, y) from +y), " +
	"9/13 corner threes x<0/x>0, 10-12 three-point wing x<0, top, wing x>0, 14 beyond the half-court line. " +
	"is_3point is court.Template.IsThreeFromHoop (a foot on the line is two points)."

// zone is the shot zone of (x, y) (hoop frame, metres) on t.
func zone(t court.Template, x, y float64) int { return int(court.StandardZones.Zone(t, x, y)) }
