package export_test

import (
	"encoding/json"
	"testing"

	gojson "github.com/goccy/go-json"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/export"
)

// summary.json's court keeps its keys in their documented order, where it
// came from first, with court.Description's fields inlined after it, in
// both JSON encoders the module uses.
func TestCourtSummaryJSON(t *testing.T) {
	c, err := court.Parse([]byte(`{"xne": 12800, "yne": 7620, "xse": 12800, "yse": -7620,
		"xsw": -12800, "ysw": -7620, "xnw": -12800, "ynw": 7620}`), court.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"source":"bundle","file":"g/court.json","template":"hs","title":"High school","template_from":"size","custom":false,` +
		`"length_m":25.6,"width_m":15.24,"rotation_deg":0,"mirrored":false,"residual_mm":0,"hoops":0,"hoop_error_mm":0}`
	cs := export.CourtOf(c, export.CourtFromBundle, "g/court.json")
	for name, marshal := range map[string]func(any) ([]byte, error){"encoding/json": json.Marshal, "go-json": gojson.Marshal} {
		got, err := marshal(cs)
		if err != nil || string(got) != want {
			t.Errorf("%s: %s, %v; want %s", name, got, err, want)
		}
	}
	const wantNone = `{"source":"none","template":"sensor","title":"Sensor frame (no court)","custom":false,` +
		`"length_m":0,"width_m":0,"rotation_deg":0,"mirrored":false,"residual_mm":0,"hoops":0,"hoop_error_mm":0}`
	if got, err := json.Marshal(export.CourtOf(nil, export.CourtFromBundle, "x")); err != nil || string(got) != wantNone {
		t.Errorf("no court: %s, %v; want %s", got, err, wantNone)
	}
}
