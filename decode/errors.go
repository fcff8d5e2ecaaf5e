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
// problem is not inside a known field.
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
