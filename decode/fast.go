package decode

// The fast path: a location message exactly as the feed writes it,
//
//	{"type":"location","data":{"occurred_at":1478800197342,"type":"PLAYER","id":123,"x":123,"y":456,"z":789}}
//
// recognised by comparing literal pieces 8 bytes at a time and parsing the
// plain integers in between a word at a time (scan_swar.go). Anything else
// (other key order, whitespace inside, fractions, exponents, leading zeros,
// out-of-range numbers, escapes) makes it give up without touching m, and
// the general decoder handles the message, so both paths agree by
// construction: the fast path accepts a strict subset and fills the same
// fields. TestFastPathAgrees and FuzzDecode check it.

const (
	locPrefix = `{"type":"location","data":{"occurred_at":`
	locPlayer = `,"type":"PLAYER","id":`
	locBall   = `,"type":"BALL","id":`
)

// The literal pieces as little-endian words, for comparing with load8.
var (
	wPrefix = [5]uint64{word(locPrefix, 0), word(locPrefix, 8), word(locPrefix, 16), word(locPrefix, 24), word(locPrefix, 32)}
	wPlayer = [3]uint64{word(locPlayer, 0), word(locPlayer, 8), word(locPlayer, 14)}
	wBall   = [3]uint64{word(locBall, 0), word(locBall, 8), word(locBall, 12)}
	wX      = word(`,"x":`+"\x00\x00\x00", 0) // 5 bytes, masked
	wY      = word(`,"y":`+"\x00\x00\x00", 0)
	wZ      = word(`,"z":`+"\x00\x00\x00", 0)
)

const mask5 = 1<<40 - 1

func word(s string, i int) uint64 {
	var w uint64
	for k := 7; k >= 0; k-- {
		w = w<<8 | uint64(s[i+k])
	}
	return w
}

// loadPad returns the 8 bytes at src[i:], or the ones left zero-padded
// (zero is not a digit). It needs len(src) >= 8 and i <= len(src).
func loadPad(src []byte, i int) uint64 {
	if len(src)-i >= 8 {
		return load8(src, i)
	}
	return load8(src, len(src)-8) >> (8 * uint(8-(len(src)-i)))
}

// fastNum parses an optionally negative integer of 1 to 16 digits without
// a superfluous leading zero at src[i:], returning the index after it.
func fastNum(src []byte, i int) (int64, int, bool) {
	neg := src[i] == '-'
	if neg {
		i++
	}
	v := loadPad(src, i)
	n := digitRun(v)
	u := digits8(v, n)
	if n == 8 {
		w := loadPad(src, i+8)
		m := digitRun(w)
		if m == 8 && at(src, i+16)-'0' < 10 {
			return 0, i, false
		}
		if m > 0 {
			u = u*pow10u[m] + digits8(w, m)
			n += m
		}
	}
	if n == 0 || (n > 1 && v&0xFF == '0') {
		return 0, i, false
	}
	if neg {
		return -int64(u), i + n, true
	}
	return int64(u), i + n, true
}

// fastLocation decodes src if it is a canonical location message.
func (d *Decoder) fastLocation(src []byte, m *Message) bool {
	_, ok := fastLocationEnd(src, m, false)
	return ok
}

// fastLocationEnd decodes the canonical location message at the start of
// src. With line false, src must hold the message and nothing but
// whitespace after it. With line true, src is the rest of a recording's
// text: the message must end its line, with "\n" or "\r\n", and end is
// the index of that "\n". m is written only when ok.
func fastLocationEnd(src []byte, m *Message, line bool) (end int, ok bool) {
	const minLen = len(locPrefix) + len(locBall) + len(`0,"x":0,"y":0,"z":0}}`) + 1
	if len(src) < minLen || len(src) > 1<<20 ||
		load8(src, 0) != wPrefix[0] || load8(src, 8) != wPrefix[1] || load8(src, 16) != wPrefix[2] ||
		load8(src, 24) != wPrefix[3] || load8(src, 32) != wPrefix[4] || src[40] != ':' {
		return 0, false
	}
	t, i, ok := fastNum(src, len(locPrefix))
	if !ok || len(src)-i < len(locPlayer)+8 {
		return 0, false
	}
	var sensor SensorType
	var text Span
	switch w := load8(src, i); {
	case w == wPlayer[0] && load8(src, i+8) == wPlayer[1] && load8(src, i+14) == wPlayer[2]:
		sensor = SensorPlayer
		text = Span{int32(i + 9), int32(i + 15)}
		i += len(locPlayer)
	case w == wBall[0] && load8(src, i+8) == wBall[1] && load8(src, i+12) == wBall[2]:
		sensor = SensorBall
		text = Span{int32(i + 9), int32(i + 13)}
		i += len(locBall)
	default:
		return 0, false
	}
	id, i, ok := fastNum(src, i)
	if !ok || len(src)-i < 8 || load8(src, i)&mask5 != wX {
		return 0, false
	}
	x, i, ok := fastNum(src, i+5)
	if !ok || x != int64(int32(x)) || len(src)-i < 8 || load8(src, i)&mask5 != wY {
		return 0, false
	}
	y, i, ok := fastNum(src, i+5)
	if !ok || y != int64(int32(y)) || len(src)-i < 7 || loadPad(src, i)&mask5 != wZ {
		return 0, false
	}
	z, i, ok := fastNum(src, i+5)
	if !ok || z != int64(int32(z)) || len(src)-i < 2 || src[i] != '}' || src[i+1] != '}' {
		return 0, false
	}
	end = i + 2
	switch {
	case !line:
		if end < len(src) && skipWS(src, end) != len(src) {
			return 0, false
		}
	case at(src, end) == '\n':
	case at(src, end) == '\r' && at(src, end+1) == '\n':
		end++
	default:
		return 0, false
	}
	m.Kind = KindLocation
	m.TypeText = Span{9, 17}
	m.Location = Location{
		OccurredAt_ms: t,
		Sensor:        sensor,
		SensorText:    text,
		ID:            id,
		X_mm:          int32(x),
		Y_mm:          int32(y),
		Z_mm:          int32(z),
	}
	return end, true
}
