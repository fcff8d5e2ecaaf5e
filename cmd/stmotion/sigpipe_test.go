//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runClosedStdout runs this binary as stmotion with args, its stdout a
// pipe whose reader has gone (| head after its line, a log shipper that
// died), and returns its exit error (nil: status 0) and stderr.
func runClosedStdout(t *testing.T, timeout time.Duration, args ...string) (error, string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close() // every write to w is now EPIPE, or SIGPIPE
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), asStmotionEnv+"=1")
	cmd.Stdout, cmd.Stderr = w, &stderr
	err = cmd.Run()
	w.Close()
	if ctx.Err() != nil {
		t.Fatalf("stmotion %s, stdout a closed pipe: still running after %v (%v)\nstderr:\n%s", strings.Join(args, " "), timeout, err, stderr.String())
	}
	return err, stderr.String()
}

// statusOf is the exit status of a finished command's error, or -1 and
// the signal's name when a signal ended it.
func statusOf(err error) (int, string) {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return 0, ""
	}
	return ee.ExitCode(), ee.String()
}

// A stdout whose reader has gone is a write error as any other: said on
// stderr, exit status 1. The Go runtime's default had killed stmotion
// with SIGPIPE at the first write (shell status 141), saying nothing.
// Help is the exception (stmotion help | head, a pager quit early): the
// reader had what it wanted, exit status 0, nothing said.
func TestClosedStdoutPipe(t *testing.T) {
	for _, c := range []struct {
		args []string
		help bool
	}{
		{[]string{"help", "live"}, true},
		{[]string{"--help"}, true},
		{[]string{"analyze", "-h"}, true},
		{[]string{"version"}, false},
		{[]string{"synth", "--minutes", "0.1", "--out", filepath.Join(t.TempDir(), "s")}, false},
	} {
		args := c.args
		err, stderr := runClosedStdout(t, time.Minute, args...)
		code, how := statusOf(err)
		if c.help {
			if code != 0 || stderr != "" {
				t.Errorf("stmotion %s | (reader gone): %v (%s), stderr %q; want exit status 0 and nothing said",
					strings.Join(args, " "), err, how, stderr)
			}
			continue
		}
		want := "stmotion " + args[0] + ": stdout: "
		if code != 1 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "broken pipe") {
			t.Errorf("stmotion %s | (reader gone): %v (%s), stderr %q; want exit status 1 and %q...broken pipe on stderr",
				strings.Join(args, " "), err, how, stderr, want)
		}
	}
}

// live records on when its result lines cannot be written: the first
// live id's line fails (the reader is gone), the next live id is joined
// and recorded all the same, and the run ends with its own status (4
// here: --max-follow) after saying on stderr that stdout was lost. The
// SIGPIPE had killed it at the first line, the next live id never
// joined.
func TestLiveClosedStdoutRecordsOn(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo for two live ids")
	}
	out := t.TempDir()
	err, stderr := runClosedStdout(t, 3*time.Minute, "live", "--demo", "--demo-speed", "0", "--listen", "", "--out", out, "--max-follow", "1")
	code, how := statusOf(err)
	if code != 4 || !strings.Contains(stderr, "stmotion live: stdout: ") || !strings.Contains(stderr, "broken pipe") {
		t.Errorf("live --demo --max-follow 1 | (reader gone): %v (%s); want exit status 4 (--max-follow) and the lost stdout said on stderr\nstderr:\n%s", err, how, stderr)
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 2 {
		t.Errorf("live --demo --max-follow 1 | (reader gone): %d bundles under --out, want 2 (the second half recorded after the first half's result line was lost)", len(ents))
	}
	for _, e := range ents {
		if st, err := os.Stat(filepath.Join(out, e.Name(), "messages.jsonl")); err != nil || st.Size() == 0 {
			t.Errorf("%s: messages.jsonl %v, want a recording", e.Name(), err)
		}
	}
}
