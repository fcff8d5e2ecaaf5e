package decode

// Stat is a box-score stat abbreviation of the feed.
type Stat uint8

const (
	StatFGA          Stat = iota // field goal attempts
	StatFG                       // field goals made
	StatFGA3                     // 3-point attempts
	StatFG3                      // 3-pointers made
	StatFTA                      // free throw attempts
	StatFT                       // free throws made
	StatPTS                      // points
	StatAST                      // assists
	StatTO                       // turnovers
	StatSTL                      // steals
	StatREB                      // rebounds
	StatOffensiveREB             // OFFENSIVE_REB
	StatDefensiveREB             // DEFENSIVE_REB
	StatDIST                     // cumulative distance travelled, in cm
	numStats
)

// NumStats is the number of known stats: the length of Stats.Values.
const NumStats = int(numStats)

var statNames = [NumStats]string{
	"FGA", "FG", "FGA3", "FG3", "FTA", "FT", "PTS", "AST", "TO", "STL", "REB",
	"OFFENSIVE_REB", "DEFENSIVE_REB", "DIST",
}

// String returns the abbreviation as it appears on the wire.
func (s Stat) String() string {
	if int(s) < NumStats {
		return statNames[s]
	}
	return "UNKNOWN"
}

// StatNames returns the wire abbreviations indexed by Stat.
func StatNames() [NumStats]string { return statNames }

// StatSet is a set of Stats.
type StatSet uint32

// Has reports whether s is in the set.
func (ss StatSet) Has(s Stat) bool { return ss&(1<<s) != 0 }

// Add puts s in the set.
func (ss *StatSet) Add(s Stat) { *ss |= 1 << s }

// Classification says what a stats message represents, including manual
// corrections (DELETED_*, UPDATED_*).
type Classification uint8

const (
	ClassUnknown Classification = iota // absent, or a value this package does not know
	ClassFreeThrowMiss
	ClassFreeThrowMake
	ClassTwoPointMiss
	ClassTwoPointMake
	ClassThreePointMiss
	ClassThreePointMake
	ClassAssist
	ClassTurnover
	ClassSteal
	ClassRebound
	ClassOffensiveRebound
	ClassDefensiveRebound
	ClassDistance
	ClassDeletedFreeThrowMiss
	ClassDeletedFreeThrowMake
	ClassUpdatedFreeThrowMakeToMiss
	ClassUpdatedFreeThrowMissToMake
	ClassDeletedTwoPointMiss
	ClassDeletedTwoPointMake
	ClassUpdatedTwoPointMakeToMiss
	ClassUpdatedTwoPointMissToMake
	ClassDeletedThreePointMiss
	ClassDeletedThreePointMake
	ClassUpdatedThreePointMakeToMiss
	ClassUpdatedThreePointMissToMake
	ClassDeletedAssist
	ClassDeletedTurnover
	ClassDeletedSteal
	ClassDeletedRebound
	ClassDeletedOffensiveRebound
	ClassDeletedDefensiveRebound
	numClassifications
)

// NumClassifications is the number of Classification values including ClassUnknown.
const NumClassifications = int(numClassifications)

var classNames = [NumClassifications]string{
	"UNKNOWN",
	"FREE_THROW_MISS", "FREE_THROW_MAKE", "TWO_POINT_MISS", "TWO_POINT_MAKE",
	"THREE_POINT_MISS", "THREE_POINT_MAKE", "ASSIST", "TURNOVER", "STEAL", "REBOUND",
	"OFFENSIVE_REBOUND", "DEFENSIVE_REBOUND", "DISTANCE",
	"DELETED_FREE_THROW_MISS", "DELETED_FREE_THROW_MAKE",
	"UPDATED_FREE_THROW_MAKE_TO_MISS", "UPDATED_FREE_THROW_MISS_TO_MAKE",
	"DELETED_TWO_POINT_MISS", "DELETED_TWO_POINT_MAKE",
	"UPDATED_TWO_POINT_MAKE_TO_MISS", "UPDATED_TWO_POINT_MISS_TO_MAKE",
	"DELETED_THREE_POINT_MISS", "DELETED_THREE_POINT_MAKE",
	"UPDATED_THREE_POINT_MAKE_TO_MISS", "UPDATED_THREE_POINT_MISS_TO_MAKE",
	"DELETED_ASSIST", "DELETED_TURNOVER", "DELETED_STEAL", "DELETED_REBOUND",
	"DELETED_OFFENSIVE_REBOUND", "DELETED_DEFENSIVE_REBOUND",
}

// String returns the classification as it appears on the wire.
func (c Classification) String() string {
	if int(c) < NumClassifications {
		return classNames[c]
	}
	return "UNKNOWN"
}

// ClassificationNames returns the wire names indexed by Classification
// (index 0 is "UNKNOWN", which never appears on the wire).
func ClassificationNames() [NumClassifications]string { return classNames }

// IsCorrection reports whether c is a manual correction (DELETED_* or UPDATED_*).
func (c Classification) IsCorrection() bool { return c >= ClassDeletedFreeThrowMiss }

// MarkerType is the "type" of a marker message.
type MarkerType uint8

const (
	MarkerUnknown MarkerType = iota
	// Game markers.
	MarkerPlayStart       // PLAY_START
	MarkerEndFirstHalf    // END_FIRST_HALF
	MarkerPlayNext        // PLAY_NEXT (carries live_id)
	MarkerStartSecondHalf // START_SECOND_HALF
	MarkerPlayEnd         // PLAY_END
	// Practice markers.
	MarkerDrillStart  // DRILL_START
	MarkerDrillEnd    // DRILL_END
	MarkerDrillNext   // DRILL_NEXT (carries live_id)
	MarkerPracticeEnd // PRACTICE_END
	// State markers.
	MarkerLive   // LIVE
	MarkerPaused // PAUSED
	MarkerFoul   // FOUL
	numMarkers
)

// NumMarkerTypes is the number of MarkerType values including MarkerUnknown.
const NumMarkerTypes = int(numMarkers)

var markerNames = [NumMarkerTypes]string{
	"UNKNOWN", "PLAY_START", "END_FIRST_HALF", "PLAY_NEXT", "START_SECOND_HALF", "PLAY_END",
	"DRILL_START", "DRILL_END", "DRILL_NEXT", "PRACTICE_END", "LIVE", "PAUSED", "FOUL",
}

// String returns the marker type as it appears on the wire.
func (t MarkerType) String() string {
	if int(t) < NumMarkerTypes {
		return markerNames[t]
	}
	return "UNKNOWN"
}

// MarkerTypeNames returns the wire names indexed by MarkerType.
func MarkerTypeNames() [NumMarkerTypes]string { return markerNames }

// IsState reports whether t is a clock-state marker (LIVE, PAUSED, FOUL).
func (t MarkerType) IsState() bool { return t >= MarkerLive && t <= MarkerFoul }
