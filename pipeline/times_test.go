package pipeline

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/track"
)

// Stats and shot messages in seconds while the locations are in ms: the
// summary warns, names the first such time and the unit, and the
// messages' times corrupt nothing. Before, analyze said nothing (every
// stats and shot message counted in quality.bad_time_messages only), its
// shots landed in 1970 in period 0, and its DIST checks dated 1970
// flagged players.
func TestWarningMessageTimesInSeconds(t *testing.T) {
	re := regexp.MustCompile(`"occurred_at":(\d+)`)
	r, sum, path := runEdited(t, "msgsec.jsonl", func(l []byte) []byte {
		if !bytes.HasPrefix(l, []byte(`{"type":"stats"`)) && !bytes.HasPrefix(l, []byte(`{"type":"shot"`)) {
			return l
		}
		return re.ReplaceAllFunc(l, func(m []byte) []byte {
			v, _ := strconv.ParseInt(string(m[len(`"occurred_at":`):]), 10, 64)
			return fmt.Appendf(nil, `"occurred_at":%d`, v/1000)
		})
	})
	q := sum.Quality
	if q.BadTimeMessages == 0 || q.BadTimes != q.BadTimeMessages {
		t.Fatalf("bad times %d (messages %d): want every stats and shot message, no location", q.BadTimes, q.BadTimeMessages)
	}
	checkWarned(t, r, path+": ", fmt.Sprintf("%d stats, marker or shot messages had an occurred_at far from the location samples' times, the first 1970-01-", q.BadTimeMessages),
		"(quality.bad_time_messages): occurred_at must be epoch milliseconds (seconds would give this)")
	if sum.Start_ms < y2000_ms {
		t.Errorf("start %d: the messages moved the span", sum.Start_ms)
	}
	for _, p := range sum.Players {
		if p.DistFlag != "" {
			t.Errorf("player %d flagged %q (DIST ratio %.3f) for DIST updates in seconds", p.PlayerID, p.DistFlag, p.DistRatio)
		}
	}
}

// Markers that came too late to take effect at their own time are warned
// of once, with the longest delay; none, no warning. Before, they took
// effect where they came without a word (a LIVE 5 s late cost 12 % of a
// game's live distance, which analyze now waits for).
func TestLateMarkersWarning(t *testing.T) {
	warned := func(q track.Quality) []string {
		var ws []string
		for _, w := range SummaryWarnings("g", &track.Summary{Quality: q}) {
			if strings.Contains(w, "late_markers") {
				ws = append(ws, w)
			}
		}
		return ws
	}
	want := "g: 6 markers came too late to take effect at their own occurred_at, up to 20.0 s after it (quality.late_markers, quality.late_marker_max_ms)"
	if w := warned(track.Quality{Locations: 100, BallSensors: 1, LateMarkers: 6, LateMarkerMax_ms: 19_997}); len(w) != 1 || !strings.HasPrefix(w[0], want) {
		t.Errorf("warnings %q, want one starting %q", w, want)
	}
	if w := warned(track.Quality{Locations: 100, BallSensors: 1}); len(w) != 0 {
		t.Errorf("no late marker: warnings %q", w)
	}
}
