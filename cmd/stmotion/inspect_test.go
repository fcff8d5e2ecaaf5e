package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/inspect"
	"github.com/stmotion/stmotion/synth"
)

// What `stmotion inspect` adds to package inspect: flags, the inputs a
// directory holds, messages and exit statuses. The report's figures are
// package inspect's tests.

// inspectGame writes a short game into a new directory as a bundle,
// compressed with compress ("", "gz" or "zst"), and returns the bundle
// and its recording.
func inspectGame(t *testing.T, compress string) (bundle, rec string) {
	t.Helper()
	cfg := synth.SampleConfig()
	cfg.Minutes = 0.5
	cfg.Compress = compress
	bundle = filepath.Join(t.TempDir(), "g")
	if _, err := synth.Write(context.Background(), cfg, bundle, nil); err != nil {
		t.Fatal(err)
	}
	return bundle, filepath.Join(bundle, synth.MessagesFile(compress))
}

// withBadLines is the recording at rec (uncompressed) with three bad
// lines after it, the last 300 bytes long, in a new file.
func withBadLines(t *testing.T, rec string) string {
	t.Helper()
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, `{"type":"location","data":{"occurred_at":
{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":7,"x":"far","y":0,"z":0}}
{"type":"marker","data":{"occurred_at":`+strings.Repeat("1", 300)+"}}\n"...)
	p := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runInspectArgs runs inspect with args.
func runInspectArgs(args ...string) (stdout, stderr string, err error) {
	var o, e bytes.Buffer
	err = Run(context.Background(), append([]string{"inspect"}, args...), &o, &e)
	return o.String(), e.String(), err
}

// --json prints each report as package inspect encodes it, one a line,
// read with --max-line and --errors.
func TestInspectJSON(t *testing.T) {
	_, rec := inspectGame(t, "")
	bad := withBadLines(t, rec)
	stdout, stderr, err := runInspectArgs("--json", "--max-line", "200", "--errors", "2", bad, rec)
	if err != nil {
		t.Fatalf("inspect: %v\nstderr: %s", err, stderr)
	}
	var want bytes.Buffer
	for _, p := range []string{bad, rec} {
		rep, err := inspect.Read(context.Background(), p, inspect.Options{Reader: decode.ReaderOptions{MaxLineBytes: 200, KeepErrors: 2}})
		if err != nil {
			t.Fatal(err)
		}
		json.NewEncoder(&want).Encode(rep)
	}
	if stdout != want.String() {
		t.Errorf("--json:\n%s\nwant:\n%s", stdout, want.String())
	}
	var rep inspect.Report
	json.Unmarshal([]byte(strings.SplitN(stdout, "\n", 2)[0]), &rep)
	if rep.Bad != 3 || rep.TooLong != 1 || len(rep.Errors) != 2 || rep.Players == 0 {
		t.Errorf("bad %d, too long %d, %d errors, %d players; want 3, 1, 2 and some", rep.Bad, rep.TooLong, len(rep.Errors), rep.Players)
	}
}

// "-" inspects standard input: the same report as for the file.
func TestInspectStdin(t *testing.T) {
	_, p := inspectGame(t, "gz")
	report := func(arg string) inspect.Report {
		stdout, stderr, err := runInspectArgs("--json", arg)
		if err != nil {
			t.Fatalf("inspect %s: %v\nstderr: %s", arg, err, stderr)
		}
		var rep inspect.Report
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("inspect %s: %v\n%s", arg, err, stdout)
		}
		return rep
	}
	want := report(p)
	stdinFrom(t, p)
	got := report("-")
	if got.Path != "-" || got.Messages != want.Messages || got.Compression != "gzip" || !reflect.DeepEqual(got.ByType, want.ByType) || !reflect.DeepEqual(got.Sensors, want.Sensors) {
		t.Errorf("inspect -: %s %d messages (%s) %v; the file's: %d %v", got.Path, got.Messages, got.Compression, got.ByType, want.Messages, want.ByType)
	}
}

// The text: reports one after another, a blank line between; --errors
// bounds the errors shown, and a line over --max-line is counted saying
// which flag raises the limit (not the Go option of decode).
func TestInspectText(t *testing.T) {
	bundle, rec := inspectGame(t, "")
	bad := withBadLines(t, rec)
	stdout, stderr, err := runInspectArgs("--errors", "2", "--max-line", "200", bad, bundle)
	if err != nil {
		t.Fatalf("inspect: %v\nstderr: %s", err, stderr)
	}
	reports := strings.Split(stdout, "\n\n")
	if len(reports) != 2 || !strings.HasPrefix(reports[0], bad+"\n") || !strings.HasPrefix(reports[1], bundle+"\n  bundle      ") {
		t.Fatalf("want the two reports, a blank line between:\n%s", stdout)
	}
	if want := "bad lines   3 (1 too long: --max-line raises the limit); the first 2:\n"; !strings.Contains(reports[0], want) || strings.Contains(stdout, "ReaderOptions") {
		t.Errorf("output lacks %q, or names a Go option:\n%s", want, reports[0])
	}
	if n := strings.Count(reports[0], bad+":"); n != 2 {
		t.Errorf("--errors 2 printed %d errors:\n%s", n, reports[0])
	}
	if stdout, _, _ := runInspectArgs("--errors", "0", bad); !strings.Contains(stdout, "bad lines   3\n") || strings.Contains(stdout, bad+":") {
		t.Errorf("--errors 0: want the count and no error:\n%s", stdout)
	}
}

// --roster names the sensors of a bare recording; a bundle keeps its own.
// A roster that cannot be used is exit status 2, before any input.
func TestInspectRoster(t *testing.T) {
	bundle, bare := inspectGame(t, "")
	own, _, err := decode.ReadRoster(filepath.Join(bundle, decode.BundleSubscribe))
	if err != nil {
		t.Fatal(err)
	}
	id := own.Teams[0].Players[0].ID
	roster := filepath.Join(t.TempDir(), "players.json")
	os.WriteFile(roster, []byte(fmt.Sprintf(`[{"id":461,"name":"Home","players":[{"id":%d,"display_name":"Ann Lee","jersey_number":4}]}]`, id)), 0o644)

	stdout, stderr, err := runInspectArgs("--roster", roster, bare, bundle)
	if err != nil {
		t.Fatalf("inspect: %v\n%s", err, stderr)
	}
	reports := strings.SplitN(stdout, "\n\n", 2)
	if len(reports) != 2 || !strings.Contains(reports[0], "#4 Ann Lee (Home)") || strings.Contains(reports[1], "Ann Lee") || !strings.Contains(reports[1], own.Teams[0].Name+")") {
		t.Errorf("names: want Ann Lee for the bare recording, the bundle's own for the bundle:\n%s", stdout)
	}
	stdout, stderr, err = runInspectArgs("--roster", bare, bare)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(stderr, "stmotion inspect: --roster: decode: roster file") || stdout != "" {
		t.Errorf("a recording as --roster: %v, stderr %q, output %q; want exit status 2 and the error before any input", err, stderr, stdout)
	}
}

// cutGzip writes the first 3/4 of the gzip file at gz, then tail, into a
// new file name.
func cutGzip(t *testing.T, gz, name string, tail []byte) string {
	t.Helper()
	data, err := os.ReadFile(gz)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, append(data[:len(data)*3/4:len(data)*3/4], tail...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInspectFailures(t *testing.T) {
	_, gz := inspectGame(t, "gz")
	cut := cutGzip(t, gz, "cut.jsonl.gz", nil)
	missing := filepath.Join(t.TempDir(), "missing.jsonl")

	stdout, stderr, err := runInspectArgs("--json", missing, cut, gz)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Errorf("got %v, want exit status 1", err)
	}
	for _, want := range []string{"stmotion inspect: " + missing, "stmotion inspect: " + cut + ": decode: read " + cut} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	// The truncated file and the good one are still reported.
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 reports, got:\n%s", stdout)
	}
	var a, b inspect.Report
	json.Unmarshal([]byte(lines[0]), &a)
	json.Unmarshal([]byte(lines[1]), &b)
	if a.ReadError == "" || a.Messages == 0 || a.Messages >= b.Messages || b.ReadError != "" {
		t.Errorf("truncated: %d messages, read error %q; good: %d messages, read error %q", a.Messages, a.ReadError, b.Messages, b.ReadError)
	}

	if _, _, err := runInspectArgs(); !errors.As(err, &ee) || ee.code != 2 {
		t.Errorf("no files: got %v, want exit status 2", err)
	}
}

// A compressed file that ends in zero bytes (a write cut off): after a
// complete stream the zeros are ignored and reported, exit status 0; a
// stream that breaks where they begin is a truncated file, exit status 1.
func TestInspectZeroTail(t *testing.T) {
	_, gz := inspectGame(t, "gz")
	data, err := os.ReadFile(gz)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 4096)
	whole := filepath.Join(t.TempDir(), "whole.jsonl.gz")
	os.WriteFile(whole, append(data, zeros...), 0o644)
	stdout, stderr, err := runInspectArgs(whole)
	if err != nil || stderr != "" || !strings.Contains(stdout, "zero tail   4096 zero bytes after the complete gzip stream, ignored") {
		t.Errorf("complete + zeros: %v, stderr %q; want exit 0 and the zero tail:\n%s", err, stderr, stdout)
	}
	cutZeros := cutGzip(t, gz, "cutzeros.jsonl.gz", zeros)
	_, stderr, err = runInspectArgs("--json", cutZeros)
	if exitCode(err) != 1 || !strings.Contains(stderr, "(the file is truncated: its gzip stream breaks where the file ends in 4096 zero bytes)") {
		t.Errorf("cut + zeros: %v, stderr %q; want exit status 1 and the truncation", err, stderr)
	}
}

// A bad command line is a usage error (exit status 2) before any file is
// read: --max-line 0 and -1 were silently the 1 MiB default, and near
// MaxInt the reader panicked.
func TestInspectFlags(t *testing.T) {
	_, p := inspectGame(t, "")
	f := func(args []string, wantCode int, wantErr string) {
		t.Helper()
		stdout, stderr, err := runInspectArgs(append(args, p)...)
		if code := exitCode(err); code != wantCode || !strings.Contains(stderr, wantErr) || wantCode == 2 && stdout != "" {
			t.Errorf("inspect %v: exit %d, want %d; stderr should contain %q:\n%s", args, code, wantCode, wantErr, stderr)
		}
	}
	for _, n := range []string{"0", "-1", "1073741825", "9223372036854775807"} {
		f([]string{"--max-line", n}, 2, "--max-line "+n+": want 1 to 1073741824 bytes")
	}
	f([]string{"--nope"}, 2, "flag provided but not defined")
	f([]string{"--max-line", "1"}, 0, "")
	f([]string{"--max-line", "1073741824"}, 0, "")
	// A negative count is out of range, as the help says: it had shown
	// no error, as 0 does, silently.
	for _, n := range []string{"-1", "-5"} {
		f([]string{"--errors", n}, 2, "--errors "+n+": want 0 (none) or more")
	}
	f([]string{"--errors", "0"}, 0, "")

	// No INPUT: one line that says so and the pointer at -h, exit
	// status 2, as the other commands say what they miss (it had been
	// the whole usage, with no word of what was wrong).
	stdout, stderr, err := runInspectArgs()
	want := "stmotion inspect: no INPUT: name a recording, a bundle or a directory (- for standard input)\nRun 'stmotion inspect -h' for its usage and flags.\n"
	if exitCode(err) != 2 || stderr != want || stdout != "" {
		t.Errorf("inspect without INPUT: exit %d, stdout %q, stderr %q; want 2 and stderr %q", exitCode(err), stdout, stderr, want)
	}
}

// inspect's bad times are analyze's quality.bad_times: the same count and
// time span on the same recording.
func TestInspectBadTimesAsAnalyze(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(shortBundle(t, dir, "g"), decode.BundleMessages)
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(dir, "game.jsonl")
	data = append(data, `{"type":"location","data":{"occurred_at":-5,"type":"PLAYER","id":7,"x":0,"y":0,"z":60}}
{"type":"location","data":{"occurred_at":100000000000001,"type":"BALL","id":2147549498,"x":0,"y":0,"z":60}}
`...)
	if err := os.WriteFile(bare, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", bare); err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	stdout, stderr, err := runInspectArgs("--json", bare)
	if err != nil {
		t.Fatalf("inspect: %v\n%s", err, stderr)
	}
	var rep inspect.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.BadTimes != 2 || rep.BadTimes != sum.Quality.BadTimes || rep.First_ms != sum.Start_ms || rep.Last_ms != sum.End_ms {
		t.Errorf("inspect: %d bad times, span %d..%d; analyze: %d, %d..%d; want 2 and the same", rep.BadTimes, rep.First_ms, rep.Last_ms, sum.Quality.BadTimes, sum.Start_ms, sum.End_ms)
	}
}

// inspect takes what analyze takes: a directory holding a bare recording
// (a SportVU export: stream.jsonl.gz beside players.json and court.json)
// failed with "not a session bundle or recording" while analyze searched
// it. Such a directory is searched as analyze searches it, each input
// found reported in turn; a directory with nothing to read still fails.
func TestInspectSearchesDirectory(t *testing.T) {
	_, gz := inspectGame(t, "gz")
	data, err := os.ReadFile(gz)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rec := filepath.Join(dir, "export", "stream.jsonl.gz")
	if err := os.MkdirAll(filepath.Dir(rec), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rec, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "export", "players.json"), []byte(`{"teams":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bundle := shortBundle(t, dir, "bundle")
	stdout, stderr, err := runInspectArgs("--json", filepath.Join(dir, "export"), dir)
	if err != nil {
		t.Fatalf("inspect: %v\n%s", err, stderr)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r inspect.Report
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Messages == 0 {
			t.Errorf("%s: no message read", r.Path)
		}
		got = append(got, r.Path)
	}
	// The export directory's recording, then dir's search: the bundle
	// and the same recording again (inspect reports an input each time
	// it is given, where analyze analyses it once).
	want := []string{rec, bundle, rec}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reports of %q, want %q", got, want)
	}

	empty := t.TempDir()
	stdout, stderr, err = runInspectArgs(empty, rec)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(stderr, empty) || !strings.Contains(stdout, rec) {
		t.Errorf("an empty directory and a recording: %v, stderr %q; want exit status 1, the directory named and the recording reported", err, stderr)
	}
}
