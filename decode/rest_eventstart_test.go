package decode

import (
	"encoding/json"
	"testing"
)

func TestLiveInfoEventStart(t *testing.T) {
	f := func(body string, want int64) {
		t.Helper()
		var l *LiveInfo
		if body != "" {
			l = new(LiveInfo)
			if err := json.Unmarshal([]byte(body), l); err != nil {
				t.Fatal(err)
			}
		}
		if got := l.EventStart_ms(); got != want {
			t.Errorf("%s: EventStart_ms %d, want %d", body, got, want)
		}
	}
	f(`{"teams":[{"id":1,"live":{"started_at":2000,"id":"a","event":{"started_at":1000,"id":"e"}}}]}`, 1000)
	f(`{"teams":[{"id":1,"live":{"started_at":2000,"id":"a"}}]}`, 2000)
	f(`{"teams":[{"id":1,"live":{"id":"a"}},{"id":2,"live":{"started_at":3000,"id":"a"}}]}`, 3000)
	f(`{"teams":[]}`, 0)
	f("", 0)
}
