package inspect_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/inspect"
)

// NBA-sized corners in the sensor frame (mm), axis-aligned, clockwise
// seen from above; mirroredCorners swap north and south, so that they
// run counterclockwise.
const (
	nbaCorners      = `"xne":14325,"yne":7620,"xse":14325,"yse":-7620,"xsw":-14325,"ysw":-7620,"xnw":-14325,"ynw":7620`
	mirroredCorners = `"xne":14325,"yne":-7620,"xse":14325,"yse":7620,"xsw":-14325,"ysw":7620,"xnw":-14325,"ynw":-7620`
)

// courtBundle is mixedBundle with court.json holding body ("" for none).
func courtBundle(t *testing.T, body string) string {
	t.Helper()
	data, _ := mixedRecording()
	bundle := mixedBundle(t, data)
	if body != "" {
		if err := os.WriteFile(filepath.Join(bundle, "court.json"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return bundle
}

// courtLine is the court line WriteText prints for rep, with the
// command's flag names, and the warning lines under it.
func courtLine(t *testing.T, rep *inspect.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := inspect.WriteText(&b, rep, inspect.TextOptions{AllowMirroredName: "--allow-mirrored", CourtTemplateName: "--court-template"}); err != nil {
		t.Fatal(err)
	}
	var lines []string
	in := false
	for l := range strings.Lines(b.String()) {
		switch {
		case strings.HasPrefix(l, "  court "):
			in = true
		case in && strings.HasPrefix(l, "    warning: "):
		default:
			in = false
		}
		if in {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "")
}

// inspect says which court a bundle's court.json gives, as analyze would
// fit it, or why analyze cannot use it: before, it said nothing of the
// court at all, so that a venue's wrong or mirrored court.json was found
// only by analysing the game.
func TestReadCourt(t *testing.T) {
	valid := courtBundle(t, "{"+nbaCorners+"}")
	mirrored := courtBundle(t, "{"+mirroredCorners+"}")
	lowHoops := courtBundle(t, "{"+nbaCorners+`,"hoops":[{"x":-12725,"y":0,"z":0},{"x":12725,"y":0,"z":0}]}`)
	none := courtBundle(t, "")

	for _, tc := range []struct {
		name   string
		path   string
		opt    court.Options
		check  func(*inspect.Court) bool
		want   string // in the text's court lines
		refuse bool
	}{
		{"by size", valid, court.Options{}, func(c *inspect.Court) bool {
			return c.Fit != nil && c.Fit.Template == "nba" && c.Fit.TemplateFrom == court.FromSize &&
				reflect.DeepEqual(c.Fit.Alternatives, []string{"wnba", "ncaa", "hs94"}) && c.Fit.Length_m == 28.65 && c.Fit.Width_m == 15.24 && c.Err == nil
		}, "court       court.json: nba (NBA), 28.65 × 15.24 m, rotated 0.0°, corner residual 0 mm, no hoops listed; template by size, which fits wnba, ncaa, hs94 too (--court-template names the venue's)\n", false},
		{"named template", valid, court.Options{Template: "ncaa"}, func(c *inspect.Court) bool {
			return c.Fit != nil && c.Fit.Template == "ncaa" && c.Fit.TemplateFrom == court.FromOption && c.Fit.Alternatives == nil
		}, "; template named by --court-template\n", false},
		{"template that does not fit", valid, court.Options{Template: "hs"}, func(c *inspect.Court) bool {
			return c.Fit == nil && errors.Is(c.Err, court.ErrTemplate) && c.Refused
		}, "court.json cannot be used: court: template check failed: the court measures 28.65 × 15.24 m, the hs template (as named) is 25.60 × 15.24 m", true},
		{"mirrored", mirrored, court.Options{}, func(c *inspect.Court) bool {
			return c.Fit == nil && errors.Is(c.Err, court.ErrMirrored) && !c.Refused
		}, "(--allow-mirrored accepts it); analyze keeps the positions in the sensor frame\n", false},
		{"mirrored allowed", mirrored, court.Options{AllowMirrored: true}, func(c *inspect.Court) bool {
			return c.Fit != nil && c.Fit.Mirrored && c.Fit.Template == "nba"
		}, "corner residual 0 mm, mirrored, no hoops listed", false},
		{"hoops dropped", lowHoops, court.Options{}, func(c *inspect.Court) bool {
			return c.Fit != nil && c.Fit.HoopsDropped == "hoop-height" && c.Fit.Hoops == 0 && len(c.Warnings) == 1
		}, "hoops dropped (they failed the hoop-height check); template by size, which fits wnba, ncaa, hs94 too (--court-template names the venue's)\n    warning: court: hoop check failed", false},
		{"no court.json", none, court.Options{}, func(c *inspect.Court) bool {
			return c.Fit != nil && c.Fit.Template == "sensor" && c.File == "" && c.Err == nil
		}, "court       none (no court.json): analyze keeps the positions in the sensor frame\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := read(t, tc.path, inspect.Options{Court: tc.opt})
			if rep.Court == nil || !tc.check(rep.Court) {
				t.Fatalf("court %+v (fit %+v)", rep.Court, rep.Court.Fit)
			}
			if got := courtLine(t, rep); !strings.Contains(got, tc.want) {
				t.Errorf("court lines:\n%s\nwant them to hold:\n%s", got, tc.want)
			}
			if tc.refuse != strings.Contains(courtLine(t, rep), "analyze refuses the input") {
				t.Errorf("court lines %q: refused %v, want %v", courtLine(t, rep), !tc.refuse, tc.refuse)
			}
		})
	}
}

// The --json line's court: fit holds the keys summary.json's court has
// (but for where it came from), error the reason a court.json is not
// used.
func TestReportJSONCourt(t *testing.T) {
	courtOf := func(path string, opt court.Options) map[string]any {
		raw, err := json.Marshal(read(t, path, inspect.Options{Court: opt}))
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Court map[string]any `json:"court"`
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		return got.Court
	}
	valid := courtOf(courtBundle(t, "{"+nbaCorners+"}"), court.Options{})
	if want := []string{"file", "fit"}; !reflect.DeepEqual(sortedKeys(valid), want) {
		t.Errorf("court keys %v, want %v", sortedKeys(valid), want)
	}
	fit, _ := valid["fit"].(map[string]any)
	if want := []string{"alternatives", "custom", "hoop_error_mm", "hoops", "length_m", "mirrored", "residual_mm", "rotation_deg", "template", "template_from", "title", "width_m"}; !reflect.DeepEqual(sortedKeys(fit), want) {
		t.Errorf("fit keys %v, want %v", sortedKeys(fit), want)
	}
	bad := courtOf(courtBundle(t, "{"+mirroredCorners+"}"), court.Options{})
	if want := []string{"error", "file"}; !reflect.DeepEqual(sortedKeys(bad), want) || !strings.Contains(bad["error"].(string), "mirror check failed") {
		t.Errorf("mirrored court %v; want keys %v, the mirror check's error", bad, want)
	}
}
