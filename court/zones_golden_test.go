package court

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// zoneDiagram draws zm over the half court of t in the hoop frame, one
// character per cell (zones 1–9, then A–E for 10–14), hoop at the bottom,
// +hx to the right, cells 0.25 m wide and 0.5 m tall (about square on a
// terminal). The bottom row is the baseline.
func zoneDiagram(t Template, zm ZoneMap) string {
	const dx, dy = 0.25, 0.5
	const glyphs = "0123456789ABCDE"
	var sb strings.Builder
	nx := int(t.Width_m/dx + 0.5)
	for hy := t.Length_m/2 - t.HoopFromBaseline_m - dy/2; hy > -t.HoopFromBaseline_m; hy -= dy {
		for i := range nx {
			hx := -t.Width_m/2 + (float64(i)+0.5)*dx
			switch {
			case i == nx/2 && hy < 0 && hy > -dy:
				sb.WriteByte('O') // the rim
			default:
				sb.WriteByte(glyphs[zm.Zone(t, hx, hy)])
			}
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// The zone map drawn in docs/zones.md is this golden file:
// go test ./court -run TestZoneDiagram -update
func TestZoneDiagram(t *testing.T) {
	for _, tmpl := range []Template{NBA, HighSchool} {
		got := zoneDiagram(tmpl, StandardZones)
		path := filepath.Join("testdata", "zones-"+tmpl.Name+".txt")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s zone diagram changed; got\n%s\nwant\n%s", tmpl.Name, got, want)
		}
		// The drawings in the docs are this map, not an older one.
		md, err := os.ReadFile(filepath.Join("..", "docs", "zones.md"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(md), got) {
			t.Errorf("docs/zones.md does not show the current %s zone map:\n%s", tmpl.Name, got)
		}
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	if want := "//\t" + strings.ReplaceAll(strings.TrimSuffix(zoneDiagram(NBA, StandardZones), "\n"), "\n", "\n//\t"); !strings.Contains(string(doc), want) {
		t.Errorf("doc.go does not show the current NBA zone map")
	}
}
