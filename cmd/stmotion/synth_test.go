package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/synth"
)

func TestSynthCommand(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), []string{"synth", "--out", dir, "--minutes", "0.5", "--seed", "9", "--court-template", "fiba", "--compress", "gz"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("synth: %v\nstderr: %s", err, stderr.String())
	}
	for _, f := range []string{"live.json", "subscribe.json", "court.json", "stats.json", "shots.json", "messages.jsonl.gz", "truth.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if !strings.Contains(stdout.String(), "wrote "+dir) || stderr.Len() != 0 {
		t.Errorf("stdout %q, stderr %q (no progress when stderr is not a terminal)", stdout.String(), stderr.String())
	}
	tr, err := synth.ReadTruth(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Court != "fiba" || tr.Config.Seed != 9 || tr.Duration_s != 30 {
		t.Errorf("truth says court %q seed %d duration %v", tr.Court, tr.Config.Seed, tr.Duration_s)
	}

	// A command line that cannot be carried out: exit status 2, the error
	// once on stderr (naming the flag) with a pointer at -h, nothing written.
	for _, bad := range []struct {
		args []string
		msg  string
	}{
		{[]string{"synth"}, "--out DIR is required"},
		{[]string{"synth", "--out", dir, "--court-template", "moon"}, `--court-template: unknown court "moon"`},
		{[]string{"synth", "--out", dir, "--court", "moon"}, `--court: unknown court "moon"`}, // the deprecated name
		// Both names: the flag whose value stands, the last given.
		{[]string{"synth", "--out", dir, "--court-template", "nba", "--court", "moon"}, `--court: unknown court "moon"`},
		{[]string{"synth", "--out", dir, "--court", "nba", "--court-template", "moon"}, `--court-template: unknown court "moon"`},
		{[]string{"synth", "--out", dir, "--compress", "xz"}, `--compress: "xz"`},
		{[]string{"synth", "--out", dir, "--start-ms", "0"}, "--start-ms: 0 is outside [1, "},
		{[]string{"synth", "--out", dir, "--minutes", "-1"}, "--minutes: -1 is outside"},
		{[]string{"synth", "--out", dir, "extra"}, `unexpected argument "extra"`},
		{[]string{"synth", "--out", dir, "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"synth", "--out", dir, "--minutes", "x"}, `invalid value "x" for flag -minutes`},
	} {
		stdout.Reset()
		stderr.Reset()
		empty := t.TempDir()
		args := append([]string(nil), bad.args...)
		for i := range args {
			if args[i] == dir {
				args[i] = empty
			}
		}
		err := Run(context.Background(), args, &stdout, &stderr)
		var ee exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("%v: error %v, want exit status 2", bad.args, err)
		}
		if n := strings.Count(stderr.String(), bad.msg); n != 1 || !strings.Contains(stderr.String(), "Run 'stmotion synth -h'") {
			t.Errorf("%v: stderr has %q %d times, want once with a pointer at -h:\n%s", bad.args, bad.msg, n, stderr.String())
		}
		if ents, _ := os.ReadDir(empty); len(ents) != 0 || stdout.Len() != 0 {
			t.Errorf("%v: wrote %d files, stdout %q", bad.args, len(ents), stdout.String())
		}
	}
}

// An interrupted synth leaves --out as it was: a directory it made is
// removed (it had stayed, empty, and 'analyze' of it said "nothing to
// read" rather than "no such path").
func TestSynthInterruptedLeavesNoDir(t *testing.T) {
	out := filepath.Join(t.TempDir(), "new", "s")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	err := Run(ctx, []string{"synth", "--out", out, "--minutes", "1"}, &stdout, &stderr)
	if _, serr := os.Stat(filepath.Dir(out)); exitCode(err) != 1 || !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("synth --out %s, interrupted: %v, %s: %v; want exit status 1 and no directory made", out, err, filepath.Dir(out), serr)
	}
}

// The court's template is --court-template, as in analyze, live and
// mock, whose --court is a court.json file; synth's --court, the name it
// had, still takes the template, with a warning.
func TestSynthCourtTemplateFlag(t *testing.T) {
	for _, flag := range []string{"--court-template", "--court"} {
		dir := t.TempDir()
		var stdout, stderr bytes.Buffer
		if err := Run(context.Background(), []string{"synth", "--out", dir, "--minutes", "0.1", flag, "ncaa"}, &stdout, &stderr); err != nil {
			t.Fatalf("synth %s ncaa: %v\nstderr: %s", flag, err, stderr.String())
		}
		tr, err := synth.ReadTruth(filepath.Join(dir, "truth.json"))
		if err != nil {
			t.Fatal(err)
		}
		warned := strings.Count(stderr.String(), "stmotion synth: warning: --court is deprecated: give --court-template") == 1 &&
			strings.Count(stderr.String(), "\n") == 1
		if tr.Court != "ncaa" || warned != (flag == "--court") {
			t.Errorf("synth %s ncaa: court %q, stderr %q; want ncaa, and one line of warning for --court only", flag, tr.Court, stderr.String())
		}
	}
}
