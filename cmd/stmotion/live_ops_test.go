package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stmotion/stmotion/live/mock"
)

// TestLiveSignalNamed: a shutdown signal is logged as it arrives and the
// result line names it: a SIGTERM (systemd's stop) was reported as
// "interrupted (Ctrl-C)", and nothing logged that a signal had come.
func TestLiveSignalNamed(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	srv := serveBundle(t, dir, mock.Options{Speed: 1, EndOpen: true})
	for _, c := range []struct {
		sig  os.Signal
		want string
	}{
		{syscall.SIGTERM, "SIGTERM"},
		{os.Interrupt, "SIGINT, Ctrl-C"},
	} {
		out := t.TempDir()
		ctx, cancel := context.WithCancelCause(context.Background())
		var stdout, stderr lockedBuffer
		done := make(chan error)
		go func() {
			done <- Run(ctx, []string{"live", "--api", srv.URL(), "--live-id", srv.LiveID(), "--out", out, "--listen", "", "--flush", "1ms"}, &stdout, &stderr)
		}()
		deadline := time.Now().Add(20 * time.Second)
		for {
			if fi, err := os.Stat(filepath.Join(out, srv.LiveID(), "messages.jsonl")); err == nil && fi.Size() > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("nothing recorded after 20 s:\n%s", stderr.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel(signalCause{c.sig})
		if err := <-done; err != nil {
			t.Errorf("%v: %v, want exit status 0", c.sig, err)
		}
		if got := stdout.String(); !strings.Contains(got, "; ended: interrupted ("+c.want+")\n") {
			t.Errorf("%v: stdout\n%s\nwant a result line ending \"ended: interrupted (%s)\"", c.sig, got, c.want)
		}
		if got := stderr.String(); !strings.Contains(got, `level=INFO msg="live: stopping: flushing and closing" cause="`+c.want+`"`) &&
			!strings.Contains(got, `level=INFO msg="live: stopping: flushing and closing" cause=`+c.want+"\n") {
			t.Errorf("%v: stderr\n%s\nwant the signal logged", c.sig, got)
		}
	}
}
