package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/track"
)

// inspectRecording is 4 s of two players at 25 Hz and a ball at 12.5 Hz
// with a 1 s dropout, markers, a stats message with an unknown key and an
// unknown classification, an unknown message type, an unknown sensor type,
// blank lines, and bad lines on known line numbers.
func inspectRecording() (text string, badLines []int64) {
	var b strings.Builder
	line := int64(0)
	w := func(s string) {
		b.WriteString(s + "\n")
		line++
	}
	const t0 = 1500571321000
	w(fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_START"}}`, t0))
	for k := 0; k < 100; k++ {
		t := int64(t0 + 40*k)
		w(fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":7,"x":%d,"y":0,"z":60}}`, t, k))
		w(fmt.Sprintf(`{"type":"location","data":{"y":5,"x":1,"id":9,"type":"PLAYER","z":70,"occurred_at":%d}}`, t+1))
		// A sensor at 30 Hz: intervals of 33 and 34 ms.
		for j := k * 30 / 25; j < (k+1)*30/25; j++ {
			w(fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":11,"x":0,"y":0,"z":60}}`, t0+(int64(j)*1000+15)/30))
		}
		if k%2 == 0 && (k < 40 || k >= 65) {
			w(fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,"type":"BALL","id":2147549498,"x":0,"y":0,"z":1000}}`, t+2))
		}
		switch k {
		case 10:
			w(fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"live_id":"a1140480-e1d5","type":"PLAY_NEXT"}}`, t+3))
		case 20:
			w(`{"type":"location","data":{"occurred_at":`) // bad: syntax
			badLines = append(badLines, line)
		case 30:
			w(fmt.Sprintf(`{"type":"stats","data":{"occurred_at":%d,"team_id":1,"player_id":7,"stats":{"PTS":2.0,"XYZ":1},"classification":"SOMETHING_NEW","version":1}}`, t+3))
		case 40:
			w(`{"type":"telemetry","data":{}}`)
			w("")
		case 50:
			w(fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,"type":"DRONE","id":1,"x":0,"y":0,"z":0}}`, t+3))
			w(`{"type":"location","data":{"occurred_at":1,"type":"PLAYER","id":7,"x":"far","y":0,"z":0}}`) // bad: type
			badLines = append(badLines, line)
		case 60:
			w(`{"type":"marker","data":{"occurred_at":` + strings.Repeat("1", 300) + `}}`) // bad: too long for --max-line 200
			badLines = append(badLines, line)
		}
	}
	w(fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_END"}}`, t0+4000))
	return b.String(), badLines
}

func gzipped(t *testing.T, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestInspectJSON(t *testing.T) {
	text, bad := inspectRecording()
	p := filepath.Join(t.TempDir(), "game.jsonl.gz")
	if err := os.WriteFile(p, gzipped(t, text), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"inspect", "--json", "--max-line", "200", p}, &stdout, &stderr); err != nil {
		t.Fatalf("inspect: %v\nstderr: %s", err, stderr.String())
	}
	var rep inspectReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, stdout.String())
	}
	wantTypes := map[string]int64{"location": 200 + 120 + 37 + 1, "marker": 3, "stats": 1, "unknown": 1}
	if rep.Compression != "gzip" || rep.Bad != 3 || rep.TooLong != 1 || rep.Blank != 1 || !reflect.DeepEqual(rep.ByType, wantTypes) {
		t.Errorf("compression %s bad %d too long %d blank %d types %v; want gzip 3 1 1 %v", rep.Compression, rep.Bad, rep.TooLong, rep.Blank, rep.ByType, wantTypes)
	}
	if rep.Lines != rep.Messages+rep.Bad+rep.Blank {
		t.Errorf("lines %d != messages %d + bad %d + blank %d", rep.Lines, rep.Messages, rep.Bad, rep.Blank)
	}
	if rep.First_ms != 1500571321000 || rep.Last_ms != 1500571325000 || rep.Span_s != 4 {
		t.Errorf("time span %d..%d (%v s), want 1500571321000..1500571325000 (4 s)", rep.First_ms, rep.Last_ms, rep.Span_s)
	}
	if rep.Players != 3 || rep.Balls != 1 || len(rep.Sensors) != 5 {
		t.Fatalf("players %d balls %d sensors %+v", rep.Players, rep.Balls, rep.Sensors)
	}
	wantSensors := []inspectSensor{
		{Type: "PLAYER", ID: 7, Samples: 100, First_ms: 1500571321000, Last_ms: 1500571324960, MedianInterval_ms: 40, Rate_Hz: 25, MaxGap_ms: 40},
		{Type: "PLAYER", ID: 9, Samples: 100, First_ms: 1500571321001, Last_ms: 1500571324961, MedianInterval_ms: 40, Rate_Hz: 25, MaxGap_ms: 40},
		{Type: "PLAYER", ID: 11, Samples: 120, First_ms: 1500571321000, Last_ms: 1500571324967, MedianInterval_ms: 33, Rate_Hz: 1000 * 119 / 3967.0, MaxGap_ms: 34},
		{Type: "BALL", ID: 2147549498, Samples: 37, First_ms: 1500571321002, Last_ms: 1500571324922, MedianInterval_ms: 80, Rate_Hz: 12.5, MaxGap_ms: 1120},
		{Type: "UNKNOWN", ID: 1, Samples: 1, First_ms: 1500571323003, Last_ms: 1500571323003},
	}
	if !reflect.DeepEqual(rep.Sensors, wantSensors) {
		t.Errorf("sensors:\n got  %+v\n want %+v", rep.Sensors, wantSensors)
	}
	var markers []string
	for _, m := range rep.Markers {
		markers = append(markers, m.Type+"/"+m.LiveID)
	}
	if want := []string{"PLAY_START/", "PLAY_NEXT/a1140480-e1d5", "PLAY_END/"}; !reflect.DeepEqual(markers, want) {
		t.Errorf("markers %q, want %q", markers, want)
	}
	wantUnknown := inspectUnknown{Types: 1, TypeTexts: []string{"telemetry"}, SensorTypes: 1, StatKeys: 1, Classifications: 1}
	if !reflect.DeepEqual(rep.Unknown, wantUnknown) {
		t.Errorf("unknown %+v, want %+v", rep.Unknown, wantUnknown)
	}
	var lines []int64
	for _, e := range rep.Errors {
		lines = append(lines, e.Line)
		if !strings.HasPrefix(e.Message, "decode: offset") {
			t.Errorf("error message %q: want it to start with \"decode: offset\" (the line is separate)", e.Message)
		}
	}
	if !reflect.DeepEqual(lines, bad) {
		t.Errorf("bad lines %v, want %v", lines, bad)
	}
}

// "-" inspects standard input: the same report as for the file.
func TestInspectStdin(t *testing.T) {
	text, _ := inspectRecording()
	p := filepath.Join(t.TempDir(), "game.jsonl.gz")
	if err := os.WriteFile(p, gzipped(t, text), 0o644); err != nil {
		t.Fatal(err)
	}
	report := func(arg string) inspectReport {
		var stdout, stderr bytes.Buffer
		if err := Run(context.Background(), []string{"inspect", "--json", arg}, &stdout, &stderr); err != nil {
			t.Fatalf("inspect %s: %v\nstderr: %s", arg, err, stderr.String())
		}
		var rep inspectReport
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatalf("inspect %s: %v\n%s", arg, err, stdout.String())
		}
		return rep
	}
	want := report(p)
	stdinFrom(t, p)
	got := report("-")
	if got.Messages != want.Messages || got.Compression != "gzip" || !reflect.DeepEqual(got.ByType, want.ByType) || !reflect.DeepEqual(got.Sensors, want.Sensors) {
		t.Errorf("inspect -: %d messages (%s) %v; the file's: %d %v", got.Messages, got.Compression, got.ByType, want.Messages, want.ByType)
	}
}

func TestInspectText(t *testing.T) {
	text, bad := inspectRecording()
	dir := t.TempDir()
	bundle := filepath.Join(dir, "bundle")
	os.Mkdir(bundle, 0o755)
	os.WriteFile(filepath.Join(bundle, "messages.jsonl"), []byte(text), 0o644)
	os.WriteFile(filepath.Join(bundle, "live.json"), []byte(`{"teams":[{"id":461,"name":"Home","live":{"id":"L1","name":"Round 1","type":"GAME_ROUND"}}]}`), 0o644)
	os.WriteFile(filepath.Join(bundle, "subscribe.json"), []byte(`{"token":"REDACTED","teams":[{"id":461,"name":"Home","players":[{"id":7,"first_name":"Ann","last_name":"Lee","jersey_number":"00"}]}]}`), 0o644)

	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"inspect", "--errors", "2", bundle}, &stdout, &stderr); err != nil {
		t.Fatalf("inspect: %v\nstderr: %s", err, stderr.String())
	}
	out := stdout.String()
	rec := filepath.Join(bundle, "messages.jsonl")
	for _, want := range []string{
		"bundle      live.json messages.jsonl subscribe.json",
		"#00 Ann Lee (Home)",
		"live        L1 Round 1 (GAME_ROUND, team 461 Home)",
		"compression: none",
		"messages    363: location 358, marker 3, stats 1, unknown 1",
		"3 players, 1 ball, 1 of unknown type",
		"  30.0  ",
		"PLAY_NEXT live_id a1140480-e1d5",
		"time span   2017-07-20T17:22:01.000Z .. 2017-07-20T17:22:05.000Z (4.0 s)",
		"unknown     types 1, sensor types 1, stat keys 1, classifications 1, markers 0 (types: telemetry)",
		"bad lines   3; the first 2:",
		fmt.Sprintf("%s:%d: decode: offset", rec, bad[0]),
		fmt.Sprintf("%s:%d: decode: offset", rec, bad[1]),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, fmt.Sprintf("%s:%d:", rec, bad[2])) {
		t.Errorf("--errors 2 printed a third error:\n%s", out)
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.TrimRight(line, " \t") != line {
			t.Errorf("line %d ends in blanks: %q", i+1, line)
		}
	}

	// A line over --max-line is a bad line, and the count says which flag
	// raises the limit (not the Go option of decode).
	stdout.Reset()
	if err := Run(context.Background(), []string{"inspect", "--max-line", "200", bundle}, &stdout, &stderr); err != nil {
		t.Fatalf("inspect --max-line 200: %v\nstderr: %s", err, stderr.String())
	}
	if want := " (1 too long: --max-line raises the limit); the first "; !strings.Contains(stdout.String(), want) || strings.Contains(stdout.String(), "ReaderOptions") {
		t.Errorf("--max-line 200: output lacks %q, or names a Go option:\n%s", want, stdout.String())
	}
}

// --roster names the sensors of a bare recording; a bundle keeps its own.
func TestInspectRoster(t *testing.T) {
	text, _ := inspectRecording()
	dir := t.TempDir()
	bare := filepath.Join(dir, "game.jsonl")
	os.WriteFile(bare, []byte(text), 0o644)
	roster := filepath.Join(dir, "players.json")
	os.WriteFile(roster, []byte(`[{"id":461,"name":"Home","players":[{"id":7,"display_name":"Ann Lee","jersey_number":4}]}]`), 0o644)
	bundle := filepath.Join(dir, "bundle")
	os.Mkdir(bundle, 0o755)
	os.WriteFile(filepath.Join(bundle, "messages.jsonl"), []byte(text), 0o644)
	os.WriteFile(filepath.Join(bundle, "subscribe.json"), []byte(`{"teams":[{"id":461,"name":"Own","players":[{"id":7,"display_name":"Bo Kim"}]}]}`), 0o644)

	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"inspect", "--roster", roster, bare, bundle}, &stdout, &stderr); err != nil {
		t.Fatalf("inspect: %v\n%s", err, stderr.String())
	}
	reports := strings.SplitN(stdout.String(), "\n\n", 2)
	if len(reports) != 2 || !strings.Contains(reports[0], "#4 Ann Lee (Home)") || !strings.Contains(reports[1], "Bo Kim (Own)") || strings.Contains(reports[1], "Ann Lee") {
		t.Errorf("names: want Ann Lee for the bare recording, the bundle's own Bo Kim for the bundle:\n%s", stdout.String())
	}
	stdout.Reset()
	stderr.Reset()
	err := Run(context.Background(), []string{"inspect", "--roster", filepath.Join(dir, "game.jsonl"), bare}, &stdout, &stderr)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(stderr.String(), "stmotion inspect: --roster: decode: roster file") || stdout.Len() != 0 {
		t.Errorf("a recording as --roster: %v, stderr %q, output %q; want exit status 2 and the error before any input", err, stderr.String(), stdout.String())
	}
}

func TestInspectFailures(t *testing.T) {
	text, _ := inspectRecording()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.jsonl")
	os.WriteFile(good, []byte(text), 0o644)
	gz := gzipped(t, text)
	cut := filepath.Join(dir, "cut.jsonl.gz")
	os.WriteFile(cut, gz[:len(gz)*3/4], 0o644)
	missing := filepath.Join(dir, "missing.jsonl")

	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), []string{"inspect", "--json", missing, cut, good}, &stdout, &stderr)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Errorf("got %v, want exit status 1", err)
	}
	for _, want := range []string{missing, cut + ": decode: read " + cut} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	// The truncated file and the good one are still reported.
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 reports, got:\n%s", stdout.String())
	}
	var a, b inspectReport
	json.Unmarshal([]byte(lines[0]), &a)
	json.Unmarshal([]byte(lines[1]), &b)
	if a.ReadError == "" || a.Messages == 0 || a.Messages >= b.Messages || b.ReadError != "" {
		t.Errorf("truncated: %d messages, read error %q; good: %d messages, read error %q", a.Messages, a.ReadError, b.Messages, b.ReadError)
	}

	if err := Run(context.Background(), []string{"inspect"}, &stdout, &stderr); !errors.As(err, &ee) || ee.code != 2 {
		t.Errorf("no files: got %v, want exit status 2", err)
	}
}

// A compressed file that ends in zero bytes (a write cut off) is read as
// analyze reads it: after a complete stream the zeros are ignored and
// reported (exit status 0); a stream that breaks where they begin is a
// truncated file, read up to the break as without the zeros.
func TestInspectZeroTail(t *testing.T) {
	text, _ := inspectRecording()
	dir := t.TempDir()
	gz := gzipped(t, text)
	zeros := make([]byte, 4096)
	whole := filepath.Join(dir, "whole.jsonl.gz")
	os.WriteFile(whole, append(bytes.Clone(gz), zeros...), 0o644)
	cut := filepath.Join(dir, "cut.jsonl.gz")
	os.WriteFile(cut, gz[:len(gz)*3/4], 0o644)
	cutZeros := filepath.Join(dir, "cutzeros.jsonl.gz")
	os.WriteFile(cutZeros, append(bytes.Clone(gz[:len(gz)*3/4]), zeros...), 0o644)
	inspect := func(path string) (inspectReport, string, error) {
		var stdout, stderr bytes.Buffer
		err := Run(context.Background(), []string{"inspect", "--json", path}, &stdout, &stderr)
		var rep inspectReport
		json.Unmarshal(stdout.Bytes(), &rep)
		return rep, stderr.String(), err
	}
	rep, stderr, err := inspect(whole)
	if err != nil || rep.ReadError != "" || rep.ZeroTail != 4096 || rep.Messages == 0 || rep.Truncated {
		t.Errorf("complete + zeros: %v, read error %q, zero tail %d, %d messages; want exit 0, the zeros counted (stderr %q)", err, rep.ReadError, rep.ZeroTail, rep.Messages, stderr)
	}
	var out bytes.Buffer
	printInspect(&out, &rep)
	if !strings.Contains(out.String(), "zero tail   4096 zero bytes after the complete gzip stream, ignored") {
		t.Errorf("complete + zeros: report lacks the zero tail:\n%s", out.String())
	}
	plain, _, _ := inspect(cut)
	rep, stderr, err = inspect(cutZeros)
	var ee exitError
	if !plain.Truncated || !rep.Truncated {
		t.Errorf("cut: truncated %v; cut + zeros: truncated %v; want both true", plain.Truncated, rep.Truncated)
	}
	if !errors.As(err, &ee) || ee.code != 1 || rep.Messages != plain.Messages || rep.Bad != plain.Bad || rep.ZeroTail != 0 ||
		!strings.Contains(stderr, "(the file is truncated: its gzip stream breaks where the file ends in 4096 zero bytes)") {
		t.Errorf("cut + zeros: %v, %d messages and %d bad (want %d and %d, as cut), zero tail %d, stderr %q; want exit status 1 and the truncation",
			err, rep.Messages, rep.Bad, plain.Messages, plain.Bad, rep.ZeroTail, stderr)
	}
	// Another read error is no truncation; nor is a complete stream.
	corrupt := bytes.Clone(gz)
	for i := len(corrupt) / 3; i < len(corrupt)/3+64; i++ {
		corrupt[i] ^= 0x5a
	}
	bad := filepath.Join(dir, "corrupt.jsonl.gz")
	os.WriteFile(bad, corrupt, 0o644)
	if rep, _, _ := inspect(bad); rep.ReadError == "" || rep.Truncated {
		t.Errorf("corrupt: read error %q, truncated %v; want a read error, not truncated", rep.ReadError, rep.Truncated)
	}
	var out2 bytes.Buffer
	Run(context.Background(), []string{"inspect", "--json", filepath.Join(dir, "whole.jsonl.gz")}, &out2, io.Discard)
	if !strings.Contains(out2.String(), `"truncated":false`) {
		t.Errorf("complete: %s; want \"truncated\":false", out2.String())
	}
}

// A bad command line is a usage error (exit status 2) before any file is
// read: --max-line 0 and -1 were silently the 1 MiB default, and near
// MaxInt the reader panicked.
func TestInspectFlags(t *testing.T) {
	text, _ := inspectRecording()
	p := filepath.Join(t.TempDir(), "game.jsonl")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f := func(args []string, wantCode int, wantErr string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := Run(context.Background(), append(append([]string{"inspect"}, args...), p), &stdout, &stderr)
		if code := exitCode(err); code != wantCode || !strings.Contains(stderr.String(), wantErr) || wantCode == 2 && stdout.Len() != 0 {
			t.Errorf("inspect %v: exit %d, want %d; stderr should contain %q:\n%s", args, code, wantCode, wantErr, stderr.String())
		}
	}
	for _, n := range []string{"0", "-1", "1073741825", "9223372036854775807"} {
		f([]string{"--max-line", n}, 2, "--max-line "+n+": want 1 to 1073741824 bytes")
	}
	f([]string{"--nope"}, 2, "flag provided but not defined")
	f([]string{"--max-line", "1"}, 0, "")
	f([]string{"--max-line", "1073741824"}, 0, "")
}

// Location samples with impossible timestamps, which analyze drops
// (quality.bad_times), are counted as bad times and kept out of the
// sensors, the time span and the gaps: a sample at -5 ms made the span
// start in 1969 and the max gap 1764151248125 ms. A marker's impossible
// time stays out of the span too.
func TestInspectBadTimes(t *testing.T) {
	text, _ := inspectRecording()
	text += `{"type":"location","data":{"occurred_at":-5,"type":"PLAYER","id":7,"x":0,"y":0,"z":60}}` + "\n" +
		`{"type":"location","data":{"occurred_at":0,"type":"BALL","id":2147549498,"x":0,"y":0,"z":60}}` + "\n" +
		`{"type":"location","data":{"occurred_at":100000000000001,"type":"PLAYER","id":9,"x":0,"y":0,"z":60}}` + "\n" +
		`{"type":"marker","data":{"occurred_at":-5,"type":"PLAY_END"}}` + "\n"
	p := filepath.Join(t.TempDir(), "game.jsonl")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"inspect", "--json", p}, &stdout, &stderr); err != nil {
		t.Fatalf("inspect: %v\n%s", err, stderr.String())
	}
	var rep inspectReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.BadTimes != 3 || rep.First_ms != 1500571321000 || rep.Last_ms != 1500571325000 {
		t.Errorf("bad times %d, span %d..%d; want 3 and 1500571321000..1500571325000", rep.BadTimes, rep.First_ms, rep.Last_ms)
	}
	for _, s := range rep.Sensors {
		if s.ID == 7 && (s.Samples != 100 || s.First_ms != 1500571321000 || s.MaxGap_ms != 40 || s.Backwards != 0) {
			t.Errorf("player 7: %+v; want its 100 good samples only", s)
		}
	}
	stdout.Reset()
	if err := Run(context.Background(), []string{"inspect", p}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"time span   2017-07-20T17:22:01.000Z .. 2017-07-20T17:22:05.000Z", "bad times   3 location samples"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
}

// inspect's bad times are analyze's quality.bad_times: the same count on
// the same recording, and the same bound at both ends (track.PlausibleTime
// against what the engine drops, around year 5138).
func TestInspectBadTimesAsEngine(t *testing.T) {
	const maxEpoch_ms = 100_000_000_000_000
	for _, t_ms := range []int64{-5, 0, 1, maxEpoch_ms, maxEpoch_ms + 1, math.MaxInt64} {
		s, err := track.NewSession(track.DefaultConfig(), track.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		m := decode.Message{Kind: decode.KindLocation, Location: decode.Location{OccurredAt_ms: t_ms, Sensor: decode.SensorPlayer, ID: 7}}
		if err := s.Feed(&m); err != nil {
			t.Fatal(err)
		}
		sum, err := s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if engine := sum.Quality.BadTimes == 1; engine == track.PlausibleTime(t_ms) {
			t.Errorf("t = %d ms: the engine drops it %v, inspect finds it plausible %v", t_ms, engine, track.PlausibleTime(t_ms))
		}
	}

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
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"inspect", "--json", bare}, &stdout, &stderr); err != nil {
		t.Fatalf("inspect: %v\n%s", err, stderr.String())
	}
	var rep inspectReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.BadTimes != 2 || rep.BadTimes != sum.Quality.BadTimes || rep.First_ms != sum.Start_ms || rep.Last_ms != sum.End_ms {
		t.Errorf("inspect: %d bad times, span %d..%d; analyze: %d, %d..%d; want 2 and the same", rep.BadTimes, rep.First_ms, rep.Last_ms, sum.Quality.BadTimes, sum.Start_ms, sum.End_ms)
	}
}

// TestInspectIntervals: the median and rate come from every forward
// interval, however long (a sensor reporting every 3 s had read a median
// of 2048 ms, a NaN rate, and made --json fail), and samples repeating the
// one before's time are counted as repeats, not as 0 ms intervals (a
// recording with every line doubled read 0 Hz).
func TestInspectIntervals(t *testing.T) {
	const t0 = 1500571321000
	var b strings.Builder
	for k := range 4 {
		fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":3,"x":0,"y":0,"z":60}}`+"\n", t0+3000*k)
	}
	for k := range 50 {
		l := fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":4,"x":%d,"y":0,"z":60}}`+"\n", t0+40*k, k)
		b.WriteString(l + l)
	}
	p := filepath.Join(t.TempDir(), "g.jsonl")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"inspect", "--json", p}, &stdout, &stderr); err != nil {
		t.Fatalf("inspect --json: %v\n%s", err, stderr.String())
	}
	var rep inspectReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	want := []inspectSensor{
		{Type: "PLAYER", ID: 3, Samples: 4, First_ms: t0, Last_ms: t0 + 9000, MedianInterval_ms: 3000, Rate_Hz: 1.0 / 3, MaxGap_ms: 3000},
		{Type: "PLAYER", ID: 4, Samples: 100, First_ms: t0, Last_ms: t0 + 1960, MedianInterval_ms: 40, Rate_Hz: 25, MaxGap_ms: 40, Repeats: 50},
	}
	if !reflect.DeepEqual(rep.Sensors, want) {
		t.Errorf("sensors\n got  %+v\n want %+v", rep.Sensors, want)
	}
}

// TestInspectInterrupted: a cancelled inspect (Ctrl-C) stops reading and
// still reports what it read, saying so.
func TestInspectInterrupted(t *testing.T) {
	var b strings.Builder
	for k := range 20000 {
		fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":3,"x":0,"y":0,"z":60}}`+"\n", 1500571321000+40*k)
	}
	p := filepath.Join(t.TempDir(), "g.jsonl")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := inspectFile(ctx, p, nil, decode.ReaderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Interrupted || rep.Messages == 0 || rep.Messages >= 20000 {
		t.Errorf("interrupted %v after %d messages, want true after some of 20000", rep.Interrupted, rep.Messages)
	}
	var out bytes.Buffer
	printInspect(&out, rep)
	if !strings.Contains(out.String(), "interrupted before the end") {
		t.Errorf("report does not say it was interrupted:\n%s", out.String())
	}
}

// inspect takes what analyze takes: a directory holding a bare recording
// (a SportVU export: stream.jsonl.gz beside players.json and court.json)
// failed with "not a session bundle or recording" while analyze searched
// it. Such a directory is searched as analyze searches it, each input
// found reported in turn; a directory with nothing to read still fails.
func TestInspectSearchesDirectory(t *testing.T) {
	text, _ := inspectRecording()
	dir := t.TempDir()
	rec := filepath.Join(dir, "export", "stream.jsonl.gz")
	if err := os.MkdirAll(filepath.Dir(rec), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rec, gzipped(t, text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "export", "players.json"), []byte(`{"teams":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bundle := shortBundle(t, dir, "bundle")
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"inspect", "--json", filepath.Join(dir, "export"), dir}, &stdout, &stderr); err != nil {
		t.Fatalf("inspect: %v\n%s", err, stderr.String())
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var r inspectReport
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
	stdout.Reset()
	stderr.Reset()
	err := Run(context.Background(), []string{"inspect", empty, rec}, &stdout, &stderr)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(stderr.String(), empty) || !strings.Contains(stdout.String(), rec) {
		t.Errorf("an empty directory and a recording: %v, stderr %q; want exit status 1, the directory named and the recording reported", err, stderr.String())
	}
}
