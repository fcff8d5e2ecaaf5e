package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	json "github.com/goccy/go-json"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

// Without a roster (every player on team 0) a steal reads as a pass and
// every rebound as offensive; without a court no shot is detected, and a
// missed or made shot reads as a pass or a turnover. Those events were
// labelled as if known (on the SportVU fragment: 9 "passes", 3 of them
// between opponents; 3 "steals" where there was 1), and the warnings did
// not say so. They are labelled unverified, summary.json's limits name
// what was missing, and the warnings say what is unreliable and which
// flag gives what is missing.
func TestEventsWithoutRosterOrCourt(t *testing.T) {
	cfg := synth.SampleConfig()
	cfg.Minutes = 2
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	if _, err := synth.Write(context.Background(), cfg, full, nil); err != nil {
		t.Fatal(err)
	}
	variant := func(name string, drop ...string) string {
		p := filepath.Join(dir, name)
		if err := os.CopyFS(p, os.DirFS(full)); err != nil {
			t.Fatal(err)
		}
		for _, f := range drop {
			if err := os.Remove(filepath.Join(p, f)); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	run := func(path string) (*Run, *track.Summary, map[track.SegmentType][]string) {
		t.Helper()
		b, err := decode.OpenBundle(path)
		if err != nil {
			t.Fatal(err)
		}
		sink := &segmentSink{}
		r, err := OpenEngine(b, "g", Options{}, sink)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := r.Do(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		labels := map[track.SegmentType][]string{}
		for _, g := range sink.segs {
			labels[g.Type] = append(labels[g.Type], g.Label)
		}
		return r, sum, labels
	}
	all := func(ls []string, want string) bool {
		return len(ls) > 0 && !slices.ContainsFunc(ls, func(l string) bool { return l != want })
	}
	unverified := track.LabelUnverified

	_, sum, ls := run(full)
	if l := export.Limits(sum); len(l) != 0 {
		t.Errorf("court and roster: limits %q, want none", l)
	}
	for typ, l := range ls {
		if slices.Contains(l, unverified) {
			t.Errorf("court and roster: segment type %d labelled %q: %q", typ, unverified, l)
		}
	}
	if len(ls[track.SegPass]) == 0 || len(ls[track.SegShot]) == 0 || len(ls[track.SegRebound]) == 0 || len(ls[track.SegTurnover]) == 0 {
		t.Fatalf("court and roster: %d passes, %d shots, %d rebounds, %d turnovers: the game is too short to test",
			len(ls[track.SegPass]), len(ls[track.SegShot]), len(ls[track.SegRebound]), len(ls[track.SegTurnover]))
	}

	r, sum, ls := run(variant("noroster", decode.BundleSubscribe))
	if l := export.Limits(sum); !slices.Equal(l, []string{export.LimitNoRoster}) {
		t.Errorf("no roster: limits %q", l)
	}
	if !all(ls[track.SegPass], unverified) || !all(ls[track.SegRebound], unverified) || len(ls[track.SegTurnover]) != 0 {
		t.Errorf("no roster: passes %q, rebounds %q, turnovers %q: want passes and rebounds %s (and no turnover: one team)",
			ls[track.SegPass], ls[track.SegRebound], ls[track.SegTurnover], unverified)
	}
	if slices.Contains(ls[track.SegShot], unverified) {
		t.Errorf("no roster: shots labelled %q: a shot needs no team", unverified)
	}
	checkWarned(t, r, filepath.Join(dir, "noroster")+": no subscribe.json: players have no names or teams",
		"a pass from a steal", "offensive from defensive", `"unverified"`, "limits: no_roster", "analyze --roster FILE")

	r, sum, ls = run(variant("nocourt", decode.BundleCourt))
	if l := export.Limits(sum); !slices.Equal(l, []string{export.LimitNoCourt}) {
		t.Errorf("no court: limits %q", l)
	}
	if !all(ls[track.SegPass], unverified) || !all(ls[track.SegTurnover], unverified) || len(ls[track.SegShot]) != 0 || len(ls[track.SegRebound]) != 0 {
		t.Errorf("no court: passes %q, turnovers %q, %d shots and %d rebounds: want passes and turnovers %s, no shot or rebound",
			ls[track.SegPass], ls[track.SegTurnover], len(ls[track.SegShot]), len(ls[track.SegRebound]), unverified)
	}
	checkWarned(t, r, filepath.Join(dir, "nocourt")+": no court.json: positions stay in the sensor frame",
		"missed or made shot", "pass or a turnover", "limits: no_court", "analyze --court FILE")

	_, sum, _ = run(variant("neither", decode.BundleSubscribe, decode.BundleCourt))
	if l := export.Limits(sum); !slices.Equal(l, []string{export.LimitNoRoster, export.LimitNoCourt}) {
		t.Errorf("neither: limits %q", l)
	}

	// A roster that misses two players of a team: they are team 0, so a
	// pass to a teammate of theirs read as a turnover (a "steal"), and
	// their rebounds as the other team's (on the SportVU fragment without
	// two of its players, with no word of it but quality.unknown_ids).
	partial := variant("partial")
	missing := dropFromRoster(t, filepath.Join(partial, decode.BundleSubscribe), 2)
	b, err := decode.OpenBundle(partial)
	if err != nil {
		t.Fatal(err)
	}
	sink := &segmentSink{}
	r, err = OpenEngine(b, "g", Options{}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err = r.Do(context.Background()); err != nil {
		t.Fatal(err)
	}
	if l := export.Limits(sum); !slices.Equal(l, []string{export.LimitPartialRoster}) {
		t.Errorf("partial roster: limits %q, want %q", l, export.LimitPartialRoster)
	}
	var theirs, others int
	for _, g := range sink.segs {
		involved := missing[g.PlayerID] || missing[g.ToPlayerID]
		switch g.Type {
		case track.SegPass, track.SegTurnover:
		case track.SegRebound:
			involved = missing[g.PlayerID] // the shooter is not in the segment
		default:
			continue
		}
		switch {
		case involved && g.Label != unverified:
			t.Errorf("partial roster: %s of player %d (to %d) labelled %q, want %q: the roster does not name them",
				g.Type, g.PlayerID, g.ToPlayerID, g.Label, unverified)
		case involved:
			theirs++
		case g.Type != track.SegRebound && g.Label == unverified:
			t.Errorf("partial roster: %s of rostered players %d to %d labelled %q", g.Type, g.PlayerID, g.ToPlayerID, g.Label)
		default:
			others++
		}
	}
	checkWarned(t, r, filepath.Join(partial, decode.BundleMessages)+": 2 of ", "not on the roster", `"unverified"`, "limits: partial_roster")

	// A roster that names none of the sensors (another session's) is as
	// good as none: no_roster, not partial_roster (a season recheck).
	other := variant("other")
	sub := filepath.Join(other, decode.BundleSubscribe)
	renumberRoster(t, sub, 1_000_000)
	_, osum, _ := run(other)
	if l := export.Limits(osum); !slices.Equal(l, []string{export.LimitNoRoster}) {
		t.Errorf("another session's roster: limits %q, want %q", l, export.LimitNoRoster)
	}
	if theirs == 0 || others == 0 {
		t.Errorf("partial roster: %d events of the unrostered players, %d of the others: want some of both", theirs, others)
	}
}

// renumberRoster adds add to every player id of the subscribe.json at
// path: a roster naming none of the session's sensors.
func renumberRoster(t *testing.T, path string, add int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sub map[string]any
	if err := json.Unmarshal(data, &sub); err != nil {
		t.Fatal(err)
	}
	for _, tm := range sub["teams"].([]any) {
		for _, p := range tm.(map[string]any)["players"].([]any) {
			pm := p.(map[string]any)
			pm["id"] = pm["id"].(float64) + float64(add)
		}
	}
	if data, err = json.Marshal(sub); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// dropFromRoster removes the first n players of the first team from the
// subscribe.json at path and returns their ids.
func dropFromRoster(t *testing.T, path string, n int) map[int64]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sub map[string]any
	if err := json.Unmarshal(data, &sub); err != nil {
		t.Fatal(err)
	}
	team := sub["teams"].([]any)[0].(map[string]any)
	players := team["players"].([]any)
	gone := map[int64]bool{}
	for _, p := range players[:n] {
		gone[int64(p.(map[string]any)["id"].(float64))] = true
	}
	team["players"] = players[n:]
	if data, err = json.Marshal(sub); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return gone
}

// A bare recording with a players.json beside it (as a SportVU export
// has) is told to give it with --roster.
func TestNoRosterWarningPointsAtPlayersJSON(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "stream.jsonl")
	if err := os.WriteFile(rec, []byte(`{"type":"marker","occurred_at":1764151200000,"marker_type":"LIVE"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := decode.OpenBundle(rec)
	if err != nil {
		t.Fatal(err)
	}
	if w := noRosterWarning(b); strings.Contains(w, "players.json beside") {
		t.Errorf("no players.json beside, yet: %s", w)
	}
	players := filepath.Join(dir, "players.json")
	if err := os.WriteFile(players, []byte(`{"teams":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if w := noRosterWarning(b); !strings.Contains(w, "the players.json beside it is not read: give it with analyze --roster "+players) {
		t.Errorf("players.json beside, not pointed at: %s", w)
	}
}

// A court.json that does not belong to the feed (another court of the
// facility: a valid court 45 m away) put every sample off the court:
// every player had 0 minutes on court, no possession, no event, and
// nothing said so (exit 0, no limit). The session is analysed, with a
// warning and summary.json limits off_court; its own court gives none.
func TestCourtOffTheFeed(t *testing.T) {
	cfg := synth.SampleConfig()
	cfg.Minutes = 1
	dir := t.TempDir()
	own := filepath.Join(dir, "own")
	if _, err := synth.Write(context.Background(), cfg, own, nil); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other")
	if err := os.CopyFS(other, os.DirFS(own)); err != nil {
		t.Fatal(err)
	}
	shiftCourt(t, filepath.Join(other, decode.BundleCourt), 45_000, 0)
	for _, c := range []struct {
		path string
		want []string
	}{{own, nil}, {other, []string{export.LimitOffCourt}}} {
		r, sum, _ := oneTeamRun(t, c.path, Options{})
		if l := export.Limits(sum); !slices.Equal(l, c.want) {
			t.Errorf("%s: limits %q, want %q (in bounds: %+v)", c.path, l, c.want, sum.InBounds)
		}
		if c.want != nil {
			checkWarned(t, r, r.b.MessagesPath+": 100.0 % of the players' samples and 100.0 % of the ball's lie off the court",
				"limits: off_court", "does not belong to this feed", "analyze --court FILE")
		}
	}
}

// shiftCourt moves the court.json at path by (dx_mm, dy_mm) in the sensor
// frame: still a valid court, but another one.
func shiftCourt(t *testing.T, path string, dx_mm, dy_mm float64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := court.ParseBody(data)
	if err != nil {
		t.Fatal(err)
	}
	b.XNE, b.XSE, b.XSW, b.XNW = b.XNE+dx_mm, b.XSE+dx_mm, b.XSW+dx_mm, b.XNW+dx_mm
	b.YNE, b.YSE, b.YSW, b.YNW = b.YNE+dy_mm, b.YSE+dy_mm, b.YSW+dy_mm, b.YNW+dy_mm
	for i := range b.Hoops {
		b.Hoops[i].X += dx_mm
		b.Hoops[i].Y += dy_mm
	}
	if data, err = json.Marshal(b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
