package synth

import (
	"fmt"
	"math/rand/v2"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
)

// BallID is the ball sensor's id, as on real feeds (it does not fit an int32).
const BallID int64 = 2147549498

var firstNames = [...]string{
	"Avery", "Blake", "Cameron", "Dante", "Elliot", "Felix", "Gavin", "Hugo", "Isaac", "Jalen",
	"Kellan", "Luca", "Marcus", "Nolan", "Omar", "Parker", "Quinn", "Reggie", "Silas", "Theo",
	"Umar", "Victor", "Wes", "Xavier", "Yusuf", "Zane", "Andre", "Bruno", "Caleb", "Darius",
}

var lastNames = [...]string{
	"Abbott", "Baptiste", "Castro", "Dalton", "Ekwueme", "Fischer", "Grant", "Holloway", "Ivers",
	"Jansen", "Kowalski", "Lindqvist", "Mensah", "Navarro", "Okafor", "Petrov", "Quarles", "Rossi",
	"Sato", "Thibodeaux", "Ulrich", "Vance", "Whitaker", "Xu", "Yilmaz", "Zeller", "Achebe",
	"Brennan", "Cardoso", "Delgado",
}

// positions of a 12-man roster: the five starters first (slot order PG,
// SG, SF, PF, C), then the bench.
var rosterPos = [...]string{"G", "G", "F", "F", "C", "G", "G", "F", "F", "C", "G", "F", "C", "G", "F", "C", "G", "F", "C", "G"}

// side names and team ids of a game; a practice uses one team split in two.
var sideNames = [2]string{"Harbor City Herons", "Ridgeview Rams"}

const (
	homeTeamID  int64 = 461
	awayTeamID  int64 = 490
	practiceTID int64 = 461
)

// newRoster creates both sides' players: the five starters of each side in
// the lineup at the jump ball, the bench seated beyond the south sideline
// (home bench west of centre, away bench east).
func newRoster(rng *rand.Rand, cfg Config, t court.Template) []agent {
	n := 5 + cfg.BenchPerTeam
	ags := make([]agent, 0, 2*n)
	usedID := map[int64]bool{BallID: true}
	usedName := map[string]bool{}
	for side := 0; side < 2; side++ {
		jerseys := rng.Perm(45)
		for k := 0; k < n; k++ {
			var id int64
			for {
				id = 1000 + rng.Int64N(9000)
				if !usedID[id] {
					break
				}
			}
			usedID[id] = true
			var fn, ln string
			for {
				fn, ln = firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
				if !usedName[fn+ln] {
					break
				}
			}
			usedName[fn+ln] = true
			pos := rosterPos[k%len(rosterPos)]
			a := agent{
				id: id, side: side, first: fn, last: ln, jersey: jerseys[k], pos: pos,
				skill: 0.88 + 0.24*rng.Float64(), dribHz: 1.7 + 0.5*rng.Float64(),
				rightHand: rng.Float64() < 0.85, slot: -1,
			}
			// Top speeds 8.0-9.0 m/s (guards fastest), acceleration limits 3.8-4.8 m/s².
			switch pos {
			case "G":
				a.vmax_mps, a.amax_mps2 = 8.4+0.6*rng.Float64(), 4.2+0.6*rng.Float64()
			case "F":
				a.vmax_mps, a.amax_mps2 = 8.2+0.6*rng.Float64(), 4.0+0.6*rng.Float64()
			default:
				a.vmax_mps, a.amax_mps2 = 8.0+0.5*rng.Float64(), 3.8+0.5*rng.Float64()
			}
			ags = append(ags, a)
		}
	}
	// Seats: 0.65 m apart, 1.6 m beyond the south sideline.
	for side := 0; side < 2; side++ {
		seat := 0
		for i := range ags {
			a := &ags[i]
			if a.side != side {
				continue
			}
			dir := -1.0
			if side == 1 {
				dir = 1
			}
			a.seatX = dir * (2.0 + 0.65*float64(seat))
			a.seatY = -(t.Width_m/2 + 1.6)
			seat++
		}
	}
	return ags
}

func (a *agent) player() decode.Player {
	position := map[string]string{"G": "guard", "F": "forward", "C": "center"}[a.pos]
	return decode.Player{
		ID: a.id, FirstName: a.first, LastName: a.last,
		DisplayName: a.first + " " + a.last, JerseyNumber: decode.Jersey(fmt.Sprint(a.jersey)),
		Position: position,
	}
}
