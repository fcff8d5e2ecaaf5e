//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/live/mock"
)

// Two `stmotion live` on one live id and --out at once: the second is
// refused with exit status 1, naming the bundle and the other stmotion
// live that records into it, and the first records on (exit 0 on
// Ctrl-C). Without the lock the second logged "re-joining into an
// existing bundle" and both recorded into it: torn lines in
// messages.jsonl, the same table parts written by both, rows twice.
func TestLiveRefusesBundleHeld(t *testing.T) {
	dir := t.TempDir()
	if err := mock.WriteTinyBundle(dir); err != nil {
		t.Fatal(err)
	}
	srv := serveBundle(t, dir, mock.Options{Speed: 2, Loop: true, LoopGap: 100 * time.Millisecond})
	out := t.TempDir()
	bundle := filepath.Join(out, srv.LiveID())
	args := []string{"live", "--api", srv.URL(), "--live-id", srv.LiveID(), "--user", mock.DefaultUsername, "--secret", mock.DefaultSecret,
		"--out", out, "--listen", "", "--no-follow", "--flush", "10ms"}
	ctxA, cancelA := context.WithTimeout(context.Background(), time.Minute)
	defer cancelA()
	var outA, errA lockedBuffer
	doneA := make(chan error, 1)
	go func() { doneA <- Run(ctxA, args, &outA, &errA) }()
	// A liveness guard, not a timing assertion: A must record at all.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
		if fi, err := os.Stat(filepath.Join(bundle, decode.BundleMessages)); err == nil && fi.Size() > 0 {
			break
		}
		select {
		case err := <-doneA:
			t.Fatalf("the first stmotion live ended before recording: %v\n%s", err, errA.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first stmotion live did not record:\n%s", errA.String())
		}
	}

	// A second that is not refused records until its context ends.
	ctxB, cancelB := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancelB()
	var outB, errB bytes.Buffer
	err := Run(ctxB, args, &outB, &errB)
	want := "stmotion live: live: live id " + srv.LiveID() + ": another stmotion live records into its bundle " + bundle + " (it holds .stmotion.lock)"
	var ee exitError
	if !asExit(err, &ee) || ee.code != 1 || !strings.Contains(errB.String(), want) || strings.Contains(errB.String(), "re-joining") || outB.Len() != 0 {
		t.Errorf("a second stmotion live on the bundle: %v, stdout %q\n%s\nwant exit status 1 and %q, nothing recorded", err, outB.String(), errB.String(), want)
	}

	cancelA()
	if err := <-doneA; err != nil || !strings.Contains(outA.String(), "ended: interrupted") {
		t.Errorf("the first stmotion live: %v, stdout %q; want exit status 0 on its interrupt\n%s", err, outA.String(), errA.String())
	}
}
