package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/synth"
)

// practiceDrills writes a simulated practice of two drills (a scrimmage,
// then a shooting drill; 10 Hz, 4 minutes) under dir/whole, and the same
// practice as `stmotion live` records it, one bundle per drill's live id
// under dir/live/<live id>/: each drill's recording runs to the
// DRILL_NEXT naming the next (the break after it included), its
// live.json is the drill's own (rounds.json's for the later ones), and a
// later drill's periods.json says where the previous one left the count
// and the clock. It returns the whole bundle and the drills' bundles, in
// drill order; their live ids do not sort in that order.
func practiceDrills(t *testing.T, dir string) (whole string, drills []string) {
	t.Helper()
	cfg := synth.DefaultConfig()
	cfg.Practice, cfg.Minutes, cfg.Seed, cfg.Hz = true, 4, 3, 10
	whole = filepath.Join(dir, "whole")
	if _, err := synth.Write(context.Background(), cfg, whole, nil); err != nil {
		t.Fatal(err)
	}
	b, err := decode.OpenBundle(whole)
	if err != nil {
		t.Fatal(err)
	}
	infos := append([]decode.LiveInfo{*b.Live}, b.Rounds...)
	data, err := os.ReadFile(b.MessagesPath)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		d, err := os.ReadFile(filepath.Join(whole, name))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	for k, info := range infos {
		id := info.Teams[0].Live.ID
		d := filepath.Join(dir, "live", id)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		// Up to the DRILL_NEXT naming the next drill.
		var rec bytes.Buffer
		for len(lines) > 0 {
			l := lines[0]
			lines = lines[1:]
			rec.Write(l)
			if k+1 < len(infos) && bytes.Contains(l, []byte(`"DRILL_NEXT"`)) && bytes.Contains(l, []byte(infos[k+1].Teams[0].Live.ID)) {
				break
			}
		}
		live, err := json.Marshal(info)
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{
			decode.BundleMessages: rec.Bytes(), decode.BundleLive: live,
			decode.BundleSubscribe: read(decode.BundleSubscribe), decode.BundleCourt: read(decode.BundleCourt),
		}
		if k > 0 {
			files[decode.BundlePeriods] = fmt.Appendf(nil, `{"previous_live_id":%q,"period":%d,"period_open":false,"clock":"paused"}`, infos[k-1].Teams[0].Live.ID, k)
		}
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(d, name), body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		drills = append(drills, d)
	}
	if len(drills) != 2 || filepath.Base(drills[0]) < filepath.Base(drills[1]) {
		t.Fatalf("want two drills whose live ids sort against their order: %v", drills)
	}
	return whole, drills
}

// A practice recorded live is a session per drill. analyze listed them
// in the order of their live ids (random UUIDs: drill 2 first here), in
// the report and summary.json's sessions[], and nothing named the drill
// or its type. Now they come in time order, each named by its live.json
// ("Scrimmage (drill 1)", SCRIMMAGE) with the period it is (summary.json
// name, type and rounds; the report's session line), also when added to
// a dataset one by one in another order; the whole practice's recording
// lists every drill with its period, named by rounds.json. And the
// shooting drill's one-team warning speaks of no scrimmage sides.
func TestAnalyzeDrillsInOrder(t *testing.T) {
	whole, drills := practiceDrills(t, t.TempDir())
	ids := []string{filepath.Base(drills[0]), filepath.Base(drills[1])}
	names := []string{"Scrimmage (drill 1)", "Shooting drill (drill 2)"}
	types := []string{"SCRIMMAGE", "SHOOTING"}

	check := func(what, out, stdout string) {
		t.Helper()
		m, err := export.ReadSummary(out)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range m.Sessions {
			got = append(got, s.SessionID)
		}
		if !slices.Equal(got, ids) {
			t.Errorf("%s: sessions[] %v, want the drills in order %v", what, got, ids)
		}
		for k, s := range m.Sessions {
			want := export.RoundSummary{LiveID: ids[k], Name: names[k], Type: types[k], Period: int32(k + 1)}
			if k >= len(ids) || s.Name != names[k] || s.Type != types[k] || len(s.Rounds) == 0 || s.Rounds[0] != want {
				t.Errorf("%s: session %s: name %q, type %q, rounds %+v; want %q, %q, first round %+v", what, s.SessionID, s.Name, s.Type, s.Rounds, names[k], types[k], want)
			}
		}
		if stdout == "" {
			return
		}
		var heads []string
		for _, l := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(l, "session ") {
				heads = append(heads, l)
			}
		}
		var want []string
		for k, id := range ids {
			want = append(want, fmt.Sprintf("session %s (%s): %s, %s, period %d", id, drills[k], names[k], types[k], k+1))
		}
		if !slices.Equal(heads, want) {
			t.Errorf("%s: the report's sessions\n%s\nwant\n%s", what, strings.Join(heads, "\n"), strings.Join(want, "\n"))
		}
	}

	out := t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--images=false", filepath.Dir(drills[0]))
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	check("analyze of the drills", out, stdout)
	// The line under each drill's tables says what its figures are: the
	// first drill's and the break after it, the last drill's alone.
	for k, want := range []string{"its drill and the break after it", "its drill's and any time on court outside it"} {
		i := strings.Index(stdout, "session "+ids[k])
		l := lineOf(strings.Split(stdout[max(i, 0):], "\n"), "drill min is")
		if i < 0 || !strings.Contains(l, want) || strings.Contains(l, "whole practice's,") {
			t.Errorf("drill %d: the report says %q, want %q", k+1, l, want)
		}
	}
	// The one-team warning: sides for the scrimmage, none for the
	// shooting drill.
	for k, d := range drills {
		w := lineOf(strings.Split(stderr, "\n"), d+string(filepath.Separator)+decode.BundleMessages+": one team on the roster")
		switch {
		case w == "":
			t.Errorf("drill %d: no one-team warning:\n%s", k+1, stderr)
		case k == 0 && !strings.Contains(w, "both sides of its scrimmage are that team"):
			t.Errorf("the scrimmage's warning does not say its sides are one team: %s", w)
		case k == 1 && (strings.Contains(w, "scrimmage") || strings.Contains(w, "side")):
			t.Errorf("the shooting drill's warning speaks of a scrimmage's sides: %s", w)
		}
	}

	// Added one by one, the later drill first.
	added := t.TempDir()
	for _, d := range []string{drills[1], drills[0]} {
		if stdout, stderr, err := runAnalyzeArgs(t, "--out", added, "--add", "--quiet", "--images=false", d); err != nil {
			t.Fatalf("analyze --add %s: %v\n%s%s", d, err, stdout, stderr)
		}
	}
	check("analyze --add of the drills, the later first", added, "")

	// The whole practice: one session, its drills named with their
	// periods (rounds.json).
	one := t.TempDir()
	stdout, stderr, err = runAnalyzeArgs(t, "--out", one, "--images=false", whole)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(one, export.SummaryFile), &sum)
	var want []export.RoundSummary
	for k := range ids {
		want = append(want, export.RoundSummary{LiveID: ids[k], Name: names[k], Type: types[k], Period: int32(k + 1)})
	}
	if !slices.Equal(sum.Rounds, want) || sum.Name != names[0] || sum.Type != types[0] {
		t.Errorf("the whole practice: name %q, type %q, rounds %+v; want %q, %q, %+v", sum.Name, sum.Type, sum.Rounds, names[0], types[0], want)
	}
	for k := range ids {
		if l := fmt.Sprintf("\n  period %d: %s, %s (live id %s)\n", k+1, names[k], types[k], ids[k]); !strings.Contains(stdout, l) {
			t.Errorf("the whole practice's report lacks %q:\n%s", l, stdout)
		}
	}
	if l := lineOf(strings.Split(stdout, "\n"), "drill min is"); !strings.Contains(l, "the breaks between drills included") {
		t.Errorf("the whole practice's report says %q of min and drill min", l)
	}
	if w := lineOf(strings.Split(stderr, "\n"), "one team on the roster"); !strings.Contains(w, "in its scrimmages (rounds of type SCRIMMAGE) both sides are that team") {
		t.Errorf("the whole practice's one-team warning: %s", w)
	}
}
