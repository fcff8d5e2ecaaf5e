package decode

import (
	"errors"
	"strconv"
	"strings"

	json "github.com/goccy/go-json"
)

// The REST bodies of a bundle (live.json, subscribe.json, ...) are decoded
// with goccy/go-json, whose errors say what was wrong but not always where:
// a syntax error gives no offset in its text, and an error from a type's
// UnmarshalJSON (a bad jersey_number) gives neither offset nor key.
// unmarshalBody adds both. It runs once per file; nothing here is on the
// message path.

// bodyError says where a REST body did not decode, and why.
type bodyError struct {
	off       int    // byte offset of the problem (the value's first byte, or the offending byte)
	line, col int    // the same as 1-based line and byte column, for an editor
	path      string // the key path of the value ("teams.0.players.0.id"), "" when unknown
	msg       string // what was wrong
	err       error  // the cause, for errors.Is and errors.As
}

func (e *bodyError) Error() string {
	s := "offset " + strconv.Itoa(e.off) + " (line " + strconv.Itoa(e.line) + ", column " + strconv.Itoa(e.col) + "): "
	if e.path != "" {
		s += e.path + ": "
	}
	return s + e.msg
}

func (e *bodyError) Unwrap() error { return e.err }

// newBodyError makes a bodyError at byte off of data.
func newBodyError(data []byte, off int, path, msg string, err error) *bodyError {
	off = min(max(off, 0), len(data))
	line := 1 + strings.Count(string(data[:off]), "\n")
	col := off - strings.LastIndexByte(string(data[:off]), '\n')
	return &bodyError{off: off, line: line, col: col, path: path, msg: msg, err: err}
}

// unmarshalBody decodes the JSON document data into v, every number
// whose value is an integer taken as that integer however it is written
// (integralNumbers). Its error says where the problem is: the offset of
// the offending byte for a syntax error, and the key path and offset of
// the value for a value of the wrong type or a jersey_number that is not
// one.
func unmarshalBody(data []byte, v any) error {
	if err := checkSyntax(data); err != nil {
		return err
	}
	doc, back := integralNumbers(data)
	err := json.Unmarshal(doc, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	var je *jerseyError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		msg := "got " + te.Value
		if te.Type != nil {
			msg = "want " + te.Type.String() + ", " + msg
		}
		// goccy's Offset is the end of the value; values end at distinct
		// offsets (a container after its last member), so it names one,
		// which must be at the path goccy gives (whose keys it matched
		// ignoring case).
		end := int(te.Offset)
		path, start, ok := findValue(doc, func(_ []byte, _, e int) bool { return e == end })
		switch {
		case ok && strings.EqualFold(path, te.Field):
			return newBodyError(data, back(start), path, msg, err)
		case te.Field == "": // the document itself
			return newBodyError(data, skipWS(data, 0), "", msg, err)
		}
		return newBodyError(data, back(end), te.Field, msg, err)
	case errors.As(err, &je):
		// The first jersey_number (matched as goccy matches keys, ignoring
		// case) holding the rejected value.
		match := func(key []byte, s, e int) bool {
			return strings.EqualFold(string(key), "jersey_number") && string(trimWS(doc[s:e])) == je.raw
		}
		if path, start, ok := findValue(doc, match); ok {
			return newBodyError(data, back(start), path, je.detail(), err)
		}
		return err
	case errors.As(err, &se):
		// Only where goccy's grammar is stricter than checkSyntax's.
		return newBodyError(data, back(int(se.Offset)-1), "", err.Error(), err)
	}
	return err
}

// checkSyntax checks that data is one JSON value with only whitespace
// around it, with the grammar of Decode: the error gives the offset of the
// offending byte.
func checkSyntax(data []byte) error {
	p := parser{d: new(Decoder), src: data}
	end, err := p.skip(skipWS(data, 0), 0)
	if err == nil {
		if end = skipWS(data, end); end == len(data) {
			return nil
		}
		err = p.syntax(end)
	}
	e := err.(*Error)
	return newBodyError(data, e.Offset, "", ErrSyntax.Error()+": "+e.Detail, ErrSyntax)
}

// findValue walks the valid JSON document doc and returns the key path
// ("teams.0.players.1.jersey_number": keys and array indexes joined by
// dots, as goccy/go-json names fields) and the offset of the first value,
// children before their container, for which match(key, start, end) is
// true; key is the value's object key (unescaped), nil for an array
// element or the document itself.
func findValue(doc []byte, match func(key []byte, start, end int) bool) (path string, start int, ok bool) {
	f := valueFinder{doc: doc, match: match}
	f.value(skipWS(doc, 0), nil)
	if !f.found {
		return "", 0, false
	}
	return strings.Join(f.path, "."), f.start, true
}

type valueFinder struct {
	doc   []byte
	match func(key []byte, start, end int) bool
	path  []string // keys and indexes down to the value being walked
	found bool
	start int
}

// value walks the value at doc[i] (under key) and returns the index past
// it; once found, it returns at once, leaving path at the match. The
// nesting depth is bounded by checkSyntax.
func (f *valueFinder) value(i int, key []byte) int {
	doc := f.doc
	var end int
	switch at(doc, i) {
	case '{', '[':
		obj := doc[i] == '{'
		j := skipWS(doc, i+1)
		for n := 0; at(doc, j) != '}' && at(doc, j) != ']'; n++ {
			var k []byte
			if obj {
				kend, esc, _ := scanString(doc, j)
				k = doc[j+1 : kend-1]
				if esc {
					k = appendUnescaped(nil, k)
				}
				f.path = append(f.path, string(k))
				j = skipWS(doc, skipWS(doc, kend)+1) // past the ':'
			} else {
				f.path = append(f.path, strconv.Itoa(n))
			}
			j = f.value(j, k)
			if f.found {
				return j
			}
			f.path = f.path[:len(f.path)-1]
			if j = skipWS(doc, j); at(doc, j) == ',' {
				j = skipWS(doc, j+1)
			}
		}
		end = j + 1
	default:
		end, _ = skipScalar(doc, i)
	}
	if f.match(key, i, end) {
		f.found, f.start = true, i
	}
	return end
}
