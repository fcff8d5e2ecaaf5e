package live_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/track"
)

// TestOverlayDocumented: docs/overlay.md documents every field of a JSON
// frame, of its court and of its sensors (the first cell of the rows
// under "## JSON frame") and no field a frame lacks, and its binary section has the
// version and sensor size of the code's layout.
func TestOverlayDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/overlay.md")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile("`([a-z_]+)`")
	var documented []string
	section := ""
	for line := range strings.Lines(string(doc)) {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			section = strings.TrimSpace(h)
			continue
		}
		if cells := strings.Split(line, "|"); section == "JSON frame" && len(cells) >= 3 && strings.HasPrefix(line, "| `") {
			for _, m := range name.FindAllStringSubmatch(cells[1], -1) {
				documented = append(documented, m[1])
			}
		}
	}

	f := &live.Frame{LiveID: "L1", T_ms: 1, Ended: true, Court: court.SensorFrame(), Sensors: []live.SensorState{
		{ID: 1, Kind: track.KindPlayer}, {ID: 2, Kind: track.KindBall, GameBall: true}}}
	var wire map[string]json.RawMessage
	if err := json.Unmarshal(live.AppendFrameJSON(nil, f, nil), &wire); err != nil {
		t.Fatal(err)
	}
	var sensors []map[string]json.RawMessage
	if err := json.Unmarshal(wire["sensors"], &sensors); err != nil {
		t.Fatal(err)
	}
	var courtFields map[string]json.RawMessage
	if err := json.Unmarshal(wire["court"], &courtFields); err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, m := range append([]map[string]json.RawMessage{wire, courtFields}, sensors...) {
		for k := range m {
			if !slices.Contains(fields, k) {
				fields = append(fields, k)
			}
		}
	}
	for _, k := range fields {
		if !slices.Contains(documented, k) {
			t.Errorf("JSON field %s is not in docs/overlay.md", k)
		}
	}
	for _, k := range documented {
		if !slices.Contains(fields, k) {
			t.Errorf("docs/overlay.md documents %s, which a frame does not have (fields %v)", k, fields)
		}
	}

	for _, want := range []string{
		fmt.Sprintf("| 4 | 1 | version: %d |", live.FrameVersion),
		fmt.Sprintf("Header, %d bytes, then the live id", live.FrameHeader_B),
		fmt.Sprintf("follow the header, at %d |", live.FrameHeader_B),
		"| 32 | 8 | `dist_t_ms` int64",
		fmt.Sprintf("Then per sensor, %d bytes plus its jersey", live.FrameSensorMin_B),
		"| 34 | 2 | `age_ms` uint16",
		"| 36 | 4 | `dist_m` float32",
		fmt.Sprintf("| %d | 1 | jersey length n", live.FrameSensorMin_B-1),
		fmt.Sprintf("starts at %d + L for the first, and each is %d + n bytes long", live.FrameHeader_B, live.FrameSensorMin_B),
	} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/overlay.md lacks %q (the binary layout of AppendFrameBinary)", want)
		}
	}
}
