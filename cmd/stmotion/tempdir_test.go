package main

import (
	"bytes"
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Without a temporary directory (TMPDIR naming none, a container without
// /tmp), the commands that write one say so, naming it and TMPDIR, with
// exit status 1: they had said only "stat /nonexistent: no such file or
// directory".
func TestNoTempDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the temporary directory comes from TMP or TEMP")
	}
	out := t.TempDir()
	missing := filepath.Join(out, "missing")
	t.Setenv("TMPDIR", missing)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"mock", "--listen", "127.0.0.1:0"}, "mock: built-in sample: no temporary directory: " + missing + " (from $TMPDIR): "},
		{[]string{"live", "--demo", "--listen", "", "--out", filepath.Join(out, "live")}, "live: --demo: built-in sample: no temporary directory: " + missing + " (from $TMPDIR): "},
		{[]string{"bench", "pipeline", "--minutes", "0.1", "--reps", "1"}, "bench pipeline: the simulated game: no temporary directory: " + missing + " (from $TMPDIR): "},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		var stdout, stderr bytes.Buffer
		err := Run(ctx, c.args, &stdout, &stderr)
		cancel()
		if exitCode(err) != 1 || err == nil || !strings.HasPrefix(err.Error(), c.want) || !strings.Contains(err.Error(), "set TMPDIR to a directory") {
			t.Errorf("%q, TMPDIR %s: %v; want exit status 1 and an error starting %q, saying to set TMPDIR", c.args, missing, err, c.want)
		}
	}
}
