package track

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// A stats message made of REST state (the key "stmotion_source", a
// join's box score) sets the box score, its DIST too, but is no DIST
// check: no row, no baseline. Fed without its line, it is taken for one
// received.
func TestMadeStatsNoDistCheck(t *testing.T) {
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 20, noise_m: 0.02, seed: 2, sensors: []genSensor{{id: 1, p: line(1, 0)}}})
	made := fmt.Sprintf(`{"type":"stats","stmotion_source":"rest_join","data":{"occurred_at":%d,"team_id":7,"player_id":1,"stats":{"DIST":5000,"PTS":2},"version":0}}`, t0)
	own := fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":7,"player_id":1,"stats":{"DIST":%%d},"classification":"DISTANCE","version":%%d}}`, t0)
	for _, withLine := range []bool{true, false} {
		c := &collect{}
		s, err := NewSession(DefaultConfig(), Meta{EventStart_ms: t0 - 600_000}, c)
		if err != nil {
			t.Fatal(err)
		}
		feedLine := lineFeeder(t, s, withLine)
		feedLine(made)
		for i := range feed {
			if err := s.Feed(&feed[i]); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				feedLine(fmt.Sprintf(own, 5600, 1))
			}
		}
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range c.segs(SegDistCheck) {
			got = append(got, fmt.Sprintf("%d: %.0f", g.Start_ms-t0, g.FeedDist_cm))
		}
		want := []string{"0: 0"} // the feed's own DIST, the baseline
		if !withLine {
			want = []string{"0: 0", "0: 600"} // the REST DIST as the baseline
		}
		if !slices.Equal(got, want) {
			t.Errorf("with line %v: DIST checks %q, want %q", withLine, got, want)
		}
		if b := sum.BoxScore; len(b) != 1 || b[0].Values["DIST"] != 5600 || b[0].Values["PTS"] != 2 {
			t.Errorf("with line %v: box score %+v, want DIST 5600 and the REST state's PTS 2", withLine, b)
		}
	}
}

// A shot made of REST state (a join's /shots) and then delivered by the
// feed too, late, counts once, whether the feed's copy is the same or a
// correction (another zone): the copy is dropped, not counted a repeat.
// A shot of the same player at another time still counts.
func TestMadeShotFeedCopyDropped(t *testing.T) {
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 10, noise_m: 0.02, seed: 2, sensors: []genSensor{{id: 1, p: line(1, 0)}}})
	shot := `{"type":"shot",%s"data":{"occurred_at":%d,"team_id":7,"player_id":1,"is_make":true,"is_3point":false,"zone":%d,"hoop_player_x":100,"hoop_player_y":200,"status":"RECORDED"}}`
	made := fmt.Sprintf(shot, `"stmotion_source":"rest_join",`, t0-1000, 3)
	for _, zone := range []int{3, 4} {
		c := &collect{}
		s, err := NewSession(DefaultConfig(), Meta{}, c)
		if err != nil {
			t.Fatal(err)
		}
		feedLine := lineFeeder(t, s, true)
		feedLine(made)
		for i := range feed {
			if err := s.Feed(&feed[i]); err != nil {
				t.Fatal(err)
			}
			if i == 50 {
				feedLine(fmt.Sprintf(shot, "", t0-1000, zone)) // the feed's copy, 3 s late
				feedLine(fmt.Sprintf(shot, "", t0+1000, zone)) // another shot
			}
		}
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range c.segs(SegFeedShot) {
			got = append(got, fmt.Sprintf("%d: zone %d", g.Start_ms-t0, g.Zone))
		}
		if want := []string{"-1000: zone 3", fmt.Sprintf("1000: zone %d", zone)}; !slices.Equal(got, want) {
			t.Errorf("feed's copy in zone %d: shots %q, want %q", zone, got, want)
		}
		if sum.Quality.RepeatedShots != 0 {
			t.Errorf("feed's copy in zone %d: %d repeated shots, want 0", zone, sum.Quality.RepeatedShots)
		}
	}
}

// lineFeeder returns a function that decodes a line and feeds it to s,
// with its line (FeedLine) or without (Feed).
func lineFeeder(t *testing.T, s *Session, withLine bool) func(string) {
	var dec decode.Decoder
	var m decode.Message
	return func(l string) {
		t.Helper()
		if err := dec.Decode([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		var err error
		if withLine {
			err = s.FeedLine(&m, []byte(l))
		} else {
			err = s.Feed(&m)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
