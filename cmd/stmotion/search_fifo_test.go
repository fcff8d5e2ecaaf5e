//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stmotion/stmotion/export"
)

// A named pipe left in a directory searched (a tar keeps its FIFOs) was
// opened, and with no writer, analyze and inspect waited for one forever
// (a first SIGTERM does not end a blocked open). The search skips it, as
// a failed input that says why; the recording beside it is read.
func TestSearchSkipsNamedPipe(t *testing.T) {
	dir := t.TempDir()
	_, rec := inspectGame(t, "")
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "ok.jsonl")
	if err := os.WriteFile(ok, data, 0o644); err != nil {
		t.Fatal(err)
	}
	stuck := filepath.Join(dir, "stuck.jsonl")
	if err := syscall.Mkfifo(stuck, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	// A hung run fails the test rather than hang it; its goroutine stays
	// blocked in open(2), which only a writer ends.
	within := func(name string, run func() (string, string, error)) (stdout, stderr string, err error) {
		t.Helper()
		type result struct {
			stdout, stderr string
			err            error
		}
		done := make(chan result, 1)
		go func() {
			o, e, err := run()
			done <- result{o, e, err}
		}()
		select {
		case r := <-done:
			return r.stdout, r.stderr, r.err
		case <-time.After(60 * time.Second):
			t.Fatalf("%s did not end in 60 s: blocked opening the named pipe %s", name, stuck)
		}
		return
	}
	why := stuck + ": decode: find bundles: skipped: a named pipe, not a regular file"

	stdout, stderr, err := within("inspect", func() (string, string, error) { return runInspectArgs(dir) })
	if exitCode(err) != 1 || !strings.Contains(stdout, "ok.jsonl") || !strings.Contains(stderr, why) || !strings.Contains(stderr, "name it as an INPUT of its own") {
		t.Errorf("inspect: exit %d, stdout %.200q, stderr %q; want 1, ok.jsonl reported and the pipe skipped", exitCode(err), stdout, stderr)
	}

	out := t.TempDir()
	stdout, stderr, err = within("analyze", func() (string, string, error) {
		return runAnalyzeArgs(t, "--quiet", "--images=false", "--out", out, dir)
	})
	if exitCode(err) != 1 || !strings.HasPrefix(stdout, fmt.Sprintf("1 of 2 inputs analysed into %s; 1 failed: ", out)) || !strings.Contains(stderr, why) {
		t.Errorf("analyze: exit %d, stdout %q, stderr %q; want 1, 1 of 2 analysed, the pipe skipped", exitCode(err), stdout, stderr)
	}
	var multi export.MultiSummary
	readJSON(t, filepath.Join(out, "summary.json"), &multi)
	if len(multi.Sessions) != 1 || multi.Sessions[0].Source != ok || len(multi.Failed) != 1 || multi.Failed[0].Source != stuck || !strings.Contains(multi.Failed[0].Error, "skipped: a named pipe") {
		t.Errorf("summary.json: sessions %+v, failed %+v; want %s analysed and %s failed, skipped", multi.Sessions, multi.Failed, ok, stuck)
	}
}
