package possession_test

import (
	"fmt"

	"github.com/stmotion/stmotion/track/possession"
)

// A player holds the ball for one second and passes it 5 m (11 m/s hand
// to hand) to a teammate. Possessions end and begin where the ball crosses
// Hand_m (0.45 m from the player), 14 ms from each hand.
func Example() {
	team := map[int64]int64{11: 1, 12: 1}
	d := possession.New(possession.DefaultConfig(), func(id int64) int64 { return team[id] },
		func(e *possession.Event) {
			switch e.Kind {
			case possession.KindPossession:
				fmt.Printf("%s player %d: %d..%d ms\n", e.Kind, e.PlayerID, e.Start_ms, e.End_ms)
			case possession.KindPass:
				fmt.Printf("%s %d -> %d: %.1f m at %.1f m/s\n", e.Kind, e.PlayerID, e.ToPlayerID, e.Length_m, e.Speed_mps)
			case possession.KindTeamPossession:
				fmt.Printf("%s team %d: %d touches, %d passes\n", e.Kind, e.TeamID, e.Touches, e.Passes)
			}
		})
	players := []possession.PlayerPos{{ID: 11, X_m: 0}, {ID: 12, X_m: 5}}
	for t := int64(0); t <= 2400; t += 40 {
		x, z := 0.3, 1.0 // in player 11's hands
		switch {
		case t >= 1000 && t < 1400: // in flight toward player 12
			x = 0.3 + 4.4*float64(t-1000)/400
		case t >= 1400:
			x = 4.7
		}
		d.Update(t, x, 0, z, players, true)
	}
	d.Flush(2400)
	for _, p := range d.Players(nil) {
		fmt.Printf("player %d: %.2f s, %d touch\n", p.PlayerID, p.Possession_s, p.Touches)
	}
	// Output:
	// possession player 11: 0..1014 ms
	// pass 11 -> 12: 5.0 m at 13.4 m/s
	// possession player 12: 1386..2400 ms
	// team_possession team 1: 2 touches, 1 passes
	// player 11: 1.01 s, 1 touch
	// player 12: 1.01 s, 1 touch
}
