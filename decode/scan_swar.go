package decode

import (
	"encoding/binary"
	"math/bits"
)

// Word-at-a-time ("SIMD within a register") helpers: they look at 8 input
// bytes per step, loaded little-endian so that the first byte is the lowest.
// Each needs 8 readable bytes; callers fall back to byte loops near the end
// of the input.

const (
	swarOnes  = 0x0101010101010101
	swarHighs = 0x8080808080808080
)

func load8(src []byte, i int) uint64 { return binary.LittleEndian.Uint64(src[i : i+8]) }

// hasZeroByte marks (high bit) the zero bytes of x. Bytes above a true zero
// may be marked too, so only the lowest mark is exact.
func hasZeroByte(x uint64) uint64 { return (x - swarOnes) & ^x & swarHighs }

// nonWSMask marks (high bit) exactly the bytes of v that are not JSON
// whitespace: a byte is non-zero after XOR with each whitespace class
// (x&low7 + low7 | x has the high bit set iff x != 0, with no carry).
func nonWSMask(v uint64) uint64 {
	const low7 = 0x7F7F7F7F7F7F7F7F
	a := v ^ (swarOnes * ' ')
	b := v&^(swarOnes*4) ^ (swarOnes * '\t') // tab and CR
	c := v ^ (swarOnes * '\n')
	return (a&low7 + low7 | a) & (b&low7 + low7 | b) & (c&low7 + low7 | c) & swarHighs
}

// wsRun returns how many of the 8 bytes in v, from the first, are JSON
// whitespace: 0-8, without branches.
func wsRun(v uint64) int {
	return bits.TrailingZeros64(nonWSMask(v)) >> 3
}

// gapSep reads whitespace, one separator byte and whitespace at src[i:]
// from a single 8-byte word: the gap around a ':' or ','. It returns the
// separator and the index after the whitespace that follows it; ok is
// false when the gap does not fit in the word (or fewer than 8 bytes are
// left), and the caller then reads it with skipWS.
func gapSep(src []byte, i int) (sep byte, j int, ok bool) {
	if len(src)-i < 8 {
		return 0, i, false
	}
	v := load8(src, i)
	other := nonWSMask(v)
	n1 := bits.TrailingZeros64(other) >> 3
	sep = byte(v >> (8 * uint(n1) & 63))
	// For n1 >= 7 the masked shift reads garbage, but then n1+1+n2 >= 8
	// and the gap is not taken anyway.
	n2 := bits.TrailingZeros64(other>>((8*uint(n1)+8)&63)) >> 3
	j = i + n1 + 1 + n2
	return sep, j, n1+1+n2 < 8
}

// stringStop marks the bytes that end a plain run inside a JSON string:
// '"', '\\' and control characters (< 0x20). The lowest mark is exact.
func stringStop(v uint64) uint64 {
	return hasZeroByte(v^(swarOnes*'"')) | hasZeroByte(v^(swarOnes*'\\')) | ((v - swarOnes*0x20) & ^v & swarHighs)
}

// digitRun returns how many of the 8 bytes in v, from the first, are ASCII
// digits (0-8). A byte is a digit when its high nibble is 3 both as is and
// after adding 6; the carry of a byte >= 0xFA can only disturb bytes after
// a non-digit, which are not counted anyway.
func digitRun(v uint64) int {
	x := (v & 0xF0F0F0F0F0F0F0F0) ^ 0x3030303030303030
	y := ((v + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) ^ 0x3030303030303030
	return bits.TrailingZeros64(x|y) >> 3
}

// digits8 returns the value of the first n (1-8) bytes of v, all digits
// (for n == 0 the result is meaningless):
// the digits are shifted to the top so that the low bytes read as leading
// zeros, then combined pairwise (2, 4, 8 digits) with three multiplies.
func digits8(v uint64, n int) uint64 {
	v = (v - swarOnes*'0') << ((64 - 8*uint(n)) & 63) // n >= 1: the mask only spares the compiler a >= 64 check
	v = v*10 + v>>8
	return ((v&0x000000FF000000FF)*(100+1000000<<32) + (v>>16&0x000000FF000000FF)*(1+10000<<32)) >> 32
}

// parseDigits reads the run of ASCII digits at src[i:] and returns its
// value and length. The value is exact for up to 19 digits; callers reject
// longer runs (and wrap-around) by the length.
func parseDigits(src []byte, i int) (u uint64, n int) {
	if len(src)-i >= 8 {
		v := load8(src, i)
		n = digitRun(v)
		if n == 0 {
			return 0, 0
		}
		u = digits8(v, n)
		if n < 8 {
			return u, n
		}
		if len(src)-i >= 16 {
			v = load8(src, i+8)
			m := digitRun(v)
			if m == 0 {
				return u, 8
			}
			u = u*pow10u[m] + digits8(v, m)
			n += m
			if m < 8 {
				return u, n
			}
		}
	}
	for i+n < len(src) {
		d := src[i+n] - '0'
		if d > 9 {
			break
		}
		u = u*10 + uint64(d)
		n++
	}
	return u, n
}
