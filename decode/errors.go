package decode

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error Decode returns is an *Error wrapping exactly
// one of them, so callers classify failures with errors.Is.
var (
	// ErrSyntax: the input is not valid JSON (including trailing bytes other
	// than whitespace, and nesting deeper than 10000 levels, the limit of
	// encoding/json).
	ErrSyntax = errors.New("syntax error")
	// ErrType: valid JSON of the wrong shape: the top level is not an object,
	// a field has the wrong JSON type, or an integer field holds a number
	// with a fractional part (15.5; 15.0 is accepted).
	ErrType = errors.New("wrong type")
	// ErrMissing: a required field is absent or null.
	ErrMissing = errors.New("missing required field")
	// ErrRange: a number does not fit its field (int32 coordinates, a shot
	// zone outside 1-14, a float beyond float64).
	ErrRange = errors.New("value out of range")
)

// Error says what was wrong with one message and where.
//
// Offset is the byte offset in the input given to Decode: the offending byte
// for ErrSyntax, the first byte of the value for ErrType and ErrRange, and
// the opening brace of the object that lacks the field for ErrMissing. Line
// is 0 from Decode; a recording reader sets it to the 1-based line number.
// Field is the JSON key path ("data.x", "data.stats.FGA"), empty when the
// problem is not inside a known field. For ErrSyntax it is the innermost
// field, among those this package reads for any kind, whose value holds
// the offending byte ("x":1., is data.x; a stray ',' between the members
// of "data" is data), whatever the order of the keys.
type Error struct {
	Offset int
	Line   int64
	Field  string
	Err    error  // one of ErrSyntax, ErrType, ErrMissing, ErrRange; ErrLineTooLong from a recording Reader
	Detail string // what was found, for people (may quote a few input bytes)
}

// Error formats as "decode: line 12: offset 57: data.x: wrong type: want an
// integer, got 15.5", leaving out the parts that are not known.
func (e *Error) Error() string {
	b := make([]byte, 0, 64+len(e.Field)+len(e.Detail))
	b = append(b, "decode: "...)
	if e.Line > 0 {
		b = append(b, "line "...)
		b = strconv.AppendInt(b, e.Line, 10)
		b = append(b, ": "...)
	}
	b = append(b, "offset "...)
	b = strconv.AppendInt(b, int64(e.Offset), 10)
	b = append(b, ": "...)
	if e.Field != "" {
		b = append(b, e.Field...)
		b = append(b, ": "...)
	}
	if e.Err != nil {
		b = append(b, e.Err.Error()...)
	} else {
		b = append(b, "error"...)
	}
	if e.Detail != "" {
		b = append(b, ": "...)
		b = append(b, e.Detail...)
	}
	return string(b)
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// quoteInput returns up to 24 bytes of src from off, quoted, for an error
// detail (end of input reads as "end of input").
func quoteInput(src []byte, off int) string {
	if off >= len(src) || off < 0 {
		return "end of input"
	}
	end := off + 24
	suffix := ""
	if end > len(src) {
		end = len(src)
	} else {
		suffix = "..."
	}
	return strconv.Quote(string(src[off:end])) + suffix
}

// snippet returns src[i:end] for an error detail, cut to 24 bytes.
func snippet(src []byte, i, end int) string {
	if end-i > 24 {
		return string(src[i:i+24]) + "..."
	}
	return string(src[i:end])
}

// syntaxAt returns the Field of a syntax error at src[off]: the path of
// the innermost field this package reads whose value holds the offending
// byte, or "" when it is not inside one; and whether that byte is inside
// a string (a key or a value). A byte where a field's value should start
// belongs to that field ("x":} is data.x); a byte between members belongs
// to the object's field ({"x":1,} is data). Fields are known whatever the
// message's kind (data.x in a stats message too), so that the answer does
// not depend on the order of the keys, which decides whether the kind is
// known when the error is found.
//
// It runs only on the error path, walking src again from the start: the
// decoder reports the first offending byte, so src[:off] is a valid JSON
// prefix, and its own scanner functions find the same end for the value
// that holds the byte. Containers unknown keys open are walked but only
// counted.
func syntaxAt(src []byte, off int) (field string, inString bool) {
	off = min(max(off, 0), len(src))
	type level struct {
		obj   bool
		kind  fieldKind // what its keys mean
		field string    // the field whose value it is
	}
	var stackBuf [8]level
	stack := append(stackBuf[:0], level{kind: fieldTop}) // a pseudo-level for the document
	const (
		stValue = iota // a value starts at i
		stKey          // a key or '}' starts at i
		stColon        // the ':' after a key
		stAfter        // after a value: ',' or the closing bracket
	)
	st := stValue
	vKind, vField := fieldTop, "" // of the value that starts at i
	i := skipWS(src, 0)
	for i < off {
		top := &stack[len(stack)-1]
		switch st {
		case stValue:
			switch c := src[i]; c {
			case '{', '[':
				stack = append(stack, level{obj: c == '{', kind: vKind, field: vField})
				if c == '{' {
					st = stKey
				} else {
					vKind = fieldOther // elements belong to the array's field
				}
				i = skipWS(src, i+1)
			case ']': // of an empty array
				if len(stack) == 1 {
					return "", false // not a valid prefix: not from the decoder
				}
				stack = stack[:len(stack)-1]
				st, i = stAfter, i+1
			default:
				end, ok := skipScalar(src, i)
				if !ok || end > off {
					return vField, c == '"'
				}
				st, i = stAfter, end
			}
		case stKey:
			if src[i] == '}' { // of an empty object
				stack = stack[:len(stack)-1]
				st, i = stAfter, i+1
				continue
			}
			end, esc, ok := scanString(src, i)
			if !ok || end > off {
				return top.field, true
			}
			key := src[i+1 : end-1]
			if esc {
				key = appendUnescaped(nil, key)
			}
			vKind, vField = childField(top.kind, top.field, key)
			st, i = stColon, skipWS(src, end)
		case stColon:
			st, i = stValue, skipWS(src, i+1)
		case stAfter:
			if len(stack) == 1 { // after the document: trailing bytes
				return "", false
			}
			switch src[i] {
			case ',':
				if top.obj {
					st = stKey
				} else {
					st, vKind, vField = stValue, fieldOther, top.field
				}
			default: // '}' or ']'
				stack = stack[:len(stack)-1]
			}
			i = skipWS(src, i+1)
		}
	}
	if st == stValue {
		return vField, false
	}
	return stack[len(stack)-1].field, false
}

// fieldKind says what the keys of an object mean, for syntaxAt.
type fieldKind uint8

const (
	fieldOther fieldKind = iota // no key is a field: values belong to the container's field
	fieldTop                    // the message
	fieldData                   // "data", of any kind
	fieldStats                  // "data.stats"
	fieldAttrs                  // "data.serverAttributes"
)

// dataFieldNames are the keys of "data" that some kind reads.
var dataFieldNames = []string{
	"occurred_at", "type", "id", "x", "y", "z", // location (and marker: occurred_at, type)
	"team_id", "player_id", "version", "classification", "stats", // stats
	"is_make", "is_3point", "zone", "hoop_player_x", "hoop_player_y", "status", // shot
	"live_id",                             // marker
	"socketSessionId", "serverAttributes", // ack
}

// childField returns the kind and Field of the value of key in an object
// of kind k whose own field is field.
func childField(k fieldKind, field string, key []byte) (fieldKind, string) {
	switch k {
	case fieldTop:
		switch string(key) {
		case "data":
			return fieldData, "data"
		case "type", "action", "status", "message", "shottrackerRequestId":
			return fieldOther, string(key)
		}
	case fieldData:
		switch string(key) {
		case "stats":
			return fieldStats, "data.stats"
		case "serverAttributes":
			return fieldAttrs, "data.serverAttributes"
		}
		for _, name := range dataFieldNames {
			if string(key) == name {
				return fieldOther, "data." + name
			}
		}
	case fieldStats:
		if st, ok := statOf(key); ok {
			return fieldOther, statFields[st]
		}
	case fieldAttrs:
		switch string(key) {
		case "maxInputBufferSizeInBytes", "connectionTimeoutInMs":
			return fieldOther, "data.serverAttributes." + string(key)
		}
	}
	return fieldOther, field
}
