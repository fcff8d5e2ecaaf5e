package synth

import (
	"reflect"
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

func TestScoreTurnovers(t *testing.T) {
	tr := &Truth{Turnovers: []Turnover{
		{PlayerID: 1, At_ms: 1000, Kind: "steal", StolenBy: 3},
		{PlayerID: 2, At_ms: 5000, Kind: "bad_pass"},
		{PlayerID: 1, At_ms: 9000, Kind: "violation"}, // not seen in the motion: left out
		{PlayerID: 2, At_ms: 12000, Kind: "steal", StolenBy: 4},
	}}
	calls := []TurnoverCall{
		{PlayerID: 1, ToPlayerID: 3, At_ms: 1200, Steal: true},  // the first steal
		{PlayerID: 2, At_ms: 5400},                              // the bad pass
		{PlayerID: 1, At_ms: 9000},                              // the violation: false
		{PlayerID: 2, ToPlayerID: 3, At_ms: 12500, Steal: true}, // a turnover, but the wrong stealer
		{PlayerID: 3, ToPlayerID: 1, At_ms: 20000, Steal: true}, // nothing
		{PlayerID: 1, ToPlayerID: 3, At_ms: 4500, Steal: true},  // too late for the first
	}
	got := tr.ScoreTurnovers(calls, 3000)
	want := TurnoverScore{Calls: 6, Truth: 3, Matched: 3, StealCalls: 4, TrueSteals: 2, StealsMatched: 1,
		FalseSteals: []int{3, 4, 5}, MissedSteals: []Turnover{tr.Turnovers[3]}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ScoreTurnovers:\n got %+v\nwant %+v", got, want)
	}
	// Turnovers: 3 of 6 detected match (50 %), 3 of 3 found; steals: 1
	// of 4 (25 %) and 1 of 2 (50 %).
	wantShort := []string{
		"turnovers: 3 of 6 detected match the truth (target 75%)",
		"steals: 1 of 4 detected match the truth (target 75%)",
		"steals: 1 of 2 true ones found (target 75%)",
	}
	if s := got.Shortfalls(0.75); !reflect.DeepEqual(s, wantShort) {
		t.Errorf("Shortfalls(0.75) %q, want %q", s, wantShort)
	}
	if s := got.Shortfalls(0.25); s != nil {
		t.Errorf("Shortfalls(0.25) %q, want none", s)
	}
}
