package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/export"
)

// unsearchableDirs makes, under parent, directories a search cannot
// enter, and returns the one through which every one of them is reached
// (each fails as an input of its own, named by a path starting with
// it). For root, which CI runs as and which reads any directory whatever
// its mode, it is a tree deeper than a path may be long (Linux's
// PATH_MAX, 4096 bytes: os.Stat fails with "file name too long"); for
// another user, also a directory of mode 000 beside it (os.ReadDir fails
// with "permission denied").
func unsearchableDirs(t *testing.T, parent string) (under string, why []string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("PATH_MAX is Linux's")
	}
	under = filepath.Join(parent, "locked")
	if err := os.MkdirAll(under, 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenRoot(under)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var deep []string
	for i := range 20 {
		deep = append(deep, fmt.Sprintf("%02d%s", i, strings.Repeat("d", 248)))
	}
	if err := r.MkdirAll(filepath.Join(deep...), 0o755); err != nil {
		t.Skipf("cannot make a directory that deep here: %v", err)
	}
	why = append(why, "file name too long")
	if os.Geteuid() != 0 {
		mode0 := filepath.Join(under, "mode0")
		if err := os.Mkdir(mode0, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(mode0, 0o755) })
		why = append(why, "permission denied")
	}
	return under, why
}

// A directory under an input that cannot be searched fails as an input
// of its own, with its path and why, counted in the last line and listed
// in summary.json's failed[]; the recordings beside it are analysed (a
// whole directory input failed on it).
func TestAnalyzeUnsearchableDirectory(t *testing.T) {
	dir := t.TempDir()
	season := filepath.Join(dir, "season")
	g1 := shortBundle(t, season, "g1")
	under, why := unsearchableDirs(t, season)

	out := t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--quiet", "--images=false", "--out", out, season)
	n := len(why)
	if exitCode(err) != 1 || !strings.HasPrefix(stdout, fmt.Sprintf("1 of %d inputs analysed into %s; %d failed: ", 1+n, out, n)) {
		t.Errorf("exit %d, stdout %q; want 1 and 1 of %d analysed\n%s", exitCode(err), stdout, 1+n, stderr)
	}
	var multi export.MultiSummary
	readJSON(t, filepath.Join(out, "summary.json"), &multi)
	if len(multi.Sessions) != 1 || multi.Sessions[0].Source != g1 || len(multi.Failed) != n {
		t.Fatalf("summary.json: sessions %+v, failed %+v; want %s analysed and %d failed", multi.Sessions, multi.Failed, g1, n)
	}
	for i, f := range multi.Failed {
		if !strings.HasPrefix(f.Source, under+string(filepath.Separator)) || f.SourcePath != f.Source || f.SessionID != "" ||
			f.Error != f.Source+": decode: find bundles: cannot search the directory: "+map[bool]string{true: "stat", false: "open"}[why[i] == "file name too long"]+": "+why[i] {
			t.Errorf("failed[%d] = %+v; want a directory under %s, %s", i, f, under, why[i])
		}
		if !strings.Contains(stderr, "stmotion analyze: error: "+f.Error+"\n") {
			t.Errorf("stderr lacks failed[%d]'s error:\n%s", i, stderr)
		}
	}
}

// inspect, which searches a directory as analyze does, reads what it
// finds beside a directory it cannot search, and fails that one alone.
func TestInspectUnsearchableDirectory(t *testing.T) {
	dir := t.TempDir()
	g1 := shortBundle(t, dir, "g1")
	_, why := unsearchableDirs(t, dir)
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), []string{"inspect", dir}, &stdout, &stderr)
	if exitCode(err) != 1 || !strings.Contains(stdout.String(), g1) {
		t.Errorf("exit %d, stdout %q; want 1 and %s reported\n%s", exitCode(err), stdout.String(), g1, stderr.String())
	}
	for _, w := range why {
		if !strings.Contains(stderr.String(), ": decode: find bundles: cannot search the directory: ") || !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr does not say %q:\n%s", w, stderr.String())
		}
	}
}

// With --add, a directory that could not be searched keeps its failed[]
// entry only until a run searches its place: then what is there is added
// (or fails anew), and the stale entry goes, whether the run is given a
// directory above it or the directory itself.
func TestAnalyzeAddUnsearchableDirectoryCleared(t *testing.T) {
	for _, again := range []string{"season", "locked"} {
		t.Run(again, func(t *testing.T) {
			dir := t.TempDir()
			season := filepath.Join(dir, "season")
			shortBundle(t, season, "g1")
			under, why := unsearchableDirs(t, season)
			out := t.TempDir()
			_, stderr, err := runAnalyzeArgs(t, "--quiet", "--images=false", "--add", "--out", out, season)
			var multi export.MultiSummary
			readJSON(t, filepath.Join(out, "summary.json"), &multi)
			if exitCode(err) != 1 || len(multi.Failed) != len(why) {
				t.Fatalf("first run: exit %d, failed %+v; want 1 and %d failed\n%s", exitCode(err), multi.Failed, len(why), stderr)
			}
			// The directory becomes searchable, and holds a game.
			os.Chmod(filepath.Join(under, "mode0"), 0o755)
			if err := os.RemoveAll(under); err != nil {
				t.Fatal(err)
			}
			shortBundle(t, under, "g2")
			arg := map[string]string{"season": season, "locked": under}[again]
			stdout, stderr, err := runAnalyzeArgs(t, "--quiet", "--images=false", "--add", "--out", out, arg)
			if err != nil {
				t.Fatalf("second run: %v, stdout %q\n%s", err, stdout, stderr)
			}
			multi = export.MultiSummary{}
			readJSON(t, filepath.Join(out, "summary.json"), &multi)
			if len(multi.Failed) != 0 || !slices.ContainsFunc(multi.Sessions, func(s export.SessionSummary) bool { return s.Source == filepath.Join(under, "g2") }) {
				t.Errorf("after adding %s again: failed %+v, %d sessions; want g2 added, and no failure", arg, multi.Failed, len(multi.Sessions))
			}
		})
	}
}
