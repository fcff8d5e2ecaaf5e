package track

import (
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/internal/fifo"
)

// ShotKey is what makes two feed shot messages the same shot: the same
// player, occurred_at, make, zone and hoop_player_x/y. A shot the feed
// delivers twice (a websocket dump across a reconnect, a recording
// concatenated twice) counts once: the engine drops the repeat
// (Quality.RepeatedShots), and `stmotion live` keeps it out of its
// recording with the same key, so that live and the analysis of its
// bundle agree. A correction (a make turned into a miss) is another key,
// and counts.
type ShotKey struct {
	PlayerID, OccurredAt_ms        int64
	HoopPlayerX_mm, HoopPlayerY_mm int32
	Zone                           uint8
	IsMake                         bool
}

// ShotKeyOf returns the key of s.
func ShotKeyOf(s *decode.Shot) ShotKey {
	return ShotKey{s.PlayerID, s.OccurredAt_ms, s.HoopPlayerX_mm, s.HoopPlayerY_mm, s.Zone, s.IsMake}
}

// MarkerKey is what makes two marker messages the same marker: the same
// type and occurred_at, and for a marker that names a live id (PLAY_NEXT,
// DRILL_NEXT) or has a type this module does not know, the same type text
// and live id, JSON escapes decoded (`next\u002dhalf` is `next-half`, the
// live id the engine and `stmotion live` move to). A server resends
// markers on connect: a repeated PLAY_START opened another period, and
// the whole game was numbered period 2. The engine drops the repeat
// (Quality.RepeatedMarkers), and `stmotion live` keeps it out of its
// recording with the same key.
type MarkerKey struct {
	OccurredAt_ms int64
	Type          decode.MarkerType
	Text          string // "type text|live id" (unescaped), only as said above
}

// MarkerKeyOf returns the key of m, decoded from line (its texts are
// read from it; nil: they count as empty, as Session.Feed leaves the
// next live id empty). It allocates only for the markers whose key holds
// text, a few per game, and then once (the key's string), escapes or
// not, for texts up to markerKeyBuf bytes.
func MarkerKeyOf(m *decode.Marker, line []byte) MarkerKey {
	k := MarkerKey{OccurredAt_ms: m.OccurredAt_ms, Type: m.Type}
	if m.Type == decode.MarkerUnknown || m.LiveID.Len() > 0 {
		var buf [markerKeyBuf]byte
		b := m.TypeText.AppendUnescaped(buf[:0], line)
		b = append(b, '|')
		k.Text = string(m.LiveID.AppendUnescaped(b, line))
	}
	return k
}

// markerKeyBuf is the stack buffer MarkerKeyOf builds a key's text in: a
// marker type and a UUID live id fit.
const markerKeyBuf = 96

// The bounds of the engine's repeat check: it remembers at most
// MaxRepeatShots shots and MaxRepeatMarkers markers (and
// MaxRepeatMarkerText_B bytes of the markers' key texts), the oldest
// forgotten beyond (Quality.RepeatsForgotten), so that a feed sending
// endless distinct shots or markers costs a bounded amount of memory, a
// few MB at most (2 M distinct shots fed to a session once left 202 MB
// of heap in use, now 5 MB: TestRepeatsBounded). A game stays far below
// them: a simulated 12-minute game has 34 shots and 26 markers, a
// 48-minute one 123 and 59; a repeat comes after a reconnect, of what
// was fed not long before. `stmotion live`'s duplicate filter keeps as
// many.
const (
	MaxRepeatShots        = 1 << 14
	MaxRepeatMarkers      = 1 << 12
	MaxRepeatMarkerText_B = 1 << 20
)

// repeats remembers the shots and markers a session was fed, up to the
// bounds above (forgetting the oldest first), to drop repeats.
type repeats struct {
	shots   *fifo.Set[ShotKey]
	markers *fifo.Set[MarkerKey]
	// rest holds the player and time of the shots made of REST state
	// (backfill.Made): the feed's own copy of one, delivered after the
	// REST state fed it, is dropped whatever its other fields.
	rest *fifo.Set[[2]int64]
}

func (r *repeats) init() {
	r.shots = fifo.New[ShotKey](MaxRepeatShots, nil, 0)
	r.rest = fifo.New[[2]int64](MaxRepeatShots, nil, 0)
	r.markers = fifo.New(MaxRepeatMarkers, func(k MarkerKey) int { return len(k.Text) }, MaxRepeatMarkerText_B)
}

// shot reports whether s was fed before (and is still remembered), and
// remembers it otherwise.
func (r *repeats) shot(s *decode.Shot) bool { return r.shots.Mark(ShotKeyOf(s)) }

// restShot reports whether s, received, is the feed's copy of a shot
// made of REST state (the same player and time, whatever its other
// fields: a correction since); made remembers a shot made of REST state.
func (r *repeats) restShot(s *decode.Shot, made bool) bool {
	k := [2]int64{s.PlayerID, s.OccurredAt_ms}
	if made {
		r.rest.Mark(k)
		return false
	}
	return r.rest.Has(k)
}

// marker reports whether m (decoded from line) was fed before (and is
// still remembered), and remembers it otherwise.
func (r *repeats) marker(m *decode.Marker, line []byte) bool {
	return r.markers.Mark(MarkerKeyOf(m, line))
}

// forgotten counts the shot and marker keys forgotten to stay within the
// bounds: repeats of them are no longer dropped.
func (r *repeats) forgotten() int64 { return r.shots.Forgotten() + r.markers.Forgotten() }
