package track

import (
	"slices"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// TestLateRepeats: a sample repeated after the reorder window (the same
// sensor and time as one placed: a feed replayed after a reconnect, a
// recording concatenated twice) is a duplicate, not a late sample, as
// far back as the sensor's ring remembers (about 10 s at 25 Hz); only a
// sample whose time was not seen is late. Before, a repeat was a
// duplicate only within the window or when it matched the last consumed
// sample: repeats delivered a second later were all late, which reads as
// lost data, and a recording concatenated twice read "50 % dropped"
// with nothing lost.
func TestLateRepeats(t *testing.T) {
	base := func(dur_s float64) []decode.Message {
		return gen(genSpec{start_ms: t0, period_ms: 40, dur_s: dur_s, noise_m: 0.03, seed: 11, sensors: []genSensor{
			{id: 1, p: circle(5, 3)}, {id: 2, p: shuttle(20, 5, 3)}, {id: 3, p: still(2, 2)}, {id: 99, ball: true, p: circle(3, 6)},
		}})
	}
	const frame = 4 // samples per frame (one per sensor)
	// The feed's first 2 s, before the grid starts, place every sample.
	const from = 50 * frame
	// copiesLater repeats n samples, spread over the feed from 2 s on,
	// delay frames after their own.
	copiesLater := func(n, delay int) func([]decode.Message) []decode.Message {
		return func(m []decode.Message) []decode.Message {
			out := slices.Clone(m)
			step := (len(m) - from - delay*frame) / (n + 1)
			for k := n; k >= 1; k-- { // from the end: the indices before stay
				i := from + k*step
				out = slices.Insert(out, i+delay*frame, m[i])
			}
			return out
		}
	}
	// moveLater delivers n samples (from 2 s on) delay frames after their
	// place (and not there): truly late.
	moveLater := func(n, delay int) func([]decode.Message) []decode.Message {
		return func(m []decode.Message) []decode.Message {
			step := (len(m) - from - delay*frame) / (n + 1)
			for k := 1; k <= n; k++ {
				i := from + k*step
				s := m[i]
				copy(m[i:], m[i+1:i+delay*frame+1])
				m[i+delay*frame] = s
			}
			return m
		}
	}
	twice := func(m []decode.Message) []decode.Message { return append(slices.Clone(m), m...) }
	cases := []struct {
		name      string
		dur_s     float64
		feed      func([]decode.Message) []decode.Message
		dup, late int64
		same      bool // the output is the clean feed's
	}{
		{"repeats 100 ms later", 60, copiesLater(37, 3), 37, 0, true},
		{"repeats 1 s later", 60, copiesLater(37, 25), 37, 0, true},
		{"repeats 5 s later", 60, copiesLater(37, 125), 37, 0, true},
		{"samples 1 s late", 60, moveLater(37, 25), 0, 37, false},
		{"a 4-second recording twice", 4, twice, 101 * frame, 0, true},
		// Beyond the ring's memory a repeat cannot be told from a sample
		// that was never seen.
		{"repeats 20 s later", 60, copiesLater(5, 500), 0, 5, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clean, cleanSum, err := run(DefaultConfig(), Meta{}, base(c.dur_s))
			if err != nil {
				t.Fatal(err)
			}
			col, sum, err := run(DefaultConfig(), Meta{}, c.feed(base(c.dur_s)))
			if err != nil {
				t.Fatal(err)
			}
			if q := sum.Quality; q.Duplicates != c.dup || q.Late != c.late || q.BadTimes != 0 {
				t.Errorf("duplicates %d, late %d, bad times %d; want %d, %d, 0", q.Duplicates, q.Late, q.BadTimes, c.dup, c.late)
			}
			if !c.same {
				return
			}
			if len(col.samples) != len(clean.samples) || sum.Start_ms != cleanSum.Start_ms || sum.End_ms != cleanSum.End_ms {
				t.Errorf("%d rows from %d to %d, want %d from %d to %d", len(col.samples), sum.Start_ms, sum.End_ms, len(clean.samples), cleanSum.Start_ms, cleanSum.End_ms)
			}
			for _, p := range cleanSum.Players {
				if got := player(sum, p.PlayerID); got == nil || got.Distance_m != p.Distance_m {
					t.Errorf("player %d: %+v, want distance %.3f m", p.PlayerID, got, p.Distance_m)
				}
			}
		})
	}
}
