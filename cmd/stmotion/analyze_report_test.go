package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

// reportLines is the report of s, line by line.
func reportLines(s *export.SessionSummary) []string {
	var b bytes.Buffer
	writeReport(&b, s)
	return strings.Split(b.String(), "\n")
}

// lineOf is the first line of lines that holds what; "" if none.
func lineOf(lines []string, what string) string {
	for _, l := range lines {
		if strings.Contains(l, what) {
			return l
		}
	}
	return ""
}

// A player who ran but whose DIST the feed never sent showed "-", as a
// bench player with DIST 0 does: the report says "no DIST" for him.
func TestReportNoDIST(t *testing.T) {
	s := &export.SessionSummary{
		SessionID: "g", Source: "g",
		Teams: []export.TeamSummary{{TeamID: 1, Name: "Home", PlayerSensors: 3}},
		Players: []export.PlayerSummary{
			{PlayerID: 1, TeamID: 1, Name: "Bruno Kowalski", Distance_m: 329, TimeOnCourt_s: 150, DistFlag: track.DistFlagNoDIST},
			{PlayerID: 2, TeamID: 1, Name: "Parker Ivers", Distance_m: 0.4, TimeOnCourt_s: 10},
			{PlayerID: 3, TeamID: 1, Name: "Ann Checked", Distance_m: 300, TimeOnCourt_s: 150, DistStat_m: 303, DistRatio: 1.01},
		},
	}
	lines := reportLines(s)
	for _, c := range []struct{ name, want string }{
		{"Bruno Kowalski", "  no DIST"},
		{"Parker Ivers", "  -"},
		{"Ann Checked", "  1.010"},
	} {
		if l := lineOf(lines, c.name); !strings.HasSuffix(l, c.want) {
			t.Errorf("%s: row %q, want it to end %q", c.name, l, c.want)
		}
	}
}

// writeColumns lays out ASCII as text/tabwriter (AlignRight, padding 2)
// did, so reports without wide characters read as before.
func TestWriteColumnsAsTabwriter(t *testing.T) {
	rows := [][]string{
		{"player", "min", "dist m", "DIST ratio"},
		{"Darius Petrov", "3.0", "664", "1.002"},
		{"Al", "12.5", "1201", "-"},
		{`bad\x1bname`, "0.1", "3", "no DIST"},
	}
	var got, want bytes.Buffer
	writeColumns(&got, rows)
	tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
	}
	tw.Flush()
	if got.String() != want.String() {
		t.Errorf("writeColumns:\n%s\ntabwriter:\n%s", got.String(), want.String())
	}
}

func TestDisplayWidth(t *testing.T) {
	for _, c := range []struct {
		s string
		w int
	}{
		{"Darius Petrov", 13},
		{"Søren Kierkegaard-Østergård", 27},
		{"José", 4},
		{"Jose\u0301", 4}, // decomposed: e and a combining acute
		{"李小龍", 6},
		{"김연경", 6},
		{"ＡＢ", 4},
		{"Зоран", 5},
	} {
		if got := displayWidth(c.s); got != c.w {
			t.Errorf("displayWidth(%q) = %d, want %d", c.s, got, c.w)
		}
	}
}

// Names in CJK characters (two columns each on a terminal) or with
// combining accents put their row's figures out of line with the header:
// tabwriter counted runes. Every row of a team's table ends in the same
// column, and each figure under its header.
func TestReportAlignsWideNames(t *testing.T) {
	names := []string{"Søren Kierkegaard-Østergård", "李小龍", "Jose\u0301 Nu\u0303n\u0303ez", "Al"}
	s := &export.SessionSummary{SessionID: "g", Source: "g", Teams: []export.TeamSummary{{TeamID: 1, Name: "Home", PlayerSensors: 4}}}
	for i, n := range names {
		s.Players = append(s.Players, export.PlayerSummary{PlayerID: int64(i + 1), TeamID: 1, Name: n,
			Distance_m: float64(700 - 100*i), TimeOnCourt_s: 200, TopSpeed_mps: 7.25, DistRatio: 1.004})
	}
	lines := reportLines(s)
	header := lineOf(lines, "DIST ratio")
	if header == "" {
		t.Fatalf("no table in the report:\n%s", strings.Join(lines, "\n"))
	}
	// The column where "min" ends: each row's minutes end there too.
	minEnd := displayWidth(header[:strings.Index(header, " min")+4])
	for _, n := range names {
		row := lineOf(lines, n)
		if got, want := displayWidth(row), displayWidth(header); got != want {
			t.Errorf("row of %q is %d columns wide, the header %d:\n%s\n%s", n, got, want, header, row)
		}
		if i := strings.Index(row, " 3.3 "); i < 0 || displayWidth(row[:i+4]) != minEnd {
			t.Errorf("row of %q: minutes not under the header's min:\n%s\n%s", n, header, row)
		}
	}
}

// A practice's players stand on the court in the breaks between drills,
// which "min" counted without a word (19.9 min for a player with 13.9 in
// the drills): its report shows the drill minutes beside them and says
// what each counts. A game's report is unchanged.
func TestReportPracticeDrillMinutes(t *testing.T) {
	players := []export.PlayerSummary{
		{PlayerID: 1, TeamID: 1, Name: "Marcus Brennan", Distance_m: 1389, TimeOnCourt_s: 1195.7,
			TimeOnCourtPeriod_s: []float64{140, 140, 150, 126, 138, 141.7}},
		{PlayerID: 2, TeamID: 1, Name: "Quinn Abbott", Distance_m: 175, TimeOnCourt_s: 372, TimeOnCourtPeriod_s: []float64{0, 0, 150, 0, 138, 0}},
	}
	practice := &export.SessionSummary{SessionID: "p", Source: "p", Practice: true,
		Teams: []export.TeamSummary{{TeamID: 1, Name: "Herons", PlayerSensors: 2}}, Players: players}
	lines := reportLines(practice)
	header := lineOf(lines, "player")
	if !strings.Contains(header, "  min  drill min  dist m") {
		t.Errorf("practice header %q: want min, drill min, dist m", header)
	}
	for _, c := range []struct{ name, want string }{
		{"Marcus Brennan", "Marcus Brennan  19.9       13.9    1389"},
		{"Quinn Abbott", "Quinn Abbott   6.2        4.8     175"},
	} {
		if l := lineOf(lines, c.name); !strings.Contains(l, c.want) {
			t.Errorf("%s: row %q, want %q", c.name, l, c.want)
		}
	}
	if l := lineOf(lines, "drill min is"); !strings.Contains(l, "breaks between drills included") {
		t.Errorf("practice report: no line saying what min and drill min count (%q)", l)
	}

	game := *practice
	game.Practice = false
	lines = reportLines(&game)
	if h := lineOf(lines, "player"); strings.Contains(h, "drill") || !strings.Contains(h, "  min  dist m") {
		t.Errorf("game header %q: want it as before", h)
	}
	if l := lineOf(lines, "drill"); l != "" {
		t.Errorf("game report mentions drills: %q", l)
	}
}

// The line under a practice's tables said "the whole practice's" of min,
// dist m and sprints also in a session of one drill's live id, where
// they are the drill's and the break after it (or the last drill's
// alone): it says what the recording holds.
func TestReportPracticeNote(t *testing.T) {
	players := []export.PlayerSummary{{PlayerID: 1, TeamID: 1, Name: "Marcus Brennan", Distance_m: 389, TimeOnCourt_s: 400,
		TimeOnCourtPeriod_s: []float64{0, 300}}}
	rounds := func(periods ...int32) []export.RoundSummary {
		var rs []export.RoundSummary
		for i, p := range periods {
			rs = append(rs, export.RoundSummary{LiveID: fmt.Sprint("drill-", i+1), Period: p})
		}
		return rs
	}
	for _, c := range []struct {
		name   string
		rounds []export.RoundSummary
		want   string
	}{
		{"the whole practice", rounds(1, 2), "whole recording's (the practice's, when it holds all of it), the breaks between drills included"},
		{"a drill's live id", rounds(2, 0), "one drill's live id: its drill and the break after it, up to the DRILL_NEXT naming the next drill"},
		{"the last drill's live id", rounds(2), "its drill's and any time on court outside it"},
		{"one drill, no rounds", nil, "its drill's and any time on court outside it"},
	} {
		s := &export.SessionSummary{SessionID: "p", Source: "p", Practice: true, Rounds: c.rounds,
			Teams: []export.TeamSummary{{TeamID: 1, Name: "Herons", PlayerSensors: 1}}, Players: players}
		l := lineOf(reportLines(s), "drill min is")
		if !strings.Contains(l, c.want) {
			t.Errorf("%s: %q, want it to say %q", c.name, l, c.want)
		}
		if strings.Contains(l, "are the whole practice's") {
			t.Errorf("%s: %q calls the recording's figures the whole practice's", c.name, l)
		}
	}
}

// analyze of a simulated practice: summary.json says it is one and
// carries each player's figures per drill, which with the breaks make
// his totals, and the report shows the drill minutes; analyze of a game
// does neither.
func TestAnalyzePracticePerDrill(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a practice")
	}
	cfg := synth.SampleConfig()
	cfg.Practice, cfg.Minutes, cfg.Seed = true, 5, 7
	dir := t.TempDir()
	practice := filepath.Join(dir, "practice")
	if _, err := synth.Write(context.Background(), cfg, practice, nil); err != nil {
		t.Fatal(err)
	}
	game := shortBundle(t, dir, "game")
	for _, c := range []struct {
		bundle   string
		practice bool
	}{{practice, true}, {game, false}} {
		out := t.TempDir()
		var stdout, stderr bytes.Buffer
		if err := Run(context.Background(), []string{"analyze", "--images=false", "--out", out, c.bundle}, &stdout, &stderr); err != nil {
			t.Fatalf("analyze %s: %v\n%s", c.bundle, err, stderr.String())
		}
		var sum export.SessionSummary
		readJSON(t, filepath.Join(out, "summary.json"), &sum)
		if sum.Practice != c.practice {
			t.Errorf("%s: summary.json practice %v, want %v", c.bundle, sum.Practice, c.practice)
		}
		if got := strings.Contains(stdout.String(), "drill min"); got != c.practice {
			t.Errorf("%s: report shows drill min %v, want %v:\n%s", c.bundle, got, c.practice, stdout.String())
		}
		drills, inBreaks := 0, 0.0
		for _, p := range sum.Players {
			n := len(p.TimeOnCourtPeriod_s)
			if n != len(p.DistancePeriod_m) || n != len(p.SprintsPeriod) || n != len(p.AccelsPeriod) || n != len(p.DecelsPeriod) || n != len(p.SpeedBandPeriod_s) {
				t.Fatalf("%s, player %d: lists per period of lengths %d %d %d %d %d %d", c.bundle, p.PlayerID,
					len(p.DistancePeriod_m), len(p.SprintsPeriod), len(p.AccelsPeriod), len(p.DecelsPeriod), n, len(p.SpeedBandPeriod_s))
			}
			drills = n
			court, sprints, accels, decels := 0.0, 0, 0, 0
			for k := range n {
				court += p.TimeOnCourtPeriod_s[k]
				sprints += p.SprintsPeriod[k]
				accels += p.AccelsPeriod[k]
				decels += p.DecelsPeriod[k]
				b := 0.0
				for _, x := range p.SpeedBandPeriod_s[k] {
					b += x
				}
				if math.Abs(b-p.TimeOnCourtPeriod_s[k]) > 1e-6 {
					t.Errorf("%s, player %d, period %d: bands %v sum to %v s, on court %v s", c.bundle, p.PlayerID, k+1, p.SpeedBandPeriod_s[k], b, p.TimeOnCourtPeriod_s[k])
				}
			}
			if court > p.TimeOnCourt_s+1e-6 || sprints > p.Sprints || accels > p.Accels || decels > p.Decels {
				t.Errorf("%s, player %d: per period on court %v s, sprints %d, accels %d, decels %d; totals %v s, %d, %d, %d",
					c.bundle, p.PlayerID, court, sprints, accels, decels, p.TimeOnCourt_s, p.Sprints, p.Accels, p.Decels)
			}
			inBreaks += p.TimeOnCourt_s - court
		}
		if c.practice && (drills < 2 || inBreaks < 60) {
			t.Errorf("%s: %d drills, %.0f s on court outside them in all: want several drills with breaks", c.bundle, drills, inBreaks)
		}
		if !c.practice && drills == 0 {
			t.Errorf("%s: the game has no period", c.bundle)
		}
	}
}

// A bare recording of a whole game lists both halves, the first unnamed
// (no live.json), not "period 2" on its session line.
func TestReportHeaderUnnamedFirstRound(t *testing.T) {
	s := &export.SessionSummary{SessionID: "g", Source: "g.jsonl", Rounds: []export.RoundSummary{{Period: 1}, {LiveID: "h2", Period: 2}}}
	var b strings.Builder
	writeHeader(&b, s)
	want := "\nsession g (g.jsonl)\n  period 1: the recording's first round (no live.json names it)\n  period 2: live id h2\n"
	if b.String() != want {
		t.Errorf("header %q, want %q", b.String(), want)
	}
}

// The report's quality line counts the recording's messages, as inspect
// does, and says apart how many analyze made of the bundle's stats.json
// and shots.json (quality.rest_messages), only when there are any.
func TestReportRestMessages(t *testing.T) {
	s := &export.SessionSummary{SessionID: "g", Source: "g", Quality: export.QualitySummary{Messages: 37676, Locations: 37525, RestMessages: 24}}
	if l, want := lineOf(reportLines(s), "quality:"), "quality: 37676 messages (and 24 made of stats.json and shots.json), 37525 locations,"; !strings.HasPrefix(l, want) {
		t.Errorf("quality line %q, want it to start %q", l, want)
	}
	s.Quality.RestMessages = 0
	if l, want := lineOf(reportLines(s), "quality:"), "quality: 37676 messages, 37525 locations,"; !strings.HasPrefix(l, want) {
		t.Errorf("without: quality line %q, want it to start %q", l, want)
	}
}
