package live

import (
	"testing"
	"time"
)

// TestLagGrowsDuringAnOutage: stmotion_live_lag_seconds is computed at
// each scrape from the newest occurred_at received, so that while
// nothing arrives it grows with the wall clock instead of standing at
// the last message's lag; an older message does not lower it, and
// before the first message it is 0.
func TestLagGrowsDuringAnOutage(t *testing.T) {
	m := NewMetrics()
	now := time.UnixMilli(1_700_000_010_000)
	m.now = func() time.Time { return now }
	lag := func() float64 {
		t.Helper()
		mfs, err := m.Registry().Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() == "stmotion_live_lag_seconds" {
				return mf.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatal("no stmotion_live_lag_seconds")
		return 0
	}
	if got := lag(); got != 0 {
		t.Errorf("lag %g s before any message, want 0", got)
	}
	m.NoteNewest(1_700_000_009_500)
	m.NoteNewest(1_700_000_001_000) // a late marker
	if got := lag(); got != 0.5 {
		t.Errorf("lag %g s, want 0.5 (of the newest message)", got)
	}
	now = now.Add(30 * time.Second) // an outage: nothing arrives
	if got := lag(); got != 30.5 {
		t.Errorf("lag %g s 30 s into an outage, want 30.5", got)
	}
}
