package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The built-in sample written where it cannot be (TMPDIR a file here; a
// full or read-only one alike) fails the run's one input: exit status 1,
// not 2 (a bad command line), with one message that says where the
// sample went and what to do, and the count line.
func TestAnalyzeSampleNoRoom(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"TMPDIR", "TMP", "TEMP"} {
		t.Setenv(v, file)
	}
	out := t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet")
	checkSampleFailed(t, exitCode(err), stdout, stderr, out, file)
}

// checkSampleFailed checks what analyze said when it could not write the
// built-in sample under tmp.
func checkSampleFailed(t *testing.T, code int, stdout, stderr, out, tmp string) {
	t.Helper()
	if code != 1 {
		t.Errorf("exit status %d, want 1\n%s%s", code, stdout, stderr)
	}
	if want := "0 of 1 inputs analysed into " + out + "; 1 failed: " + sampleSource + "\n"; stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	if !strings.HasPrefix(stderr, "stmotion analyze: error: built-in sample: ") || strings.Count(stderr, "built-in sample") != 1 || strings.Count(stderr, "\n") != 1 ||
		!strings.Contains(stderr, "under "+tmp+": set TMPDIR (TMP on Windows) to a writable directory with room for it, or give an INPUT)") {
		t.Errorf("stderr %q, want one error line naming the sample once, and where it went", stderr)
	}
}
