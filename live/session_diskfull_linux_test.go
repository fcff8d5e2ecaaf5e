//go:build linux

package live_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// TestJoinDiskFullEnd: a live id stopped by an error (the disk full: its
// messages.jsonl is /dev/full here) says so in its result line, as every
// other live id says how it ended; a review's line stopped at its counts.
func TestJoinDiskFullEnd(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip(err)
	}
	srv, cl := liveMock(t, "", mock.Options{})
	out := t.TempDir()
	dir := filepath.Join(out, srv.LiveID())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/full", filepath.Join(dir, "messages.jsonl")); err != nil {
		t.Fatal(err)
	}
	var got []live.SessionResult
	_, err := live.Join(context.Background(), live.SessionConfig{Client: cl, LiveID: srv.LiveID(), Out: out, FlushInterval: -1,
		OnResult: func(r live.SessionResult) { got = append(got, r) }})
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("Join onto a full disk: %v, want its error", err)
	}
	if len(got) != 1 {
		t.Fatalf("%d results, want 1", len(got))
	}
	if line := got[0].String(); got[0].End != "failed: "+err.Error() || !strings.HasSuffix(line, "; ended: failed: "+err.Error()) {
		t.Errorf("result %q; want it ended \"failed: %v\"", line, err)
	}
}
