package decode

import (
	"math"
	"strconv"
)

// Decoder decodes ShotTracker messages. Its zero value is ready to use. It
// holds scratch space only (no buffered input and no results), so one
// Decoder serves a whole stream; it is not safe for concurrent use: give
// each goroutine its own.
type Decoder struct {
	kinds   [maxDepth/64 + 1]uint64 // skipValue's container stack, 1 bit per level
	scratch [600]byte               // unescaped keys and enum strings (<= 192 raw bytes)
	kept    Message                 // parts of the caller's Message before "data" went into them (parser.keep)
}

// Decode decodes one JSON message (one websocket frame or one recording
// line; whitespace around the object is allowed) into m. It allocates
// nothing unless it returns an error.
//
// On success m.Kind says which part of m holds the message; that part is
// reset and filled, the others are left as they were. Spans in m point into
// src and are valid as long as src is unchanged. On error m.Kind is
// KindUnknown, the rest of m is unspecified, and the error is an *Error
// wrapping ErrSyntax, ErrType, ErrMissing or ErrRange. When the input has
// both a syntax error and another problem, the syntax error is reported.
//
// Inputs of 2 GiB or more are rejected with ErrRange (Span offsets are
// int32).
func (d *Decoder) Decode(src []byte, m *Message) error {
	if d.fastLocation(src, m) {
		return nil
	}
	if len(src) > math.MaxInt32 {
		m.Kind = KindUnknown
		return &Error{Offset: math.MaxInt32, Err: ErrRange, Detail: "input longer than 2 GiB"}
	}
	p := parser{d: d, src: src, m: m}
	if p.looseLocation() {
		return nil
	}
	err := p.message()
	if err != nil {
		m.Kind = KindUnknown
		return err
	}
	return nil
}

// parser is the state of one general (key-by-key) decode.
type parser struct {
	d       *Decoder
	src     []byte
	m       *Message
	spec    bool     // decoding data before knowing its kind: errors are errSpeculation
	specLoc Location // where that guess decodes to
	kept    uint8    // bit k: m's part for Kind k is in d.kept (parser.keep)
}

// looseLocation decodes a location message whose top-level object holds
// just "type":"location" and "data" (in either order, with any whitespace,
// keys and the type without escapes): what a producer that does not keep
// the key order sends most. It is message() for that one shape, with few
// enough live values to stay in registers. On anything else, including
// any error, it returns false with m untouched, and message() decodes the
// input from the start.
func (p *parser) looseLocation() bool {
	src := p.src
	i := skipWS(src, 0)
	if at(src, i) != '{' {
		return false
	}
	i = skipWS(src, i+1)
	var typeAt int // the "location" string
	for n := 0; n < 2; n++ {
		if len(src)-i < 16 {
			return false
		}
		w := load8(src, i) & (1<<48 - 1)
		sep, j, ok := gapSep(src, i+6)
		if !ok || sep != ':' {
			return false
		}
		switch {
		case w == wTypeKey && typeAt == 0:
			if len(src)-j < 10 || load8(src, j) != wLocationVal || src[j+8] != 'n' || src[j+9] != '"' {
				return false
			}
			typeAt, i = j, j+10
		case w == wDataKey && (n == 0 || typeAt != 0):
			if at(src, j) != '{' {
				return false
			}
			var err error
			p.spec = true // a failure allocates nothing
			i, err = p.location(j, &p.specLoc)
			p.spec = false
			if err != nil {
				return false
			}
		default: // another key, or one of them twice
			return false
		}
		if n == 0 {
			if sep, j, ok := gapSep(src, i); ok && sep == ',' {
				i = j
				continue
			}
			if i = skipWS(src, i); at(src, i) != ',' {
				return false
			}
			i = skipWS(src, i+1)
		}
	}
	if i = skipWS(src, i); at(src, i) != '}' || skipWS(src, i+1) != len(src) {
		return false
	}
	m := p.m
	m.Kind = KindLocation
	m.TypeText = Span{int32(typeAt + 1), int32(typeAt + 9)}
	m.Location = p.specLoc
	return true
}

// errSpeculation stands for any non-syntax error found while decoding data
// under a guessed kind, so that a wrong guess allocates nothing.
var errSpeculation = &Error{Err: ErrType, Detail: "speculative decode failed"}

// Top-level literals as little-endian words (see word).
var (
	wTypeKey     = word(`"type"`+"\x00\x00", 0) & (1<<48 - 1)
	wDataKey     = word(`"data"`+"\x00\x00", 0) & (1<<48 - 1)
	wLocationVal = word(`"locatio`, 0)
)

// absent is the offset of a top-level key not (yet) seen.
const absent = -1

// message decodes the top-level object. Its keys are read first and
// interpreted once the object is closed, because "type" may come after
// "data"; "data" itself is decoded on the way when the type is known
// (into m's part, kept aside first in case a repeated "type" names
// another kind: keep, restore), or speculatively as a location when it is
// not (the bulk of any feed), and decoded again only if that guess was
// wrong.
func (p *parser) message() error {
	src := p.src
	i := skipWS(src, 0)
	objStart := i
	if at(src, i) != '{' {
		end, ok := p.d.skipValue(src, i, 0)
		if !ok {
			return p.syntax(end)
		}
		if j := skipWS(src, end); j < len(src) {
			return p.syntax(j)
		}
		return p.errAt(ErrType, i, "", "want a JSON object, got "+quoteInput(src, i))
	}

	var (
		typeOff   = absent // value offset of the last "type"
		typeSpan  Span
		typeKind  Kind
		typeOK    bool // the last "type" was a string
		dataOff   = absent
		actionOff = absent
		statusOff = absent
		msgOff    = absent
		reqOff    = absent

		inlineOff  = absent // "data" value decoded while reading, for inlineKind
		inlineKind Kind
		inlineSpec bool // ... as a guess, into p.specLoc
		inlineErr  error
	)

	i, more, err := p.objBegin(i)
	if err != nil {
		return err
	}
	for more {
		var key []byte
		vi := -1
		// The keys "type" and "data" are recognised as 6-byte words, their
		// ':' gap from one more word (the usual case; member otherwise).
		if len(src)-i >= 16 {
			if w := load8(src, i) & (1<<48 - 1); w == wTypeKey || w == wDataKey {
				if sep, j, ok := gapSep(src, i+6); ok && sep == ':' {
					key, vi = src[i+1:i+5], j
				}
			}
		}
		if vi < 0 {
			if key, _, vi, err = p.member(i); err != nil {
				return err
			}
		}
		switch string(key) {
		case "type":
			typeOff, typeOK = vi, false
			if len(src)-vi >= 10 && load8(src, vi) == wLocationVal && src[vi+8] == 'n' && src[vi+9] == '"' {
				// "location", the bulk of any feed
				typeSpan, typeKind, typeOK = Span{int32(vi + 1), int32(vi + 9)}, KindLocation, true
				i = vi + 10
			} else if at(src, vi) == '"' {
				end, esc, ok := scanString(src, vi)
				if !ok {
					return p.syntax(end)
				}
				typeSpan = Span{int32(vi + 1), int32(end - 1)}
				typeKind = kindOf(p.text(typeSpan, esc))
				typeOK = true
				i = end
			} else if i, err = p.skip(vi, 1); err != nil {
				return err
			}
		case "data":
			dataOff = vi
			// Decode the data now if the type is known, or guess location
			// (the bulk of any feed) if it is not: a wrong guess costs one
			// more pass over the data once the type is known.
			guess := KindLocation
			if typeOK {
				guess = typeKind
			}
			if needsData(guess) && at(src, vi) == '{' {
				inlineOff, inlineKind, inlineSpec = vi, guess, !typeOK
				if typeOK {
					p.keep(guess)
					i, inlineErr = p.data(guess, vi)
				} else {
					// Into a scratch Location: m.Location stays untouched
					// unless the message turns out to be a location.
					p.spec = true
					i, inlineErr = p.location(vi, &p.specLoc)
					p.spec = false
				}
				if inlineErr != nil {
					if isSyntax(inlineErr) {
						return inlineErr
					}
					// Keep the first problem, but check the syntax of the
					// rest of the value first: syntax errors take precedence.
					if i, err = p.skip(vi, 1); err != nil {
						return err
					}
				}
			} else if i, err = p.skip(vi, 1); err != nil {
				return err
			}
		default:
			switch string(key) {
			case "action":
				actionOff = vi
			case "status":
				statusOff = vi
			case "message":
				msgOff = vi
			case "shottrackerRequestId":
				reqOff = vi
			}
			if i, err = p.skip(vi, 1); err != nil {
				return err
			}
		}
		if i, more, err = p.objNext(i); err != nil {
			return err
		}
	}
	if j := skipWS(src, i); j < len(src) {
		return p.syntax(j)
	}

	// The whole input is valid JSON; now interpret what was found.
	m := p.m
	var kind Kind
	switch {
	case typeOK:
		kind = typeKind
		m.TypeText = typeSpan
	case typeOff != absent && !isNull(src, typeOff):
		return p.errAt(ErrType, typeOff, "type", "want a string, got "+quoteInput(src, typeOff))
	case statusOff != absent:
		kind = KindError
		m.TypeText = Span{}
	default:
		return p.errAt(ErrMissing, objStart, "type", "")
	}

	switch kind {
	case KindLocation, KindStats, KindShot, KindMarker, KindAck:
		switch {
		case dataOff == absent || isNull(src, dataOff):
			if kind != KindAck {
				return p.errAt(ErrMissing, objStart, "data", "")
			}
			m.Ack = Ack{} // an ack's data is optional
		case at(src, dataOff) != '{':
			return p.errAt(ErrType, dataOff, "data", "want an object, got "+quoteInput(src, dataOff))
		case inlineOff == dataOff && inlineKind == kind && inlineErr != errSpeculation:
			err = inlineErr
			if inlineSpec && err == nil {
				m.Location = p.specLoc
			}
		default:
			_, err = p.data(kind, dataOff)
		}
		if err != nil {
			return err
		}
		if kind == KindAck && actionOff != absent {
			span, null, err := p.str(actionOff, "action")
			if err != nil {
				return err
			}
			m.Ack.Action = span
			m.Ack.Present.set(HasAction, !null)
		}
	case KindError:
		e := &m.Error
		*e = APIError{}
		v, _, null, err := p.int(statusOff, math.MinInt, math.MaxInt, "status")
		if err != nil {
			return err
		}
		if null {
			return p.errAt(ErrMissing, objStart, "status", "")
		}
		e.Status = int(v)
		if msgOff != absent {
			span, null, err := p.str(msgOff, "message")
			if err != nil {
				return err
			}
			e.Message = span
			e.Present.set(HasMessage, !null)
		}
		if reqOff != absent {
			span, null, err := p.str(reqOff, "shottrackerRequestId")
			if err != nil {
				return err
			}
			e.RequestID = span
			e.Present.set(HasRequestID, !null)
		}
	}
	if p.kept&^(1<<kind) != 0 {
		p.restore(kind)
	}
	m.Kind = kind
	return nil
}

// keep copies m's part for kind into the Decoder (once per message)
// before "data" is decoded into it under the "type" read so far: a later,
// repeated "type" may name another kind, and the part of a kind that is
// not the result must be left as it was (restore). Decoding into m
// directly and copying the part aside costs one copy of it (48 bytes for
// a location) on the general path; the fast path and looseLocation, which
// read exactly one "type", need neither.
func (p *parser) keep(kind Kind) {
	if p.kept&(1<<kind) != 0 {
		return
	}
	p.kept |= 1 << kind
	copyPart(&p.d.kept, p.m, kind)
}

// restore puts back the parts kept for kinds other than the result's: a
// repeated "type" replaced the one their data was decoded under.
func (p *parser) restore(result Kind) {
	for kind := KindLocation; kind <= KindAck; kind++ {
		if kind != result && p.kept&(1<<kind) != 0 {
			copyPart(p.m, &p.d.kept, kind)
		}
	}
}

// copyPart copies src's part for kind into dst.
func copyPart(dst, src *Message, kind Kind) {
	switch kind {
	case KindLocation:
		dst.Location = src.Location
	case KindStats:
		dst.Stats = src.Stats
	case KindShot:
		dst.Shot = src.Shot
	case KindMarker:
		dst.Marker = src.Marker
	case KindAck:
		dst.Ack = src.Ack
	}
}

// needsData reports whether kind's "data" is decoded (and so worth decoding
// while reading, before the rest of the object is known).
func needsData(k Kind) bool {
	return k >= KindLocation && k <= KindAck
}

// data decodes the "data" object at src[i] for kind, resetting that part of
// the message first.
func (p *parser) data(kind Kind, i int) (int, error) {
	switch kind {
	case KindLocation:
		return p.location(i, &p.m.Location)
	case KindStats:
		return p.stats(i)
	case KindShot:
		return p.shot(i)
	case KindMarker:
		return p.marker(i)
	case KindAck:
		return p.ack(i)
	}
	return p.skip(i, 1)
}

// kindOf maps a top-level "type" to its Kind.
func kindOf(b []byte) Kind {
	switch string(b) {
	case "location":
		return KindLocation
	case "stats":
		return KindStats
	case "shot":
		return KindShot
	case "marker":
		return KindMarker
	case "ack":
		return KindAck
	case "pong":
		return KindPong
	}
	return KindUnknown
}

func (pr *Present) set(bit Present, on bool) {
	if on {
		*pr |= bit
	} else {
		*pr &^= bit
	}
}

// --- object walking and values -------------------------------------------

// objBegin starts reading the object whose '{' is at src[i]. It returns the
// index of the first key, or past the '}' of an empty object (more false).
func (p *parser) objBegin(i int) (int, bool, error) {
	i = skipWS(p.src, i+1)
	if at(p.src, i) == '}' {
		return i + 1, false, nil
	}
	return i, true, nil
}

// member reads `"key" :` at src[i] and returns the key (unescaped when it
// holds escapes; then valid only until the next p.text), the key's raw span
// and the index of the value.
func (p *parser) member(i int) ([]byte, Span, int, error) {
	src := p.src
	if at(src, i) != '"' {
		return nil, Span{}, i, p.syntax(i)
	}
	end, esc, ok := scanString(src, i)
	if !ok {
		return nil, Span{}, end, p.syntax(end)
	}
	raw := Span{int32(i + 1), int32(end - 1)}
	key := src[i+1 : end-1]
	if esc {
		key = p.unescape(key)
	}
	if sep, j, ok := gapSep(src, end); ok && sep == ':' {
		return key, raw, j, nil
	}
	j := skipWS(src, end)
	if at(src, j) != ':' {
		return nil, raw, j, p.syntax(j)
	}
	return key, raw, skipWS(src, j+1), nil
}

// objNext steps over the whitespace after a member's value and then the ','
// (more true, at the next key) or the closing '}'.
func (p *parser) objNext(i int) (int, bool, error) {
	src := p.src
	if sep, j, ok := gapSep(src, i); ok && sep == ',' {
		return j, true, nil
	}
	i = skipWS(src, i)
	switch at(src, i) {
	case ',':
		i = skipWS(src, i+1)
		return i, true, nil
	case '}':
		return i + 1, false, nil
	}
	return i, false, p.syntax(i)
}

// text returns the contents of a string span, unescaped if esc.
func (p *parser) text(s Span, esc bool) []byte {
	raw := p.src[s.Start:s.End]
	if !esc {
		return raw
	}
	return p.unescape(raw)
}

// unescape decodes raw into the Decoder's scratch. Every name this package
// matches is ASCII and at most 32 bytes, so a raw string longer than 6×32
// bytes cannot match one; it decodes to a value that matches nothing.
func (p *parser) unescape(raw []byte) []byte {
	if len(raw) > 192 {
		p.d.scratch[0] = 0
		return p.d.scratch[:1] // a NUL byte: no name contains one
	}
	return appendUnescaped(p.d.scratch[:0], raw)
}

// skip skips the value at src[i] inside containers depth deep.
func (p *parser) skip(i, depth int) (int, error) {
	end, ok := p.d.skipValue(p.src, i, depth)
	if !ok {
		return end, p.syntax(end)
	}
	return end, nil
}

// str reads a string or null at src[i].
func (p *parser) str(i int, field string) (s Span, null bool, err error) {
	s, _, _, null, err = p.strEsc(i, field)
	return s, null, err
}

// strEsc reads a string or null at src[i] and says whether it has escapes.
func (p *parser) strEsc(i int, field string) (s Span, esc bool, end int, null bool, err error) {
	src := p.src
	switch at(src, i) {
	case '"':
		end, esc, ok := scanString(src, i)
		if !ok {
			return Span{}, false, end, false, p.syntax(end)
		}
		return Span{int32(i + 1), int32(end - 1)}, esc, end, false, nil
	case 'n':
		end, ok := scanLiteral(src, i, "null")
		if !ok {
			return Span{}, false, end, false, p.syntax(end)
		}
		return Span{}, false, end, true, nil
	}
	return Span{}, false, i, false, p.wrongType(i, field, "a string")
}

// int reads an integer-valued number in [lo, hi], or null, at src[i].
// Plain integers of up to 18 digits, also with a zero fraction (15.0), are
// parsed inline; everything else (exponents, long or out-of-range numbers,
// null, errors) goes through intSlow.
func (p *parser) int(i int, lo, hi int64, field string) (v int64, end int, null bool, err error) {
	src := p.src
	j := i
	neg := false
	if j < len(src) && src[j] == '-' {
		neg = true
		j++
	}
	start := j
	u, n := parseDigits(src, j)
	j += n
	if n > 0 && n <= 18 && (n == 1 || src[start] != '0') {
		c := at(src, j)
		if c == '.' { // 15.0, 15.00: still the integer 15
			k := j + 1
			for k < len(src) && src[k] == '0' {
				k++
			}
			if c = at(src, k); k > j+1 && c-'1' >= 9 {
				j = k
			} else {
				c = '.'
			}
		}
		if c != '.' && c != 'e' && c != 'E' {
			v := int64(u)
			if neg {
				v = -v
			}
			if v >= lo && v <= hi {
				return v, j, false, nil
			}
		}
	}
	return p.intSlow(i, lo, hi, field)
}

func (p *parser) intSlow(i int, lo, hi int64, field string) (v int64, end int, null bool, err error) {
	src := p.src
	c := at(src, i)
	if c == '-' || c-'0' < 10 {
		n, end, ok := parseNumber(src, i)
		if !ok {
			return 0, end, false, p.syntax(end)
		}
		v, st := n.toInt(lo, hi)
		if st != intOK && p.spec {
			return 0, end, false, errSpeculation
		}
		switch st {
		case intFraction:
			return 0, end, false, p.errAt(ErrType, i, field, "want an integer, got "+snippet(src, i, end))
		case intRange:
			return 0, end, false, p.errAt(ErrRange, i, field, snippet(src, i, end)+" is outside ["+strconv.FormatInt(lo, 10)+", "+strconv.FormatInt(hi, 10)+"]")
		}
		return v, end, false, nil
	}
	if c == 'n' {
		end, ok := scanLiteral(src, i, "null")
		if !ok {
			return 0, end, false, p.syntax(end)
		}
		return 0, end, true, nil
	}
	return 0, i, false, p.wrongType(i, field, "an integer")
}

// float reads a number, or null, at src[i].
func (p *parser) float(i int, field string) (v float64, end int, null bool, err error) {
	src := p.src
	c := at(src, i)
	if c == '-' || c-'0' < 10 {
		n, end, ok := parseNumber(src, i)
		if !ok {
			return 0, end, false, p.syntax(end)
		}
		f, ok := n.toFloat(src[i:end])
		if !ok {
			if p.spec {
				return 0, end, false, errSpeculation
			}
			return 0, end, false, p.errAt(ErrRange, i, field, snippet(src, i, end)+" overflows float64")
		}
		return f, end, false, nil
	}
	if c == 'n' {
		end, ok := scanLiteral(src, i, "null")
		if !ok {
			return 0, end, false, p.syntax(end)
		}
		return 0, end, true, nil
	}
	return 0, i, false, p.wrongType(i, field, "a number")
}

// bool reads true, false or null at src[i].
func (p *parser) bool(i int, field string) (v bool, end int, null bool, err error) {
	src := p.src
	var ok bool
	switch at(src, i) {
	case 't':
		end, ok = scanLiteral(src, i, "true")
		v = true
	case 'f':
		end, ok = scanLiteral(src, i, "false")
	case 'n':
		end, ok = scanLiteral(src, i, "null")
		null = true
	default:
		return false, i, false, p.wrongType(i, field, "true or false")
	}
	if !ok {
		return false, end, false, p.syntax(end)
	}
	return v, end, null, nil
}

// --- errors ---------------------------------------------------------------

func (p *parser) syntax(off int) error {
	field, inString := syntaxAt(p.src, off)
	detail := "unexpected end of input"
	if off < len(p.src) {
		detail = "unexpected " + quoteInput(p.src, off)
		if c := p.src[off]; inString && c < ' ' {
			detail = "control character " + controlName(c) + " in string (write it as " + controlEscape(c) + ")"
		}
	}
	return &Error{Offset: off, Field: field, Err: ErrSyntax, Detail: detail}
}

// controlName names the control character c as U+000A.
func controlName(c byte) string {
	const hex = "0123456789ABCDEF"
	return "U+00" + string([]byte{hex[c>>4], hex[c&15]})
}

// controlEscape is how JSON writes the control character c in a string.
func controlEscape(c byte) string {
	switch c {
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	return `\u00` + controlName(c)[4:]
}

// wrongType reports a value of the wrong JSON type at src[i], unless the
// value itself is malformed, which is then the error reported.
func (p *parser) wrongType(i int, field, want string) error {
	if end, ok := p.d.skipValue(p.src, i, 0); !ok {
		return p.syntax(end)
	}
	if p.spec {
		return errSpeculation
	}
	return p.errAt(ErrType, i, field, "want "+want+", got "+quoteInput(p.src, i))
}

func (p *parser) errAt(sentinel error, off int, field, detail string) error {
	if p.spec {
		return errSpeculation
	}
	return &Error{Offset: off, Field: field, Err: sentinel, Detail: detail}
}

func isSyntax(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Err == ErrSyntax
}
