package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math"
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

// bundleVariant copies the bundle at src to dst with its subscribe.json's
// teams replaced by teams(the original's) (nil: kept), the location lines
// of the players in drop left out, and live.json left out with noLive.
func bundleVariant(t *testing.T, src, dst string, teams func([]any) []any, drop map[int64]bool, noLive bool) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if noLive && name == decode.BundleLive {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case name == decode.BundleSubscribe && teams != nil:
			var sub map[string]any
			if err := json.Unmarshal(data, &sub); err != nil {
				t.Fatal(err)
			}
			sub["teams"] = teams(sub["teams"].([]any))
			if data, err = json.Marshal(sub); err != nil {
				t.Fatal(err)
			}
		case name == decode.BundleMessages && len(drop) > 0:
			var out bytes.Buffer
			sc := bufio.NewScanner(bytes.NewReader(data))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var m struct {
					Type string
					Data struct {
						Type string
						ID   int64
					}
				}
				if json.Unmarshal(sc.Bytes(), &m) == nil && m.Type == "location" && m.Data.Type == "PLAYER" && drop[m.Data.ID] {
					continue
				}
				out.Write(sc.Bytes())
				out.WriteByte('\n')
			}
			data = out.Bytes()
		}
		if err := os.WriteFile(filepath.Join(dst, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// oneTeamRun analyses the bundle at path with opt and returns the run,
// its summary and its segments.
func oneTeamRun(t *testing.T, path string, opt Options) (*Run, *track.Summary, []track.Segment) {
	t.Helper()
	b, err := decode.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	sink := &segmentSink{}
	r, err := OpenEngine(b, "s", opt, sink)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r, sum, sink.segs
}

// labels counts the passes, turnovers and rebounds by type/label, and
// the team possessions by team.
func labels(segs []track.Segment) (map[string]int, map[int64]int) {
	byLabel, teamRows := map[string]int{}, map[int64]int{}
	for _, g := range segs {
		switch g.Type {
		case track.SegPass, track.SegTurnover, track.SegRebound:
			byLabel[g.Type.String()+"/"+g.Label]++
		case track.SegTeamPossession:
			teamRows[g.TeamID]++
		}
	}
	return byLabel, teamRows
}

// The one-team rule looked at the roster alone. A game whose roster lists
// one team (as the API's own _subscribe example does), its other team
// tracked as unrostered players, was taken for a practice: every pass
// between two rostered players became unverified, the team's possessions
// vanished, --fold stopped and the warnings said "a practice?". A game
// with both teams on the roster but only one team's players tracked got
// confident labels (every change of hands a pass, every rebound
// offensive) and no word of it. The rule now follows what the session
// can tell apart: the first keeps the labels, team possessions and
// folding it had before the one-team rule (those of the same roster with
// a second, untracked team added, which the rule never touched); the
// second gets unverified labels, no team possession, the limit
// one_team_tracked and a warning, and still folds.
func TestOneTeamGame(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a game")
	}
	cfg := synth.DefaultConfig()
	cfg.Minutes, cfg.Seed = 4, 1
	dir := t.TempDir()
	game := filepath.Join(dir, "game")
	if _, err := synth.Write(context.Background(), cfg, game, nil); err != nil {
		t.Fatal(err)
	}
	b, err := decode.OpenBundle(game)
	if err != nil {
		t.Fatal(err)
	}
	if track.EventKindOf(b.Live) != track.EventGame || len(b.Subscribe.Teams) != 2 {
		t.Fatalf("synth game: live.json %+v, %d roster teams: want a game of two", b.Live, len(b.Subscribe.Teams))
	}
	home := b.Subscribe.Teams[0].ID
	away := map[int64]bool{}
	for _, p := range b.Subscribe.Teams[1].Players {
		away[p.ID] = true
	}

	// A: the roster lists the home team only; the away team is tracked.
	homeOnly := func(teams []any) []any { return teams[:1] }
	// The reference: the home team and a team of one player never
	// tracked. Two roster teams: the one-team rule never applied to it.
	withGhost := func(teams []any) []any {
		return []any{teams[0], map[string]any{"id": 999999, "name": "Ghosts", "players": []any{map[string]any{"id": 1}}}}
	}
	gA, gRef, gA0 := filepath.Join(dir, "gA"), filepath.Join(dir, "gRef"), filepath.Join(dir, "gA0")
	bundleVariant(t, game, gA, homeOnly, nil, false)
	bundleVariant(t, game, gRef, withGhost, nil, false)
	bundleVariant(t, game, gA0, homeOnly, nil, true) // no live.json: the away team's players still tell it
	_, unfolded, _ := oneTeamRun(t, gA, Options{})
	for _, path := range []string{gA, gA0} {
		r, sum, segs := oneTeamRun(t, path, Options{Fold: true})
		_, ref, refSegs := oneTeamRun(t, gRef, Options{Fold: true})
		name := filepath.Base(path)
		if !reflect.DeepEqual(segs, refSegs) {
			l, tp := labels(segs)
			rl, rtp := labels(refSegs)
			t.Errorf("%s: one-team roster of a game: events %v, team possessions %v; want those of the two-team roster: %v, %v", name, l, tp, rl, rtp)
		}
		if l := export.Limits(sum); !slices.Equal(l, []string{export.LimitPartialRoster}) || sum.OneTeam || sum.OneTeamTracked {
			t.Errorf("%s: limits %q (OneTeam %v, OneTeamTracked %v), want only %q", name, l, sum.OneTeam, sum.OneTeamTracked, export.LimitPartialRoster)
		}
		if !reflect.DeepEqual(sum.Heatmaps, ref.Heatmaps) || reflect.DeepEqual(sum.Heatmaps, unfolded.Heatmaps) {
			t.Errorf("%s: --fold: the heatmaps are not the two-team roster's folded ones", name)
		}
		l, tp := labels(segs)
		if l["pass/"] == 0 || tp[home] == 0 {
			t.Errorf("%s: events %v, team possessions %v: want verified passes and the home team's possessions", name, l, tp)
		}
		for _, w := range r.Warnings() {
			if strings.Contains(w, "one team") || strings.Contains(w, "--fold") {
				t.Errorf("%s: %s", name, w)
			}
		}
	}

	// B: both teams on the roster, only the home team's players tracked.
	gB := filepath.Join(dir, "gB")
	bundleVariant(t, game, gB, nil, away, false)
	r, sum, segs := oneTeamRun(t, gB, Options{Fold: true})
	l, tp := labels(segs)
	n := 0
	for k, v := range l {
		if !strings.HasSuffix(k, "/"+track.LabelUnverified) {
			t.Errorf("only one team tracked: %d %s, want every pass, turnover and rebound %q", v, k, track.LabelUnverified)
		}
		n += v
	}
	if n == 0 || len(tp) != 0 {
		t.Errorf("only one team tracked: events %v, team possessions %v: want unverified events, no team possession", l, tp)
	}
	if ls := export.Limits(sum); !slices.Equal(ls, []string{export.LimitOneTeamTracked}) || sum.OneTeam {
		t.Errorf("only one team tracked: limits %q (OneTeam %v), want %q", ls, sum.OneTeam, export.LimitOneTeamTracked)
	}
	checkWarned(t, r, filepath.Join(gB, decode.BundleMessages)+": only one team's players tracked",
		"a pass from a steal", `"unverified"`, "limits: one_team_tracked", "no team-level rows")
	_, unfoldedB, _ := oneTeamRun(t, gB, Options{})
	if reflect.DeepEqual(sum.Heatmaps, unfoldedB.Heatmaps) {
		t.Errorf("only one team tracked: --fold did not fold (the tracked team's shots give its direction)")
	}
	for _, w := range r.Warnings() {
		if strings.Contains(w, "--fold") || strings.Contains(w, "a practice") {
			t.Errorf("only one team tracked: %s", w)
		}
	}
}

// A practice without live.json (a bare recording with its one-team
// roster, no player off it tracked) is taken for one: its sides are not
// told apart, and --fold does not fold, as with live.json.
func TestOneTeamPracticeNoLive(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a practice")
	}
	cfg := synth.DefaultConfig()
	cfg.Practice, cfg.Minutes, cfg.Seed = true, 3, 5 // one scrimmage drill
	dir := t.TempDir()
	src, path := filepath.Join(dir, "practice"), filepath.Join(dir, "nolive")
	if _, err := synth.Write(context.Background(), cfg, src, nil); err != nil {
		t.Fatal(err)
	}
	bundleVariant(t, src, path, nil, nil, true)
	_, plain, _ := oneTeamRun(t, path, Options{})
	r, sum, segs := oneTeamRun(t, path, Options{Fold: true})
	if ls := export.Limits(sum); !slices.Equal(ls, []string{export.LimitOneTeam}) {
		t.Errorf("practice without live.json: limits %q, want %q", ls, export.LimitOneTeam)
	}
	l, tp := labels(segs)
	if l["pass/"] != 0 || l["pass/"+track.LabelUnverified] == 0 || len(tp) != 0 {
		t.Errorf("practice without live.json: events %v, team possessions %v: want unverified passes, no team possession", l, tp)
	}
	if len(sum.Heatmaps) != len(plain.Heatmaps) {
		t.Fatalf("practice without live.json, --fold: %d heatmap cells, %d without --fold", len(sum.Heatmaps), len(plain.Heatmaps))
	}
	for i, c := range sum.Heatmaps {
		p := plain.Heatmaps[i]
		if c.Scope != p.Scope || c.ID != p.ID || c.IX != p.IX || c.IY != p.IY || math.Abs(c.Seconds-p.Seconds) > 1e-9 {
			t.Fatalf("practice without live.json, --fold: cell %+v, %+v without --fold: folded", c, p)
		}
	}
	checkWarned(t, r, path+": --fold: the heatmaps are not folded: one team on the roster (a practice)", "opposite hoops")
}
