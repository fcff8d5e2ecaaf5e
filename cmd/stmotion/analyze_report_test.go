package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/stmotion/stmotion/export"
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
