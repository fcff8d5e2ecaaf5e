package live_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// TestLagIsOfNewestMessage: stmotion_live_lag_seconds is the lag of the
// newest message received. A message that arrives late with an old
// occurred_at (here a marker an hour old, last in the feed) does not
// make the feed look an hour behind.
func TestLagIsOfNewestMessage(t *testing.T) {
	dir, p, data := tinyMessages(t)
	var newest_ms int64
	var dec decode.Decoder
	var m decode.Message
	for l := range bytes.Lines(data) {
		if dec.Decode(l, &m) == nil {
			newest_ms = max(newest_ms, m.OccurredAt_ms())
		}
	}
	const late_ms = 3600_000
	data = fmt.Appendf(data, `{"type":"marker","data":{"occurred_at":%d,"type":"PAUSED"}}`+"\n", newest_ms-late_ms)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	srv, c := liveMock(t, dir, mock.Options{})
	met := live.NewMetrics()
	r := joinOne(t, context.Background(), live.SessionConfig{Client: c, LiveID: srv.LiveID(), Metrics: met, NoFollow: true})
	if r.Messages == 0 || r.Duplicates != 0 {
		t.Fatalf("%s: want the feed received, no duplicates", r.String())
	}
	after_ms := time.Now().UnixMilli()
	got_s := counterValue(t, met, "stmotion_live_lag_seconds")
	// The newest message's lag is at most now − newest_ms; the late
	// marker's would be an hour more. Half an hour of slack keeps a
	// loaded machine out of it.
	if want_s := float64(after_ms-newest_ms) / 1000; got_s > want_s+late_ms/2/1000 || got_s < want_s-late_ms/2/1000 {
		t.Errorf("lag %.0f s, want about %.0f s (that of the newest message, not the late one's %.0f s)", got_s, want_s, want_s+late_ms/1000)
	}
}
