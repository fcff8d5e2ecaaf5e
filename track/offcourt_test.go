package track

import (
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/geom"
)

// OffCourt takes a session for off its court only when both the players
// and the ball (those there are) are nearly all off it: a timeout (the
// players beside the bench, the ball on the court) or a spare ball beside
// it is not.
func TestInBoundsCountsOffCourt(t *testing.T) {
	f := func(c InBoundsCounts, want bool) {
		t.Helper()
		if got := c.OffCourt(); got != want {
			t.Errorf("%+v: OffCourt %v, want %v", c, got, want)
		}
	}
	f(InBoundsCounts{}, false)
	f(InBoundsCounts{Players: 1000, Balls: 100}, true)
	f(InBoundsCounts{Players: 1000, PlayersIn: 99, Balls: 100, BallsIn: 9}, true)
	f(InBoundsCounts{Players: 1000, PlayersIn: 100, Balls: 100}, false) // 10 %: the bound
	f(InBoundsCounts{Players: 1000, PlayersIn: 420, Balls: 100}, false) // a game, a spare ball beside the court
	f(InBoundsCounts{Players: 1000, Balls: 100, BallsIn: 90}, false)    // a timeout
	f(InBoundsCounts{Players: 1000}, true)                              // no ball sensor
	f(InBoundsCounts{Players: 1000, PlayersIn: 380}, false)             // no ball sensor, the bench off
	f(InBoundsCounts{Balls: 100, BallsIn: 5}, true)                     // no player sensor
	f(InBoundsCounts{Balls: 100, BallsIn: 50}, false)                   // no player sensor
}

// Summary.InBounds counts the sample rows the sinks get, and those in
// bounds among them, in batch and live mode; in the sensor frame every
// row is in bounds.
func TestSummaryInBounds(t *testing.T) {
	b := court.BodyFor(court.NBA, geom.NewSimilarity2(1000, 0, geom.Vec2{}))
	ct, err := court.New(&b, court.Options{})
	if err != nil {
		t.Fatal(err)
	}
	msgs := gen(genSpec{start_ms: 1_700_000_000_000, period_ms: 40, dur_s: 20, noise_m: 0.01, seed: 1, sensors: []genSensor{
		{id: 1, p: still(0, 0)},  // on the court
		{id: 2, p: still(20, 0)}, // beyond the east baseline (14.325 m + 0.5 m)
		{id: 3, p: still(0, -9)}, // at the bench, beyond the sideline (7.62 m + 0.5 m)
		{id: 9, ball: true, p: still(1, 1)},
	}})
	for _, c := range []struct {
		name   string
		court  *court.Court
		causal bool
	}{{"batch", ct, false}, {"live", ct, true}, {"sensor frame", nil, false}} {
		cfg := DefaultConfig()
		cfg.Causal = c.causal
		rows, sum, err := run(cfg, Meta{SessionID: "s", Court: c.court}, msgs)
		if err != nil {
			t.Fatal(err)
		}
		var want InBoundsCounts
		for _, r := range rows.samples {
			switch r.Kind {
			case KindPlayer:
				want.Players++
				if r.InBounds {
					want.PlayersIn++
				}
			case KindBall:
				want.Balls++
				if r.InBounds {
					want.BallsIn++
				}
			}
		}
		if sum.InBounds != want || want.Players == 0 || want.Balls == 0 {
			t.Errorf("%s: InBounds %+v, the rows' %+v", c.name, sum.InBounds, want)
		}
		third := want.Players / 3
		if in := want.PlayersIn; c.court != nil && (in < third-5 || in > third+5) || c.court == nil && in != want.Players {
			t.Errorf("%s: %d of %d player rows in bounds, want one player's of three (or all, in the sensor frame)", c.name, in, want.Players)
		}
		if sum.InBounds.OffCourt() {
			t.Errorf("%s: OffCourt with %+v", c.name, sum.InBounds)
		}
	}
}
