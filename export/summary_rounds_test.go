package export_test

import (
	"slices"
	"testing"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// A bare recording of a whole game or practice (no live.json names its
// first round) lists its first round too, unnamed, when the feed's
// *_NEXT markers name later ones: the rounds then say which period is
// which, every one the recording holds. Before, only the later round was
// listed, and the report called a whole game "period 2". A recording of
// one round, unnamed, still lists none.
func TestRoundsOfUnnamedFirst(t *testing.T) {
	for _, c := range []struct {
		name string
		sum  track.Summary
		want []export.RoundSummary
	}{
		{"bare whole game", track.Summary{Round: track.Round{Period: 1}, Rounds: []track.Round{{LiveID: "h2", Period: 2}}},
			[]export.RoundSummary{{Period: 1}, {LiveID: "h2", Period: 2}}},
		{"bare one half", track.Summary{Round: track.Round{Period: 1}}, nil},
		{"named", track.Summary{Round: track.Round{LiveID: "h1", Name: "Game", Period: 1}, Rounds: []track.Round{{LiveID: "h2", Period: 2}}},
			[]export.RoundSummary{{LiveID: "h1", Name: "Game", Period: 1}, {LiveID: "h2", Period: 2}}},
		{"a drill's live id, unnamed, ending at the next's DRILL_NEXT", track.Summary{Round: track.Round{Period: 3}, Rounds: []track.Round{{LiveID: "d4"}}},
			[]export.RoundSummary{{Period: 3}, {LiveID: "d4"}}},
	} {
		if got := export.RoundsOf(&c.sum); !slices.Equal(got, c.want) {
			t.Errorf("%s: rounds %+v, want %+v", c.name, got, c.want)
		}
	}
}
