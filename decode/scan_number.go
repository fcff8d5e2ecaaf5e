package decode

import (
	"math"
	"strconv"
)

// number is a JSON number as read from the wire, in a form that answers
// "is it an integer, and does it fit" exactly, whatever its spelling
// (15, 15.0, 1.5e1 and 1500e-2 are the same integer).
//
// With the significant digits d1 d2 ... (leading zeros dropped), the value
// is 0.d1d2... × 10^dp. mant holds the first up to 19 significant digits,
// nmant how many; lastNZ is the 1-based position of the last non-zero
// significant digit; trunc says a non-zero digit was lost beyond mant.
type number struct {
	mant   uint64
	nmant  int
	dp     int
	lastNZ int
	neg    bool
	trunc  bool
}

// maxExp caps a parsed exponent; anything beyond is out of every range
// anyway, and the cap keeps dp arithmetic far from overflow.
const maxExp = 1 << 20

// parseNumber reads the JSON number at src[i], checking its grammar.
func parseNumber(src []byte, i int) (n number, end int, ok bool) {
	if at(src, i) == '-' {
		n.neg = true
		i++
	}
	nd := 0 // significant digits seen
	sawDot := false
	c := at(src, i)
	switch {
	case c == '0':
		i++
	case c-'1' < 9:
		for i < len(src) {
			d := src[i] - '0'
			if d >= 10 {
				break
			}
			nd++
			if n.nmant < 19 {
				n.mant = n.mant*10 + uint64(d)
				n.nmant++
			} else if d != 0 {
				n.trunc = true
			}
			if d != 0 {
				n.lastNZ = nd
			}
			i++
		}
	default:
		return n, i, false
	}
	if at(src, i) == '.' {
		sawDot = true
		n.dp = nd
		i++
		if at(src, i)-'0' >= 10 {
			return n, i, false
		}
		for i < len(src) {
			d := src[i] - '0'
			if d >= 10 {
				break
			}
			i++
			if d == 0 && nd == 0 {
				n.dp--
				continue
			}
			nd++
			if n.nmant < 19 {
				n.mant = n.mant*10 + uint64(d)
				n.nmant++
			} else if d != 0 {
				n.trunc = true
			}
			if d != 0 {
				n.lastNZ = nd
			}
		}
	}
	if !sawDot {
		n.dp = nd
	}
	if c := at(src, i); c == 'e' || c == 'E' {
		i++
		eneg := false
		if c := at(src, i); c == '+' || c == '-' {
			eneg = c == '-'
			i++
		}
		if at(src, i)-'0' >= 10 {
			return n, i, false
		}
		e := 0
		for i < len(src) {
			d := src[i] - '0'
			if d >= 10 {
				break
			}
			if e < maxExp {
				e = e*10 + int(d)
			}
			i++
		}
		if eneg {
			e = -e
		}
		n.dp += e
	}
	return n, i, true
}

// intStatus says why a number is not an integer in range.
type intStatus uint8

const (
	intOK intStatus = iota
	intFraction
	intRange
)

// pow10u holds 10^k for k = 0..19.
var pow10u = func() (t [20]uint64) {
	t[0] = 1
	for k := 1; k < 20; k++ {
		t[k] = t[k-1] * 10
	}
	return t
}()

// toInt returns the number as an integer in [lo, hi].
func (n *number) toInt(lo, hi int64) (int64, intStatus) {
	if n.lastNZ == 0 { // zero, however spelled
		if lo > 0 || hi < 0 {
			return 0, intRange
		}
		return 0, intOK
	}
	if n.lastNZ > n.dp {
		return 0, intFraction
	}
	if n.dp > 19 || n.trunc {
		return 0, intRange
	}
	// Drop the zeros after the last non-zero digit kept in mant, then scale:
	// value = mant × 10^(dp - lastNZ) with lastNZ <= dp <= 19.
	m := n.mant / pow10u[n.nmant-n.lastNZ]
	e := n.dp - n.lastNZ
	if m > math.MaxUint64/pow10u[e] {
		return 0, intRange
	}
	m *= pow10u[e]
	if n.neg {
		if m > 1<<63 || -int64(m) < lo {
			return 0, intRange
		}
		return -int64(m), intOK
	}
	if m > math.MaxInt64 || int64(m) > hi {
		return 0, intRange
	}
	return int64(m), intOK
}

// pow10f holds the powers of ten that are exact in float64.
var pow10f = [23]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// toFloat returns the float64 nearest to the number text (which parseNumber
// read into n), as strconv.ParseFloat does; ok is false when it overflows.
// Short mantissas with small exponents take the exact path (one correctly
// rounded multiply or divide); the rest go through strconv.
func (n *number) toFloat(text []byte) (float64, bool) {
	if n.lastNZ == 0 {
		if n.neg {
			return math.Copysign(0, -1), true
		}
		return 0, true
	}
	if !n.trunc && n.lastNZ <= 15 {
		m := n.mant / pow10u[n.nmant-n.lastNZ]
		e := n.dp - n.lastNZ
		f := float64(m)
		if n.neg {
			f = -f
		}
		if e >= 0 && e <= 22 {
			return f * pow10f[e], true
		}
		if e < 0 && e >= -22 {
			return f / pow10f[-e], true
		}
	}
	f, err := strconv.ParseFloat(bytesToString(text), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}
