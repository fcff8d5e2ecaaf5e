package track

import (
	"testing"
)

// TestSpanLeavesDroppedSamplesOut: the session's span (Summary.Start_ms,
// End_ms; summary.json start_ms, the quality table's t_start) covers the
// samples the tracks kept, not those dropped as late. A feed whose clock
// jumps back an hour three quarters of the way in (a server stamping
// local time at a DST fall-back) is confirmed at its new times, which
// are then too late to place: before, the first of those dropped
// samples set the session's start, 57 minutes before its first row.
func TestSpanLeavesDroppedSamplesOut(t *testing.T) {
	const hour = 3_600_000
	locs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 40, noise_m: 0.02, seed: 7, sensors: []genSensor{
		{id: 1, p: circle(4, 3)}, {id: 2, p: line(1, 0)}, {id: 99, ball: true, p: circle(2, 5)},
	}})
	_, clean, err := run(DefaultConfig(), Meta{}, locs)
	if err != nil {
		t.Fatal(err)
	}
	cut := 3 * len(locs) / 4
	for i := cut; i < len(locs); i++ {
		locs[i].Location.OccurredAt_ms -= hour
	}
	c, sum, err := run(DefaultConfig(), Meta{}, locs)
	if err != nil {
		t.Fatal(err)
	}
	if q := sum.Quality; q.Late < int64(len(locs)-cut)/2 {
		t.Fatalf("late %d of the %d samples after the jump: the jump did not drop them", q.Late, len(locs)-cut)
	}
	first := c.samples[0].T_ms
	for _, r := range c.samples {
		first = min(first, r.T_ms)
	}
	if sum.Start_ms != clean.Start_ms || sum.Start_ms > first {
		t.Errorf("start %d, want the clean feed's %d (first row at %d)", sum.Start_ms, clean.Start_ms, first)
	}
}
