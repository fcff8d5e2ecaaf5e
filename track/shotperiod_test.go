package track

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// A feed shot is in the period at its time, wherever the emission stands
// when it is fed: one of a join's REST state, fed before the first
// location, was in period 0 although the PLAY_START before it had been
// fed (it waited for the emission); one delivered after the end marker
// that followed it was in the next period, or 0. In batch and live mode
// alike.
func TestShotPeriodAtItsTime(t *testing.T) {
	sec := func(s float64) int64 { return t0 + int64(s*1000) }
	shot := func(s float64) decode.Message {
		return decode.Message{Kind: decode.KindShot, Shot: decode.Shot{OccurredAt_ms: sec(s), PlayerID: 1, TeamID: 7, Zone: 3}}
	}
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 60, noise_m: 0.02, seed: 3, sensors: []genSensor{{id: 1, p: circle(5, 2)}}})
	marks := []decode.Message{
		markerMsg(sec(30), decode.MarkerEndFirstHalf),
		markerMsg(sec(40), decode.MarkerStartSecondHalf),
		markerMsg(sec(59), decode.MarkerPlayEnd),
	}
	// The REST state's shots before the first location, after the
	// markers the server resends on connect; the others delivered at the
	// end (the ones before 59 s after the end markers before them).
	msgs := []decode.Message{markerMsg(sec(0), decode.MarkerPlayStart), shot(-1), shot(5)}
	msgs = append(msgs, merge(feed, marks)...)
	msgs = append(msgs, shot(29), shot(35), shot(45), shot(58.5), shot(59.5))
	want := []string{"-1 s: 0", "5 s: 1", "29 s: 1", "35 s: 0", "45 s: 2", "58.5 s: 2", "59.5 s: 0"}
	checkShotPeriods(t, msgs, want)
}

// A late shot delivered with a late marker of its own (a clock marker
// older than the shot, as late) is in the period at its time too: the
// queued marker takes effect at the next tick, not before the shot. A
// shot at 29.6 s and a FOUL at 29.4 s delivered 3 s late, after the
// END_FIRST_HALF at 30 s, are in period 1; a LIVE at 20 s and a shot at
// half time, 35 s, delivered at 50 s, after the START_SECOND_HALF at
// 40 s, in 0. Both read the period where the emission stood (0 and 2).
func TestShotPeriodWithLateMarker(t *testing.T) {
	sec := func(s float64) int64 { return t0 + int64(s*1000) }
	shot := func(s float64) decode.Message {
		return decode.Message{Kind: decode.KindShot, Shot: decode.Shot{OccurredAt_ms: sec(s), PlayerID: 1, TeamID: 7, Zone: 3}}
	}
	feed := gen(genSpec{start_ms: t0, period_ms: 40, dur_s: 60, noise_m: 0.02, seed: 3, sensors: []genSensor{{id: 1, p: circle(5, 2)}}})
	msgs := merge(feed, []decode.Message{
		markerMsg(sec(0), decode.MarkerPlayStart),
		markerMsg(sec(30), decode.MarkerEndFirstHalf),
		markerMsg(sec(40), decode.MarkerStartSecondHalf),
	})
	// deliver inserts late after the feed's messages up to at.
	deliver := func(msgs []decode.Message, at int64, late ...decode.Message) []decode.Message {
		i := slices.IndexFunc(msgs, func(m decode.Message) bool { return m.OccurredAt_ms() > at })
		return slices.Insert(msgs, i, late...)
	}
	msgs = deliver(msgs, sec(32.6), markerMsg(sec(29.4), decode.MarkerFoul), shot(29.6))
	msgs = deliver(msgs, sec(50), markerMsg(sec(20), decode.MarkerLive), shot(35))
	want := []string{"29.6 s: 1", "35 s: 0"}
	checkShotPeriods(t, msgs, want)
}

// checkShotPeriods runs msgs in batch and live mode and checks each feed
// shot's period ("<s after t0> s: <period>").
func checkShotPeriods(t *testing.T, msgs []decode.Message, want []string) {
	t.Helper()
	for _, causal := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.Causal = causal
		c, _, err := run(cfg, Meta{}, msgs)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range c.segs(SegFeedShot) {
			got = append(got, fmt.Sprintf("%g s: %d", float64(g.Start_ms-t0)/1000, g.Period))
		}
		if !slices.Equal(got, want) {
			t.Errorf("causal %v: shot periods %q, want %q", causal, got, want)
		}
	}
}
