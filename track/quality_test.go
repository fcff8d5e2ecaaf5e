package track

import (
	"fmt"
	"testing"
)

// Quality.StaleStats counts the stats messages with an old or repeated
// version only: a message naming no stat the box score keeps (only stat
// keys stmotion does not know, counted in Unknown, or none) applies
// nothing, but is not stale. Both had been counted stale: a feed that
// added a stat would have read as a flood of old versions.
func TestStaleStatsOnlyOldVersions(t *testing.T) {
	stats := func(version int, kv string) string {
		return fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":1,"player_id":7,"stats":{%s},"classification":"DISTANCE","version":%d}}`, t0+int64(version)*100, kv, version)
	}
	f := func(name string, lines []string, unknown, stale int64) {
		t.Helper()
		s, err := NewSession(DefaultConfig(), Meta{})
		if err != nil {
			t.Fatal(err)
		}
		feed := lineFeeder(t, s, true)
		for _, l := range lines {
			feed(l)
		}
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if q := sum.Quality; q.Unknown != unknown || q.StaleStats != stale {
			t.Errorf("%s: unknown %d, stale_stats %d; want %d, %d", name, q.Unknown, q.StaleStats, unknown, stale)
		}
	}
	f("unknown key, new version", []string{stats(5, `"REB_WHATEVER":1.0`)}, 1, 0)
	f("no stat, new version", []string{stats(6, ``)}, 0, 0)
	f("the report's two", []string{stats(5, `"REB_WHATEVER":1.0`), stats(6, ``)}, 1, 0)
	f("repeated", []string{stats(5, `"PTS":2`), stats(5, `"PTS":2`)}, 0, 1)
	f("older", []string{stats(5, `"PTS":2`), stats(4, `"PTS":0`)}, 0, 1)
	f("older, with an unknown key", []string{stats(5, `"PTS":2`), stats(4, `"PTS":0,"REB_WHATEVER":1.0`)}, 1, 1)
	f("a new stat beside an old one", []string{stats(5, `"PTS":2`), stats(4, `"PTS":0,"AST":1`)}, 0, 0)
	f("no stat, old version", []string{stats(5, `"PTS":2`), stats(4, ``)}, 0, 0)
}
