package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/export"
)

// An image that cannot be written (here its directory's place taken by a
// file, as a read-only or full images/ or a path too long fails it) fails
// its input, as a table would: exit status 1, the count line and
// summary.json's failed[] say so, and the session keeps no tables; the
// other inputs are analysed. Alone, in the one-session layout, the same.
func TestAnalyzeImageWriteFails(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	out := t.TempDir()
	blocker := filepath.Join(out, export.ImagesDir, export.PartitionDir("g1"))
	if err := os.MkdirAll(filepath.Dir(blocker), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", g1, g2)
	if exitCode(err) != 1 {
		t.Errorf("exit %d (%v), want 1\n%s%s", exitCode(err), err, stdout, stderr)
	}
	if want := "1 of 2 inputs analysed into " + out + "; 1 failed: " + g1 + "\n"; !strings.HasSuffix(stdout, want) {
		t.Errorf("stdout %q, want it to end with %q", stdout, want)
	}
	if want := "stmotion analyze: error: " + g1 + ": images: "; !strings.Contains(stderr, want) || !strings.Contains(stderr, "--images=false") {
		t.Errorf("stderr\n%s\nwant %q, and how to do without images", stderr, want)
	}
	m, err := export.ReadSummary(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Sessions) != 1 || m.Sessions[0].SessionID != "g2" || len(m.Failed) != 1 || m.Failed[0].SessionID != "g1" || !strings.Contains(m.Failed[0].Error, "images: ") {
		t.Errorf("summary.json: sessions %v, failed %+v; want g2, and g1 failed for its images", addSessions(t, out), m.Failed)
	}
	if o, err := export.FindOutputs(out); err != nil || !slices.Equal(o.Sessions, []string{"g2"}) {
		t.Errorf("tables of %v (%v), want g2's alone", o.Sessions, err)
	}

	one := t.TempDir()
	if err := os.WriteFile(filepath.Join(one, export.ImagesDir), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err = runAnalyzeArgs(t, "--out", one, "--quiet", g1)
	if exitCode(err) != 1 || !strings.HasSuffix(stdout, "0 of 1 inputs analysed into "+one+"; 1 failed: "+g1+"\n") {
		t.Errorf("one input: exit %d (%v), stdout %q, want 1 and its failure counted\n%s", exitCode(err), err, stdout, stderr)
	}
	if tables, err := export.ListTables(one); err != nil || len(tables) > 0 {
		t.Errorf("one input whose images failed left tables %+v (%v)", tables, err)
	}
}
