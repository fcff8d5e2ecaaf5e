package decode

import (
	"math"
)

// The general path's location loop. Producers that do not keep the key
// order also vary it (and the padding) from message to message, so the
// branch predictor cannot learn a layout: what costs here is mispredicted
// branches, not instructions. The loop therefore finds the field with a
// table lookup instead of a switch (locKeyScan: the key's first byte picks
// the only candidate, compared as two masked words), parses plain integers
// without data-dependent branches (numBF), stores into an array indexed by
// field, and skips whitespace a word at a time (skipWS). Anything unusual
// (escapes, null, fractions, unknown keys, errors) takes the slow branch,
// which holds the same logic as the other kinds' loops.

// Location field indexes; bit k of the seen set is field k (locOccurred is
// 1<<locIdxOccurred and so on).
const (
	locIdxOccurred = iota
	locIdxType
	locIdxID
	locIdxX
	locIdxY
	locIdxZ
	locIdxN
)

// locLo and locHi are the ranges of the numeric fields.
var (
	locLo = [locIdxN]int64{math.MinInt64, 0, math.MinInt64, math.MinInt32, math.MinInt32, math.MinInt32}
	locHi = [locIdxN]int64{math.MaxInt64, 0, math.MaxInt64, math.MaxInt32, math.MaxInt32, math.MaxInt32}
)

// locKey is one entry of the key table: the key's bytes followed by its
// closing quote, as two masked words.
type locKey struct {
	w0, m0 uint64 // the first 8 bytes after the opening quote, and their mask
	w1, m1 uint64 // the next 8
	n      int    // the key's length
	k      int    // its field index
}

// locKeyOf maps the first byte of a key to its entry in locKeys: the six
// location keys start with six different bytes, so one byte picks the only
// candidate; entry 0 matches nothing (its mask clears a word that must
// then equal 1).
var (
	locKeyOf [256]uint8
	locKeys  [locIdxN + 1]locKey
)

func init() {
	locKeys[0] = locKey{w0: 1}
	for k, name := range [locIdxN]string{"occurred_at", "type", "id", "x", "y", "z"} {
		var b [16]byte
		copy(b[:], `"`+name+`"`)
		n := len(name) + 2
		m0 := ^uint64(0) >> (64 - 8*min(n, 8))
		m1 := uint64(0)
		if n > 8 {
			m1 = ^uint64(0) >> (128 - 8*n)
		}
		locKeys[k+1] = locKey{word(string(b[:]), 0) & m0, m0, word(string(b[:]), 8) & m1, m1, len(name), k}
		locKeyOf[name[0]] = uint8(k + 1)
	}
}

// locKeyScan reads the key string at src[i] if it is one of the location
// keys, written without escapes: its bytes with both quotes are compared,
// two words at once, with the only key that starts with the same byte. It
// needs len(src)-i >= 16; ok is false for anything else (the caller then
// checks for a quote and scans the string with scanString).
func locKeyScan(src []byte, i int) (k, end int, ok bool) {
	w0, w1 := load8(src, i), load8(src, i+8)
	t := &locKeys[locKeyOf[byte(w0>>8)]]
	if w0&t.m0 != t.w0 || w1&t.m1 != t.w1 {
		return -1, i, false
	}
	return t.k, i + t.n + 2, true
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// numBF parses an optionally negative integer of 1 to 15 digits without a
// superfluous leading zero at src[i:], like fastNum but without branches
// that depend on the sign or the length (two words are always looked at).
// It needs len(src) >= 8 and i < len(src).
func numBF(src []byte, i int) (int64, int, bool) {
	neg := b2u(src[i] == '-')
	i += int(neg)
	var v, w uint64
	if len(src)-i >= 16 {
		v, w = load8(src, i), load8(src, i+8)
	} else {
		v, w = loadPad(src, min(i, len(src))), loadPad(src, min(i+8, len(src)))
	}
	n := digitRun(v)
	u := digits8(v, n)
	m := digitRun(w) & -int(n>>3) // second word only after 8 digits
	u = u*pow10u[m] + digits8(w, m)&-b2u(m != 0)
	n += m
	ok := n >= 1 && m < 8 && (n == 1 || v&0xFF != '0')
	u = (u ^ -neg) + neg // two's complement negation when neg
	return int64(u), i + n, ok
}

// The sensor types as little-endian words, quotes included.
var (
	wPlayerVal = word(`"PLAYER"`, 0)
	wBallVal   = word(`"BALL"`+"\x00\x00", 0) & (1<<48 - 1)
)

// location reads a location's data into l: all six fields are required.
func (p *parser) location(i int, l *Location) (int, error) {
	src := p.src
	*l = Location{}
	obj := i
	var seen uint8
	var vals [locIdxN]int64
	i = skipWS(src, i+1)
	if at(src, i) == '}' {
		return i + 1, p.missing(obj, seen, locAll, locNames)
	}
	big := len(src) >= 16
	for {
		k, end, ok := -1, 0, false
		if len(src)-i >= 16 {
			k, end, ok = locKeyScan(src, i)
		}
		if !ok {
			if at(src, i) != '"' {
				return i, p.syntax(i)
			}
			var esc bool
			end, esc, ok = scanString(src, i)
			if !ok {
				return end, p.syntax(end)
			}
			if esc {
				k = locIndexOf(locField(p.unescape(src[i+1 : end-1])))
			} else {
				k = locIndexOf(locFieldAt(src, i+1, end-1))
			}
		}
		if sep, j, ok := gapSep(src, end); ok && sep == ':' {
			i = j
		} else {
			i = skipWS(src, end)
			if at(src, i) != ':' {
				return i, p.syntax(i)
			}
			i = skipWS(src, i+1)
		}

		if k >= 0 && k != locIdxType && big && i < len(src) {
			v, j, ok := numBF(src, i)
			if ok && v >= locLo[k] && v <= locHi[k] {
				// A ',' after the whitespace that follows also says that
				// the number ends here (no fraction or exponent).
				if sep, j2, ok := gapSep(src, j); ok && sep == ',' {
					vals[k] = v
					seen |= 1 << k
					i = j2
					continue
				}
				if c := at(src, j); c != '.' && c != 'e' && c != 'E' {
					vals[k] = v
					seen |= 1 << k
					i = j
					goto afterGap
				}
			}
		}
		{ // the slow branch
			var null bool
			var err error
			switch k {
			case locIdxType:
				// "PLAYER" and "BALL" as one word; other values (and
				// escapes) as any string.
				if len(src)-i >= 8 {
					if w := load8(src, i); w == wPlayerVal {
						l.Sensor, l.SensorText, i = SensorPlayer, Span{int32(i + 1), int32(i + 7)}, i+8
						break
					} else if w&(1<<48-1) == wBallVal {
						l.Sensor, l.SensorText, i = SensorBall, Span{int32(i + 1), int32(i + 5)}, i+6
						break
					}
				}
				var esc bool
				l.SensorText, esc, i, null, err = p.strEsc(i, "data.type")
				l.Sensor = sensorOf(p.text(l.SensorText, esc))
			case -1:
				i, err = p.skip(i, 2)
			default:
				vals[k], i, null, err = p.int(i, locLo[k], locHi[k], locNames[k])
			}
			if err != nil {
				return i, err
			}
			if k >= 0 {
				seen = mark(seen, 1<<k, null)
			}
		}
		if sep, j, ok := gapSep(src, i); ok && sep == ',' {
			i = j
			continue
		}
	afterGap:
		i = skipWS(src, i)
		c := at(src, i)
		if c == ',' {
			i = skipWS(src, i+1)
			continue
		}
		if c != '}' {
			return i, p.syntax(i)
		}
		i++
		break
	}
	l.OccurredAt_ms = vals[locIdxOccurred]
	l.ID = vals[locIdxID]
	l.X_mm = int32(vals[locIdxX])
	l.Y_mm = int32(vals[locIdxY])
	l.Z_mm = int32(vals[locIdxZ])
	if seen != locAll {
		return i, p.missing(obj, seen, locAll, locNames)
	}
	return i, nil
}

// locIndexOf turns a location field bit into its index, -1 for 0.
func locIndexOf(f uint8) int {
	for k := 0; k < locIdxN; k++ {
		if f == 1<<k {
			return k
		}
	}
	return -1
}
