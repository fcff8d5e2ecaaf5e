package live

import (
	"testing"
	"time"
)

// capRun plays the broadcaster's loop against rateCap on a simulated
// clock: the engine completes tick i at arrive[i] (increasing); the
// broadcaster takes a kick when it is free, waits what the cap says, its
// timer firing late late, then sends the newest tick completed by then (a
// tick replaced before it went out is lost, as Overlay.offer replaces a
// pending frame) and is busy for busy. It returns the send times and the
// number of ticks lost.
func capRun(capHz float64, arrive []time.Duration, late, busy time.Duration) (sent []time.Duration, lost int) {
	t0 := time.Unix(1700000000, 0)
	rc := rateCap{period: time.Duration(float64(time.Second) / capHz)}
	free := time.Duration(0)
	for i := 0; i < len(arrive); {
		now := max(free, arrive[i])
		if w := rc.wait(t0.Add(now)); w > 0 {
			now += w + late
		}
		j := i // the newest tick completed by now
		for j+1 < len(arrive) && arrive[j+1] <= now {
			j++
		}
		lost += j - i
		rc.sent(t0.Add(now))
		sent = append(sent, now)
		free = now + busy
		i = j + 1
	}
	return sent, lost
}

// ticks returns when the engine completes n ticks interval apart, each
// delayed by up to jitter, and one in ten (when spikes) by up to spike:
// the engine completes ticks in order, so a tick delayed past the next
// one's time completes just before it (50 µs), in a clump. The delays are
// a fixed pseudo-random sequence.
func ticks(n int, interval, jitter time.Duration, spikes bool, spike time.Duration) []time.Duration {
	x := uint32(12345)
	rnd := func(d time.Duration) time.Duration { // in [0, d)
		x = x*1664525 + 1013904223
		return time.Duration(uint64(x>>8) * uint64(d) >> 24)
	}
	at := make([]time.Duration, n)
	for i := range at {
		d := rnd(jitter)
		if spikes && rnd(10) == 0 {
			d = rnd(spike)
		}
		at[i] = time.Duration(i)*interval + d
		if i > 0 && at[i] <= at[i-1] {
			at[i] = at[i-1] + 50*time.Microsecond
		}
	}
	return at
}

// TestOverlayRateCapKeepsTicks: under the default 25 Hz cap, a 25 Hz feed
// loses no tick, with the broadcaster's timer firing late and the ticks
// jittered or late in clumps, as on a loaded machine. The cap once counted
// each period from when the frame went out, so the jitter and the timer's
// lateness added up until a tick was replaced: here it lost 41, 156 and
// 94 of the 1500 ticks of the last three cases (a schedule that forgave
// only half a period of lateness still lost 25 in the clumps). The cap
// still caps: a 50 Hz feed gets 25 frames a second, never more than two
// within one period.
func TestOverlayRateCapKeepsTicks(t *testing.T) {
	const ms = time.Millisecond
	const n = 25 * 60
	for _, c := range []struct {
		name          string
		jitter, spike time.Duration
		late, busy    time.Duration
	}{
		{name: "steady"},
		{name: "late timer", late: ms, busy: 200 * time.Microsecond},
		{name: "jitter", jitter: 15 * ms, late: ms, busy: 200 * time.Microsecond},
		{name: "jitter and a slow timer", jitter: 35 * ms, late: 4 * ms, busy: ms},
		{name: "late ticks in clumps", jitter: 5 * ms, spike: 70 * ms, late: ms, busy: 200 * time.Microsecond},
	} {
		_, lost := capRun(DefaultOverlayRate_Hz, ticks(n, 40*ms, c.jitter, c.spike > 0, c.spike), c.late, c.busy)
		if lost != 0 {
			t.Errorf("%s (jitter %v, one in ten late by up to %v, timer late %v, broadcast %v): a 25 Hz feed lost %d of %d ticks to the 25 Hz cap, want 0",
				c.name, c.jitter, c.spike, c.late, c.busy, lost, n)
		}
	}

	sent, _ := capRun(DefaultOverlayRate_Hz, ticks(50*60, 20*ms, 5*ms, true, 50*ms), ms, 200*time.Microsecond)
	span := sent[len(sent)-1] - sent[0]
	if max_ := int(span/(40*ms)) + 2; len(sent) > max_ {
		t.Errorf("a 50 Hz feed: %d frames in %v under a 25 Hz cap, want at most %d", len(sent), span, max_)
	}
	for i := 2; i < len(sent); i++ {
		if d := sent[i] - sent[i-2]; d < 40*ms {
			t.Fatalf("a 50 Hz feed: frames %d to %d went out within %v, want at most two in one 40 ms period", i-2, i, d)
		}
	}
}
