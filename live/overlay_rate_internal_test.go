package live

import (
	"testing"
	"time"
)

// capRun plays the broadcaster's loop against rateCap on a simulated
// clock: the engine completes tick i at i*interval plus a jitter in
// [0, jitter) (a fixed pseudo-random sequence); the broadcaster takes a
// kick when it is free, waits what the cap says, its timer firing late
// late, then sends the newest tick completed by then (a tick replaced
// before it went out is lost, as Overlay.offer replaces a pending
// frame) and is busy for busy. It returns the send times and the number
// of ticks lost.
func capRun(capHz float64, n int, interval, jitter, late, busy time.Duration) (sent []time.Duration, lost int) {
	t0 := time.Unix(1700000000, 0)
	rc := rateCap{period: time.Duration(float64(time.Second) / capHz)}
	arrive := make([]time.Duration, n)
	x := uint32(12345)
	for i := range arrive {
		x = x*1664525 + 1013904223
		arrive[i] = time.Duration(i)*interval + time.Duration(uint64(x>>8)*uint64(jitter)>>24)
	}
	free := time.Duration(0)
	for i := 0; i < n; {
		now := max(free, arrive[i])
		if w := rc.wait(t0.Add(now)); w > 0 {
			now += w + late
		}
		j := i // the newest tick completed by now
		for j+1 < n && arrive[j+1] <= now {
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

// TestOverlayRateCapKeepsTicks: under the default 25 Hz cap, a 25 Hz feed
// loses no tick, with the broadcaster's timer firing late and the ticks
// jittered as on a loaded machine. The cap once counted each period from
// when the frame went out, so the jitter and the timer's lateness added
// up until a tick was replaced: here 41 of 1500 ticks lost with 15 ms of
// jitter and the timer 1 ms late, 138 with 18 ms and 4 ms. The cap still
// caps: a 50 Hz feed gets 25 frames a second, never two within half a
// period.
func TestOverlayRateCapKeepsTicks(t *testing.T) {
	const ms = time.Millisecond
	for _, c := range []struct {
		name               string
		jitter, late, busy time.Duration
	}{
		{"steady", 0, 0, 0},
		{"late timer", 0, 1 * ms, 200 * time.Microsecond},
		{"jitter", 15 * ms, 1 * ms, 200 * time.Microsecond},
		{"jitter and a slow timer", 18 * ms, 4 * ms, ms},
	} {
		_, lost := capRun(DefaultOverlayRate_Hz, 25*60, 40*ms, c.jitter, c.late, c.busy)
		if lost != 0 {
			t.Errorf("%s (jitter %v, timer late %v, broadcast %v): a 25 Hz feed lost %d of %d ticks to the 25 Hz cap, want 0",
				c.name, c.jitter, c.late, c.busy, lost, 25*60)
		}
	}

	sent, _ := capRun(DefaultOverlayRate_Hz, 50*60, 20*ms, 5*ms, 1*ms, 200*time.Microsecond)
	span := sent[len(sent)-1] - sent[0]
	if max_ := int(span/(40*ms)) + 2; len(sent) > max_ {
		t.Errorf("a 50 Hz feed: %d frames in %v under a 25 Hz cap, want at most %d", len(sent), span, max_)
	}
	for i := 1; i < len(sent); i++ {
		if d := sent[i] - sent[i-1]; d < 20*ms {
			t.Fatalf("a 50 Hz feed: frames %d and %d went out %v apart, want at least half the 40 ms period", i-1, i, d)
		}
	}
}
