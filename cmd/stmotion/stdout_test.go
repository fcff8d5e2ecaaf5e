package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// errDiskFull is fullWriter's error.
var errDiskFull = errors.New("no space left on device")

// fullWriter is stdout on a disk that fills after room bytes (0: full
// from the start): the write that does not fit writes what fits and
// fails.
type fullWriter struct {
	room int
	buf  bytes.Buffer
}

func (w *fullWriter) Write(p []byte) (int, error) {
	if len(p) > w.room {
		n := w.room
		w.buf.Write(p[:n])
		w.room = 0
		return n, errDiskFull
	}
	w.room -= len(p)
	return w.buf.Write(p)
}

// Output lost on stdout is exit status 1, said on stderr naming the
// command, for every command that writes its product there; what the
// command writes to files is written all the same. inspect's text and
// analyze's report had been lost with exit status 0.
func TestLostStdout(t *testing.T) {
	bundle, _ := inspectGame(t, "")
	dir := t.TempDir()
	for _, tc := range []struct {
		args  []string
		room  int
		out   string   // where files are
		files []string // written despite the lost output
	}{
		{args: []string{"inspect", bundle}},
		{args: []string{"inspect", bundle}, room: 100},
		{args: []string{"inspect", bundle, bundle}, room: 100},
		{args: []string{"inspect", "--json", bundle}, room: 100},
		{args: []string{"analyze", "--images=false", "--out", filepath.Join(dir, "a"), bundle}, out: filepath.Join(dir, "a"), files: []string{"summary.json", "players.parquet"}},
		// The report written, its count line lost.
		{args: []string{"analyze", "--images=false", "--out", filepath.Join(dir, "b"), bundle}, room: 1000},
		{args: []string{"analyze", "--quiet", "--images=false", "--out", filepath.Join(dir, "c"), bundle}},
		{args: []string{"synth", "--minutes", "0.1", "--out", filepath.Join(dir, "s")}, out: filepath.Join(dir, "s"), files: []string{"live.json", "truth.json"}},
		{args: []string{"help"}},
		{args: []string{"help", "analyze"}, room: 100},
		{args: []string{"--help"}},
	} {
		name := strings.Join(tc.args, " ")
		w := &fullWriter{room: tc.room}
		var stderr bytes.Buffer
		err := Run(context.Background(), tc.args, w, &stderr)
		cmd := "stmotion " + tc.args[0]
		if tc.args[0] == "--help" {
			cmd = "stmotion"
		}
		want := cmd + ": stdout: " + errDiskFull.Error()
		if exitCode(err) != 1 || !strings.Contains(stderr.String(), want) || strings.Count(stderr.String(), errDiskFull.Error()) != 1 {
			t.Errorf("%s, stdout full after %d bytes: %v, stderr %q; want exit status 1 and stderr saying %q once", name, tc.room, err, stderr.String(), want)
		}
		for _, f := range tc.files {
			if _, err := os.Stat(filepath.Join(tc.out, f)); err != nil {
				t.Errorf("%s: %v; the output files are written all the same", name, err)
			}
		}
	}
}

// inspect stops at the report it cannot write: the next input, a
// truncated one that would say so on stderr, is not read.
func TestInspectStopsAtLostStdout(t *testing.T) {
	bundle, gz := inspectGame(t, "gz")
	cut := cutGzip(t, gz, "cut.jsonl.gz", nil)
	for _, json := range []bool{false, true} {
		var stderr bytes.Buffer
		err := Run(context.Background(), []string{"inspect", "--json=" + strconv.FormatBool(json), bundle, cut}, &fullWriter{}, &stderr)
		if exitCode(err) != 1 || strings.Contains(stderr.String(), "cut.jsonl.gz") {
			t.Errorf("inspect --json=%v with stdout full: %v, stderr %q; want exit status 1, before the next input is read", json, err, stderr.String())
		}
	}
}

// mock stops serving at once when its first line, the one a script
// waits for, cannot be written.
func TestMockLostStdout(t *testing.T) {
	bundle, _ := inspectGame(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	err := Run(ctx, []string{"mock", "--bundle", bundle, "--listen", "127.0.0.1:0", "--speed", "0"}, &fullWriter{}, &stderr)
	if ctx.Err() != nil || exitCode(err) != 1 || !strings.Contains(stderr.String(), "stmotion mock: stdout: "+errDiskFull.Error()) {
		t.Errorf("mock with stdout full: %v (timed out: %v), stderr %q; want exit status 1 at once, saying why", err, ctx.Err() != nil, stderr.String())
	}
}

// The binary itself, its stdout a descriptor that cannot be written:
// exit status 1 and a message on stderr (inspect had exited 0).
func TestLostStdoutExitStatus(t *testing.T) {
	bundle, _ := inspectGame(t, "")
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	ro, err := os.Open(filepath.Join(bundle, "live.json")) // read-only: writes fail
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var stderr bytes.Buffer
	cmd := exec.Command(exe, "inspect", bundle)
	cmd.Env = append(os.Environ(), asStmotionEnv+"=1")
	cmd.Stdout, cmd.Stderr = ro, &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.HasPrefix(stderr.String(), "stmotion inspect: stdout: ") {
		t.Errorf("stmotion inspect >read-only file: %v, stderr %q; want exit status 1 and the write error on stderr", err, stderr.String())
	}
}

// pipeWriter is stdout whose reader goes after room bytes: each write
// then fails with an error of its own, as a broken pipe's do.
type pipeWriter struct{ room int }

func (w *pipeWriter) Write(p []byte) (int, error) {
	if len(p) > w.room {
		n := w.room
		w.room = 0
		return n, &os.PathError{Op: "write", Path: "/dev/stdout", Err: errors.New("broken pipe")}
	}
	w.room -= len(p)
	return len(p), nil
}

// inspect of several inputs into a pipe whose reader went after the
// first report (| head) says so once: not its own stdout line and then
// main's bare "stmotion: ..." copy of a later write's error.
func TestInspectBrokenPipeOnce(t *testing.T) {
	bundle, gz := inspectGame(t, "gz")
	var first bytes.Buffer
	if err := Run(context.Background(), []string{"inspect", bundle}, &first, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	err := Run(context.Background(), []string{"inspect", bundle, gz}, &pipeWriter{room: first.Len()}, &stderr)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 || strings.Count(stderr.String(), "broken pipe") != 1 {
		t.Errorf("inspect a b | head: %v, stderr %q; want exit status 1 (main printing nothing more) and the broken pipe said once", err, stderr.String())
	}
}
