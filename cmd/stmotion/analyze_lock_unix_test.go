//go:build unix

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
)

// Two plain runs into one --out at the same time take turns, as --add
// runs do: the second waits (it says so), then is refused for the
// tables the first wrote, as it is when started after it. Run A reads
// g1 from a named pipe, so it is held mid-run, past its check of --out,
// until the test writes g1 into the pipe; run B (g2) starts then.
// Without the lock B passed the same check, both wrote their one-session
// tables and summary.json under --out and both exited 0: the later one's
// replaced the other's game.
func TestAnalyzeConcurrentPlainRuns(t *testing.T) {
	dir, g1, g2 := twoUnnamedBundles(t)
	msgs, err := os.ReadFile(filepath.Join(g1, decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	pipe := filepath.Join(dir, "g1.jsonl")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	out := t.TempDir()
	type result struct {
		stdout string
		err    error
	}
	run := func(stderr *signalWriter, in string, done chan<- result) {
		var o bytes.Buffer
		err := Run(context.Background(), []string{"analyze", "--out", out, "--quiet", "--images=false", in}, &o, stderr)
		done <- result{o.String(), err}
	}
	errA := &signalWriter{found: make(chan struct{})}
	doneA, doneB := make(chan result, 1), make(chan result, 1)
	go run(errA, pipe, doneA)
	// Opening the pipe's writing end returns once A has opened its
	// reading end: A has checked --out and is analysing g1. A liveness
	// guard, not a timing assertion: A must get there at all.
	opened := make(chan *os.File, 1)
	go func() {
		w, err := os.OpenFile(pipe, os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
		}
		opened <- w
	}()
	var w *os.File
	select {
	case w = <-opened:
	case r := <-doneA:
		t.Fatalf("run A (g1) ended without reading its pipe: %v, %q\n%s", r.err, r.stdout, errA.String())
	case <-time.After(time.Minute):
		t.Fatal("run A (g1) did not open its pipe")
	}
	if w == nil {
		t.FailNow()
	}
	errB := &signalWriter{want: "waiting for another run writing into " + out, found: make(chan struct{})}
	go run(errB, g2, doneB)
	select {
	case <-errB.found:
	case r := <-doneB:
		// No lock: B ran while A was held.
		doneB <- r
	}
	if _, err := w.Write(msgs); err != nil {
		t.Fatal(err)
	}
	w.Close()

	if r := <-doneA; r.err != nil || !strings.Contains(r.stdout, "1 of 1 inputs analysed") {
		t.Errorf("run A (g1): %v, %q\n%s", r.err, r.stdout, errA.String())
	}
	r := <-doneB
	if !strings.Contains(errB.String(), "stmotion analyze: waiting for another run writing into "+out+" to end") {
		t.Errorf("run B (g2) did not wait for run A: exit %d, %q\n%s", exitCode(r.err), r.stdout, errB.String())
	}
	refused := "holds the one-session tables of session g1 (samples.parquet), which this run would not replace"
	if exitCode(r.err) != 2 || r.stdout != "" || !strings.Contains(errB.String(), refused) {
		t.Errorf("run B (g2), started while A wrote into --out: exit %d, %q\n%s\nwant exit 2 and %q, as when started after A", exitCode(r.err), r.stdout, errB.String(), refused)
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, export.SummaryFile), &sum)
	if o, err := export.FindOutputs(out); err != nil || sum.SessionID != "g1" || len(o.Flat) == 0 || o.FlatSession != "g1" {
		t.Errorf("after two runs at once: summary.json of %q, outputs %+v (%v); want g1's one-session tables and summary", sum.SessionID, o, err)
	}
}
