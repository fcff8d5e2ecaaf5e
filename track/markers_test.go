package track

import (
	"fmt"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// TestMarkerNextLiveID: a PLAY_NEXT / DRILL_NEXT marker's segment names
// the live id the marker names (unescaped, copied: the input is reused
// after FeedLine), other markers none; Feed, without the input, names
// none either. And each marker's period.
func TestMarkerNextLiveID(t *testing.T) {
	const t0 = int64(1_700_000_000_000)
	lines := []string{
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_START"}}`, t0),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"END_FIRST_HALF"}}`, t0+1000),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"half-2\/b","type":"PLAY_NEXT"}}`, t0+1001),
		fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"drill-3","type":"DRILL_NEXT"}}`, t0+1002),
	}
	for _, withLine := range []bool{true, false} {
		c := &collect{}
		s, err := NewSession(DefaultConfig(), Meta{}, c)
		if err != nil {
			t.Fatal(err)
		}
		var dec decode.Decoder
		var m decode.Message
		buf := make([]byte, 0, 256)
		for _, l := range lines {
			buf = append(buf[:0], l...)
			if err := dec.Decode(buf, &m); err != nil {
				t.Fatal(err)
			}
			if withLine {
				err = s.FeedLine(&m, buf)
			} else {
				err = s.Feed(&m)
			}
			if err != nil {
				t.Fatal(err)
			}
			clear(buf[:cap(buf)]) // the engine must have copied what it keeps
		}
		if _, err := s.Close(); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"PLAY_START": "", "END_FIRST_HALF": "", "PLAY_NEXT": "half-2/b", "DRILL_NEXT": "drill-3"}
		if !withLine {
			want["PLAY_NEXT"], want["DRILL_NEXT"] = "", ""
		}
		got := map[string]string{}
		for _, g := range c.segs(SegMarker) {
			got[g.Label] = g.NextLiveID
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("with line %v: marker → next live id %v, want %v", withLine, got, want)
		}
		// The period: the one a start opens or an end closes; 0 for a
		// marker between periods (the PLAY_NEXT at half time had said 1).
		periods := map[string]int32{}
		for _, g := range c.segs(SegMarker) {
			periods[g.Label] = g.Period
		}
		if wantP := map[string]int32{"PLAY_START": 1, "END_FIRST_HALF": 1, "PLAY_NEXT": 0, "DRILL_NEXT": 0}; fmt.Sprint(periods) != fmt.Sprint(wantP) {
			t.Errorf("with line %v: marker periods %v, want %v", withLine, periods, wantP)
		}
	}
}
