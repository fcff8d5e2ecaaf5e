package pipeline

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"testing"
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
