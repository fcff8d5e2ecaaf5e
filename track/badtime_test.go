package track

import (
	"slices"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// TestLoneBadTime: one location sample with a wrong clock is dropped as a
// bad time and changes nothing else, while the feed's real jumps in time
// (a silence, half time with the feed off, a sensor that starts late)
// are kept. A sample a day ahead used to move the watermark a day on:
// nearly every later sample was late and the session ended a day later.
func TestLoneBadTime(t *testing.T) {
	const day = 86_400_000
	base := func() []decode.Message {
		return gen(genSpec{start_ms: t0, period_ms: 50, dur_s: 120, noise_m: 0.03, seed: 5, sensors: []genSensor{
			{id: 1, p: still(1, 1)}, {id: 2, p: circle(6, 2.5)}, {id: 99, ball: true, p: circle(3, 6)},
			{id: 3, p: shuttle(20, 5, 3), from: 40}, // starts late
		}})
	}
	clean, cleanSum, err := run(DefaultConfig(), Meta{}, base())
	if err != nil {
		t.Fatal(err)
	}
	// with inserts a copy of the location at index i with its time set
	// (and leaves the feed otherwise as it was).
	with := func(m []decode.Message, i int, t_ms int64) []decode.Message {
		bad := m[i]
		bad.Location.OccurredAt_ms = t_ms
		return slices.Insert(m, i, bad)
	}
	mid := func(m []decode.Message) (int, int64) {
		i := len(m) / 2
		return i, m[i].Location.OccurredAt_ms
	}
	// sameAsClean checks that the output is the clean feed's, but for
	// sensor except's rows and figures (0: every sensor's).
	sameAsClean := func(t *testing.T, c *collect, sum *Summary, except int64) {
		t.Helper()
		if sum.Start_ms != cleanSum.Start_ms || sum.End_ms != cleanSum.End_ms {
			t.Errorf("span %d..%d ms, want %d..%d", sum.Start_ms, sum.End_ms, cleanSum.Start_ms, cleanSum.End_ms)
		}
		rows := func(c *collect) int { return len(c.samples) - len(c.of(except)) }
		if rows(c) != rows(clean) {
			t.Errorf("%d rows, want %d", rows(c), rows(clean))
		}
		for _, p := range cleanSum.Players {
			if p.PlayerID == except {
				continue
			}
			if got := player(sum, p.PlayerID); got == nil || got.Distance_m != p.Distance_m {
				t.Errorf("player %d: %+v, want distance %.3f m", p.PlayerID, got, p.Distance_m)
			}
		}
	}
	var clockOffFrom func(id, n, shift_ms int64, from func([]decode.Message) int) func([]decode.Message) []decode.Message
	// clockOff sets the clock of sensor id's n samples from the middle of
	// the feed on (all of them for n < 0) shift_ms on: one tag's clock
	// glitches, the others go on at the true time.
	clockOff := func(id, n, shift_ms int64) func([]decode.Message) []decode.Message {
		return clockOffFrom(id, n, shift_ms, func(m []decode.Message) int { i, _ := mid(m); return i })
	}
	clockOffFrom = func(id, n, shift_ms int64, from func([]decode.Message) int) func([]decode.Message) []decode.Message {
		return func(m []decode.Message) []decode.Message {
			i := from(m)
			for ; i < len(m) && n != 0; i++ {
				if l := &m[i].Location; l.ID == id && (l.Sensor == decode.SensorBall) == (id == 99) {
					l.OccurredAt_ms += shift_ms
					n--
				}
			}
			return m
		}
	}
	const hour = 3_600_000
	cases := []struct {
		name     string
		feed     func([]decode.Message) []decode.Message
		bad, dup int64
		same     bool  // the output is the clean feed's,
		except   int64 // but for this sensor's
	}{
		{"a day ahead", func(m []decode.Message) []decode.Message {
			i, tt := mid(m)
			return with(m, i, tt+day)
		}, 1, 0, true, 0},
		{"a day ahead, twice", func(m []decode.Message) []decode.Message {
			i, tt := mid(m)
			m = with(m, i, tt+day)
			return with(m, i, tt+day)
		}, 1, 1, true, 0},
		{"ten seconds ahead", func(m []decode.Message) []decode.Message {
			i, tt := mid(m)
			return with(m, i, tt+10_000)
		}, 1, 0, true, 0},
		{"a day ahead, then a day back", func(m []decode.Message) []decode.Message {
			i, tt := mid(m)
			m = with(m, i, tt+day)
			return with(m, i+100, tt-day)
		}, 2, 0, true, 0},
		{"occurred_at 1 mid-game", func(m []decode.Message) []decode.Message {
			i, _ := mid(m)
			return with(m, i, 1)
		}, 1, 0, true, 0},
		{"occurred_at 1 first", func(m []decode.Message) []decode.Message { return with(m, 0, 1) }, 1, 0, true, 0},
		{"a day ahead first", func(m []decode.Message) []decode.Message { return with(m, 0, t0+day) }, 1, 0, true, 0},
		{"a day ahead second", func(m []decode.Message) []decode.Message { return with(m, 1, t0+day) }, 1, 0, true, 0},
		// Two sensors' samples a day ahead, 40 ms apart: a second sample
		// near the first had been taken as its confirmation, and 58 % of
		// the later samples were late.
		{"two sensors a day ahead", func(m []decode.Message) []decode.Message {
			i, tt := mid(m)
			m = with(m, i, tt+day)
			m[i+1] = m[i+2] // another sensor's sample
			m[i+1].Location.OccurredAt_ms = tt + day + 40
			return m
		}, 2, 0, false, 0},
		// A whole frame with a wrong clock: its samples share a time.
		{"a frame a day ahead", func(m []decode.Message) []decode.Message {
			i, tt := mid(m)
			frame := slices.Clone(m[i : i+4]) // the four sensors' samples
			for k := range frame {
				frame[k].Location.OccurredAt_ms = tt + day
			}
			return slices.Insert(m, i, frame...)
		}, 4, 0, true, 0},
		{"a day ahead last", func(m []decode.Message) []decode.Message {
			bad := m[len(m)-1]
			bad.Location.OccurredAt_ms += day
			return append(m, bad)
		}, 1, 0, true, 0},
		// One tag's clock an hour (or seconds) ahead for a few samples,
		// the others going on at the true time. Four samples of one
		// sensor spanned three grid periods and so confirmed the jump on
		// their own: every sensor's later samples were late (half a
		// game's figures lost) and none was a bad time.
		{"one sensor an hour ahead for 4 samples", clockOff(2, 4, hour), 4, 0, true, 2},
		{"one sensor an hour ahead for 8 samples", clockOff(2, 8, hour), 8, 0, true, 2},
		{"one sensor 2 s ahead for 5 samples", clockOff(2, 5, 2000), 5, 0, true, 2},
		{"one sensor 10 s ahead for 5 samples", clockOff(2, 5, 10_000), 5, 0, true, 2},
		{"the ball an hour ahead for 6 samples", clockOff(99, 6, hour), 6, 0, true, 99},
		{"one sensor an hour ahead for its first 6 samples", clockOffFrom(2, 6, hour, func([]decode.Message) int { return 0 }), 6, 0, false, 0}, // (the noise estimate learns from 6 samples fewer)
		// A sensor whose clock is off for good: its samples are bad
		// times, the others' figures stay.
		{"one sensor an hour ahead for good", clockOff(2, -1, hour), 1100, 0, false, 2}, // its last 55 s
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			col, sum, err := run(DefaultConfig(), Meta{}, c.feed(base()))
			if err != nil {
				t.Fatal(err)
			}
			q := sum.Quality
			if q.BadTimes != c.bad || q.Duplicates != c.dup || q.Late != 0 {
				t.Errorf("bad times %d, duplicates %d, late %d; want %d, %d, 0", q.BadTimes, q.Duplicates, q.Late, c.bad, c.dup)
			}
			if c.same {
				sameAsClean(t, col, sum, c.except)
			}
		})
	}

	// The feed's own jumps: none is a bad time, none loses a sample.
	silence := func(from_s, to_s float64, shift_ms int64) func([]decode.Message) []decode.Message {
		return func(m []decode.Message) []decode.Message {
			var out []decode.Message
			for _, x := range m {
				dt := x.Location.OccurredAt_ms - t0
				if dt >= int64(from_s*1000) && dt < int64(to_s*1000) {
					continue
				}
				if dt >= int64(to_s*1000) {
					x.Location.OccurredAt_ms += shift_ms
				}
				out = append(out, x)
			}
			return out
		}
	}
	for _, c := range []struct {
		name     string
		feed     func([]decode.Message) []decode.Message
		end_ms   int64
		withheld int // samples the feed does not send
	}{
		{"a 7 s dead ball with the feed off", silence(60, 67, 0), cleanSum.End_ms, 140 * 4},
		{"half time, 15 minutes off", silence(60, 60, 15*60_000), cleanSum.End_ms + 15*60_000, 0},
		{"only the ball after a silence", func(m []decode.Message) []decode.Message {
			m = silence(60, 67, 0)(m)
			var out []decode.Message
			for _, x := range m {
				if x.Location.OccurredAt_ms-t0 < 67_000 || x.Location.Sensor == decode.SensorBall {
					out = append(out, x)
				}
			}
			return out
		}, cleanSum.End_ms, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := c.feed(base())
			col, sum, err := run(DefaultConfig(), Meta{}, m)
			if err != nil {
				t.Fatal(err)
			}
			q := sum.Quality
			if q.BadTimes != 0 || q.Late != 0 || q.Duplicates != 0 {
				t.Errorf("bad times %d, late %d, duplicates %d; want none", q.BadTimes, q.Late, q.Duplicates)
			}
			if sum.Start_ms != cleanSum.Start_ms || sum.End_ms != c.end_ms {
				t.Errorf("span %d..%d, want %d..%d", sum.Start_ms, sum.End_ms, cleanSum.Start_ms, c.end_ms)
			}
			if c.withheld >= 0 && len(m) != len(base())-c.withheld {
				t.Fatalf("the test's feed has %d messages, want %d", len(m), len(base())-c.withheld)
			}
			// Every sensor has rows after the jump, up to the end.
			last := map[int64]int64{}
			for _, s := range col.samples {
				last[s.SensorID] = max(last[s.SensorID], s.T_ms)
			}
			for id, l := range last {
				if c.withheld < 0 && id != 99 {
					continue
				}
				if c.end_ms-l > 100 {
					t.Errorf("sensor %d: last row %d ms before the end", id, c.end_ms-l)
				}
			}
			if len(last) != 4 {
				t.Errorf("rows of %d sensors, want 4", len(last))
			}
		})
	}
}

// TestBadTimeZeroAllocs: holding back and dropping samples with bad times
// allocates nothing either.
func TestBadTimeZeroAllocs(t *testing.T) {
	msgs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 300, noise_m: 0.05, seed: 2, sensors: []genSensor{
		{id: 1, p: circle(5, 3)}, {id: 2, p: shuttle(20, 6, 3)}, {id: 9, ball: true, p: circle(2, 8)}}})
	for i := range msgs {
		if i%97 == 0 {
			msgs[i].Location.OccurredAt_ms += 86_400_000
		}
	}
	s, _ := NewSession(DefaultConfig(), Meta{}, &discard{})
	i := 0
	for ; i < len(msgs)/4; i++ {
		s.Feed(&msgs[i])
	}
	allocs := testing.AllocsPerRun(10000, func() {
		s.Feed(&msgs[i])
		i++
	})
	if allocs != 0 {
		t.Errorf("%.3f allocs per sample, want 0", allocs)
	}
	for ; i < len(msgs); i++ {
		s.Feed(&msgs[i])
	}
	sum, _ := s.Close()
	if want := int64((len(msgs) + 96) / 97); sum.Quality.BadTimes != want || sum.Quality.Late != 0 {
		t.Errorf("bad times %d, late %d; want %d, 0", sum.Quality.BadTimes, sum.Quality.Late, want)
	}
}

// TestClockJumpOfMost: when most of the feed jumps an hour on and one
// sensor (the ball) stays at the old time, the feed as a whole moved on:
// the jump is followed, every player keeps his rows to the end, and the
// ball's later samples are late (the session cannot place them).
func TestClockJumpOfMost(t *testing.T) {
	const hour = 3_600_000
	m := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 60, noise_m: 0.03, seed: 7, sensors: []genSensor{
		{id: 1, p: still(1, 1)}, {id: 2, p: circle(6, 2.5)}, {id: 3, p: shuttle(20, 5, 3)}, {id: 99, ball: true, p: circle(3, 6)},
	}})
	ballAfter := 0
	for i := range m {
		l := &m[i].Location
		if l.OccurredAt_ms-t0 < 30_000 {
			continue
		}
		if l.Sensor == decode.SensorBall {
			ballAfter++
			continue
		}
		l.OccurredAt_ms += hour
	}
	col, sum, err := run(DefaultConfig(), Meta{}, m)
	if err != nil {
		t.Fatal(err)
	}
	q := sum.Quality
	// The ball's samples of the first reorder window after the jump may
	// still be placed.
	if q.BadTimes != 0 || q.Late < int64(ballAfter)-10 || q.Late > int64(ballAfter) {
		t.Errorf("bad times %d, late %d; want 0 and about the ball's %d samples after the jump", q.BadTimes, q.Late, ballAfter)
	}
	if want := t0 + 60_000 + hour; sum.End_ms != want {
		t.Errorf("end %d, want %d (an hour on)", sum.End_ms, want)
	}
	for _, id := range []int64{1, 2, 3} {
		rows := col.of(id)
		if len(rows) == 0 || sum.End_ms-rows[len(rows)-1].T_ms > 100 {
			t.Errorf("player %d: rows end more than 100 ms before the session's end", id)
		}
	}
}
