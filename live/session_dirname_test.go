package live_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// A live id with ':' (a name Windows refuses) is recorded under its
// escaped name, as the Hive partitions name a session ("half%3A2"; a
// UUID keeps its own), and a run again on the first live id continues
// that bundle: the re-join finds it. A bundle an earlier stmotion
// recorded under the unescaped name is continued there.
func TestJoinColonLiveID(t *testing.T) {
	const half = "half:2"
	dir := tinyHalvesNaming(t, half)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	join := func(out string) []live.SessionResult {
		t.Helper()
		_, c := liveMock(t, dir, mock.Options{Speed: 0})
		res, err := live.Join(ctx, live.SessionConfig{Client: c, LiveID: mock.TinyLiveID, Out: out})
		if err != nil {
			t.Fatalf("Join: %v", err)
		}
		return res
	}
	out := t.TempDir()
	res := join(out)
	escaped := filepath.Join(out, "half%3A2")
	if len(res) != 2 || res[0].Dir != filepath.Join(out, mock.TinyLiveID) || res[1].LiveID != half || res[1].Dir != escaped {
		t.Fatalf("results %+v; want the first half under its UUID, then %s under %s", res, half, escaped)
	}

	// Again: the run goes on at the live id it was at, half:2, whose
	// bundle it continues (replays), under the same name.
	res = join(out)
	if len(res) != 1 || res[0].LiveID != half || res[0].Dir != escaped || res[0].Replayed == 0 || res[0].EarlierParts == 0 {
		t.Fatalf("run again: results %+v; want %s's bundle %s continued", res, half, escaped)
	}

	// A bundle an earlier stmotion named "half:2" (where the system
	// allows it) is continued where it is, not begun anew.
	if runtime.GOOS == "windows" {
		return
	}
	legacy := filepath.Join(out, half)
	if err := os.Rename(escaped, legacy); err != nil {
		t.Fatal(err)
	}
	res = join(out)
	if len(res) != 1 || res[0].Dir != legacy || res[0].Replayed == 0 {
		t.Fatalf("run again with the bundle under its earlier name: results %+v; want %s continued", res, legacy)
	}
	if _, err := os.Stat(escaped); err == nil {
		t.Errorf("%s made beside the earlier bundle %s", escaped, legacy)
	}
}
