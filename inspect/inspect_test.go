package inspect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/inspect"
	"github.com/stmotion/stmotion/track"
)

// mixedRecording is 4 s of two players at 25 Hz, one at 30 Hz and a ball
// at 12.5 Hz with a 1 s dropout, markers, a stats message with an unknown
// key and an unknown classification, an unknown message type, an unknown
// sensor type, blank lines, and bad lines on known line numbers (the last
// too long for a 200-byte limit).
func mixedRecording() (text string, badLines []int64) {
	var b strings.Builder
	line := int64(0)
	w := func(s string) {
		b.WriteString(s + "\n")
		line++
	}
	const t0 int64 = 1500571321000
	w(fmt.Sprintf(`{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_START"}}`, t0))
	for k := 0; k < 100; k++ {
		t := t0 + 40*int64(k)
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
			w(`{"type":"marker","data":{"occurred_at":` + strings.Repeat("1", 300) + `}}`) // bad: too long for a 200-byte limit
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

// write writes data to name in a new temporary directory.
func write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// mixedBundle writes a bundle of the recording data, a live.json (live
// session L1, team 461 Home) and a subscribe.json naming player 7 "#00
// Ann Lee", into a new directory.
func mixedBundle(t *testing.T, data string) string {
	t.Helper()
	bundle := filepath.Join(t.TempDir(), "bundle")
	for name, content := range map[string]string{
		"messages.jsonl": data,
		"live.json":      `{"teams":[{"id":461,"name":"Home","live":{"id":"L1","name":"Round 1","type":"GAME_ROUND"}}]}`,
		"subscribe.json": `{"token":"REDACTED","teams":[{"id":461,"name":"Home","players":[{"id":7,"first_name":"Ann","last_name":"Lee","jersey_number":"00"}]}]}`,
	} {
		if err := os.MkdirAll(bundle, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bundle, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return bundle
}

func read(t *testing.T, path string, opt inspect.Options) *inspect.Report {
	t.Helper()
	rep, err := inspect.Read(context.Background(), path, opt)
	if err != nil {
		t.Fatalf("Read %s: %v", path, err)
	}
	return rep
}

func text(t *testing.T, rep *inspect.Report, opt inspect.TextOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := inspect.WriteText(&b, rep, opt); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRead(t *testing.T) {
	data, bad := mixedRecording()
	p := write(t, "game.jsonl.gz", gzipped(t, data))
	rep := read(t, p, inspect.Options{Reader: decode.ReaderOptions{MaxLineBytes: 200}})
	wantTypes := map[string]int64{"location": 200 + 120 + 37 + 1, "marker": 3, "stats": 1, "unknown": 1}
	if rep.Path != p || rep.Recording != p || rep.Bundle != nil || rep.Compression != "gzip" || rep.Bad != 3 || rep.TooLong != 1 || rep.Blank != 1 || !reflect.DeepEqual(rep.ByType, wantTypes) {
		t.Errorf("path %s recording %s bundle %v compression %s bad %d too long %d blank %d types %v; want %s twice, no bundle, gzip 3 1 1 %v",
			rep.Path, rep.Recording, rep.Bundle, rep.Compression, rep.Bad, rep.TooLong, rep.Blank, rep.ByType, p, wantTypes)
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
	wantSensors := []inspect.Sensor{
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
	wantUnknown := inspect.Unknown{Types: 1, TypeTexts: []string{"telemetry"}, SensorTypes: 1, StatKeys: 1, Classifications: 1}
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
	if rep.Err != nil || rep.ReadError != "" || rep.Truncated || rep.ZeroTail != 0 || rep.Interrupted {
		t.Errorf("err %v (%q), truncated %v, zero tail %d, interrupted %v; want a whole read", rep.Err, rep.ReadError, rep.Truncated, rep.ZeroTail, rep.Interrupted)
	}
}

// The JSON encoding is the command's --json line: its keys are a
// documented interface.
func TestReportJSON(t *testing.T) {
	data, _ := mixedRecording()
	rep := read(t, write(t, "game.jsonl", []byte(data)), inspect.Options{Reader: decode.ReaderOptions{KeepErrors: 1}})
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := []string{"bad", "bad_times", "balls", "blank", "by_type", "compression", "court", "errors", "first_t_ms", "last_t_ms", "lines", "markers", "messages", "path", "players", "recording", "sensors", "span_s", "too_long", "truncated", "unknown"}
	if !reflect.DeepEqual(sortedKeys(got), want) {
		t.Errorf("keys %v, want %v", sortedKeys(got), want)
	}
	sensor := got["sensors"].([]any)[0].(map[string]any)
	if want := []string{"backwards", "first_t_ms", "id", "last_t_ms", "max_gap_ms", "median_interval_ms", "rate_hz", "repeats", "samples", "type"}; !reflect.DeepEqual(sortedKeys(sensor), want) {
		t.Errorf("sensor keys %v, want %v", sortedKeys(sensor), want)
	}
	if want := `"errors":[{"line":`; !strings.Contains(string(raw), want) {
		t.Errorf("%s lacks %s", raw, want)
	}
}

func sortedKeys(m map[string]any) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// A bundle: its files and live sessions, and its roster's names, which
// Options.Roster does not replace; a bare recording takes Options.Roster's.
func TestReadBundleRoster(t *testing.T) {
	data, _ := mixedRecording()
	bundle := mixedBundle(t, data)
	os.WriteFile(filepath.Join(bundle, ".hidden"), nil, 0o644)
	bare := write(t, "game.jsonl", []byte(data))
	roster := &decode.Subscribe{Teams: []decode.RosterTeam{{ID: 1, Name: "Guests", Players: []decode.Player{{ID: 9, DisplayName: "Bo Kim", JerseyNumber: "4"}}}}}

	name := func(rep *inspect.Report, id int64) string {
		for _, s := range rep.Sensors {
			if s.Type == "PLAYER" && s.ID == id {
				return s.Name
			}
		}
		return "(none)"
	}
	rep := read(t, bundle, inspect.Options{Roster: roster})
	wantBundle := &inspect.Bundle{Dir: bundle, Files: []string{"live.json", "messages.jsonl", "subscribe.json"}, Live: []string{"L1 Round 1 (GAME_ROUND, team 461 Home)"}}
	if !reflect.DeepEqual(rep.Bundle, wantBundle) || rep.Recording != filepath.Join(bundle, "messages.jsonl") {
		t.Errorf("bundle %+v, recording %s; want %+v and its messages.jsonl", rep.Bundle, rep.Recording, wantBundle)
	}
	if n7, n9 := name(rep, 7), name(rep, 9); n7 != "#00 Ann Lee (Home)" || n9 != "" {
		t.Errorf("bundle: player 7 %q, 9 %q; want the bundle's own roster's \"#00 Ann Lee (Home)\" and none", n7, n9)
	}
	rep = read(t, bare, inspect.Options{Roster: roster})
	if n7, n9 := name(rep, 7), name(rep, 9); n7 != "" || n9 != "#4 Bo Kim (Guests)" {
		t.Errorf("bare recording: player 7 %q, 9 %q; want none and the roster's \"#4 Bo Kim (Guests)\"", n7, n9)
	}
}

func TestWriteText(t *testing.T) {
	data, bad := mixedRecording()
	bundle := mixedBundle(t, data)

	rep := read(t, bundle, inspect.Options{Reader: decode.ReaderOptions{MaxLineBytes: 200, KeepErrors: 2}})
	out := text(t, rep, inspect.TextOptions{LineLimitHint: "raise the limit"})
	rec := filepath.Join(bundle, "messages.jsonl")
	for _, want := range []string{
		bundle + "\n",
		"bundle      live.json messages.jsonl subscribe.json",
		"#00 Ann Lee (Home)",
		"live        L1 Round 1 (GAME_ROUND, team 461 Home)",
		"recording   messages.jsonl (compression: none)",
		"messages    363: location 358, marker 3, stats 1, unknown 1",
		"3 players, 1 ball, 1 of unknown type",
		"  30.0  ",
		"PLAY_NEXT live_id a1140480-e1d5",
		"time span   2017-07-20T17:22:01.000Z .. 2017-07-20T17:22:05.000Z (4.0 s)",
		"unknown     types 1, sensor types 1, stat keys 1, classifications 1, markers 0 (types: telemetry)",
		"bad lines   3 (1 too long: raise the limit); the first 2:",
		fmt.Sprintf("%s:%d: decode: offset", rec, bad[0]),
		fmt.Sprintf("%s:%d: decode: offset", rec, bad[1]),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, fmt.Sprintf("%s:%d:", rec, bad[2])) {
		t.Errorf("KeepErrors 2 printed a third error:\n%s", out)
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.TrimRight(line, " \t") != line {
			t.Errorf("line %d ends in blanks: %q", i+1, line)
		}
	}
	// Without a hint, the count alone: the package names no flag.
	if out := text(t, rep, inspect.TextOptions{}); !strings.Contains(out, "bad lines   3 (1 too long); the first 2:") || strings.Contains(out, "--") {
		t.Errorf("no hint: want \"(1 too long)\" and no flag:\n%s", out)
	}
}

type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

// WriteText returns w's first error, and writes nothing after it.
func TestWriteTextError(t *testing.T) {
	data, _ := mixedRecording()
	rep := read(t, write(t, "g.jsonl", []byte(data)), inspect.Options{})
	var w failingWriter
	if err := inspect.WriteText(&w, rep, inspect.TextOptions{}); err == nil || err.Error() != "disk full" || w.n != 1 {
		t.Errorf("got %v after %d writes, want disk full after 1", err, w.n)
	}
}

// The median and rate come from every forward interval, however long (a
// sensor reporting every 3 s had read a median of 2048 ms, a NaN rate,
// and made --json fail), and samples repeating the one before's time are
// counted as repeats, not as 0 ms intervals (a recording with every line
// doubled read 0 Hz); a sample older than the newest before is counted
// backwards, and the interval after it is measured from the newest.
func TestReadIntervals(t *testing.T) {
	const t0 int64 = 1500571321000
	var b strings.Builder
	for k := range int64(4) {
		fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":3,"x":0,"y":0,"z":60}}`+"\n", t0+3000*k)
	}
	for k := range int64(50) {
		l := fmt.Sprintf(`{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":4,"x":%d,"y":0,"z":60}}`+"\n", t0+40*k, k)
		b.WriteString(l + l)
	}
	for _, dt := range []int64{0, 40, 20, 60} {
		fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"BALL","id":5,"x":0,"y":0,"z":60}}`+"\n", t0+dt)
	}
	rep := read(t, write(t, "g.jsonl", []byte(b.String())), inspect.Options{})
	want := []inspect.Sensor{
		{Type: "PLAYER", ID: 3, Samples: 4, First_ms: t0, Last_ms: t0 + 9000, MedianInterval_ms: 3000, Rate_Hz: 1.0 / 3, MaxGap_ms: 3000},
		{Type: "PLAYER", ID: 4, Samples: 100, First_ms: t0, Last_ms: t0 + 1960, MedianInterval_ms: 40, Rate_Hz: 25, MaxGap_ms: 40, Repeats: 50},
		{Type: "BALL", ID: 5, Samples: 4, First_ms: t0, Last_ms: t0 + 60, MedianInterval_ms: 20, Rate_Hz: 50, MaxGap_ms: 40, Backwards: 1},
	}
	if !reflect.DeepEqual(rep.Sensors, want) {
		t.Errorf("sensors\n got  %+v\n want %+v", rep.Sensors, want)
	}
}

// A late or reordered sample makes no gap: the interval after it runs
// from the newest time before, not from the late sample's. Measured from
// it, one sample 200 ms late in a 40-ms feed with none missing read
// "max gap ms 240", and 5 samples delivered 5 s late 5031, as a 5-s
// dropout does; a real dropout still reads as one.
func TestReadLateMakesNoGap(t *testing.T) {
	const t0 int64 = 1764151200000
	f := func(name string, order []int, want inspect.Sensor) {
		t.Helper()
		var b strings.Builder
		for _, k := range order {
			fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":7,"x":%d,"y":0,"z":0}}`+"\n", t0+40*int64(k), 1000+10*k)
		}
		rep := read(t, write(t, name+".jsonl", []byte(b.String())), inspect.Options{})
		want.Type, want.ID, want.First_ms = "PLAYER", 7, t0
		if len(rep.Sensors) != 1 || !reflect.DeepEqual(rep.Sensors[0], want) {
			t.Errorf("%s: sensors\n got  %+v\n want [%+v]", name, rep.Sensors, want)
		}
	}
	seq := func(from, to int) []int { // from, from+1, ..., to-1
		var s []int
		for k := from; k < to; k++ {
			s = append(s, k)
		}
		return s
	}
	// Sample 50 delivered after 55 (200 ms late).
	reorder := slices.Concat(seq(0, 50), seq(51, 56), []int{50}, seq(56, 100))
	f("reorder", reorder, inspect.Sensor{Samples: 100, Last_ms: t0 + 99*40, MedianInterval_ms: 40, Rate_Hz: 25, MaxGap_ms: 80, Backwards: 1})
	// Samples 300..304 delivered 5 s late, after 429.
	late := slices.Concat(seq(0, 300), seq(305, 430), seq(300, 305), seq(430, 600))
	f("late", late, inspect.Sensor{Samples: 600, Last_ms: t0 + 599*40, MedianInterval_ms: 40, Rate_Hz: 25, MaxGap_ms: 240, Backwards: 5})
	// A late sample repeated: backwards both times, not a repeat of the
	// one before.
	f("late-twice", slices.Concat(seq(0, 10), []int{5, 5}, seq(10, 20)), inspect.Sensor{Samples: 22, Last_ms: t0 + 19*40, MedianInterval_ms: 40, Rate_Hz: 25, MaxGap_ms: 40, Backwards: 2})
	// A real dropout of 5 s (samples 300..424 missing) is a gap.
	f("dropout", slices.Concat(seq(0, 300), seq(425, 600)), inspect.Sensor{Samples: 475, Last_ms: t0 + 599*40, MedianInterval_ms: 40, Rate_Hz: 25, MaxGap_ms: 126 * 40})
}

// A cancelled ctx stops the reading; what was read is still reported,
// and the text says so.
func TestReadInterrupted(t *testing.T) {
	var b strings.Builder
	for k := range 20000 {
		fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":3,"x":0,"y":0,"z":60}}`+"\n", 1500571321000+40*int64(k))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := inspect.Read(ctx, write(t, "g.jsonl", []byte(b.String())), inspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Interrupted || rep.Messages == 0 || rep.Messages >= 20000 {
		t.Errorf("interrupted %v after %d messages, want true after some of 20000", rep.Interrupted, rep.Messages)
	}
	if out := text(t, rep, inspect.TextOptions{}); !strings.Contains(out, "interrupted before the end") {
		t.Errorf("report does not say it was interrupted:\n%s", out)
	}
}

// Location samples with impossible timestamps, which analyze drops
// (quality.bad_times), are counted as bad times and kept out of the
// sensors, the time span and the gaps: a sample at -5 ms made the span
// start in 1969 and the max gap 1764151248125 ms. A marker's impossible
// time stays out of the span too.
func TestReadBadTimes(t *testing.T) {
	data, _ := mixedRecording()
	data += `{"type":"location","data":{"occurred_at":-5,"type":"PLAYER","id":7,"x":0,"y":0,"z":60}}` + "\n" +
		`{"type":"location","data":{"occurred_at":0,"type":"BALL","id":2147549498,"x":0,"y":0,"z":60}}` + "\n" +
		`{"type":"location","data":{"occurred_at":100000000000001,"type":"PLAYER","id":9,"x":0,"y":0,"z":60}}` + "\n" +
		`{"type":"marker","data":{"occurred_at":-5,"type":"PLAY_END"}}` + "\n"
	rep := read(t, write(t, "game.jsonl", []byte(data)), inspect.Options{})
	if rep.BadTimes != 3 || rep.First_ms != 1500571321000 || rep.Last_ms != 1500571325000 {
		t.Errorf("bad times %d, span %d..%d; want 3 and 1500571321000..1500571325000", rep.BadTimes, rep.First_ms, rep.Last_ms)
	}
	for _, s := range rep.Sensors {
		if s.ID == 7 && (s.Samples != 100 || s.First_ms != 1500571321000 || s.MaxGap_ms != 40 || s.Backwards != 0) {
			t.Errorf("player 7: %+v; want its 100 good samples only", s)
		}
	}
	out := text(t, rep, inspect.TextOptions{})
	for _, want := range []string{"time span   2017-07-20T17:22:01.000Z .. 2017-07-20T17:22:05.000Z", "bad times   3 location samples"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// Bad times are what the engine drops: the same bound at both ends
// (track.PlausibleTime against the engine, around year 5138).
func TestBadTimesAsEngine(t *testing.T) {
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
}

// A compressed file that ends in zero bytes (a write cut off) is read as
// analyze reads it: after a complete stream the zeros are ignored and
// counted; a stream that breaks where they begin is truncated, read up
// to the break as without the zeros. Another read error is no truncation.
func TestReadZeroTailTruncated(t *testing.T) {
	data, _ := mixedRecording()
	gz := gzipped(t, data)
	zeros := make([]byte, 4096)
	rep := read(t, write(t, "whole.jsonl.gz", append(bytes.Clone(gz), zeros...)), inspect.Options{})
	if rep.Err != nil || rep.ZeroTail != 4096 || rep.Messages == 0 || rep.Truncated {
		t.Errorf("complete + zeros: err %v, zero tail %d, %d messages, truncated %v; want the zeros counted", rep.Err, rep.ZeroTail, rep.Messages, rep.Truncated)
	}
	if out := text(t, rep, inspect.TextOptions{}); !strings.Contains(out, "zero tail   4096 zero bytes after the complete gzip stream, ignored") {
		t.Errorf("complete + zeros: report lacks the zero tail:\n%s", out)
	}
	cut := read(t, write(t, "cut.jsonl.gz", gz[:len(gz)*3/4]), inspect.Options{})
	cutZeros := read(t, write(t, "cutzeros.jsonl.gz", append(bytes.Clone(gz[:len(gz)*3/4]), zeros...)), inspect.Options{})
	for _, rep := range []*inspect.Report{cut, cutZeros} {
		if !rep.Truncated || !errors.Is(rep.Err, decode.ErrTruncated) || rep.ReadError != rep.Err.Error() || rep.ZeroTail != 0 {
			t.Errorf("%s: truncated %v, err %v, read error %q, zero tail %d; want decode.ErrTruncated", rep.Path, rep.Truncated, rep.Err, rep.ReadError, rep.ZeroTail)
		}
	}
	if cutZeros.Messages != cut.Messages || cutZeros.Bad != cut.Bad || cut.Messages == 0 {
		t.Errorf("cut + zeros: %d messages, %d bad; cut: %d, %d; want the same, some", cutZeros.Messages, cutZeros.Bad, cut.Messages, cut.Bad)
	}
	if out := text(t, cut, inspect.TextOptions{}); !strings.Contains(out, "  read error  "+cut.ReadError) {
		t.Errorf("cut: report lacks the read error:\n%s", out)
	}
	// Zeros between members (padding) are skipped, and counted.
	half := len(data) / 2
	padded := read(t, write(t, "padded.jsonl.gz", bytes.Join([][]byte{gzipped(t, data[:half]), zeros, gzipped(t, data[half:])}, nil)), inspect.Options{})
	whole := read(t, write(t, "plain.jsonl.gz", gz), inspect.Options{})
	if padded.Err != nil || padded.ZeroGaps != 4096 || padded.ZeroTail != 0 || padded.Messages != whole.Messages || padded.Bad != whole.Bad {
		t.Errorf("zeros between members: err %v, zero gaps %d, zero tail %d, %d messages %d bad (want %d, %d); want the zeros skipped and counted",
			padded.Err, padded.ZeroGaps, padded.ZeroTail, padded.Messages, padded.Bad, whole.Messages, whole.Bad)
	}
	if out := text(t, padded, inspect.TextOptions{}); !strings.Contains(out, "zero gaps   4096 zero bytes between the gzip members, skipped (padding)") {
		t.Errorf("zeros between members: report lacks the zero gaps:\n%s", out)
	}
	corrupt := bytes.Clone(gz)
	for i := len(corrupt) / 3; i < len(corrupt)/3+64; i++ {
		corrupt[i] ^= 0x5a
	}
	if rep := read(t, write(t, "corrupt.jsonl.gz", corrupt), inspect.Options{}); rep.Err == nil || rep.Truncated {
		t.Errorf("corrupt: err %v, truncated %v; want a read error, not truncated", rep.Err, rep.Truncated)
	}
}

// An input that cannot be opened is an error, with no report.
func TestReadMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "missing.jsonl")
	rep, err := inspect.Read(context.Background(), p, inspect.Options{})
	if err == nil || rep != nil || !strings.Contains(err.Error(), p) {
		t.Errorf("got %v, %v; want an error naming %s and no report", rep, err, p)
	}
}

// Markers past MaxMarkers are counted, not listed.
func TestReadManyMarkers(t *testing.T) {
	var b strings.Builder
	for k := range inspect.MaxMarkers + 3 {
		fmt.Fprintf(&b, `{"type":"marker","data":{"occurred_at":%d,"type":"PLAY_NEXT"}}`+"\n", 1500571321000+int64(k))
	}
	rep := read(t, write(t, "m.jsonl", []byte(b.String())), inspect.Options{})
	if len(rep.Markers) != inspect.MaxMarkers || rep.MoreMarkers != 3 || rep.Markers[1].Line != 2 {
		t.Errorf("%d markers listed, %d more, the second on line %d; want %d, 3, 2", len(rep.Markers), rep.MoreMarkers, rep.Markers[1].Line, inspect.MaxMarkers)
	}
	if out := text(t, rep, inspect.TextOptions{}); !strings.Contains(out, fmt.Sprintf("  markers     %d\n", inspect.MaxMarkers+3)) || !strings.HasSuffix(strings.SplitN(out, "  unknown", 2)[0], "    ... and 3 more\n") {
		t.Errorf("text: want the count and \"... and 3 more\":\n%s", out[len(out)-300:])
	}
}

// A feed of corrupt ids made a row per id: a million random ids cost a
// million-row report and 765 MB. The first MaxSensors sensors to appear
// are listed, as many as analyze's engine tracks; the others are counted,
// their ids up to MaxCountedUnlisted, their samples all.
func TestReadManySensors(t *testing.T) {
	const t0 int64 = 1500571321000
	recording := func(ids int, extraSamples int) string {
		var b strings.Builder
		loc := func(k int, id int64) {
			fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":%d,"x":0,"y":0,"z":60}}`+"\n", t0+int64(k)*40, id)
		}
		for k := range ids {
			loc(k, 1_000_000+int64(ids-k)) // ids falling: the listed ones are the first seen, not the lowest
		}
		for k := range extraSamples {
			loc(ids+k, 1_000_000+1) // the last id seen, again
		}
		return b.String()
	}
	rep := read(t, write(t, "ids.jsonl", []byte(recording(inspect.MaxSensors+5, 2))), inspect.Options{})
	if len(rep.Sensors) != inspect.MaxSensors || rep.Players != inspect.MaxSensors || rep.MoreSensors != 5 || rep.MoreSensorsCapped || rep.MoreSensorSamples != 7 {
		t.Errorf("%d sensors listed (%d players), %d more (capped %v) with %d samples; want %d, %d, 5 (false), 7",
			len(rep.Sensors), rep.Players, rep.MoreSensors, rep.MoreSensorsCapped, rep.MoreSensorSamples, inspect.MaxSensors, inspect.MaxSensors)
	}
	if first := rep.Sensors[0].ID; first != 1_000_000+6 {
		t.Errorf("the lowest id listed is %d, want %d (the first %d seen)", first, 1_000_000+6, inspect.MaxSensors)
	}
	out := text(t, rep, inspect.TextOptions{})
	if want := "1024 players, 0 balls; 5 more sensors not listed (7 location samples): only the first 1024 to appear are"; !strings.Contains(out, want) {
		t.Errorf("text lacks %q:\n%s", want, out[:300])
	}
	if n := strings.Count(out, "\n"); n > inspect.MaxSensors+20 {
		t.Errorf("text has %d lines", n)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"sensors_not_listed":5,"sensor_samples_not_listed":7,`; !strings.Contains(string(js), want) {
		t.Errorf("JSON lacks %s", want)
	}
	// Past MaxCountedUnlisted ids not listed, their ids are no longer
	// counted: the count is a lower bound, and says so.
	rep = read(t, write(t, "ids.jsonl", []byte(recording(inspect.MaxSensors+inspect.MaxCountedUnlisted+3, 0))), inspect.Options{})
	if rep.MoreSensors != inspect.MaxCountedUnlisted || !rep.MoreSensorsCapped || rep.MoreSensorSamples != inspect.MaxCountedUnlisted+3 {
		t.Errorf("%d more (capped %v) with %d samples; want %d (true), %d", rep.MoreSensors, rep.MoreSensorsCapped, rep.MoreSensorSamples, inspect.MaxCountedUnlisted, inspect.MaxCountedUnlisted+3)
	}
	if out := text(t, rep, inspect.TextOptions{}); !strings.Contains(out, fmt.Sprintf("; more than %d more sensors not listed (%d location samples)", inspect.MaxCountedUnlisted, inspect.MaxCountedUnlisted+3)) {
		t.Errorf("text: want the count as a lower bound:\n%s", out[:300])
	}
}

// writeCounter counts the writes it is given.
type writeCounter struct{ n int }

func (w *writeCounter) Write(p []byte) (int, error) {
	w.n++
	return len(p), nil
}

// The text report was written a tabwriter cell at a time, a write(2)
// each on stdout: over 10 000 for a table of 1024 sensors.
func TestWriteTextBuffered(t *testing.T) {
	var b strings.Builder
	for id := range 1000 {
		for k := range int64(2) {
			fmt.Fprintf(&b, `{"type":"location","data":{"occurred_at":%d,"type":"PLAYER","id":%d,"x":0,"y":0,"z":60}}`+"\n", 1500571321000+40*k, id)
		}
	}
	rep := read(t, write(t, "s.jsonl", []byte(b.String())), inspect.Options{})
	size := len(text(t, rep, inspect.TextOptions{}))
	var w writeCounter
	if err := inspect.WriteText(&w, rep, inspect.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if most := size/(32<<10) + 2; w.n > most {
		t.Errorf("%d writes for %d bytes, want at most %d", w.n, size, most)
	}
}

// Marker types, their live ids and unknown message types are reported as
// the JSON strings encode them, escapes decoded: the live id to follow is
// a1140480-e1d5, however the feed escaped it. Text output still escapes
// what a terminal would act on.
func TestMarkerTextsUnescaped(t *testing.T) {
	p := write(t, "esc.jsonl", []byte(
		`{"type":"marker","data":{"occurred_at":1478800197339,"live_id":"a1140480\u002de1d5","type":"PLAY\u005fNEXT"}}`+"\n"+
			`{"type":"marker","data":{"occurred_at":1478800197340,"type":"DRILL_NEXT","live_id":"b2\/x\u001b[31m"}}`+"\n"+
			`{"type":"tele\u006detry","data":{}}`+"\n"))
	rep := read(t, p, inspect.Options{})
	if len(rep.Markers) != 2 {
		t.Fatalf("markers %+v, want 2", rep.Markers)
	}
	if m := rep.Markers[0]; m.Type != "PLAY_NEXT" || m.LiveID != "a1140480-e1d5" {
		t.Errorf("first marker %+v, want PLAY_NEXT live_id a1140480-e1d5", m)
	}
	if m := rep.Markers[1]; m.Type != "DRILL_NEXT" || m.LiveID != "b2/x\x1b[31m" {
		t.Errorf("second marker %+v, want DRILL_NEXT live_id %q", m, "b2/x\x1b[31m")
	}
	if !slices.Equal(rep.Unknown.TypeTexts, []string{"telemetry"}) {
		t.Errorf("unknown types %q, want [telemetry]", rep.Unknown.TypeTexts)
	}
	out := text(t, rep, inspect.TextOptions{})
	if !strings.Contains(out, "PLAY_NEXT live_id a1140480-e1d5") || !strings.Contains(out, "(types: telemetry)") {
		t.Errorf("text output lacks the unescaped texts:\n%s", out)
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("text output passes an escape character to the terminal:\n%q", out)
	}
}
