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

// An image that cannot be written, when the session was analysed before
// (analyze --add, or a plain run again into its one-session --out), fails
// the input but does not lose the earlier analysis: its tables and
// images stay byte for byte as they were (the new tables had replaced
// them before the images were drawn), its summary.json entry stays, and
// the message says nothing was removed.
func TestAnalyzeImageFailKeepsEarlier(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	// snapshot reads every file under dir but summary.json and the lock.
	snapshot := func(dir string) map[string]string {
		t.Helper()
		m := map[string]string{}
		for _, f := range listFiles(t, dir) {
			if f == export.SummaryFile {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			m[f] = string(b)
		}
		return m
	}
	// block replaces an image of imgDir by a directory holding a file:
	// the new image cannot take its name.
	block := func(imgDir string) string {
		t.Helper()
		ents, err := os.ReadDir(imgDir)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		for _, e := range ents {
			if export.IsImage(e.Name()) && strings.HasSuffix(e.Name(), ".png") {
				name = e.Name()
				break
			}
		}
		p := filepath.Join(imgDir, name)
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(p, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	check := func(what string, before map[string]string, dir, blocked string, stderr string) {
		t.Helper()
		after := snapshot(dir)
		rel, _ := filepath.Rel(dir, filepath.Join(blocked, "x"))
		delete(after, filepath.ToSlash(rel))
		for f, b := range before {
			if after[f] != b {
				t.Errorf("%s: %s changed or gone (%d bytes, want %d)", what, f, len(after[f]), len(b))
			}
		}
		for f := range after {
			if _, ok := before[f]; !ok {
				t.Errorf("%s: %s left", what, f)
			}
		}
		if strings.Contains(stderr, "removed from") || !strings.Contains(stderr, "an earlier run wrote for it stay as they were") {
			t.Errorf("%s: stderr\n%s\nwant the earlier outputs said to stay, none removed", what, stderr)
		}
	}

	hive := t.TempDir()
	if stdout, stderr, err := runAnalyzeArgs(t, "--out", hive, "--quiet", g1, g2); err != nil {
		t.Fatalf("g1 g2: %v\n%s%s", err, stdout, stderr)
	}
	blocked := block(filepath.Join(hive, export.ImagesDir, export.PartitionDir("g1")))
	before := snapshot(hive)
	stdout, stderr, err := runAnalyzeArgs(t, "--out", hive, "--quiet", "--add", g1)
	if exitCode(err) != 1 || !strings.HasSuffix(stdout, "1 failed: "+g1+"\n") {
		t.Fatalf("--add g1 with an image blocked: exit %d (%v), stdout %q, want 1 and g1 failed\n%s", exitCode(err), err, stdout, stderr)
	}
	check("--add", before, hive, blocked, stderr)
	if got := addSessions(t, hive); !slices.Equal(got, []string{"g1 (earlier)", "g2 (earlier)"}) {
		t.Errorf("--add: summary.json sessions %v, want g1's and g2's earlier entries", got)
	}

	one := t.TempDir()
	if stdout, stderr, err := runAnalyzeArgs(t, "--out", one, "--quiet", g1); err != nil {
		t.Fatalf("g1: %v\n%s%s", err, stdout, stderr)
	}
	blocked = block(filepath.Join(one, export.ImagesDir))
	before = snapshot(one)
	summary, err := os.ReadFile(filepath.Join(one, export.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err = runAnalyzeArgs(t, "--out", one, "--quiet", g1)
	if exitCode(err) != 1 {
		t.Fatalf("g1 again with an image blocked: exit %d (%v), want 1\n%s%s", exitCode(err), err, stdout, stderr)
	}
	check("one session", before, one, blocked, stderr)
	if now, err := os.ReadFile(filepath.Join(one, export.SummaryFile)); err != nil || string(now) != string(summary) {
		t.Errorf("one session: summary.json changed or gone (%v)", err)
	}
}
