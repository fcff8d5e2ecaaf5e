package jsonref

import "testing"

// The reference on the cases decode's tests give it: integral numbers
// written as integers (-0 kept, a fraction, 1e19 beyond int64 and strings
// left alone), and what is not one JSON value returned as it is.
func TestIntegralRef(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"a":1764151200000.0,"b":[1.5e1,1500e-2,-0.0,0.5,1e19,"1.0"],"c":{"d":null,"e":true}}`, `{"a":1764151200000,"b":[15,15,-0,0.5,1e19,"1.0"],"c":{"d":null,"e":true}}`},
		{`[]`, `[]`},
		{`{"a":1} x`, `{"a":1} x`},
		{`{"a":`, `{"a":`},
	} {
		if got := string(IntegralRef([]byte(c.in))); got != c.want {
			t.Errorf("IntegralRef(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}
