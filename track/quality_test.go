package track

import (
	"fmt"
	"testing"

	"github.com/stmotion/stmotion/decode"
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

// Quality.Messages counts the messages fed with FeedLine (the
// recording's, a line made of REST state among them); FeedRestState's
// (made of a bundle's stats.json and shots.json beside the recording)
// count in RestMessages instead, and are taken as made of REST state
// whatever their line holds: their DIST is no DIST check.
func TestRestMessagesApart(t *testing.T) {
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 4, noise_m: 0.02, seed: 3, sensors: []genSensor{{id: 1, p: line(1, 0)}}})
	own := fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":7,"player_id":1,"stats":{"DIST":50},"classification":"DISTANCE","version":2}}`, t0+1000)
	made := fmt.Sprintf(`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":%d,"team_id":7,"player_id":1,"stats":{"PTS":2},"version":1}}`, t0)
	// Made of REST state, its line not marked: FeedRestState still
	// keeps its DIST out of the DIST check.
	beside := fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":7,"player_id":2,"stats":{"DIST":900},"version":1}}`, t0)
	c := &collect{}
	s, err := NewSession(DefaultConfig(), Meta{}, c)
	if err != nil {
		t.Fatal(err)
	}
	var dec decode.Decoder
	var m decode.Message
	for _, l := range []string{beside, made} {
		if err := dec.Decode([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if err := s.FeedRestState(&m, []byte(l)); err != nil {
			t.Fatal(err)
		}
	}
	feedLine := lineFeeder(t, s, true)
	feedLine(made) // a recording's line made of REST state: one of its messages
	for i := range feed {
		if err := s.Feed(&feed[i]); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			feedLine(own)
		}
	}
	sum, err := s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if q := sum.Quality; q.Messages != int64(len(feed))+2 || q.RestMessages != 2 {
		t.Errorf("messages %d, rest messages %d; want %d, 2", q.Messages, q.RestMessages, len(feed)+2)
	}
	var checked []int64
	for _, g := range c.segs(SegDistCheck) {
		checked = append(checked, g.PlayerID)
	}
	if len(checked) != 1 || checked[0] != 1 {
		t.Errorf("DIST checks of players %v, want [1]: the feed's own DIST only", checked)
	}
	if err := s.FeedRestState(&m, nil); err != ErrClosed {
		t.Errorf("FeedRestState after Close: %v, want ErrClosed", err)
	}
}
