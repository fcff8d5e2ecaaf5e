package decode

import (
	"math"
	"strconv"
)

// REST bodies and the integers written as floats. The feed decoder takes
// any JSON number whose value is an integer for an integer field (doc.go:
// 15, 15.0, 1.5e1, 1500e-2); goccy/go-json, which decodes the REST bodies
// into the types of rest.go, refuses a fraction or an exponent in an
// int64 field even when the value is an integer, so a live.json whose
// started_at read 1764151200000.0, or a shots.json with an occurred_at of
// 1.764151199e12, failed the whole session (and stmotion live's REST
// calls), while the same value in a feed line decoded. integralNumbers
// gives goccy such numbers as plain integers first.

// DecodeBody decodes the REST body data (a JSON document: live.json,
// /stats, /shots, ...) into v, one of the types of rest.go, as a
// bundle's files are read: every number whose value is an integer in
// int64's range is taken as that integer, however it is written
// (1764151200000.0, 1.764151199e12), as the feed decoder takes it; the
// error says where the problem is (offset, line and column, key path). It
// is what `stmotion live` decodes its REST responses with.
func DecodeBody(data []byte, v any) error { return unmarshalBody(data, v) }

// integralNumbers returns the valid JSON document data with every number
// (outside strings) whose value is an integer in int64's range but is
// written with a fraction or an exponent rewritten as that integer (a
// negative zero as -0, which a float64 reads as -0 still): the value is
// the same, so a float64 field reads the same bits, and an integer field
// takes it. back maps an offset in the result to the offset in data of
// the same byte (the first byte of a rewritten number for any byte of
// it), for errors. A document without such a number (nearly every one) is
// returned as is.
func integralNumbers(data []byte) (out []byte, back func(int) int) {
	// A number rewritten: out[nAt:nEnd] for data[dAt:dEnd].
	type edit struct{ nAt, nEnd, dAt, dEnd int }
	var edits []edit
	last := 0 // data[:last] is in out
	for i := 0; i < len(data); {
		switch c := data[i]; {
		case c == '"':
			end, _, ok := scanString(data, i)
			if !ok {
				return data, identity
			}
			i = end
		case c == '-' || c-'0' < 10:
			n, end, ok := parseNumber(data, i)
			if !ok {
				return data, identity
			}
			if v, st := n.toInt(math.MinInt64, math.MaxInt64); st == intOK && !isInteger(data[i:end]) {
				if out == nil {
					out = make([]byte, 0, len(data))
				}
				out = append(out, data[last:i]...)
				at := len(out)
				if v == 0 && n.neg {
					out = append(out, "-0"...)
				} else {
					out = strconv.AppendInt(out, v, 10)
				}
				edits = append(edits, edit{nAt: at, nEnd: len(out), dAt: i, dEnd: end})
				last = end
			}
			i = end
		default:
			i++
		}
	}
	if out == nil {
		return data, identity
	}
	out = append(out, data[last:]...)
	return out, func(off int) int {
		delta := 0 // data offset − out offset, past the edits before off
		for _, e := range edits {
			switch {
			case off < e.nAt:
				return off + delta
			case off < e.nEnd:
				return e.dAt
			}
			delta = e.dEnd - e.nEnd
		}
		return off + delta
	}
}

// identity is integralNumbers' back for a document it did not change.
func identity(off int) int { return off }
