package pipeline

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// Sensors dropped beyond the engine's limit are warned of with the limit,
// and the ball and roster warnings and limits do not contradict them: a
// ball the feed sent but the engine had no room for is not "no ball
// sensor sent a location", and a roster whose players were dropped is
// not another session's (no_roster).
func TestSensorLimitWarnings(t *testing.T) {
	teams := []track.TeamSummary{{TeamID: 1, Name: "A"}, {TeamID: 2, Name: "B"}}
	limit := fmt.Sprintf("limit of %d", track.DefaultMaxSensors)
	for _, c := range []struct {
		name       string
		q          track.Quality
		want, not  []string
		wantLimits []string
	}{
		{
			name: "dropped",
			q: track.Quality{Locations: 5000, PlayerSensors: 1020, BallSensors: 0, UnknownIDs: 1020,
				DroppedSensors: 3000, DroppedBallSamples: 500, DroppedRosterSamples: 2500},
			want: []string{"g: the feed has more distinct sensor ids than the engine's " + limit + ": 3000 location samples of sensors beyond it were dropped (quality.dropped_sensors), 500 of a ball (quality.dropped_ball_samples) and 2500 of roster players (quality.dropped_roster_samples)",
				"g: no ball sensor was tracked: the 500 location samples of ball sensors came after the engine's " + limit,
				"2500 location samples of roster players were dropped beyond the engine's " + limit},
			not:        []string{"no ball sensor sent a location", "is it this session's roster?", "limits: no_roster"},
			wantLimits: []string{export.LimitPartialRoster},
		},
		{
			name: "evicted",
			q:    track.Quality{Locations: 5000, PlayerSensors: 10, BallSensors: 1, EvictedSensors: 11},
			want: []string{"g: the feed has more distinct sensor ids than the engine's " + limit + ": 11 sensors not on the roster that had sent a sample or two gave their place to players the roster or the stats name, or to balls (quality.evicted_sensors)"},
			not:  []string{"dropped_sensors", "no ball sensor"},
		},
		{
			name:       "none",
			q:          track.Quality{Locations: 5000, PlayerSensors: 10, UnknownIDs: 10},
			want:       []string{"g: no ball sensor sent a location", "is it this session's roster?"},
			not:        []string{limit},
			wantLimits: []string{export.LimitNoRoster},
		},
	} {
		sum := &track.Summary{Teams: teams, Quality: c.q}
		ws := strings.Join(SummaryWarnings("g", sum), "\n")
		for _, w := range c.want {
			if !strings.Contains(ws, w) {
				t.Errorf("%s: warnings lack %q:\n%s", c.name, w, ws)
			}
		}
		for _, w := range c.not {
			if strings.Contains(ws, w) {
				t.Errorf("%s: warnings hold %q:\n%s", c.name, w, ws)
			}
		}
		if l := export.Limits(sum); !slices.Equal(l, c.wantLimits) {
			t.Errorf("%s: limits %q, want %q", c.name, l, c.wantLimits)
		}
	}
}
