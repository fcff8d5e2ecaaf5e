package synth

import (
	"slices"
	"testing"
)

func TestTruthTeammatePassesAndRebounds(t *testing.T) {
	tr := &Truth{
		Players: []PlayerTruth{{ID: 1, TeamID: 10}, {ID: 2, TeamID: 10}, {ID: 3, TeamID: 20}},
		Passes: []Pass{
			{From: 1, To: 2, Caught_ms: 100},                    // a pass
			{From: 1, To: 3, Caught_ms: 200, Intercepted: true}, // intercepted
			{From: 2, To: 2, Caught_ms: 300},                    // a toss to himself
			{From: 2, Intended: 1, OutOfBounds: true},           // out of bounds
			{From: 2, To: 1, Caught_ms: 400},                    // a pass
		},
		Shots:      []ShotTruth{{PlayerID: 1, Released_ms: 1000, ReboundBy: 3}, {PlayerID: 2, Released_ms: 2000, Make: true}},
		FreeThrows: []FreeThrow{{PlayerID: 3, Released_ms: 3000, ReboundBy: 2}, {PlayerID: 3, Released_ms: 2900}},
	}
	if n := tr.TeammatePasses(); n != 2 {
		t.Errorf("TeammatePasses = %d, want 2", n)
	}
	want := []Rebound{{By: 3, Released_ms: 1000}, {By: 2, Released_ms: 3000, FreeThrow: true}}
	if got := tr.Rebounds(); !slices.Equal(got, want) {
		t.Errorf("Rebounds = %+v, want %+v", got, want)
	}
}
