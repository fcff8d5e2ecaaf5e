package decode

// The fast path: a location message exactly as the feed writes it,
//
//	{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":123,"x":123,"y":456,"z":789}}
//
// recognised by comparing literal pieces and parsing the plain integers in
// between. Anything else (other key order, whitespace inside, fractions,
// exponents, leading zeros, out-of-range numbers, escapes) makes it give up
// without touching m, and the general decoder handles the message, so both
// paths agree by construction: the fast path accepts a strict subset and
// fills the same fields. TestFastPathAgrees checks it.

const (
	locPrefix = `{"type":"location","data":{"occurred_at":`
	locPlayer = `,"type":"PLAYER","id":`
	locBall   = `,"type":"BALL","id":`
)

// fastInt parses an optionally negative run of at most 18 digits without a
// superfluous leading zero at src[i:], returning the index after it.
func fastInt(src []byte, i int) (int64, int, bool) {
	neg := false
	if i < len(src) && src[i] == '-' {
		neg = true
		i++
	}
	start := i
	var u uint64
	for i < len(src) {
		d := src[i] - '0'
		if d > 9 {
			break
		}
		u = u*10 + uint64(d)
		i++
	}
	n := i - start
	if n == 0 || n > 18 || (n > 1 && src[start] == '0') {
		return 0, i, false
	}
	if neg {
		return -int64(u), i, true
	}
	return int64(u), i, true
}

// fastCoord parses an int32 coordinate followed by the byte after.
func fastCoord(src []byte, i int, after byte) (int32, int, bool) {
	v, i, ok := fastInt(src, i)
	if !ok || v != int64(int32(v)) || i >= len(src) || src[i] != after {
		return 0, i, false
	}
	return int32(v), i + 1, true
}

// fastLocation decodes src if it is a canonical location message.
func (d *Decoder) fastLocation(src []byte, m *Message) bool {
	const minLen = len(locPrefix) + len(locBall) + len(`0,"x":0,"y":0,"z":0}}`) + 1
	if len(src) < minLen || len(src) > 1<<20 || string(src[:len(locPrefix)]) != locPrefix {
		return false
	}
	t, i, ok := fastInt(src, len(locPrefix))
	if !ok {
		return false
	}
	var sensor SensorType
	var text Span
	switch rest := src[i:]; {
	case len(rest) >= len(locPlayer) && string(rest[:len(locPlayer)]) == locPlayer:
		sensor = SensorPlayer
		text = Span{int32(i + 9), int32(i + 15)}
		i += len(locPlayer)
	case len(rest) >= len(locBall) && string(rest[:len(locBall)]) == locBall:
		sensor = SensorBall
		text = Span{int32(i + 9), int32(i + 13)}
		i += len(locBall)
	default:
		return false
	}
	id, i, ok := fastInt(src, i)
	if !ok || len(src)-i < 5 || string(src[i:i+5]) != `,"x":` {
		return false
	}
	x, i, ok := fastCoord(src, i+5, ',')
	if !ok || len(src)-i < 4 || string(src[i:i+4]) != `"y":` {
		return false
	}
	y, i, ok := fastCoord(src, i+4, ',')
	if !ok || len(src)-i < 4 || string(src[i:i+4]) != `"z":` {
		return false
	}
	z, i, ok := fastCoord(src, i+4, '}')
	if !ok || i >= len(src) || src[i] != '}' || skipWS(src, i+1) != len(src) {
		return false
	}
	m.Kind = KindLocation
	m.TypeText = Span{9, 17}
	m.Location = Location{
		OccurredAt_ms: t,
		Sensor:        sensor,
		SensorText:    text,
		ID:            id,
		X_mm:          x,
		Y_mm:          y,
		Z_mm:          z,
	}
	return true
}
