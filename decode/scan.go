package decode

import "math/bits"

// The JSON scanner under Decode: whitespace, strings, number grammar, and
// skipping whole values. Functions take the input and an index and return
// the index just past what they read; on failure they return the offset of
// the offending byte and ok == false. Nothing here allocates.

// maxDepth is the deepest nesting accepted, the same limit as encoding/json
// (the top-level object is depth 1), so both agree on what is valid.
const maxDepth = 10000

// strPlain marks bytes that need no attention inside a JSON string: not a
// control character, quote or backslash. Bytes >= 0x80 pass unchecked, as
// in encoding/json: strings are not validated as UTF-8.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipWS returns the index of the first non-whitespace byte at or after i.
// Gaps of random length (0, 1, 2 spaces or tabs, as a producer that pads
// freely writes them) would make a byte loop mispredict its exit; 8 bytes
// are classified at once instead (wsRun), so short gaps cost no branch.
// This part is small enough to be inlined; long gaps and the last bytes of
// the input go to skipWSLong.
func skipWS(src []byte, i int) int {
	if len(src)-i >= 8 {
		if n := wsRun(load8(src, i)); n < 8 {
			return i + n
		}
	}
	return skipWSLong(src, i)
}

func skipWSLong(src []byte, i int) int {
	for len(src)-i >= 8 {
		n := wsRun(load8(src, i))
		i += n
		if n < 8 {
			return i
		}
	}
	if len(src) >= 8 && i >= 0 && i < len(src) {
		// The last 1-7 bytes (the end of most messages), from the last word
		// of the input shifted down: the zero bytes shifted in are not
		// whitespace, so the run stops at the end at the latest.
		return i + wsRun(load8(src, len(src)-8)>>(8*uint(8-(len(src)-i))&63))
	}
	for i < len(src) {
		c := src[i]
		if c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
			return i
		}
		i++
	}
	return i
}

// at returns src[i], or 0 past the end. 0 is never valid outside a string,
// so callers treat the end of input like any unexpected byte.
func at(src []byte, i int) byte {
	if uint(i) < uint(len(src)) {
		return src[i]
	}
	return 0
}

func isHex(c byte) bool {
	return c-'0' < 10 || (c|0x20)-'a' < 6
}

// scanString scans the string whose opening quote is src[i]. It returns the
// index just past the closing quote and whether the string holds escapes.
func scanString(src []byte, i int) (end int, esc bool, ok bool) {
	i++
	// Common case first: no escapes, 8 bytes at a time up to the quote.
	for len(src)-i >= 8 {
		m := stringStop(load8(src, i))
		if m == 0 {
			i += 8
			continue
		}
		i += bits.TrailingZeros64(m) >> 3
		if src[i] == '"' {
			return i + 1, false, true
		}
		break
	}
	for {
		for len(src)-i >= 8 {
			if m := stringStop(load8(src, i)); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		for i < len(src) && strPlain[src[i]] {
			i++
		}
		if i >= len(src) {
			return i, esc, false
		}
		switch src[i] {
		case '"':
			return i + 1, esc, true
		case '\\':
			esc = true
			switch at(src, i+1) {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if !isHex(at(src, k)) {
						return k, esc, false
					}
				}
				i += 6
			default:
				return i + 1, esc, false
			}
		default: // a control character
			return i, esc, false
		}
	}
}

// scanNumber checks the JSON number grammar at src[i] and returns the index
// just past the number. What follows is the caller's business ("01" scans
// as "0" followed by an unexpected "1").
func scanNumber(src []byte, i int) (int, bool) {
	if at(src, i) == '-' {
		i++
	}
	switch c := at(src, i); {
	case c == '0':
		i++
	case c-'1' < 9:
		i++
		for i < len(src) && src[i]-'0' < 10 {
			i++
		}
	default:
		return i, false
	}
	if at(src, i) == '.' {
		i++
		if at(src, i)-'0' >= 10 {
			return i, false
		}
		for i < len(src) && src[i]-'0' < 10 {
			i++
		}
	}
	if c := at(src, i); c == 'e' || c == 'E' {
		i++
		if c := at(src, i); c == '+' || c == '-' {
			i++
		}
		if at(src, i)-'0' >= 10 {
			return i, false
		}
		for i < len(src) && src[i]-'0' < 10 {
			i++
		}
	}
	return i, true
}

// scanLiteral checks that src[i:] starts with lit (true, false or null).
func scanLiteral(src []byte, i int, lit string) (int, bool) {
	for k := 0; k < len(lit); k++ {
		if at(src, i+k) != lit[k] {
			return i + k, false
		}
	}
	return i + len(lit), true
}

// isNull reports whether the value at src[i] is the literal null.
func isNull(src []byte, i int) bool {
	return len(src)-i >= 4 && string(src[i:i+4]) == "null"
}

// skipScalar skips a string, number or literal at src[i].
func skipScalar(src []byte, i int) (int, bool) {
	switch c := at(src, i); c {
	case '"':
		end, _, ok := scanString(src, i)
		return end, ok
	case 't':
		return scanLiteral(src, i, "true")
	case 'f':
		return scanLiteral(src, i, "false")
	case 'n':
		return scanLiteral(src, i, "null")
	default:
		if c == '-' || c-'0' < 10 {
			return scanNumber(src, i)
		}
		return i, false
	}
}

// skipValue skips the value at src[i], inside containers nested depth deep,
// checking its syntax fully. Containers are walked iteratively with one bit
// per level in d.kinds (1 = object), so deep input costs no stack.
func (d *Decoder) skipValue(src []byte, i, depth int) (int, bool) {
	c := at(src, i)
	if c != '{' && c != '[' {
		return skipScalar(src, i)
	}
	top := depth
	for {
		// src[i] opens a container.
		top++
		if top > maxDepth {
			return i, false
		}
		obj := src[i] == '{'
		w, bit := top>>6, uint64(1)<<(top&63)
		if obj {
			d.kinds[w] |= bit
		} else {
			d.kinds[w] &^= bit
		}
		i = skipWS(src, i+1)
		c = at(src, i)
		if (obj && c == '}') || (!obj && c == ']') {
			i++
			goto closed
		}
	member:
		if obj {
			if c != '"' {
				return i, false
			}
			var ok bool
			if i, _, ok = scanString(src, i); !ok {
				return i, false
			}
			i = skipWS(src, i)
			if at(src, i) != ':' {
				return i, false
			}
			i = skipWS(src, i+1)
			c = at(src, i)
		}
		if c == '{' || c == '[' {
			continue
		}
		{
			var ok bool
			if i, ok = skipScalar(src, i); !ok {
				return i, false
			}
		}
		goto after
	closed:
		top--
		if top == depth {
			return i, true
		}
	after:
		i = skipWS(src, i)
		c = at(src, i)
		obj = d.kinds[top>>6]&(1<<(top&63)) != 0
		switch {
		case c == ',':
			i = skipWS(src, i+1)
			c = at(src, i)
			goto member
		case (obj && c == '}') || (!obj && c == ']'):
			i++
			goto closed
		}
		return i, false
	}
}
