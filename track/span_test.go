package track

import (
	"fmt"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// TestSpanLeavesDroppedSamplesOut: the session's span (Summary.Start_ms,
// End_ms; summary.json start_ms, the quality table's t_start) covers the
// samples the tracks kept, not those dropped as late. A feed whose clock
// jumps back an hour three quarters of the way in (a server stamping
// local time at a DST fall-back) is confirmed at its new times, which
// are then too late to place: before, the first of those dropped
// samples set the session's start, 57 minutes before its first row, and
// moved the session's first location time with it, so that the stats,
// shot and marker messages on the new clock were taken at their times
// (DIST checks and events an hour before the first row, and the start
// with them). They are bad times now (before the event's start).
func TestSpanLeavesDroppedSamplesOut(t *testing.T) {
	const hour = 3_600_000
	locs := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 40, noise_m: 0.02, seed: 7, sensors: []genSensor{
		{id: 1, p: circle(4, 3)}, {id: 2, p: line(1, 0)}, {id: 99, ball: true, p: circle(2, 5)},
	}})
	meta := Meta{EventStart_ms: t0}
	_, clean, err := run(DefaultConfig(), meta, locs)
	if err != nil {
		t.Fatal(err)
	}
	cut := 3 * len(locs) / 4
	for i := cut; i < len(locs); i++ {
		locs[i].Location.OccurredAt_ms -= hour
	}
	// A DIST update and a marker on the new clock, after the jump.
	var dec decode.Decoder
	msg := func(line string) decode.Message {
		var m decode.Message
		if err := dec.Decode([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	jumped := locs[cut+200].Location.OccurredAt_ms
	extra := []decode.Message{
		msg(fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":7,"player_id":1,"stats":{"DIST":9000},"classification":"DISTANCE","version":3}}`, jumped)),
		msg(fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PAUSED"}}`, jumped)),
	}
	feed := append(append(append([]decode.Message(nil), locs[:cut+200]...), extra...), locs[cut+200:]...)
	c, sum, err := run(DefaultConfig(), meta, feed)
	if err != nil {
		t.Fatal(err)
	}
	q := sum.Quality
	if q.Late < int64(len(locs)-cut)/2 {
		t.Fatalf("late %d of the %d samples after the jump: the jump did not drop them", q.Late, len(locs)-cut)
	}
	first := c.samples[0].T_ms
	for _, r := range c.samples {
		first = min(first, r.T_ms)
	}
	if sum.Start_ms != clean.Start_ms || sum.Start_ms > first {
		t.Errorf("start %d, want the clean feed's %d (first row at %d)", sum.Start_ms, clean.Start_ms, first)
	}
	for _, g := range c.segments {
		if g.Start_ms < first {
			t.Errorf("a %v segment at %d, before the first row (%d)", g.Type, g.Start_ms, first)
		}
	}
	if q.BadTimeMessages != 2 {
		t.Errorf("bad time messages %d, want the DIST update and the marker on the new clock", q.BadTimeMessages)
	}
}
