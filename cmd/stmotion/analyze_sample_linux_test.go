//go:build linux

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"testing"
)

// The built-in sample cut off while it is written (a file size limit,
// here; a full TMPDIR alike): exit status 1 and one message, the sample
// named once (it was "built-in sample: built-in sample: synth: ...", exit
// status 2).
func TestAnalyzeSampleWriteFails(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	tmp, out := t.TempDir(), t.TempDir()
	// 1 or 2 MB (ulimit -f counts 512-byte blocks in a POSIX sh,
	// 1024-byte ones in bash): the recording, about 16 MB, does not fit;
	// a write beyond gets EFBIG (Go ignores SIGXFSZ).
	cmd := exec.Command("/bin/sh", "-c", `ulimit -f 2048 && exec "$0" "$@"`, exe, "analyze", "--out", out, "--quiet")
	cmd.Env = append(os.Environ(), asStmotionEnv+"=1", "TMPDIR="+tmp)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	checkSampleFailed(t, code, stdout.String(), stderr.String(), out, tmp)
	if left, err := os.ReadDir(tmp); err != nil || len(left) > 0 {
		t.Errorf("left in TMPDIR: %v (%v)", left, err)
	}
}
