package decode

import (
	"strings"
	"testing"

	json "github.com/goccy/go-json"
)

// A jersey is a JSON string, decoded by JSON's escape rules, or an integer
// kept as written; anything else is an error that names the key.
func TestJerseyUnmarshal(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`1`, "1"},
		{`23`, "23"},
		{`0`, "0"},
		{`-1`, "-1"},
		{`null`, ""},
		{`"00"`, "00"},
		{`""`, ""},
		{`"1\/2"`, "1/2"},
		{`"0\/0"`, "0/0"},
		{`"\ud83c\udfc0"`, "\U0001F3C0"},
		{`"\u0032\u0033"`, "23"},
		{`"a\"b\\c"`, `a"b\c`},
		{`"\ud800"`, "\uFFFD"}, // as encoding/json decodes an unpaired surrogate
	} {
		var p Player
		if err := json.Unmarshal([]byte(`{"id":1,"jersey_number":`+c.in+`}`), &p); err != nil || string(p.JerseyNumber) != c.want {
			t.Errorf("jersey_number %s: got %q, %v; want %q", c.in, p.JerseyNumber, err, c.want)
		}
	}
	for _, in := range []string{`{"a":1}`, `[1,2]`, `true`, `false`, `1.5e1`, `15.0`, `1e2`, `-0.5`} {
		var p Player
		err := json.Unmarshal([]byte(`{"id":1,"jersey_number":`+in+`}`), &p)
		if err == nil || !strings.Contains(err.Error(), "jersey_number") || !strings.Contains(err.Error(), in) {
			t.Errorf("jersey_number %s: got %q, %v; want an error naming jersey_number and the value", in, p.JerseyNumber, err)
		}
	}
	// Called directly, on bytes no JSON decoder would pass.
	for _, in := range []string{`"a`, `"a\x"`, "\"a\x01\"", `"a"b`, ``, `01`, `1 2`} {
		var j Jersey
		if err := j.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("UnmarshalJSON(%q) = %q, nil; want an error", in, j)
		}
	}
}
