package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

// A practice scrimmage (synth --practice: one roster team, both sides
// of it on the court). Its passes, steals and rebounds between the sides
// were labelled as if known, with summary.json's limits empty and no
// warning, the report printed both sides' ball time as the team's
// possession, and --fold turned both sides by one direction (half the
// players' offence drawn on the defence's half, titled "offence right").
// Now: the events are unverified, limits names one_team, a warning says
// what it makes unreliable, and --fold leaves the maps as they are, with
// a warning and titles that say so.
func TestPracticeOneTeam(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a practice")
	}
	cfg := synth.DefaultConfig()
	cfg.Practice, cfg.Minutes, cfg.Seed = true, 3, 5 // one scrimmage drill
	dir := t.TempDir()
	path := filepath.Join(dir, "practice")
	if _, err := synth.Write(context.Background(), cfg, path, nil); err != nil {
		t.Fatal(err)
	}
	open := func(opt Options) (*Run, *track.Summary, []track.Segment) {
		t.Helper()
		b, err := decode.OpenBundle(path)
		if err != nil {
			t.Fatal(err)
		}
		if b.Live == nil || !b.Live.Teams[0].Live.IsPracticeEvent {
			t.Fatalf("synth --practice: live.json %+v, want a practice event", b.Live)
		}
		sink := &segmentSink{}
		r, err := OpenEngine(b, "p", opt, sink)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := r.Do(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return r, sum, sink.segs
	}

	r, sum, segs := open(Options{})
	if l := export.Limits(sum); !slices.Equal(l, []string{export.LimitOneTeam}) {
		t.Errorf("practice: limits %q, want %q", l, export.LimitOneTeam)
	}
	var passes, rebounds, teamRows int
	for _, g := range segs {
		switch g.Type {
		case track.SegPass, track.SegTurnover, track.SegRebound:
			if g.Label != track.LabelUnverified {
				t.Errorf("practice: %s %d→%d labelled %q, want %q", g.Type, g.PlayerID, g.ToPlayerID, g.Label, track.LabelUnverified)
			}
			if g.Type == track.SegPass {
				passes++
			} else if g.Type == track.SegRebound {
				rebounds++
			}
		case track.SegTeamPossession:
			teamRows++
		}
	}
	if passes == 0 || rebounds == 0 || teamRows != 0 {
		t.Errorf("practice: %d passes, %d rebounds, %d team possessions: want some passes and rebounds, no team possession", passes, rebounds, teamRows)
	}
	checkWarned(t, r, filepath.Join(path, decode.BundleMessages)+": one team on the roster (a practice)",
		"a pass from a steal", "offensive from defensive", `"unverified"`, "limits: one_team", "no team-level rows", "both sides' together")
	for _, w := range r.Warnings() {
		if strings.Contains(w, "--fold") {
			t.Errorf("practice without --fold: %s", w)
		}
	}

	// --fold: not folded (the maps of the run without it), and said so.
	fr, folded, _ := open(Options{Fold: true})
	if folded.Heatmap.Folded {
		t.Errorf("practice with --fold: Summary.Heatmap.Folded, but its maps are not folded")
	}
	if !reflect.DeepEqual(folded.Heatmaps, sum.Heatmaps) {
		t.Errorf("practice with --fold: the heatmaps were folded (%d cells, %d unfolded): its sides attack opposite hoops",
			len(folded.Heatmaps), len(sum.Heatmaps))
	}
	checkWarned(t, fr, path+": --fold: the heatmaps are not folded", "one team", "opposite hoops")
	n := 0
	for _, w := range fr.Warnings() {
		if strings.Contains(w, "--fold") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("practice with --fold: %d warnings about it, want one: %q", n, fr.Warnings())
	}
	imgs := filepath.Join(dir, "images")
	files, err := RenderImages(imgs, folded, nil, 0, fr.Template(), DefaultCell_m, true, false)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if !strings.HasSuffix(f, ".svg") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "not folded: one team") {
			t.Errorf("%s: not titled as not folded", filepath.Base(f))
		}
		if strings.Contains(string(data), "offence right") {
			t.Errorf("%s: says offence right, yet it is not folded", filepath.Base(f))
		}
		checked++
	}
	if checked == 0 {
		t.Errorf("no heatmap image to check: %q", files)
	}
}

// A game ball unseen in live play (its sensor silent) for BallUnseenMin_s
// of live time or more is a limit, with a warning that says what team
// possession then misses; the short dropouts of any feed are not. Before,
// a silent ball went unsaid, and its whole silence was credited to the
// team last in control.
func TestBallUnseenLimit(t *testing.T) {
	sum := &track.Summary{
		Teams:   []track.TeamSummary{{TeamID: 1}, {TeamID: 2}},
		Quality: track.Quality{Locations: 1000, PlayerSensors: 10, BallSensors: 1},
		Players: []track.PlayerSummary{{PlayerID: 1, Distance_m: 10, DistanceLive_m: 10}},
	}
	for _, c := range []struct {
		unseen_s float64
		want     []string
	}{
		{0, nil},
		{1.2, nil},
		{track.BallUnseenMin_s - 0.1, nil},
		{track.BallUnseenMin_s, []string{export.LimitBallUnseen}},
		{161.75, []string{export.LimitBallUnseen}},
	} {
		sum.Quality.BallUnseenLive_s = c.unseen_s
		if got := export.Limits(sum); !slices.Equal(got, c.want) {
			t.Errorf("ball unseen %.1f s: limits %q, want %q", c.unseen_s, got, c.want)
		}
		if got := export.Summarize(sum).Quality.BallUnseenLive_s; got != c.unseen_s {
			t.Errorf("ball unseen %.1f s: summary.json quality.ball_unseen_live_s %v", c.unseen_s, got)
		}
		var warned []string
		for _, w := range SummaryWarnings("game", sum) {
			if strings.Contains(w, "unseen") {
				warned = append(warned, w)
			}
		}
		switch {
		case c.want == nil && len(warned) != 0:
			t.Errorf("ball unseen %.1f s: warned %q", c.unseen_s, warned)
		case c.want != nil && (len(warned) != 1 ||
			!strings.HasPrefix(warned[0], fmt.Sprintf("game: the game ball was unseen for %.0f s of live time (quality.ball_unseen_live_s; summary.json limits: ball_unseen)", c.unseen_s)) ||
			!strings.Contains(warned[0], "each team's possession_s misses its part of that time")):
			t.Errorf("ball unseen %.1f s: warnings %q", c.unseen_s, warned)
		}
	}
}

// Several balls moving on the court at once (two groups of a drill) for
// SeveralBallsMin_s of live time or more are a limit, with a warning
// that says what is missing and what shooter_agreement then compares; a
// few seconds of a second ball (a replacement thrown in) are not.
func TestSeveralBallsLimit(t *testing.T) {
	sum := &track.Summary{
		Teams:   []track.TeamSummary{{TeamID: 1}, {TeamID: 2}},
		Quality: track.Quality{Locations: 1000, PlayerSensors: 10, BallSensors: 2},
		Players: []track.PlayerSummary{{PlayerID: 1, Distance_m: 10, DistanceLive_m: 10}},
	}
	for _, c := range []struct {
		several_s float64
		want      []string
	}{
		{0, nil},
		{track.SeveralBallsMin_s - 0.1, nil},
		{track.SeveralBallsMin_s, []string{export.LimitSeveralBalls}},
		{240, []string{export.LimitSeveralBalls}},
	} {
		sum.SeveralBalls_s, sum.ShooterAgreement = c.several_s, 0.729
		if got := export.Limits(sum); !slices.Equal(got, c.want) {
			t.Errorf("%.1f s of several balls: limits %q, want %q", c.several_s, got, c.want)
		}
		var warned []string
		for _, w := range SummaryWarnings("drill", sum) {
			if strings.Contains(w, "balls") {
				warned = append(warned, w)
			}
		}
		switch {
		case c.want == nil && len(warned) != 0:
			t.Errorf("%.1f s of several balls: warned %q", c.several_s, warned)
		case c.want != nil && (len(warned) != 1 || !strings.HasPrefix(warned[0], "drill: two or more balls moved on the court at once") ||
			!strings.Contains(warned[0], "limits: several_balls") || !strings.Contains(warned[0], "no touches, possession") ||
			!strings.Contains(warned[0], "shooter_agreement (0.729) counts the feed's shots taken with the other balls")):
			t.Errorf("%.1f s of several balls: warnings %q", c.several_s, warned)
		}
	}
}
