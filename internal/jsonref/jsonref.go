package jsonref

import (
	"bytes"
	"encoding/json"
	"io"
	"math/big"
)

// IntegralRef is the reference for the fuzzers of the REST bodies (decode's
// and live's): the
// JSON document body with every number whose value is an integer in
// int64's range (math/big decides) written as that integer (-0 for a
// negative zero), rebuilt token by token by encoding/json (strings as it
// decodes them, members in their order); body itself when it is not one
// JSON value.
func IntegralRef(body []byte) []byte {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var out bytes.Buffer
	type level struct {
		obj   bool
		n     int // members or elements written
		inKey bool
	}
	var stack []level
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return body
		}
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			if dl, ok := tok.(json.Delim); !ok || dl == '{' || dl == '[' {
				switch {
				case top.obj && !top.inKey:
					if top.n > 0 {
						out.WriteByte(',')
					}
					top.inKey = true
				case top.obj:
					out.WriteByte(':')
					top.inKey = false
					top.n++
				default:
					if top.n > 0 {
						out.WriteByte(',')
					}
					top.n++
				}
			}
		}
		switch v := tok.(type) {
		case json.Delim:
			out.WriteByte(byte(v))
			if v == '{' || v == '[' {
				stack = append(stack, level{obj: v == '{'})
			} else {
				stack = stack[:len(stack)-1]
			}
		case json.Number:
			s := string(v)
			r, ok := new(big.Rat).SetString(s)
			switch {
			case !ok || !r.IsInt() || !r.Num().IsInt64():
				out.WriteString(s)
			case r.Sign() == 0 && s[0] == '-':
				out.WriteString("-0")
			default:
				out.WriteString(r.Num().String())
			}
		default:
			b, err := json.Marshal(v)
			if err != nil {
				return body
			}
			out.Write(b)
		}
		if len(stack) == 0 {
			if _, err := d.Token(); err != io.EOF {
				return body // more than one value
			}
			return out.Bytes()
		}
	}
	return body
}
