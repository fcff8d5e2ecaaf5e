package main

import (
	"bytes"
	"strings"
	"testing"

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
