package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
)

// flagsFirst moves the flags, with their values, before the arguments, as
// the flag package tells them apart.
func TestFlagsFirst(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.String("out", "", "")
	fs.Bool("add", false, "")
	f := func(args, want []string) {
		t.Helper()
		if got := flagsFirst(fs, args); !slices.Equal(got, want) {
			t.Errorf("flagsFirst(%q) = %q, want %q", args, got, want)
		}
	}
	f(nil, nil)
	f([]string{"--out", "o"}, []string{"--out", "o"})
	f([]string{"g"}, []string{"--", "g"})
	f([]string{"g", "--add", "--out", "season"}, []string{"--add", "--out", "season", "--", "g"})
	f([]string{"a", "-out=o", "b", "--add=false", "c"}, []string{"-out=o", "--add=false", "--", "a", "b", "c"})
	// A value is the next word, whatever it looks like; a boolean takes none.
	f([]string{"--out", "--add", "g"}, []string{"--out", "--add", "--", "g"})
	f([]string{"--out", "-", "g"}, []string{"--out", "-", "--", "g"})
	f([]string{"--add", "false"}, []string{"--add", "--", "false"})
	// - is an argument; -- ends the flags.
	f([]string{"-", "--add"}, []string{"--add", "--", "-"})
	f([]string{"g", "--", "-odd", "--add"}, []string{"--", "g", "-odd", "--add"})
	f([]string{"--out", "--", "g", "--add"}, []string{"--out", "--", "--add", "--", "g"})
	// Unknown flags take no value, and are left for the flag package to
	// refuse; so is a flag without its value.
	f([]string{"g", "--bogus", "h"}, []string{"--bogus", "--", "g", "h"})
	f([]string{"g", "---x", "--out"}, []string{"---x", "--out"})
	f([]string{"g", "--out"}, []string{"--out"})
}

// Flags after the inputs are flags, for the commands that take inputs
// (analyze, inspect): "analyze g05 --add --out season" analysed into
// ./stmotion-out, searched "season" as a recording, and left failed[]
// entries named "--add" and "--out" in the season's summary.json. --
// still ends the flags, - is still standard input, and a bad flag after
// the inputs is still exit 2 before any work.
func TestInterspersedFlagsAnalyze(t *testing.T) {
	dir, g1, g2 := twoUnnamedBundles(t)
	t.Chdir(dir)
	season := filepath.Join(dir, "season")
	if stdout, stderr, err := runAnalyzeArgs(t, "--quiet", "--out", season, g1); err != nil {
		t.Fatalf("analyze g1: %v\n%s%s", err, stdout, stderr)
	}
	stdout, stderr, err := runAnalyzeArgs(t, g2, "--add", "--out", season, "--quiet")
	if err != nil || stdout != "1 of 1 inputs analysed into "+season+"\n" {
		t.Fatalf("analyze g2 --add --out season --quiet: %v (exit %d)\nstdout %q\n%s", err, exitCode(err), stdout, stderr)
	}
	var sum export.MultiSummary
	readJSON(t, filepath.Join(season, export.SummaryFile), &sum)
	if len(sum.Sessions) != 2 || len(sum.Failed) != 0 {
		t.Errorf("season: %d sessions and failed %+v, want 2 and none", len(sum.Sessions), sum.Failed)
	}
	if _, err := os.Stat(filepath.Join(dir, "stmotion-out")); err == nil {
		t.Errorf("analyze wrote to the default --out")
	}

	// -- ends the flags: an input named like one.
	odd := filepath.Join(dir, "-odd.jsonl")
	copyFile(t, filepath.Join(g1, decode.BundleMessages), odd)
	out := filepath.Join(dir, "odd")
	stdout, stderr, err = runAnalyzeArgs(t, "--out", out, "--quiet", "--", "-odd.jsonl")
	if err != nil || stdout != "1 of 1 inputs analysed into "+out+"\n" {
		t.Fatalf("analyze -- -odd.jsonl: %v\nstdout %q\n%s", err, stdout, stderr)
	}
	var one export.SessionSummary
	readJSON(t, filepath.Join(out, export.SummaryFile), &one)
	if one.SessionID != "-odd" {
		t.Errorf("analyze -- -odd.jsonl: session %q, want -odd", one.SessionID)
	}

	// - before the flags is standard input.
	stdinFrom(t, filepath.Join(g1, decode.BundleMessages))
	out = filepath.Join(dir, "stdin")
	stdout, stderr, err = runAnalyzeArgs(t, "-", "--out", out, "--quiet")
	if err != nil || stdout != "1 of 1 inputs analysed into "+out+"\n" {
		t.Fatalf("analyze - --out: %v\nstdout %q\n%s", err, stdout, stderr)
	}
	readJSON(t, filepath.Join(out, export.SummaryFile), &one)
	if one.SessionID != "stdin" {
		t.Errorf("analyze - --out: session %q, want stdin", one.SessionID)
	}

	// A bad flag after the inputs: exit 2, nothing analysed or written.
	out = filepath.Join(dir, "bad")
	for _, args := range [][]string{
		{g1, "--out", out, "--bogus"},
		{g1, "--out", out, "--jobs", "x"},
		{g1, "--out", out, "--jobs"},
		{g1, "--out"}, // once analysed into a directory named "--"
	} {
		stdout, stderr, err := runAnalyzeArgs(t, args...)
		if exitCode(err) != 2 || stdout != "" || !strings.Contains(stderr, "Run 'stmotion analyze -h'") {
			t.Errorf("analyze %q: exit %d, want 2\nstdout %q\n%s", args, exitCode(err), stdout, stderr)
		}
		if last := args[len(args)-1]; (last == "--out" || last == "--jobs") && !strings.Contains(stderr, "flag needs an argument: -"+last[2:]) {
			t.Errorf("analyze %q: stderr does not say the flag needs an argument\n%s", args, stderr)
		}
	}
	for _, o := range []string{out, filepath.Join(dir, "--")} {
		if _, err := os.Stat(o); err == nil {
			t.Errorf("a refused command line created %s", o)
		}
	}
}

func TestInterspersedFlagsInspect(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	msgs := filepath.Join(shortBundle(t, dir, "g"), decode.BundleMessages)
	copyFile(t, msgs, filepath.Join(dir, "-odd.jsonl"))
	inspect := func(args ...string) (stdout, stderr string, err error) {
		var o, e bytes.Buffer
		err = Run(context.Background(), append([]string{"inspect"}, args...), &o, &e)
		return o.String(), e.String(), err
	}
	wantJSON := func(args []string, path string) {
		t.Helper()
		stdout, stderr, err := inspect(args...)
		var got struct{ Path string }
		if err != nil || json.Unmarshal([]byte(stdout), &got) != nil || got.Path != path {
			t.Errorf("inspect %q: %v, path %q, want one JSON object of %s\nstdout %q\n%s", args, err, got.Path, path, stdout, stderr)
		}
	}
	wantJSON([]string{msgs, "--json"}, msgs)
	wantJSON([]string{"--json", "--", "-odd.jsonl"}, "-odd.jsonl")
	stdinFrom(t, msgs)
	wantJSON([]string{"-", "--json"}, "-")
	stdout, stderr, err := inspect(msgs, "--bogus")
	if exitCode(err) != 2 || stdout != "" || !strings.Contains(stderr, "flag provided but not defined: -bogus") {
		t.Errorf("inspect FILE --bogus: exit %d, want 2\nstdout %q\n%s", exitCode(err), stdout, stderr)
	}
}

// The commands without arguments (synth, mock, live, bench decode, bench
// pipeline) name only the stray argument, not the flags after it, and
// refuse a bad flag after it as a bad flag: exit 2 either way, before
// any work. bench peak-rss keeps what follows its command for the
// command (TestBenchPeakRSS).
func TestInterspersedFlagsNoArgs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, cmd := range [][]string{{"synth"}, {"mock"}, {"live"}, {"bench", "decode"}, {"bench", "pipeline"}} {
		wantFlagError(t, append(slices.Clone(cmd), "stray", "--bogus"), "flag provided but not defined: -bogus")
		wantFlagError(t, append(slices.Clone(cmd), "stray", "--", "-x"), `"stray"`)
	}
	stdout, stderr, err := func() (string, string, error) {
		var o, e bytes.Buffer
		err := Run(context.Background(), []string{"synth", "stray", "--out", "o"}, &o, &e)
		return o.String(), e.String(), err
	}()
	if exitCode(err) != 2 || !strings.Contains(stderr, "unexpected argument \"stray\"\n") {
		t.Errorf("synth stray --out o: exit %d, want 2 naming only \"stray\"\nstdout %q\n%s", exitCode(err), stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
		t.Errorf("synth stray --out o wrote its --out")
	}
}

// copyFile copies the file src to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A JSON log line writes a duration as the text line does ("30s"), not as
// slog's integer of nanoseconds.
func TestNewLoggerJSONDurations(t *testing.T) {
	var text, js bytes.Buffer
	newLogger(&text, "text", false).Info("open", "ping", 30*time.Second)
	newLogger(&js, "json", false).Info("open", "ping", 30*time.Second)
	if !strings.Contains(text.String(), "ping=30s") {
		t.Errorf("text: %s", text.String())
	}
	var r map[string]any
	if err := json.Unmarshal(js.Bytes(), &r); err != nil || r["ping"] != "30s" || r["msg"] != "open" || r["level"] != "INFO" {
		t.Errorf("json: %s (%v)", js.String(), err)
	}
}
