package court

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestTemplateNamed: an NBA-sized court is NBA by its size alone, with
// the other templates of that size as Alternatives; a name, the body's
// "template" or Options.Template (which wins), chooses among them, and a
// name the size does not fit is a "template" CheckError that says which
// templates the size fits.
func TestTemplateNamed(t *testing.T) {
	body := func(name string) []byte {
		b := BodyFor(NBA, place(30, 1000, -2000, false))
		b.Template = name
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	cases := []struct {
		body, option string
		want, from   string
		alt          []string
	}{
		{"", "", "nba", FromSize, []string{"wnba", "ncaa", "hs94"}},
		{"ncaa", "", "ncaa", FromBody, nil},
		{"hs94", "", "hs94", FromBody, nil},
		{"", "wnba", "wnba", FromOption, nil},
		{"ncaa", "hs94", "hs94", FromOption, nil}, // the option wins over the body
		{"", "High-School-94", "hs94", FromOption, nil},
	}
	for _, c := range cases {
		got, err := Parse(body(c.body), Options{Template: c.option})
		if err != nil {
			t.Errorf("body %q option %q: %v", c.body, c.option, err)
			continue
		}
		if got.Template.Name != c.want || got.TemplateFrom != c.from || !slices.Equal(got.Alternatives(), c.alt) {
			t.Errorf("body %q option %q: got %s from %s, alternatives %v; want %s from %s, %v",
				c.body, c.option, got.Template.Name, got.TemplateFrom, got.Alternatives(), c.want, c.from, c.alt)
		}
	}
	if hs, _ := Parse(body("hs94"), Options{}); hs.Template.ThreePointRadius_m != HighSchool.ThreePointRadius_m || hs.Template.KeyWidth_m != HighSchool.KeyWidth_m {
		t.Errorf("hs94: %+v, want the high-school lines", hs.Template)
	}

	// Names that do not fit, or are not known.
	bad := []struct {
		body, option string
		err          error
		words        []string
	}{
		{"", "fiba", ErrTemplate, []string{"template check failed", "the fiba template (as named) is 28.00 × 15.00 m", "its size fits nba, wnba, ncaa, hs94"}},
		{"hs", "", ErrTemplate, []string{`the hs template (as the body's "template" names it) is 25.60 × 15.24 m`, "off by 3.05 m"}},
		{"moon", "", ErrTemplate, []string{`unknown template "moon", as the body's "template" names it`, "nba, wnba, ncaa, hs, fiba, hs94"}},
		{"", "moon", ErrTemplate, []string{`unknown template "moon", as named`}},
	}
	for _, c := range bad {
		_, err := Parse(body(c.body), Options{Template: c.option})
		if !errors.Is(err, c.err) {
			t.Errorf("body %q option %q: got %v, want %v", c.body, c.option, err, c.err)
			continue
		}
		for _, w := range c.words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("body %q option %q: %q lacks %q", c.body, c.option, err, w)
			}
		}
	}
	if _, err := Parse([]byte(`{"xne":14326,"yne":7620,"xse":14326,"yse":-7620,"xsw":-14326,"ysw":-7620,"xnw":-14326,"ynw":7620,"template":3}`), Options{}); !errors.Is(err, ErrBody) || !strings.Contains(err.Error(), `"template" is a number`) {
		t.Errorf("template 3: got %v, want an ErrBody naming the key", err)
	}

	// A Custom court and the other sizes have no alternatives.
	custom := NBA
	custom.Name, custom.Length_m, custom.Width_m = "custom", 26, 14
	for _, tmpl := range []Template{HighSchool, FIBA, custom} {
		c, err := New(new(BodyFor(tmpl, place(0, 0, 0, false))), Options{})
		if err != nil || c.Alternatives() != nil {
			t.Errorf("%s: alternatives %v, err %v; want none", tmpl.Name, c.Alternatives(), err)
		}
	}
	if SensorFrame().Alternatives() != nil || (*Court)(nil).Alternatives() != nil {
		t.Error("the sensor frame has alternatives")
	}
}

// TestWithTemplate: WithTemplate sets the body's "template" and keeps the
// rest; what it writes Parse takes.
func TestWithTemplate(t *testing.T) {
	api := []byte(`{"xne": 14326, "yne": 7620, "xse": 14326, "yse": -7620, "xsw": -14326, "ysw": -7620, "xnw": -14326, "ynw": 7620, "stmotion_source": "x"}`)
	got, err := WithTemplate(api, "ncaa")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"template":"ncaa","xne": 14326, "yne": 7620, "xse": 14326, "yse": -7620, "xsw": -14326, "ysw": -7620, "xnw": -14326, "ynw": 7620, "stmotion_source": "x"}`; string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	again, err := WithTemplate(got, "wnba")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(again, Options{})
	if err != nil || c.Template.Name != "wnba" || c.TemplateFrom != FromBody {
		t.Errorf("%s: got %v, %v; want wnba from the body", again, c, err)
	}
	if same, err := WithTemplate(api, ""); err != nil || string(same) != string(api) {
		t.Errorf("no name: got %s, %v", same, err)
	}
	if _, err := WithTemplate([]byte(`{"xne":1}`), "nba"); !errors.Is(err, ErrBody) {
		t.Errorf("a bad body: got %v, want ErrBody", err)
	}
}
