package track

import (
	"reflect"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// RosterConflicts names each player on more than one team, with the team
// the engine takes him for: the last that lists him, as NewSession reads
// the roster (checked on the players table's team_id).
func TestRosterConflicts(t *testing.T) {
	team := func(id int64, players ...int64) decode.RosterTeam {
		rt := decode.RosterTeam{ID: id}
		for _, p := range players {
			rt.Players = append(rt.Players, decode.Player{ID: p})
		}
		return rt
	}
	f := func(roster []decode.RosterTeam, want ...RosterConflict) {
		t.Helper()
		got := RosterConflicts(roster)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("RosterConflicts(%+v) = %+v, want %+v", roster, got, want)
		}
		for _, c := range got {
			s, err := NewSession(DefaultConfig(), Meta{Roster: roster})
			if err != nil {
				t.Fatal(err)
			}
			if e := s.roster[c.PlayerID]; e.team != c.Kept() {
				t.Errorf("player %d: the engine takes him for team %d, Kept says %d", c.PlayerID, e.team, c.Kept())
			}
		}
	}
	f(nil)
	f([]decode.RosterTeam{team(1, 10, 11), team(2, 20, 21)})
	f([]decode.RosterTeam{team(1, 10, 10), team(2, 20)}) // twice on one team: no conflict
	f([]decode.RosterTeam{team(1, 10, 11), team(2, 20, 10)}, RosterConflict{PlayerID: 10, Teams: []int64{1, 2}})
	f([]decode.RosterTeam{team(1, 11, 10), team(2, 10, 11), team(3, 10)},
		RosterConflict{PlayerID: 11, Teams: []int64{1, 2}}, RosterConflict{PlayerID: 10, Teams: []int64{1, 2, 3}})
	// Team 1 listed again after team 2: it is the one kept.
	f([]decode.RosterTeam{team(1, 10), team(2, 10), team(1, 10)}, RosterConflict{PlayerID: 10, Teams: []int64{2, 1}})
}
