package decode

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/internal/jsonref"
)

// The typed JSON files of a bundle, as FuzzBundleJSON picks them.
var fuzzBundleFiles = []string{BundleLive, BundleStats, BundleShots, BundleRounds, BundlePeriods, BundleStatsDetails}

// readFuzzBundleFile reads the bundle file name of dir as its reader does
// (OpenBundle, or ReadStatsDetails for stats_details.json), and returns
// what it parsed (a pointer to the file's type; nil when absent).
func readFuzzBundleFile(dir, name string) (any, error) {
	if name == BundleStatsDetails {
		d, err := ReadStatsDetails(dir)
		if d == nil {
			return nil, err
		}
		return d, err
	}
	b, err := OpenBundle(dir)
	if err != nil {
		return nil, err
	}
	switch name {
	case BundleLive:
		return b.Live, nil
	case BundleStats:
		return b.Stats, nil
	case BundleShots:
		return b.Shots, nil
	case BundleRounds:
		return &b.Rounds, nil
	case BundlePeriods:
		return b.Periods, nil
	}
	panic(name)
}

// fuzzBundleType is a new value of the type bundle file name parses into.
func fuzzBundleType(name string) any {
	switch name {
	case BundleLive:
		return new(LiveInfo)
	case BundleStats:
		return new(LiveStats)
	case BundleShots:
		return new(LiveShots)
	case BundleRounds:
		return new([]LiveInfo)
	case BundlePeriods:
		return new(Continuation)
	case BundleStatsDetails:
		return new(LiveStatsDetails)
	}
	panic(name)
}

var offsetRE = regexp.MustCompile(`: offset (\d+) \(line (\d+), column (\d+)\): `)

// FuzzBundleJSON writes one typed JSON file of a bundle (live.json,
// stats.json, shots.json, rounds.json, periods.json, or stats_details.json)
// with the fuzzer's bytes beside an empty feed, and reads it as
// analyze does. What it accepts is what encoding/json (the reference)
// reads into the same type, once the integers written as floats are
// written as integers (jsonref.IntegralRef: the feed decoder's rule), and comes back the same once written by
// encoding/json (as stmotion live and the simulator write these files);
// periods.json's counts are in range. What it refuses is said with the
// file's path first, and, for JSON that is not valid, as a syntax error
// whose offset, line and column point into the file.
func FuzzBundleJSON(f *testing.F) {
	for i, s := range []string{
		testLiveJSON, testStatsJSON, testShotsJSON, "[" + testLiveJSON + "]",
		`{"previous_live_id":"a0","period":2,"period_open":false,"clock":"paused"}`,
		`{"teams":[{"id":461,"player_stats":[{"id":7,"stats":{"FGA":[{"occurred_at":1478800197300,"value":1}],"PTS":[{"occurred_at":1478800197300,"value":2}],"DIST":[{"occurred_at":1478800257300,"value":1500}]}}]}]}`,
	} {
		f.Add(uint8(i), []byte(s))
	}
	// Shapes the tests refuse, and a byte order mark.
	f.Add(uint8(0), []byte(`{"teams":[`))
	f.Add(uint8(1), []byte("\xef\xbb\xbf"+testStatsJSON))
	f.Add(uint8(2), []byte(`{"teams":[{"id":461,"player_shots":[{"id":"7"}]}]}`))
	f.Add(uint8(3), []byte("[{\"teams\":7},\n {}]"))
	f.Add(uint8(4), []byte(`{"period":1025,"period_open":true}`))
	f.Add(uint8(4), []byte(`{"period":1,"clock":"stopped"}`))
	f.Add(uint8(5), []byte(`{"teams":[{"player_stats":[{"stats":{"PTS":[{"value":1e999}]}}]}]}`))
	// Where goccy/go-json could read otherwise than encoding/json: bytes
	// that are not UTF-8, a lone surrogate, keys in another case, an
	// object given twice, a count written as a float.
	f.Add(uint8(0), []byte("{\"teams\":[{\"name\":\"a\xffb\\ud800\"}]}"))
	f.Add(uint8(0), []byte(`{"TEAMS":[{"ID":3,"Live":{"Started_At":5,"event":{"id":"e"}},"live":{"name":"n"}}]}`))
	f.Add(uint8(1), []byte(`{"teams":[{"player_stats":[{"stats":{"a":1,"a":2}}]}]}`))
	f.Add(uint8(4), []byte(`{"period":2.0,"clock":"li\u0076e"}`))
	// Integers written as floats, and a float field's negative zero.
	f.Add(uint8(0), []byte(`{"teams":[{"id":4.61e2,"live":{"started_at":1764151200000.0,"event":{"started_at":1.7641512e12}}}]}`))
	f.Add(uint8(2), []byte(`{"teams":[{"player_shots":[{"shots":[{"occurred_at":1.764151199e12,"hoop_player_x":-0.0,"zone":3e0}]}]}]}`))
	f.Add(uint8(1), []byte(`{"teams":[{"player_stats":[{"id":1e2,"stats":{"PTS":-0.0,"DIST":1e400}}]}]}`))
	dir := f.TempDir() // one for the whole run: a target runs its inputs one at a time
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := fuzzBundleFiles[int(which)%len(fuzzBundleFiles)]
		path := filepath.Join(dir, name)
		for _, n := range fuzzBundleFiles {
			os.Remove(filepath.Join(dir, n))
		}
		writeFiles(t, dir, map[string]string{BundleMessages: "", name: string(data)})
		got, err := readFuzzBundleFile(dir, name)
		body := bytes.TrimPrefix(data, utf8BOM)
		ref := fuzzBundleType(name)
		refErr := json.Unmarshal(jsonref.IntegralRef(body), ref)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, path+": decode: ") {
				t.Fatalf("%s %q: error %q does not start with the file's path", name, data, msg)
			}
			if !json.Valid(body) && !errors.Is(err, ErrSyntax) {
				t.Fatalf("%s %q: not JSON, but error %q is not ErrSyntax", name, data, msg)
			}
			if m := offsetRE.FindStringSubmatch(msg); m != nil {
				off, _ := strconv.Atoi(m[1])
				line, _ := strconv.Atoi(m[2])
				col, _ := strconv.Atoi(m[3])
				if off > len(body) || line != 1+bytes.Count(body[:off], []byte("\n")) || col != off-bytes.LastIndexByte(body[:off], '\n') {
					t.Fatalf("%s %q: error %q: offset, line and column do not agree with the file", name, data, msg)
				}
			} else if name != BundlePeriods || refErr != nil {
				t.Fatalf("%s %q: error %q does not say where", name, data, msg)
			}
			if refErr == nil && name != BundlePeriods {
				t.Fatalf("%s %q: refused (%v), but encoding/json reads it", name, data, err)
			}
			return
		}
		if got == nil {
			t.Fatalf("%s %q: no error and nothing read", name, data)
		}
		if refErr != nil {
			t.Fatalf("%s %q: accepted as %+v, but encoding/json refuses it: %v", name, data, got, refErr)
		}
		if !reflect.DeepEqual(got, ref) {
			t.Fatalf("%s %q:\n got %+v\nwant %+v (encoding/json)", name, data, got, ref)
		}
		if c, ok := got.(*Continuation); ok {
			if c.Period < 0 || c.Period > MaxContinuationPeriod || c.PeriodOpen && c.Period == 0 {
				t.Fatalf("%s %q: accepted %+v, out of range", name, data, c)
			}
			switch c.Clock {
			case "", ClockUnknown, ClockLive, ClockPaused, ClockFoul:
			default:
				t.Fatalf("%s %q: accepted clock %q", name, data, c.Clock)
			}
		}
		// Written back (encoding/json, as the writers of bundles do), it
		// reads the same.
		out, err := json.Marshal(got)
		if err != nil {
			t.Fatalf("%s %q: accepted %+v, which does not encode: %v", name, data, got, err)
		}
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		again, err := readFuzzBundleFile(dir, name)
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("%s %q: written back as %s, read %+v, %v; want %+v", name, data, out, again, err, got)
		}
	})
}
