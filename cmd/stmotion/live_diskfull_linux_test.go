//go:build linux

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live/mock"
)

// TestLiveErrorLogged: an error that stops the join (the disk full: the
// bundle's messages.jsonl is /dev/full here) is logged at level=ERROR, for
// a log pipeline that alerts on it (it was only main's plain "stmotion:"
// line), and the live id's result line says why it stopped.
func TestLiveErrorLogged(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	srv := serveBundle(t, dir, mock.Options{})
	// Flushed at once, the disk fails while the feed runs; flushed only
	// at the end, after the feed has ended normally, and the result line
	// had said only how the feed ended.
	for _, flush := range []string{"1ms", "1h"} {
		out := t.TempDir()
		if err := os.MkdirAll(filepath.Join(out, srv.LiveID()), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("/dev/full", filepath.Join(out, srv.LiveID(), "messages.jsonl")); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		var stdout, stderr lockedBuffer
		err := Run(ctx, []string{"live", "--api", srv.URL(), "--live-id", srv.LiveID(), "--out", out, "--listen", "", "--flush", flush}, &stdout, &stderr)
		cancel()
		if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "no space left on device") {
			t.Fatalf("--flush %s onto a full disk: %v, want the error (exit status 1)", flush, err)
		}
		if got := stderr.String(); !strings.Contains(got, `level=ERROR msg="live: stopped by an error" err="`) || !strings.Contains(got, "no space left on device") {
			t.Errorf("--flush %s: stderr\n%s\nwant the error logged at level=ERROR", flush, got)
		}
		if got := stdout.String(); !strings.Contains(got, "; ended: failed: ") || !strings.Contains(got, "no space left on device") {
			t.Errorf("--flush %s: stdout\n%s\nwant the result line to say why the live id stopped", flush, got)
		}
	}
}
