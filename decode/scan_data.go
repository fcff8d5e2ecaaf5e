package decode

import "math"

// The "data" objects of each message kind, read key by key in any order.
// Unknown keys are skipped whatever their value. A repeated key replaces
// the earlier value; null counts as absent (it clears an earlier value).
// Required fields are tracked in a bit set and checked at the closing brace.

// mark sets or clears bit in seen.
func mark(seen, bit uint8, null bool) uint8 {
	if null {
		return seen &^ bit
	}
	return seen | bit
}

// missing reports the first required field (in names order) that seen lacks.
func (p *parser) missing(obj int, seen, want uint8, names []string) error {
	for k, name := range names {
		if want&(1<<k) != 0 && seen&(1<<k) == 0 {
			return p.errAt(ErrMissing, obj, name, "")
		}
	}
	return p.errAt(ErrMissing, obj, "data", "")
}

const (
	locOccurred uint8 = 1 << iota
	locType
	locID
	locX
	locY
	locZ
	locAll = locOccurred | locType | locID | locX | locY | locZ
)

var locNames = []string{"data.occurred_at", "data.type", "data.id", "data.x", "data.y", "data.z"}

// locFieldAt is locField for the key src[s:e] (0 <= s <= e <= len(src)),
// without making a slice of it.
func locFieldAt(src []byte, s, e int) uint8 {
	switch e - s {
	case 1:
		switch src[s] {
		case 'x':
			return locX
		case 'y':
			return locY
		case 'z':
			return locZ
		}
	case 2:
		if src[s] == 'i' && src[s+1] == 'd' {
			return locID
		}
	case 4:
		if string(src[s:e]) == "type" {
			return locType
		}
	case 11:
		if string(src[s:e]) == "occurred_at" {
			return locOccurred
		}
	}
	return 0
}

// locField returns the bit of a location key, 0 for others.
func locField(key []byte) uint8 {
	switch len(key) {
	case 1:
		switch key[0] {
		case 'x':
			return locX
		case 'y':
			return locY
		case 'z':
			return locZ
		}
	case 2:
		if key[0] == 'i' && key[1] == 'd' {
			return locID
		}
	case 4:
		if string(key) == "type" {
			return locType
		}
	case 11:
		if string(key) == "occurred_at" {
			return locOccurred
		}
	}
	return 0
}

// stats reads a stats message's data: occurred_at is required.
func (p *parser) stats(i int) (int, error) {
	s := &p.m.Stats
	*s = Stats{}
	obj := i
	var seen uint8
	i, more, err := p.objBegin(i)
	for more {
		var key []byte
		var vi int
		if key, _, vi, err = p.member(i); err != nil {
			return vi, err
		}
		var null bool
		switch string(key) {
		case "occurred_at":
			s.OccurredAt_ms, i, null, err = p.int(vi, math.MinInt64, math.MaxInt64, "data.occurred_at")
			seen = mark(seen, 1, null)
		case "team_id":
			s.TeamID, i, null, err = p.int(vi, math.MinInt64, math.MaxInt64, "data.team_id")
			s.Present.set(HasTeamID, !null)
		case "player_id":
			s.PlayerID, i, null, err = p.int(vi, math.MinInt64, math.MaxInt64, "data.player_id")
			s.Present.set(HasPlayerID, !null)
		case "version":
			s.Version, i, null, err = p.int(vi, math.MinInt64, math.MaxInt64, "data.version")
			s.Present.set(HasVersion, !null)
		case "classification":
			var esc bool
			s.ClassText, esc, i, null, err = p.strEsc(vi, "data.classification")
			s.Classification = classOf(p.text(s.ClassText, esc))
			s.Present.set(HasClassification, !null)
		case "stats":
			i, err = p.statValues(vi)
		default:
			i, err = p.skip(vi, 2)
		}
		if err != nil {
			return i, err
		}
		if i, more, err = p.objNext(i); err != nil {
			return i, err
		}
	}
	if seen != 1 {
		return i, p.errAt(ErrMissing, obj, "data.occurred_at", "")
	}
	return i, nil
}

// statValues reads the "stats" object (or null) at src[i] into Values/Has,
// counting unknown stat keys.
func (p *parser) statValues(i int) (int, error) {
	s := &p.m.Stats
	s.Values = [NumStats]float64{}
	s.Has = 0
	s.NumUnknown = 0
	s.UnknownKeys = [len(s.UnknownKeys)]Span{}
	switch at(p.src, i) {
	case '{':
	case 'n':
		end, ok := scanLiteral(p.src, i, "null")
		if !ok {
			return end, p.syntax(end)
		}
		return end, nil
	default:
		return i, p.wrongType(i, "data.stats", "an object")
	}
	i, more, err := p.objBegin(i)
	for more {
		var key []byte
		var raw Span
		var vi int
		if key, raw, vi, err = p.member(i); err != nil {
			return vi, err
		}
		if st, ok := statOf(key); ok {
			var null bool
			s.Values[st], i, null, err = p.float(vi, statFields[st])
			if null {
				s.Has &^= 1 << st
			} else {
				s.Has |= 1 << st
			}
		} else {
			if s.NumUnknown < len(s.UnknownKeys) {
				s.UnknownKeys[s.NumUnknown] = raw
			}
			s.NumUnknown++
			i, err = p.skip(vi, 3)
		}
		if err != nil {
			return i, err
		}
		if i, more, err = p.objNext(i); err != nil {
			return i, err
		}
	}
	return i, nil
}

// statFields are the error paths of the stat values.
var statFields = func() (f [NumStats]string) {
	for k, name := range statNames {
		f[k] = "data.stats." + name
	}
	return f
}()

const (
	shotOccurred uint8 = 1 << iota
	shotX
	shotY
)

// shot reads a shot's data: occurred_at is required, and hoop_player_x and
// hoop_player_y come together or not at all.
func (p *parser) shot(i int) (int, error) {
	s := &p.m.Shot
	*s = Shot{}
	obj := i
	var seen uint8
	i, more, err := p.objBegin(i)
	for more {
		var key []byte
		var vi int
		if key, _, vi, err = p.member(i); err != nil {
			return vi, err
		}
		var null bool
		var v int64
		switch string(key) {
		case "occurred_at":
			s.OccurredAt_ms, i, null, err = p.int(vi, math.MinInt64, math.MaxInt64, "data.occurred_at")
			seen = mark(seen, shotOccurred, null)
		case "team_id":
			s.TeamID, i, null, err = p.int(vi, math.MinInt64, math.MaxInt64, "data.team_id")
			s.Present.set(HasTeamID, !null)
		case "player_id":
			s.PlayerID, i, null, err = p.int(vi, math.MinInt64, math.MaxInt64, "data.player_id")
			s.Present.set(HasPlayerID, !null)
		case "is_make":
			s.IsMake, i, null, err = p.bool(vi, "data.is_make")
			s.Present.set(HasIsMake, !null)
		case "is_3point":
			s.Is3Point, i, null, err = p.bool(vi, "data.is_3point")
			s.Present.set(HasIs3Point, !null)
		case "zone":
			v, i, null, err = p.int(vi, 1, 14, "data.zone")
			s.Zone = uint8(v)
			s.Present.set(HasZone, !null)
		case "hoop_player_x":
			v, i, null, err = p.int(vi, math.MinInt32, math.MaxInt32, "data.hoop_player_x")
			s.HoopPlayerX_mm = int32(v)
			seen = mark(seen, shotX, null)
		case "hoop_player_y":
			v, i, null, err = p.int(vi, math.MinInt32, math.MaxInt32, "data.hoop_player_y")
			s.HoopPlayerY_mm = int32(v)
			seen = mark(seen, shotY, null)
		case "status":
			var esc bool
			s.StatusText, esc, i, null, err = p.strEsc(vi, "data.status")
			s.Status = shotStatusOf(p.text(s.StatusText, esc))
			s.Present.set(HasStatus, !null)
		default:
			i, err = p.skip(vi, 2)
		}
		if err != nil {
			return i, err
		}
		if i, more, err = p.objNext(i); err != nil {
			return i, err
		}
	}
	switch seen {
	case shotOccurred | shotX | shotY:
		s.Present |= HasHoopPlayerXY
	case shotOccurred:
	default:
		return i, p.missing(obj, seen, shotOccurred|shotX|shotY,
			[]string{"data.occurred_at", "data.hoop_player_x", "data.hoop_player_y"})
	}
	return i, nil
}

// marker reads a marker's data: occurred_at and type are required.
func (p *parser) marker(i int) (int, error) {
	mk := &p.m.Marker
	*mk = Marker{}
	obj := i
	var seen uint8
	i, more, err := p.objBegin(i)
	for more {
		var key []byte
		var vi int
		if key, _, vi, err = p.member(i); err != nil {
			return vi, err
		}
		var null bool
		switch string(key) {
		case "occurred_at":
			mk.OccurredAt_ms, i, null, err = p.int(vi, math.MinInt64, math.MaxInt64, "data.occurred_at")
			seen = mark(seen, 1, null)
		case "type":
			var esc bool
			mk.TypeText, esc, i, null, err = p.strEsc(vi, "data.type")
			mk.Type = markerOf(p.text(mk.TypeText, esc))
			seen = mark(seen, 2, null)
		case "live_id":
			mk.LiveID, _, i, null, err = p.strEsc(vi, "data.live_id")
			mk.Present.set(HasLiveID, !null)
		default:
			i, err = p.skip(vi, 2)
		}
		if err != nil {
			return i, err
		}
		if i, more, err = p.objNext(i); err != nil {
			return i, err
		}
	}
	if seen != 3 {
		return i, p.missing(obj, seen, 3, []string{"data.occurred_at", "data.type"})
	}
	return i, nil
}

// ack reads an ack's data; every field is optional.
func (p *parser) ack(i int) (int, error) {
	a := &p.m.Ack
	*a = Ack{}
	i, more, err := p.objBegin(i)
	for more {
		var key []byte
		var vi int
		if key, _, vi, err = p.member(i); err != nil {
			return vi, err
		}
		var null bool
		switch string(key) {
		case "socketSessionId":
			a.SocketSessionID, _, i, null, err = p.strEsc(vi, "data.socketSessionId")
			a.Present.set(HasSocketSessionID, !null)
		case "serverAttributes":
			i, err = p.serverAttributes(vi)
		default:
			i, err = p.skip(vi, 2)
		}
		if err != nil {
			return i, err
		}
		if i, more, err = p.objNext(i); err != nil {
			return i, err
		}
	}
	return i, nil
}

// serverAttributes reads the ack's "serverAttributes" object (or null).
func (p *parser) serverAttributes(i int) (int, error) {
	a := &p.m.Ack
	a.MaxInputBufferSizeInBytes, a.ConnectionTimeout_ms = 0, 0
	a.Present &^= HasMaxInputBufferSize | HasConnectionTimeout
	switch at(p.src, i) {
	case '{':
	case 'n':
		end, ok := scanLiteral(p.src, i, "null")
		if !ok {
			return end, p.syntax(end)
		}
		return end, nil
	default:
		return i, p.wrongType(i, "data.serverAttributes", "an object")
	}
	i, more, err := p.objBegin(i)
	for more {
		var key []byte
		var vi int
		if key, _, vi, err = p.member(i); err != nil {
			return vi, err
		}
		var null bool
		switch string(key) {
		case "maxInputBufferSizeInBytes":
			a.MaxInputBufferSizeInBytes, i, null, err = p.int(vi, math.MinInt64, math.MaxInt64, "data.serverAttributes.maxInputBufferSizeInBytes")
			a.Present.set(HasMaxInputBufferSize, !null)
		case "connectionTimeoutInMs":
			a.ConnectionTimeout_ms, i, null, err = p.int(vi, math.MinInt64, math.MaxInt64, "data.serverAttributes.connectionTimeoutInMs")
			a.Present.set(HasConnectionTimeout, !null)
		default:
			i, err = p.skip(vi, 3)
		}
		if err != nil {
			return i, err
		}
		if i, more, err = p.objNext(i); err != nil {
			return i, err
		}
	}
	return i, nil
}

// --- enum lookups: wire text (unescaped) to enum --------------------------

func sensorOf(b []byte) SensorType {
	switch string(b) {
	case "PLAYER":
		return SensorPlayer
	case "BALL":
		return SensorBall
	}
	return SensorUnknown
}

func shotStatusOf(b []byte) ShotStatus {
	if string(b) == "RECORDED" {
		return ShotStatusRecorded
	}
	return ShotStatusUnknown
}

func statOf(b []byte) (Stat, bool) {
	switch string(b) {
	case "FGA":
		return StatFGA, true
	case "FG":
		return StatFG, true
	case "FGA3":
		return StatFGA3, true
	case "FG3":
		return StatFG3, true
	case "FTA":
		return StatFTA, true
	case "FT":
		return StatFT, true
	case "PTS":
		return StatPTS, true
	case "AST":
		return StatAST, true
	case "TO":
		return StatTO, true
	case "STL":
		return StatSTL, true
	case "REB":
		return StatREB, true
	case "OFFENSIVE_REB":
		return StatOffensiveREB, true
	case "DEFENSIVE_REB":
		return StatDefensiveREB, true
	case "DIST":
		return StatDIST, true
	}
	return 0, false
}

func markerOf(b []byte) MarkerType {
	switch string(b) {
	case "PLAY_START":
		return MarkerPlayStart
	case "END_FIRST_HALF":
		return MarkerEndFirstHalf
	case "PLAY_NEXT":
		return MarkerPlayNext
	case "START_SECOND_HALF":
		return MarkerStartSecondHalf
	case "PLAY_END":
		return MarkerPlayEnd
	case "DRILL_START":
		return MarkerDrillStart
	case "DRILL_END":
		return MarkerDrillEnd
	case "DRILL_NEXT":
		return MarkerDrillNext
	case "PRACTICE_END":
		return MarkerPracticeEnd
	case "LIVE":
		return MarkerLive
	case "PAUSED":
		return MarkerPaused
	case "FOUL":
		return MarkerFoul
	}
	return MarkerUnknown
}

func classOf(b []byte) Classification {
	switch string(b) {
	case "FREE_THROW_MISS":
		return ClassFreeThrowMiss
	case "FREE_THROW_MAKE":
		return ClassFreeThrowMake
	case "TWO_POINT_MISS":
		return ClassTwoPointMiss
	case "TWO_POINT_MAKE":
		return ClassTwoPointMake
	case "THREE_POINT_MISS":
		return ClassThreePointMiss
	case "THREE_POINT_MAKE":
		return ClassThreePointMake
	case "ASSIST":
		return ClassAssist
	case "TURNOVER":
		return ClassTurnover
	case "STEAL":
		return ClassSteal
	case "REBOUND":
		return ClassRebound
	case "OFFENSIVE_REBOUND":
		return ClassOffensiveRebound
	case "DEFENSIVE_REBOUND":
		return ClassDefensiveRebound
	case "DISTANCE":
		return ClassDistance
	case "DELETED_FREE_THROW_MISS":
		return ClassDeletedFreeThrowMiss
	case "DELETED_FREE_THROW_MAKE":
		return ClassDeletedFreeThrowMake
	case "UPDATED_FREE_THROW_MAKE_TO_MISS":
		return ClassUpdatedFreeThrowMakeToMiss
	case "UPDATED_FREE_THROW_MISS_TO_MAKE":
		return ClassUpdatedFreeThrowMissToMake
	case "DELETED_TWO_POINT_MISS":
		return ClassDeletedTwoPointMiss
	case "DELETED_TWO_POINT_MAKE":
		return ClassDeletedTwoPointMake
	case "UPDATED_TWO_POINT_MAKE_TO_MISS":
		return ClassUpdatedTwoPointMakeToMiss
	case "UPDATED_TWO_POINT_MISS_TO_MAKE":
		return ClassUpdatedTwoPointMissToMake
	case "DELETED_THREE_POINT_MISS":
		return ClassDeletedThreePointMiss
	case "DELETED_THREE_POINT_MAKE":
		return ClassDeletedThreePointMake
	case "UPDATED_THREE_POINT_MAKE_TO_MISS":
		return ClassUpdatedThreePointMakeToMiss
	case "UPDATED_THREE_POINT_MISS_TO_MAKE":
		return ClassUpdatedThreePointMissToMake
	case "DELETED_ASSIST":
		return ClassDeletedAssist
	case "DELETED_TURNOVER":
		return ClassDeletedTurnover
	case "DELETED_STEAL":
		return ClassDeletedSteal
	case "DELETED_REBOUND":
		return ClassDeletedRebound
	case "DELETED_OFFENSIVE_REBOUND":
		return ClassDeletedOffensiveRebound
	case "DELETED_DEFENSIVE_REBOUND":
		return ClassDeletedDefensiveRebound
	}
	return ClassUnknown
}
