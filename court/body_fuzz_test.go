package court

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzWithTemplate: for a body ParseBody takes, WithTemplate gives JSON
// that ParseBody takes too, with the template named and the same corners
// and hoops; a body ParseBody refuses is refused (ErrBody), and an empty
// name changes nothing.
func FuzzWithTemplate(f *testing.F) {
	good, _ := json.Marshal(BodyFor(NBA, place(17, 3000, -9000, false)))
	for _, c := range []struct{ body, name string }{
		{seedBody, "ncaa"}, {string(good), "wnba"}, {string(good), ""},
		{`{"template":"nba","xne":0,"yne":0,"xse":2,"yse":2,"xsw":4,"ysw":4,"xnw":6,"ynw":6,"template":null}`, "hs94"},
		{"\n {\"xne\":0,\"yne\":0,\"xse\":2,\"yse\":2,\"xsw\":4,\"ysw\":4,\"xnw\":6,\"ynw\":6,\"templat\\u0065\":7} \t", "fiba"},
		{`{"xne":0}`, "nba"}, {`[]`, "nba"}, {seedBody, "a\"<b>\u2028"},
	} {
		f.Add([]byte(c.body), c.name)
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		b, perr := ParseBody(data)
		out, err := WithTemplate(data, name)
		switch {
		case name == "":
			if err != nil || string(out) != string(data) {
				t.Fatalf("%q with no name: %q, %v; want it as it is", data, out, err)
			}
			return
		case perr != nil:
			if err == nil || !errors.Is(err, ErrBody) {
				t.Fatalf("%q: ParseBody refuses it (%v), WithTemplate gives %q, %v", data, perr, out, err)
			}
			return
		case err != nil:
			t.Fatalf("%q, %q: %v", data, name, err)
		}
		if !json.Valid(out) {
			t.Fatalf("%q, %q: %q is not JSON", data, name, out)
		}
		nb, err := ParseBody(out)
		if err != nil {
			t.Fatalf("%q, %q: %q: %v", data, name, out, err)
		}
		if utf8.ValidString(name) && nb.Template != name {
			t.Fatalf("%q, %q: %q has template %q", data, name, out, nb.Template)
		}
		nb.Template, b.Template = "", ""
		if !reflect.DeepEqual(nb, b) {
			t.Fatalf("%q, %q: %q reads\n%+v, want\n%+v", data, name, out, nb, b)
		}
	})
}
